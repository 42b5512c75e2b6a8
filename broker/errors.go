package broker

import (
	"context"
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// Sentinel errors. Every error returned by this package that has one of these
// causes matches it with errors.Is; the driver's raw error stays reachable
// with errors.As.
var (
	// ErrUnavailable: the broker could not be reached.
	ErrUnavailable = errors.New("broker unavailable")
	// ErrLeaseLost: the delivery is no longer held by this receiver (its
	// lease ran out); another receiver may be working on the message.
	ErrLeaseLost = errors.New("lease lost")
	// ErrTooLarge: the message body exceeds MaxMessageSize.
	ErrTooLarge = errors.New("message too large")
	// ErrClosed: the queue or inbox was closed.
	ErrClosed = errors.New("broker closed")
	// ErrSettled: the delivery was already acked, nacked or terminated.
	ErrSettled = errors.New("delivery already settled")
	// ErrNotFound: the queue, stream or inbox does not exist.
	ErrNotFound = errors.New("not found")
	// ErrPermission: the credentials do not allow the operation.
	ErrPermission = errors.New("permission denied")
)

// Error is an error from a driver, annotated with the operation and the
// driver's classification.
type Error struct {
	Op   string           // e.g. "send", "receive", "extend"
	Code driver.ErrorCode // the driver's classification
	Err  error            // the driver's raw error
}

func (e *Error) Error() string {
	return fmt.Sprintf("broker: %s: %v", e.Op, e.Err)
}

// Unwrap returns the sentinel for Code (if any) and the raw error, so that
// both errors.Is(err, ErrUnavailable) and errors.As(err, &rawType) work.
func (e *Error) Unwrap() []error {
	if s := sentinelFor(e.Code); s != nil {
		return []error{s, e.Err}
	}
	return []error{e.Err}
}

func sentinelFor(c driver.ErrorCode) error {
	switch c {
	case driver.Unavailable:
		return ErrUnavailable
	case driver.LeaseLost:
		return ErrLeaseLost
	case driver.TooLarge:
		return ErrTooLarge
	case driver.NotFound:
		return ErrNotFound
	case driver.PermissionDenied:
		return ErrPermission
	}
	return nil
}

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
