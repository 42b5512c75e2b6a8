package blob

import (
	"errors"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/internal/errkind"
)

// domain makes blob's errors and sentinels their own instances of the
// shared errkind model: a blob error never matches a broker sentinel.
type domain struct{}

func (domain) Name() string { return "blob" }

// Sentinel errors. Errors returned by Bucket, Reader and Writer match them
// with errors.Is; the driver's raw error stays reachable with errors.As.
var (
	ErrNotFound       error = errkind.NewSentinel[domain](errkind.NotFound, "blob: object not found")
	ErrExists         error = errkind.NewSentinel[domain](errkind.Exists, "blob: object already exists")
	ErrUnavailable    error = errkind.NewSentinel[domain](errkind.Unavailable, "blob: storage unavailable")
	ErrPermission     error = errkind.NewSentinel[domain](errkind.PermissionDenied, "blob: permission denied")
	ErrNotImplemented error = errkind.NewSentinel[domain](errkind.NotImplemented, "blob: not implemented by this driver")
	// ErrInvalidKey is returned for keys that no driver accepts.
	ErrInvalidKey = errors.New("blob: invalid key")
	// ErrClosed is returned when using a closed Bucket or Writer.
	ErrClosed = errors.New("blob: closed")
)

// Error is the error type returned by this package for driver failures
// (errkind.Error in the blob domain). It names the operation ("NewReader",
// "Close", ...) and key, matches the sentinel of its Code, and unwraps to
// the driver's raw error.
type Error = errkind.Error[domain]

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
