package blob

import (
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// Sentinel errors. Errors returned by Bucket, Reader and Writer match them
// with errors.Is; the driver's raw error stays reachable with errors.As.
var (
	ErrNotFound       = errors.New("blob: object not found")
	ErrExists         = errors.New("blob: object already exists")
	ErrUnavailable    = errors.New("blob: storage unavailable")
	ErrPermission     = errors.New("blob: permission denied")
	ErrNotImplemented = errors.New("blob: not implemented by this driver")
	// ErrInvalidKey is returned for keys that no driver accepts.
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrClosed is returned when using a closed Bucket or Writer.
	ErrClosed = errors.New("blob: closed")
)

var sentinelByCode = map[driver.ErrorCode]error{
	driver.NotFound:         ErrNotFound,
	driver.Exists:           ErrExists,
	driver.Unavailable:      ErrUnavailable,
	driver.PermissionDenied: ErrPermission,
	driver.NotImplemented:   ErrNotImplemented,
}

// Error is the error type returned by this package for driver failures. It
// names the operation and key, matches one sentinel, and unwraps to the
// driver's raw error.
type Error struct {
	Op   string // "NewReader", "Close", ...
	Key  string
	Code driver.ErrorCode
	Err  error // the driver's raw error
}

func (e *Error) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("blob: %s: %v", e.Op, e.Err)
	}
	if e.Code == driver.Unknown {
		return fmt.Sprintf("blob: %s %q: %v", e.Op, e.Key, e.Err)
	}
	return fmt.Sprintf("blob: %s %q: %s: %v", e.Op, e.Key, e.Code, e.Err)
}

// Unwrap returns the driver's raw error, so context.Canceled and the
// backend's own error types stay visible.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e.Code.
func (e *Error) Is(target error) bool {
	s, ok := sentinelByCode[e.Code]
	return ok && s == target
}

// wrap classifies err with d and wraps it; nil stays nil, and errors that
// are already *Error (or our own sentinels) are not wrapped twice.
func wrap(d driver.Bucket, op, key string, err error) error {
	if err == nil {
		return nil
	}
	var be *Error
	if errors.As(err, &be) {
		return err
	}
	for _, s := range []error{ErrInvalidKey, ErrClosed} {
		if errors.Is(err, s) {
			return err
		}
	}
	return &Error{Op: op, Key: key, Code: d.ErrorCode(err), Err: err}
}
