package blob

import (
	"context"
	"fmt"
	"net/url"

	"github.com/mssqldump/mssqldump/blob/driver"
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
		return nil, fmt.Errorf("blob: open %s: %w", u.Redacted(), err)
	}
	return NewBucket(d), nil
}
