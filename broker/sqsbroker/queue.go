package sqsbroker

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Defaults for Options fields left zero.
const (
	DefaultLease       = 30 * time.Second
	DefaultMaxDeliver  = 5
	DefaultWait        = 20 * time.Second
	DefaultReplyPrefix = "mssqldump-reply-"
	// maxHold is SQS's limit on how long a received message stays invisible.
	maxHold = 12 * time.Hour
)

// Message attributes set by the driver.
const (
	attrID       = "mssqldump-id"
	attrEncoding = "mssqldump-encoding"
	attrReason   = "mssqldump-dead-reason"
	attrAttempts = "mssqldump-attempts"
	// tagCreated holds a reply queue's creation time (RFC 3339, UTC).
	tagCreated = "mssqldump-created"
)

// attributeRoom is what the body budget leaves for message attributes.
const attributeRoom = 2048

// Options configure a Queue.
type Options struct {
	// Account and Name identify the work queue.
	Account, Name string
	// DLQ is the dead-letter queue's name (in Account) or URL; default
	// Name+"-dlq".
	DLQ string
	// Lease is the visibility timeout while a message is held (whole
	// seconds, at least 1s); default DefaultLease.
	Lease time.Duration
	// MaxDeliver is the redrive policy's maxReceiveCount (with Create).
	MaxDeliver int
	// Create creates the queue and the DLQ if missing and sets the redrive
	// policy.
	Create bool
	// Wait is the long-poll time per ReceiveMessage (at most 20s).
	Wait time.Duration
	// ReplyPrefix names reply queues.
	ReplyPrefix string
}

// Queue is the SQS driver.Queue. broker.Queue.As(&q) with a **Queue, or
// with a **sqs.Client, reaches it.
type Queue struct {
	client *sqs.Client
	opts   Options

	url, dlqURL string
	maxSize     int

	mu     sync.Mutex
	closed bool
}

var _ driver.Queue = (*Queue)(nil)
var _ driver.InboxSweeper = (*Queue)(nil)

// OpenQueue opens the queue named in opts (creating it with opts.Create).
func OpenQueue(ctx context.Context, client *sqs.Client, opts Options) (*Queue, error) {
	if opts.Name == "" {
		return nil, openurl.Invalid(errors.New("sqs: queue name is empty"))
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Lease < time.Second || opts.Lease%time.Second != 0 {
		return nil, openurl.Invalid(fmt.Errorf("sqs: lease %v: want whole seconds, at least 1s (SQS visibility timeouts are seconds)", opts.Lease))
	}
	if opts.Lease > maxHold {
		return nil, openurl.Invalid(fmt.Errorf("sqs: lease %v exceeds SQS's 12h maximum", opts.Lease))
	}
	if opts.MaxDeliver <= 0 {
		opts.MaxDeliver = DefaultMaxDeliver
	}
	if opts.Wait <= 0 || opts.Wait > DefaultWait {
		opts.Wait = DefaultWait
	}
	if opts.ReplyPrefix == "" {
		opts.ReplyPrefix = DefaultReplyPrefix
	}
	if opts.DLQ == "" {
		opts.DLQ = opts.Name + "-dlq"
	}
	q := &Queue{client: client, opts: opts}
	if err := q.setup(ctx); err != nil {
		return nil, err
	}
	return q, nil
}

func (q *Queue) setup(ctx context.Context) error {
	var err error
	dlqName, dlqAccount := q.opts.DLQ, q.opts.Account
	if strings.Contains(q.opts.DLQ, "://") {
		u, perr := url.Parse(q.opts.DLQ)
		if perr != nil {
			return openurl.Invalid(fmt.Errorf("sqs: dlq %q: %v", q.opts.DLQ, perr))
		}
		dlqAccount, dlqName, err = splitQueuePath(u.Path)
		if err != nil {
			return openurl.Invalid(fmt.Errorf("sqs: dlq %q: %w", q.opts.DLQ, err))
		}
	}
	if q.opts.Create {
		if q.dlqURL, err = q.createQueue(ctx, dlqName, nil, nil); err != nil {
			return fmt.Errorf("sqs: create dead-letter queue %s: %w", dlqName, err)
		}
		arn, err := q.queueArn(ctx, q.dlqURL)
		if err != nil {
			return fmt.Errorf("sqs: dead-letter queue %s: %w", dlqName, err)
		}
		policy, _ := json.Marshal(map[string]string{
			"deadLetterTargetArn": arn,
			"maxReceiveCount":     strconv.Itoa(q.opts.MaxDeliver),
		})
		if q.url, err = q.createQueue(ctx, q.opts.Name, map[string]string{
			string(types.QueueAttributeNameRedrivePolicy):     string(policy),
			string(types.QueueAttributeNameVisibilityTimeout): strconv.Itoa(int(q.opts.Lease / time.Second)),
		}, nil); err != nil {
			return fmt.Errorf("sqs: create queue %s: %w", q.opts.Name, err)
		}
	} else {
		if q.url, err = q.queueURL(ctx, q.opts.Name, q.opts.Account); err != nil {
			return fmt.Errorf("sqs: queue %s: %w", q.opts.Name, err)
		}
		if q.dlqURL, err = q.queueURL(ctx, dlqName, dlqAccount); err != nil {
			return fmt.Errorf("sqs: dead-letter queue %s: %w", dlqName, err)
		}
	}
	out, err := q.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       &q.url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameMaximumMessageSize},
	})
	if err != nil {
		return fmt.Errorf("sqs: queue %s attributes: %w", q.opts.Name, err)
	}
	max, _ := strconv.Atoi(out.Attributes[string(types.QueueAttributeNameMaximumMessageSize)])
	if max <= attributeRoom {
		max = 256 << 10
	}
	q.maxSize = (max - attributeRoom) / 4 * 3 // base64 worst case
	return nil
}

// createQueue creates a queue (idempotently: an existing queue is kept) and
// then sets attrs, which CreateQueue would refuse to change on an existing
// queue.
func (q *Queue) createQueue(ctx context.Context, name string, attrs, tags map[string]string) (string, error) {
	out, err := q.client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name, Tags: tags})
	if err != nil {
		return "", err
	}
	if len(attrs) > 0 {
		if _, err := q.client.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: out.QueueUrl, Attributes: attrs}); err != nil {
			return "", err
		}
	}
	return aws.ToString(out.QueueUrl), nil
}

func (q *Queue) queueURL(ctx context.Context, name, account string) (string, error) {
	in := &sqs.GetQueueUrlInput{QueueName: &name}
	if account != "" {
		in.QueueOwnerAWSAccountId = &account
	}
	out, err := q.client.GetQueueUrl(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.QueueUrl), nil
}

func (q *Queue) queueArn(ctx context.Context, queueURL string) (string, error) {
	out, err := q.client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       &queueURL,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", err
	}
	arn := out.Attributes[string(types.QueueAttributeNameQueueArn)]
	if arn == "" {
		return "", errors.New("no QueueArn attribute")
	}
	return arn, nil
}

// splitQueuePath splits "/<account>/<name>".
func splitQueuePath(p string) (account, name string, err error) {
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("path %q: want /<account>/<queue name>", p)
	}
	return parts[0], parts[1], nil
}

// URL is the work queue's URL as the server reports it.
func (q *Queue) URL() string { return q.url }

// DeadLetterURL is the dead-letter queue's URL.
func (q *Queue) DeadLetterURL() string { return q.dlqURL }

// Client is the SQS client.
func (q *Queue) Client() *sqs.Client { return q.client }

// Send implements driver.Queue.
func (q *Queue) Send(ctx context.Context, m *driver.Message) error {
	return q.send(ctx, q.url, m.ID, m.Body, nil)
}

func (q *Queue) send(ctx context.Context, queueURL, id string, body []byte, extra map[string]string) error {
	text, encoded := encodeBody(body)
	attrs := map[string]types.MessageAttributeValue{}
	if id != "" {
		attrs[attrID] = stringAttr(id)
	}
	if encoded {
		attrs[attrEncoding] = stringAttr("base64")
	}
	for k, v := range extra {
		attrs[k] = stringAttr(v)
	}
	_, err := q.client.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:          &queueURL,
		MessageBody:       &text,
		MessageAttributes: attrs,
	})
	return err
}

func stringAttr(v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

// encodeBody returns body as SQS text, base64-encoding it when it holds
// characters SQS does not allow (or is not UTF-8).
func encodeBody(body []byte) (string, bool) {
	if validSQSText(body) && len(body) > 0 {
		return string(body), false
	}
	if len(body) == 0 {
		// SQS rejects an empty body, and base64 of nothing is nothing; "="
		// is not valid base64 of anything else, so it cannot be confused.
		return emptyBody, true
	}
	return base64.StdEncoding.EncodeToString(body), true
}

// emptyBody stands for a zero-length body.
const emptyBody = "="

// validSQSText reports whether b is UTF-8 made only of the characters SQS
// accepts: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
func validSQSText(b []byte) bool {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return false
		}
		switch {
		case r == 0x9, r == 0xA, r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
		b = b[n:]
	}
	return true
}

func decodeBody(m types.Message) ([]byte, error) {
	text := aws.ToString(m.Body)
	if a, ok := m.MessageAttributes[attrEncoding]; ok && aws.ToString(a.StringValue) == "base64" {
		if text == emptyBody {
			return []byte{}, nil
		}
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("sqs: message %s: bad base64 body: %w", aws.ToString(m.MessageId), err)
		}
		return b, nil
	}
	return []byte(text), nil
}

// Receive implements driver.Queue.
func (q *Queue) Receive(ctx context.Context) (driver.Delivery, error) {
	return q.receive(ctx, q.url, false)
}

// ReceiveDeadLetter implements driver.Queue.
func (q *Queue) ReceiveDeadLetter(ctx context.Context) (driver.Delivery, error) {
	return q.receive(ctx, q.dlqURL, true)
}

func (q *Queue) receive(ctx context.Context, queueURL string, dead bool) (driver.Delivery, error) {
	for {
		m, err := q.receiveOne(ctx, queueURL, int32(q.opts.Lease/time.Second))
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		body, err := decodeBody(*m)
		if err != nil {
			return nil, err
		}
		attempt, _ := strconv.Atoi(m.Attributes[string(types.MessageSystemAttributeNameApproximateReceiveCount)])
		return &delivery{
			q:        q,
			queueURL: queueURL,
			handle:   aws.ToString(m.ReceiptHandle),
			id:       aws.ToString(m.MessageAttributes[attrID].StringValue),
			body:     body,
			attempt:  attempt,
			received: time.Now(),
			dead:     dead,
			attrs:    m.MessageAttributes,
		}, nil
	}
}

// receiveOne long-polls once for one message; nil, nil when none came.
func (q *Queue) receiveOne(ctx context.Context, queueURL string, visibility int32) (*types.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	wait := q.opts.Wait
	if dl, ok := ctx.Deadline(); ok {
		if r := time.Until(dl); r < wait {
			wait = r
		}
	}
	// Whole seconds, rounded up; ctx cuts a longer poll short.
	secs := int32((wait + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	in := &sqs.ReceiveMessageInput{
		QueueUrl:            &queueURL,
		MaxNumberOfMessages: 1,
		WaitTimeSeconds:     secs,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{
			types.MessageSystemAttributeNameApproximateReceiveCount,
		},
		MessageAttributeNames: []string{"All"},
	}
	if visibility > 0 {
		in.VisibilityTimeout = visibility
	}
	// The poll runs on a context of its own: SQS may hand a message to a
	// poll whose client went away, leaving it invisible for the whole lease.
	// So a canceled Receive returns at once while its poll finishes in the
	// background and makes whatever it got visible again.
	type result struct {
		out *sqs.ReceiveMessageOutput
		err error
	}
	ch := make(chan result, 1)
	pollCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Duration(secs)*time.Second+15*time.Second)
	go func() {
		defer cancel()
		out, err := q.client.ReceiveMessage(pollCtx, in)
		ch <- result{out, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			return nil, r.err
		}
		if len(r.out.Messages) == 0 {
			return nil, nil
		}
		if ctx.Err() != nil {
			q.release(queueURL, r.out.Messages)
			return nil, ctx.Err()
		}
		return &r.out.Messages[0], nil
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.err == nil {
				q.release(queueURL, r.out.Messages)
			}
		}()
		return nil, ctx.Err()
	}
}

// release makes messages received for nobody visible again.
func (q *Queue) release(queueURL string, msgs []types.Message) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, m := range msgs {
		_, _ = q.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
			QueueUrl: &queueURL, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
		})
	}
}

// MaxMessageSize implements driver.Queue.
func (q *Queue) MaxMessageSize() int { return q.maxSize }

// Lease implements driver.Queue.
func (q *Queue) Lease() time.Duration { return q.opts.Lease }

// As implements driver.Queue: **Queue and **sqs.Client.
func (q *Queue) As(i any) bool {
	switch p := i.(type) {
	case **Queue:
		*p = q
	case **sqs.Client:
		*p = q.client
	default:
		return false
	}
	return true
}

// Close implements driver.Queue. The queues stay.
func (q *Queue) Close() error {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	return nil
}

// OpenInbox implements driver.Queue: a reply queue for this invocation.
func (q *Queue) OpenInbox(ctx context.Context) (driver.Inbox, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	// FIFO, so that progress replies and the final reply arrive in the
	// order they were sent (standard queues only try to keep order).
	name := q.opts.ReplyPrefix + hex.EncodeToString(b) + ".fifo"
	out, err := q.client.CreateQueue(ctx, &sqs.CreateQueueInput{
		QueueName: &name,
		Attributes: map[string]string{
			string(types.QueueAttributeNameFifoQueue):              "true",
			string(types.QueueAttributeNameMessageRetentionPeriod): "86400",
		},
		Tags: map[string]string{tagCreated: time.Now().UTC().Format(time.RFC3339)},
	})
	if err != nil {
		return nil, err
	}
	return &inbox{q: q, url: aws.ToString(out.QueueUrl)}, nil
}

// Reply implements driver.Queue. The address must be a reply queue URL.
func (q *Queue) Reply(ctx context.Context, address string, body []byte) error {
	u, err := url.Parse(address)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return openurl.Invalid(fmt.Errorf("reply address %q: not a queue URL", address))
	}
	_, name, err := splitQueuePath(u.Path)
	if err != nil || !strings.HasPrefix(name, q.opts.ReplyPrefix) {
		return openurl.Invalid(fmt.Errorf("reply address %q: not a reply queue (%s*)", address, q.opts.ReplyPrefix))
	}
	text, encoded := encodeBody(body)
	in := &sqs.SendMessageInput{QueueUrl: &address, MessageBody: &text}
	if encoded {
		in.MessageAttributes = map[string]types.MessageAttributeValue{attrEncoding: stringAttr("base64")}
	}
	if strings.HasSuffix(name, ".fifo") {
		// One group keeps the inbox in order; every reply is distinct.
		dedup := make([]byte, 16)
		if _, err := rand.Read(dedup); err != nil {
			return err
		}
		in.MessageGroupId = aws.String("replies")
		in.MessageDeduplicationId = aws.String(hex.EncodeToString(dedup))
	}
	_, err = q.client.SendMessage(ctx, in)
	return err
}

type inbox struct {
	q   *Queue
	url string
}

func (i *inbox) Address() string { return i.url }

func (i *inbox) Receive(ctx context.Context) ([]byte, error) {
	for {
		m, err := i.q.receiveOne(ctx, i.url, 0)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		// A reply is consumed once it is read: the inbox has one reader.
		if _, err := i.q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &i.url, ReceiptHandle: m.ReceiptHandle}); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, err
		}
		return decodeBody(*m)
	}
}

func (i *inbox) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := i.q.client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: &i.url})
	return err
}
