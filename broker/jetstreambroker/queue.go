package jetstreambroker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Defaults for Options fields left zero.
const (
	DefaultStream      = "MSSQLDUMP"
	DefaultConsumer    = "agents"
	DefaultLease       = 30 * time.Second
	DefaultMaxDeliver  = 5
	DefaultReplyMaxAge = 24 * time.Hour
	// DuplicateWindow is how long the job stream remembers message IDs for
	// publish deduplication.
	DuplicateWindow = 10 * time.Minute
)

// Headers set on messages.
const (
	headerID      = "Mssqldump-Id" // original message ID on a dead letter
	headerReason  = "Mssqldump-Dead-Reason"
	headerAttempt = "Mssqldump-Attempts"
)

// pollWait bounds one pull request, so a Receive blocked for long re-issues
// its pull regularly (and notices a closed connection).
const pollWait = 5 * time.Second

// Options configure a Queue.
type Options struct {
	Stream      string        // default DefaultStream
	Consumer    string        // default DefaultConsumer
	Lease       time.Duration // AckWait; default DefaultLease
	MaxDeliver  int           // default DefaultMaxDeliver
	ReplyMaxAge time.Duration // default DefaultReplyMaxAge
	// NoCreate binds to existing streams and consumer instead of creating
	// or updating them (for servers where an operator owns the layout).
	NoCreate bool
}

func (o *Options) setDefaults() error {
	if o.Stream == "" {
		o.Stream = DefaultStream
	}
	if o.Consumer == "" {
		o.Consumer = DefaultConsumer
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.MaxDeliver <= 0 {
		o.MaxDeliver = DefaultMaxDeliver
	}
	if o.ReplyMaxAge <= 0 {
		o.ReplyMaxAge = DefaultReplyMaxAge
	}
	if strings.ContainsAny(o.Stream, ".*> \t\r\n/\\") {
		return fmt.Errorf("stream name %q may not contain '.', '*', '>', '/', '\\' or white space", o.Stream)
	}
	if strings.ContainsAny(o.Consumer, ".*> \t\r\n/\\") {
		return fmt.Errorf("consumer name %q may not contain '.', '*', '>', '/', '\\' or white space", o.Consumer)
	}
	return nil
}

// Queue is the JetStream driver.Queue. Use broker.NewQueue(q) to get the
// portable type; broker.Queue.As(&q) with a **Queue reaches it again.
type Queue struct {
	nc       *nats.Conn
	ownsConn bool
	js       jetstream.JetStream
	opts     Options

	jobs, dlq, replies jetstream.Stream
	cons, dlqCons      jetstream.Consumer
	lease              time.Duration
	maxDeliver         int

	advisories []*nats.Subscription

	mu     sync.Mutex
	closed bool
}

var _ driver.Queue = (*Queue)(nil)

func (q *Queue) jobSubject() string    { return q.opts.Stream + ".jobs" }
func (q *Queue) dlqSubject() string    { return q.opts.Stream + ".dlq" }
func (q *Queue) replyPrefix() string   { return q.opts.Stream + ".reply." }
func (q *Queue) dlqStreamName() string { return q.opts.Stream + "_DLQ" }

// OpenQueue opens (and unless opts.NoCreate, creates or updates) the queue
// on an established connection. The caller keeps ownership of nc.
func OpenQueue(ctx context.Context, nc *nats.Conn, opts Options) (*Queue, error) {
	return openQueue(ctx, nc, false, opts)
}

func openQueue(ctx context.Context, nc *nats.Conn, ownsConn bool, opts Options) (*Queue, error) {
	if err := opts.setDefaults(); err != nil {
		return nil, openurl.Invalid(err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	q := &Queue{nc: nc, ownsConn: ownsConn, js: js, opts: opts}
	if err := q.setup(ctx); err != nil {
		q.unsubscribe()
		return nil, err
	}
	return q, nil
}

// ensureStream creates the stream, or updates it only when its settings
// differ from want. Every agent and CLI opens the queue, so an update on
// every open would rewrite the stream's configuration many times over, and
// nats-server races a stream update against a concurrent consumer create
// (seen under -race in nats-server v2.15.2).
func (q *Queue) ensureStream(ctx context.Context, want jetstream.StreamConfig) (jetstream.Stream, error) {
	st, err := q.js.Stream(ctx, want.Name)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
		st, err = q.js.CreateStream(ctx, want)
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			return q.ensureStream(ctx, want) // another process created it first
		}
		return st, err
	case err != nil:
		return nil, err
	}
	have := st.CachedInfo().Config
	if have.Description == want.Description && slices.Equal(have.Subjects, want.Subjects) &&
		have.Retention == want.Retention && have.Storage == want.Storage &&
		(want.Duplicates == 0 || have.Duplicates == want.Duplicates) && have.MaxAge == want.MaxAge {
		return st, nil
	}
	return q.js.UpdateStream(ctx, want)
}

// setup finds (NoCreate) or creates the streams and consumers, reads the
// consumer's effective settings and subscribes to its advisories.
func (q *Queue) setup(ctx context.Context) error {
	find := q.createStreamsAndConsumers
	if q.opts.NoCreate {
		find = q.findStreamsAndConsumers
	}
	if err := find(ctx); err != nil {
		return err
	}
	// The consumer's own settings win over the options: with NoCreate, or
	// when another process configured it.
	cfg := q.cons.CachedInfo().Config
	q.lease, q.maxDeliver = cfg.AckWait, cfg.MaxDeliver
	if q.lease <= 0 {
		q.lease = 30 * time.Second // the server's default AckWait
	}
	return q.subscribeAdvisories(ctx)
}

// findStreamsAndConsumers looks up streams and consumers that must already
// exist (NoCreate: another process or an operator made them).
func (q *Queue) findStreamsAndConsumers(ctx context.Context) error {
	s, c := q.opts.Stream, q.opts.Consumer
	var err error
	if q.jobs, err = q.js.Stream(ctx, s); err != nil {
		return fmt.Errorf("stream %s: %w", s, err)
	}
	if q.dlq, err = q.js.Stream(ctx, q.dlqStreamName()); err != nil {
		return fmt.Errorf("stream %s: %w", q.dlqStreamName(), err)
	}
	if q.replies, err = q.js.Stream(ctx, s+"_REPLY"); err != nil {
		return fmt.Errorf("stream %s_REPLY: %w", s, err)
	}
	if q.cons, err = q.jobs.Consumer(ctx, c); err != nil {
		return fmt.Errorf("consumer %s on %s: %w", c, s, err)
	}
	if q.dlqCons, err = q.dlq.Consumer(ctx, c+"_DLQ"); err != nil {
		return fmt.Errorf("consumer %s_DLQ on %s: %w", c, q.dlqStreamName(), err)
	}
	return nil
}

// createStreamsAndConsumers creates (or updates to these settings) the job,
// dead-letter and reply streams and the two durable consumers.
func (q *Queue) createStreamsAndConsumers(ctx context.Context) error {
	s := q.opts.Stream
	var err error
	if q.jobs, err = q.ensureStream(ctx, workQueueStream(s, "mssqldump jobs", q.jobSubject())); err != nil {
		return fmt.Errorf("create stream %s: %w", s, err)
	}
	if q.dlq, err = q.ensureStream(ctx, workQueueStream(q.dlqStreamName(), "mssqldump dead letters", q.dlqSubject())); err != nil {
		return fmt.Errorf("create stream %s: %w", q.dlqStreamName(), err)
	}
	if q.replies, err = q.ensureStream(ctx, jetstream.StreamConfig{
		Name:        s + "_REPLY",
		Description: "mssqldump reply inboxes",
		Subjects:    []string{q.replyPrefix() + "*"},
		Retention:   jetstream.LimitsPolicy,
		Storage:     jetstream.FileStorage,
		MaxAge:      q.opts.ReplyMaxAge,
	}); err != nil {
		return fmt.Errorf("create stream %s_REPLY: %w", s, err)
	}
	return q.createConsumers(ctx)
}

// workQueueStream is the configuration of the job and the dead-letter
// streams: a work queue (a message is gone once acked), on disk, with
// publish deduplication over DuplicateWindow.
func workQueueStream(name, description, subject string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        name,
		Description: description,
		Subjects:    []string{subject},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		Duplicates:  DuplicateWindow,
	}
}

// createConsumers creates (or updates) the agents' durable consumer on the
// job stream and the dead-letter readers' on the DLQ.
func (q *Queue) createConsumers(ctx context.Context) error {
	s, c := q.opts.Stream, q.opts.Consumer
	var err error
	if q.cons, err = q.jobs.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       c,
		Description:   "mssqldump agents",
		FilterSubject: q.jobSubject(),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       q.opts.Lease,
		MaxDeliver:    q.opts.MaxDeliver,
	}); err != nil {
		return fmt.Errorf("create consumer %s on %s: %w", c, s, err)
	}
	if q.dlqCons, err = q.dlq.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       c + "_DLQ",
		Description:   "mssqldump dead-letter readers",
		FilterSubject: q.dlqSubject(),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       q.opts.Lease,
		MaxDeliver:    -1,
	}); err != nil {
		return fmt.Errorf("create consumer %s_DLQ on %s: %w", c, q.dlqStreamName(), err)
	}
	return nil
}

// subscribeAdvisories listens for the consumer's max-deliveries and
// terminated advisories (which move a job to the dead-letter queue).
func (q *Queue) subscribeAdvisories(ctx context.Context) error {
	s, c := q.opts.Stream, q.opts.Consumer
	for _, kind := range []string{"MAX_DELIVERIES", "MSG_TERMINATED"} {
		subj := fmt.Sprintf("$JS.EVENT.ADVISORY.CONSUMER.%s.%s.%s", kind, s, c)
		sub, err := q.nc.Subscribe(subj, q.onAdvisory)
		if err != nil {
			return fmt.Errorf("subscribe to %s: %w", subj, err)
		}
		q.advisories = append(q.advisories, sub)
	}
	// The subscriptions must be in place on the server before any Receive
	// can trigger an advisory.
	fctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	return q.nc.FlushWithContext(fctx)
}

// requestTimeout bounds requests made with a context that has no deadline
// (nats.go would wait for ever, or refuse such a context).
const requestTimeout = 10 * time.Second

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, requestTimeout)
}

// advisory is the part of the MAX_DELIVERIES and MSG_TERMINATED advisories
// the driver reads.
type advisory struct {
	StreamSeq  uint64 `json:"stream_seq"`
	Deliveries uint64 `json:"deliveries"`
	Reason     string `json:"reason"`
}

// onAdvisory moves the message an advisory names to the DLQ. Several Queues
// may race on the same advisory: the DLQ publish is deduplicated by stream
// sequence and a message already gone is skipped.
func (q *Queue) onAdvisory(m *nats.Msg) {
	var a advisory
	if err := json.Unmarshal(m.Data, &a); err != nil || a.StreamSeq == 0 {
		return
	}
	reason := a.Reason
	if reason == "" {
		reason = fmt.Sprintf("delivered %d times without being acknowledged", a.Deliveries)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	raw, err := q.jobs.GetMsg(ctx, a.StreamSeq)
	if err != nil {
		return // already moved by another Queue, or acked (terminated ones are)
	}
	id := raw.Header.Get(nats.MsgIdHdr)
	if err := q.publishDeadLetter(ctx, a.StreamSeq, id, raw.Data, reason, int(a.Deliveries)); err != nil {
		return // the message stays in the stream; nothing is lost
	}
	_ = q.jobs.DeleteMsg(ctx, a.StreamSeq)
}

func (q *Queue) publishDeadLetter(ctx context.Context, seq uint64, id string, body []byte, reason string, attempts int) error {
	m := nats.NewMsg(q.dlqSubject())
	m.Data = body
	m.Header.Set(headerID, id)
	m.Header.Set(headerReason, reason)
	m.Header.Set(headerAttempt, fmt.Sprint(attempts))
	_, err := q.js.PublishMsg(ctx, m, jetstream.WithMsgID(fmt.Sprintf("dlq-%s-%d", q.opts.Stream, seq)))
	return err
}

func (q *Queue) unsubscribe() {
	for _, s := range q.advisories {
		_ = s.Unsubscribe()
	}
	q.advisories = nil
}

// Send implements driver.Queue.
func (q *Queue) Send(ctx context.Context, m *driver.Message) error {
	_, err := q.js.Publish(ctx, q.jobSubject(), m.Body, jetstream.WithMsgID(m.ID))
	return err
}

// Receive implements driver.Queue.
func (q *Queue) Receive(ctx context.Context) (driver.Delivery, error) {
	return q.receive(ctx, q.cons, false)
}

// ReceiveDeadLetter implements driver.Queue.
func (q *Queue) ReceiveDeadLetter(ctx context.Context) (driver.Delivery, error) {
	return q.receive(ctx, q.dlqCons, true)
}

func (q *Queue) receive(ctx context.Context, cons jetstream.Consumer, dead bool) (driver.Delivery, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if q.nc.IsClosed() {
			return nil, nats.ErrConnectionClosed
		}
		m, err := q.pullOne(ctx, cons)
		if err != nil {
			return nil, err
		}
		if m != nil {
			return newDelivery(q, m, dead)
		}
	}
}

// pullOne issues one pull request for one message, bounded by pollWait. It
// returns nil, nil when the request expired empty. The request is tied to
// ctx: on cancel the client drops the pull's reply subscription, and the
// server, seeing no interest, drops the request instead of handing the next
// message to a receiver that left (which would cost that message an
// attempt).
func (q *Queue) pullOne(ctx context.Context, cons jetstream.Consumer) (jetstream.Msg, error) {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < 10*time.Millisecond {
		// Too short for a pull request to be worth sending.
		<-ctx.Done()
		return nil, ctx.Err()
	}
	pollCtx, cancel := context.WithTimeout(ctx, pollWait)
	defer cancel()
	batch, err := cons.Fetch(1, jetstream.FetchContext(pollCtx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if pollCtx.Err() != nil {
			return nil, nil // the deadline passed while the request was built
		}
		return nil, err
	}
	m, ok := <-batch.Messages()
	if ctx.Err() != nil {
		if ok {
			// Delivered just as the caller gave up: give it straight back.
			_ = m.Nak()
		}
		// Make sure the unsubscription reached the server.
		_ = q.nc.Flush()
		return nil, ctx.Err()
	}
	if ok {
		return m, nil
	}
	if err := batch.Error(); err != nil && !isPullExpiry(err) {
		return nil, err
	}
	return nil, nil
}

func isPullExpiry(err error) bool {
	return errors.Is(err, nats.ErrTimeout) || errors.Is(err, jetstream.ErrNoMessages) ||
		errors.Is(err, context.DeadlineExceeded)
}

// MaxMessageSize implements driver.Queue: the server's max payload less room
// for headers.
func (q *Queue) MaxMessageSize() int {
	n := int(q.nc.MaxPayload()) - 4096
	if n <= 0 {
		n = 1 << 20
	}
	return n
}

// Lease implements driver.Queue: the consumer's AckWait.
func (q *Queue) Lease() time.Duration { return q.lease }

// MaxDeliver is the consumer's maximum number of delivery attempts.
func (q *Queue) MaxDeliver() int { return q.maxDeliver }

// Conn is the queue's NATS connection.
func (q *Queue) Conn() *nats.Conn { return q.nc }

// As implements driver.Queue: **Queue, *jetstream.JetStream, **nats.Conn.
func (q *Queue) As(i any) bool {
	switch p := i.(type) {
	case **Queue:
		*p = q
	case *jetstream.JetStream:
		*p = q.js
	case **nats.Conn:
		*p = q.nc
	default:
		return false
	}
	return true
}

// Close implements driver.Queue. It closes the connection if the queue
// opened it.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil
	}
	q.closed = true
	q.mu.Unlock()
	q.unsubscribe()
	if q.ownsConn {
		q.nc.Close()
	}
	return nil
}

// OpenInbox implements driver.Queue.
func (q *Queue) OpenInbox(ctx context.Context) (driver.Inbox, error) {
	subj := q.replyPrefix() + nuid.Next()
	cons, err := q.replies.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{subj},
		DeliverPolicy:  jetstream.DeliverAllPolicy,
	})
	if err != nil {
		return nil, err
	}
	it, err := cons.Messages()
	if err != nil {
		return nil, err
	}
	return &inbox{q: q, subject: subj, it: it}, nil
}

// Reply implements driver.Queue. The address must be an inbox of this queue.
func (q *Queue) Reply(ctx context.Context, address string, body []byte) error {
	if !strings.HasPrefix(address, q.replyPrefix()) || strings.ContainsAny(address[len(q.replyPrefix()):], ".*> ") || len(address) == len(q.replyPrefix()) {
		return openurl.Invalid(fmt.Errorf("reply address %q is not an inbox of this queue (want %s<id>)", address, q.replyPrefix()))
	}
	_, err := q.js.Publish(ctx, address, body)
	return err
}

type inbox struct {
	q       *Queue
	subject string
	it      jetstream.MessagesContext
}

func (i *inbox) Address() string { return i.subject }

func (i *inbox) Receive(ctx context.Context) ([]byte, error) {
	m, err := i.it.Next(jetstream.NextContext(ctx))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	return m.Data(), nil
}

func (i *inbox) Close() error {
	i.it.Stop()
	if i.q.nc.IsClosed() {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return i.q.replies.Purge(ctx, jetstream.WithPurgeSubject(i.subject))
}
