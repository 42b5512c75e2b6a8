package blob

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
	"github.com/mssqldump/mssqldump/internal/urlregistry"
)

// BucketURLOpener opens a driver bucket from a URL of its scheme. Openers
// reject query parameters they do not know, naming them.
type BucketURLOpener interface {
	OpenBucketURL(ctx context.Context, u *url.URL) (driver.Bucket, error)
}

// Registry maps URL schemes to openers. It is filled explicitly (see
// cmd/internal/drivers): no driver registers itself at init time, so a
// binary contains exactly the drivers its main package chose.
type Registry struct {
	*urlregistry.Registry[BucketURLOpener]
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{urlregistry.New[BucketURLOpener]("blob", "bucket")}
}

// OpenBucket opens the bucket named by rawURL (e.g. "file:///var/lib/x",
// "s3://bucket?region=eu-west-1", "minio://host:9000/bucket").
func OpenBucket(ctx context.Context, reg *Registry, rawURL string) (*Bucket, error) {
	u, o, err := reg.Lookup(rawURL)
	if err != nil {
		return nil, err
	}
	d, err := o.OpenBucketURL(ctx, u)
	if err != nil {
		return nil, openError(o, u, err)
	}
	return NewBucket(d), nil
}

// openErrorClassifier is implemented by openers that classify their own
// errors (so that a missing directory at open time is ErrUnavailable, as it
// is at write time).
type openErrorClassifier interface {
	ErrorCode(error) driver.ErrorCode
}

// openError names the URL in an opener's error. A configuration mistake
// (marked with openurl.Invalid) stays a plain error, which the CLI reports
// as a usage error; anything else is an *Error classified by the opener.
func openError(o BucketURLOpener, u *url.URL, err error) error {
	var inv *openurl.InvalidError
	if errors.As(err, &inv) {
		return fmt.Errorf("blob: open %s: %w", u.Redacted(), err)
	}
	code := driver.Unknown
	if c, ok := o.(openErrorClassifier); ok {
		code = c.ErrorCode(err)
	}
	return &Error{Op: "open " + u.Redacted(), Code: code, Err: err}
}
