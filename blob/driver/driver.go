// Package driver defines the small interface a blob storage backend
// implements. The portable type blob.Bucket is built on top of it and holds
// all shared logic (key validation, error wrapping, writer state), so that a
// driver only translates calls to its backend.
//
// Rules for drivers (the same as gocloud.dev's blob/driver):
//   - return raw backend errors, and classify them in ErrorCode; the portable
//     type wraps them so that errors.Is works with the blob sentinels;
//   - never retry on their own (a backend client's built-in retry policy is
//     fine);
//   - keys arrive already validated by the portable type.
package driver

import (
	"context"
	"io"
	"time"

	"github.com/mssqldump/mssqldump/internal/errkind"
)

// ErrorCode classifies an error returned by a driver. It is the shared
// errkind.Code, so blob and broker classify with one vocabulary.
type ErrorCode = errkind.Code

// The codes a blob driver uses.
const (
	// Unknown is any error without a more specific code.
	Unknown = errkind.Unknown
	// NotFound: the object does not exist.
	NotFound = errkind.NotFound
	// Exists: a create-if-absent write found an object already there.
	Exists = errkind.Exists
	// Unavailable: the endpoint cannot be reached (connection refused, DNS,
	// dial timeout, bucket or directory missing).
	Unavailable = errkind.Unavailable
	// PermissionDenied: the credentials do not allow the operation.
	PermissionDenied = errkind.PermissionDenied
	// NotImplemented: the backend does not support the operation.
	NotImplemented = errkind.NotImplemented
)

// DefaultContentType is the content type of an object written without one.
const DefaultContentType = "application/octet-stream"

// WriterOptions controls a write.
type WriterOptions struct {
	// IfNotExists makes the write create-if-absent: Close fails with an
	// error classified Exists when an object is already at the key, and the
	// existing object is left untouched.
	IfNotExists bool
	// ContentType is stored with the object; empty means
	// DefaultContentType.
	ContentType string
	// Metadata is stored with the object. Keys are lower-case ASCII.
	Metadata map[string]string
}

// Attributes describes a stored object.
type Attributes struct {
	Size        int64
	ModTime     time.Time
	ETag        string
	ContentType string
	Metadata    map[string]string
}

// Writer streams one object. Nothing is visible at the key until Close
// returns nil.
//
// The context given to NewTypedWriter governs the whole write: when it is
// canceled before or during Close, the driver must abort the upload, leave
// nothing behind, keep any previous object at the key, and return an error
// from Close. The portable type cancels that context itself to abort a
// write (for instance after a failed Write), so drivers need no separate
// Abort method.
type Writer interface {
	io.Writer
	Close() error
}

// Reader streams one object.
type Reader interface {
	io.ReadCloser
	// Attributes of the object being read (at least Size).
	Attributes() *Attributes
}

// Bucket is the driver interface behind blob.Bucket.
type Bucket interface {
	// ErrorCode classifies an error returned by any method of this bucket,
	// of its readers or of its writers.
	ErrorCode(err error) ErrorCode

	// NewTypedWriter starts writing key. opts is never nil and ContentType
	// is already defaulted.
	NewTypedWriter(ctx context.Context, key string, opts *WriterOptions) (Writer, error)

	// NewReader opens key for reading; a missing key is an error classified
	// NotFound.
	NewReader(ctx context.Context, key string) (Reader, error)

	// Attributes returns the attributes of key, or an error classified
	// NotFound.
	Attributes(ctx context.Context, key string) (*Attributes, error)

	// Delete removes key; a missing key is an error classified NotFound.
	Delete(ctx context.Context, key string) error

	// SignedURL returns a URL that allows an HTTP GET of key without
	// credentials until expiry, or an error classified NotImplemented.
	SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error)

	// Close releases the bucket's resources.
	Close() error
}
