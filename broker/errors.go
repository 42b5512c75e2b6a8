package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/errkind"
)

// domain makes broker's errors and sentinels their own instances of the
// shared errkind model: a broker error never matches a blob sentinel.
type domain struct{}

func (domain) Name() string { return "broker" }

// Sentinel errors. Every error returned by this package that has one of these
// causes matches it with errors.Is; the driver's raw error stays reachable
// with errors.As.
var (
	// ErrUnavailable: the broker could not be reached.
	ErrUnavailable error = errkind.NewSentinel[domain](errkind.Unavailable, "broker unavailable")
	// ErrLeaseLost: the delivery is no longer held by this receiver (its
	// lease ran out); another receiver may be working on the message.
	ErrLeaseLost error = errkind.NewSentinel[domain](errkind.LeaseLost, "lease lost")
	// ErrTooLarge: the message body exceeds MaxMessageSize.
	ErrTooLarge error = errkind.NewSentinel[domain](errkind.TooLarge, "message too large")
	// ErrClosed: the queue or inbox was closed.
	ErrClosed = errors.New("broker closed")
	// ErrSettled: the delivery was already acked, nacked or terminated.
	ErrSettled = errors.New("delivery already settled")
	// ErrNotFound: the queue, stream or inbox does not exist.
	ErrNotFound error = errkind.NewSentinel[domain](errkind.NotFound, "not found")
	// ErrPermission: the credentials do not allow the operation.
	ErrPermission error = errkind.NewSentinel[domain](errkind.PermissionDenied, "permission denied")
)

// Error is an error from a driver (errkind.Error in the broker domain),
// annotated with the operation ("send", "receive", "extend") and the
// driver's classification. It matches the sentinel of its Code and unwraps
// to the raw error, so errors.As(err, &rawType) works.
type Error = errkind.Error[domain]

// wrap turns a driver error into the portable form. A context error caused
// by the caller's ctx is returned as ctx.Err() itself, so callers can compare
// with context.Canceled / DeadlineExceeded directly.
func (q *Queue) wrap(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if q.isClosed() {
		return fmt.Errorf("broker: %s: %w", op, ErrClosed)
	}
	if ctx != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// A timeout inside the driver that is not the caller's: the broker
		// did not answer in time.
		return &Error{Op: op, Code: driver.Unavailable, Err: err}
	}
	return &Error{Op: op, Code: q.d.ErrorCode(err), Err: err}
}
