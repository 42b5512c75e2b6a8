package blob

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/mssqldump/mssqldump/blob/driver"
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
	mu      sync.RWMutex
	openers map[string]BucketURLOpener
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{openers: map[string]BucketURLOpener{}}
}

// Register adds the opener for scheme. Registering a scheme twice is a
// programming error and panics.
func (r *Registry) Register(scheme string, o BucketURLOpener) {
	scheme = strings.ToLower(scheme)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.openers[scheme]; dup {
		panic(fmt.Sprintf("blob: scheme %q registered twice", scheme))
	}
	r.openers[scheme] = o
}

// Schemes returns the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := make([]string, 0, len(r.openers))
	for k := range r.openers {
		s = append(s, k)
	}
	sort.Strings(s)
	return s
}

// OpenBucket opens the bucket named by rawURL (e.g. "file:///var/lib/x",
// "s3://bucket?region=eu-west-1", "minio://host:9000/bucket").
func OpenBucket(ctx context.Context, reg *Registry, rawURL string) (*Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Parse's error repeats the URL, which may hold a secret.
		return nil, fmt.Errorf("blob: cannot parse bucket URL: %v", err.(*url.Error).Err)
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("blob: bucket URL %q has no scheme (want one of %s)",
			u.Redacted(), strings.Join(reg.Schemes(), ", "))
	}
	reg.mu.RLock()
	o, ok := reg.openers[strings.ToLower(u.Scheme)]
	reg.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("blob: unknown bucket URL scheme %q in %q (known: %s)",
			u.Scheme, u.Redacted(), strings.Join(reg.Schemes(), ", "))
	}
	d, err := o.OpenBucketURL(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("blob: open %s: %w", u.Redacted(), err)
	}
	return NewBucket(d), nil
}
