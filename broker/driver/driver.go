// Package driver defines the small interface a message broker implements to
// back the portable type broker.Queue.
//
// It follows the shape of gocloud.dev's pubsub/driver: drivers do the minimum
// a backend needs (talk to the server, translate its errors) and the portable
// package does everything shared (size checks, closed checks, lease
// book-keeping, error wrapping). Drivers return the backend's raw errors
// unchanged, never retry, and classify them through Queue.ErrorCode so the
// portable package can map them onto its sentinel errors.
//
// Unlike gocloud's pubsub, which batches, every method here moves exactly one
// message: an agent works on one job at a time and must not hold (and so
// block) jobs it has not started.
package driver

import (
	"context"
	"time"

	"github.com/mssqldump/mssqldump/internal/errkind"
)

// ErrorCode classifies a driver error for the portable package. It is the
// shared errkind.Code, so broker and blob classify with one vocabulary.
type ErrorCode = errkind.Code

// The codes a broker driver uses.
const (
	// Unknown is any error the driver cannot classify more precisely.
	Unknown = errkind.Unknown
	// Unavailable means the broker could not be reached (connection refused,
	// DNS, timeout talking to the server, server shutting down).
	Unavailable = errkind.Unavailable
	// LeaseLost means the delivery is no longer held by this receiver: its
	// lease expired and the message may have been redelivered to another.
	LeaseLost = errkind.LeaseLost
	// TooLarge means the broker rejected a message as too large.
	TooLarge = errkind.TooLarge
	// NotFound means the queue, stream or inbox does not exist.
	NotFound = errkind.NotFound
	// PermissionDenied means the credentials do not allow the operation.
	PermissionDenied = errkind.PermissionDenied
	// InvalidArgument means the request itself was malformed (bad address,
	// bad configuration).
	InvalidArgument = errkind.InvalidArgument
)

// Message is a message to send. ID identifies the message for deduplication
// and is returned unchanged by Delivery.ID.
type Message struct {
	ID   string
	Body []byte
}

// Queue is one work queue, its dead-letter queue and its reply inboxes.
//
// All methods must be safe for concurrent use. The portable package
// guarantees that no method other than Close is called after Close, that
// messages passed to Send are no larger than MaxMessageSize, and that ctx is
// not already done when a method is called.
type Queue interface {
	// Send publishes m to the work queue. Drivers whose backend supports
	// publish deduplication use m.ID as the deduplication key.
	Send(ctx context.Context, m *Message) error

	// Receive blocks until one message is delivered to this receiver, ctx is
	// done (it then returns ctx.Err()), or an error occurs. The delivery is
	// held for Lease() from the time the server handed it out.
	Receive(ctx context.Context) (Delivery, error)

	// ReceiveDeadLetter is Receive on the dead-letter queue, where messages
	// end up after Term or after too many delivery attempts.
	ReceiveDeadLetter(ctx context.Context) (Delivery, error)

	// OpenInbox creates a reply inbox for one invocation. Messages sent to
	// its Address with Reply before the inbox is closed are received by it.
	OpenInbox(ctx context.Context) (Inbox, error)

	// Reply sends body to the inbox with the given address.
	Reply(ctx context.Context, address string, body []byte) error

	// MaxMessageSize is the largest message body Send and Reply accept.
	MaxMessageSize() int

	// Lease is how long a delivery is held before it is redelivered unless
	// extended.
	Lease() time.Duration

	// ErrorCode classifies an error returned by any method of the queue, its
	// deliveries or its inboxes.
	ErrorCode(error) ErrorCode

	// As converts i to a driver-specific type (see gocloud's As); it reports
	// whether it did.
	As(i any) bool

	// Close releases the queue's resources. It does not delete the queue.
	Close() error
}

// Delivery is one message handed to one receiver.
type Delivery interface {
	ID() string
	Body() []byte
	// Attempt is 1 on the first delivery of a message and grows by one with
	// every redelivery.
	Attempt() int
	// Ack removes the message from the queue. It must not return before the
	// broker confirmed the acknowledgement.
	Ack(ctx context.Context) error
	// Nack returns the message to the queue, to be redelivered after delay.
	Nack(ctx context.Context, delay time.Duration) error
	// Extend keeps the message held by this receiver for at least the
	// returned duration from the call (drivers that can only reset the
	// lease to the queue's lease return Lease()). A driver that learns from
	// the broker that the message is no longer held returns an error it
	// classifies as LeaseLost.
	Extend(ctx context.Context, lease time.Duration) (time.Duration, error)
	// Term moves the message to the dead-letter queue now.
	Term(ctx context.Context, reason string) error
}

// Inbox receives replies for one invocation.
type Inbox interface {
	// Address is what a replier passes to Queue.Reply.
	Address() string
	// Receive blocks for the next reply, or until ctx is done.
	Receive(ctx context.Context) ([]byte, error)
	// Close deletes the inbox and anything left in it.
	Close() error
}

// InboxSweeper is implemented by drivers whose inboxes are server-side
// objects that outlive a crashed invocation (SQS reply queues). It deletes
// inboxes created more than olderThan ago and reports how many it deleted.
type InboxSweeper interface {
	SweepInboxes(ctx context.Context, olderThan time.Duration) (int, error)
}
