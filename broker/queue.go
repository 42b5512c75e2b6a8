package broker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// Message is a message to send. ID identifies it for deduplication (the job
// id); it must not be empty.
type Message struct {
	ID   string
	Body []byte
}

// Queue is one job queue plus its dead-letter queue and reply inboxes,
// opened from a URL. It is safe for concurrent use.
type Queue struct {
	d driver.Queue

	// closeCtx is canceled by Close so that blocked Receives return.
	closeCtx    context.Context
	closeCancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	inboxes map[*Inbox]struct{}
}

// NewQueue wraps a driver queue. Most callers use OpenQueue.
func NewQueue(d driver.Queue) *Queue {
	ctx, cancel := context.WithCancel(context.Background())
	return &Queue{d: d, closeCtx: ctx, closeCancel: cancel, inboxes: map[*Inbox]struct{}{}}
}

func (q *Queue) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// begin checks the queue is open and ctx not done, and returns a context that
// is also canceled when the queue is closed.
func (q *Queue) begin(ctx context.Context, op string) (context.Context, func(), error) {
	if q.isClosed() {
		return nil, nil, fmt.Errorf("broker: %s: %w", op, ErrClosed)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	opCtx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(q.closeCtx, cancel)
	return opCtx, func() { stop(); cancel() }, nil
}

func (q *Queue) checkSize(op string, n int) error {
	if max := q.d.MaxMessageSize(); n > max {
		return fmt.Errorf("broker: %s: %w: %d bytes, the limit is %d", op, ErrTooLarge, n, max)
	}
	return nil
}

// Send publishes m to the work queue. Drivers that support it deduplicate
// by m.ID (JetStream within its duplicate window); others rely on the
// receiver to be idempotent (see the driver's documentation).
func (q *Queue) Send(ctx context.Context, m *Message) error {
	if m == nil || m.ID == "" {
		return errors.New("broker: send: message ID is empty")
	}
	if err := q.checkSize("send", len(m.Body)); err != nil {
		return err
	}
	opCtx, done, err := q.begin(ctx, "send")
	if err != nil {
		return err
	}
	defer done()
	return q.wrap(ctx, "send", q.d.Send(opCtx, &driver.Message{ID: m.ID, Body: m.Body}))
}

// Receive blocks until one message is delivered, ctx is done (returning
// ctx.Err()) or the queue is closed (ErrClosed). The delivery is held for
// Lease(); keep it longer with Extend.
func (q *Queue) Receive(ctx context.Context) (*Delivery, error) {
	return q.receive(ctx, "receive", q.d.Receive)
}

// ReceiveDeadLetter receives one message from the dead-letter queue: a
// message that was terminated or delivered too many times. Ack removes it
// from the dead-letter queue.
func (q *Queue) ReceiveDeadLetter(ctx context.Context) (*Delivery, error) {
	return q.receive(ctx, "receive dead letter", q.d.ReceiveDeadLetter)
}

func (q *Queue) receive(ctx context.Context, op string, recv func(context.Context) (driver.Delivery, error)) (*Delivery, error) {
	opCtx, done, err := q.begin(ctx, op)
	if err != nil {
		return nil, err
	}
	defer done()
	dd, err := recv(opCtx)
	if err != nil {
		return nil, q.wrap(ctx, op, err)
	}
	now := time.Now()
	lease := q.d.Lease()
	return &Delivery{q: q, d: dd, lease: lease, deadline: now.Add(lease - receiveMargin(lease))}, nil
}

// receiveMargin is subtracted from the lease of a fresh delivery: the server
// started the lease when it handed the message out, a little before it
// arrived here.
func receiveMargin(lease time.Duration) time.Duration {
	m := lease / 10
	if m > time.Second {
		m = time.Second
	}
	return m
}

// OpenInbox creates a reply inbox for one invocation. Open it before sending
// the job whose reply it is to receive, and Close it when done.
func (q *Queue) OpenInbox(ctx context.Context) (*Inbox, error) {
	opCtx, done, err := q.begin(ctx, "open inbox")
	if err != nil {
		return nil, err
	}
	defer done()
	di, err := q.d.OpenInbox(opCtx)
	if err != nil {
		return nil, q.wrap(ctx, "open inbox", err)
	}
	in := &Inbox{q: q, d: di}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		_ = di.Close()
		return nil, fmt.Errorf("broker: open inbox: %w", ErrClosed)
	}
	q.inboxes[in] = struct{}{}
	return in, nil
}

// Reply sends body to the inbox at address (an Inbox.Address, carried in the
// job envelope's reply_to).
func (q *Queue) Reply(ctx context.Context, address string, body []byte) error {
	if address == "" {
		return errors.New("broker: reply: address is empty")
	}
	if err := q.checkSize("reply", len(body)); err != nil {
		return err
	}
	opCtx, done, err := q.begin(ctx, "reply")
	if err != nil {
		return err
	}
	defer done()
	return q.wrap(ctx, "reply", q.d.Reply(opCtx, address, body))
}

// SweepInboxes deletes reply inboxes abandoned by crashed invocations that
// were created more than olderThan ago, for drivers whose inboxes outlive
// their invocation (SQS reply queues). For other drivers it does nothing.
// It returns the number of inboxes deleted.
func (q *Queue) SweepInboxes(ctx context.Context, olderThan time.Duration) (int, error) {
	s, ok := q.d.(driver.InboxSweeper)
	if !ok {
		return 0, nil
	}
	opCtx, done, err := q.begin(ctx, "sweep inboxes")
	if err != nil {
		return 0, err
	}
	defer done()
	n, err := s.SweepInboxes(opCtx, olderThan)
	return n, q.wrap(ctx, "sweep inboxes", err)
}

// MaxMessageSize is the largest body Send and Reply accept.
func (q *Queue) MaxMessageSize() int { return q.d.MaxMessageSize() }

// Lease is how long a delivery is held before it is redelivered.
func (q *Queue) Lease() time.Duration { return q.d.Lease() }

// As exposes the driver's own types (see the driver's documentation).
func (q *Queue) As(i any) bool { return q.d.As(i) }

// Close closes inboxes still open, makes blocked calls return ErrClosed and
// releases the driver. Operations after Close return ErrClosed.
func (q *Queue) Close() error {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return fmt.Errorf("broker: close: %w", ErrClosed)
	}
	inboxes := make([]*Inbox, 0, len(q.inboxes))
	for in := range q.inboxes {
		inboxes = append(inboxes, in)
	}
	q.mu.Unlock()

	var errs []error
	for _, in := range inboxes {
		if err := in.Close(); err != nil && !errors.Is(err, ErrClosed) {
			errs = append(errs, err)
		}
	}

	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.closeCancel()
	if err := q.d.Close(); err != nil {
		errs = append(errs, &Error{Op: "close", Code: q.d.ErrorCode(err), Err: err})
	}
	return errors.Join(errs...)
}
