package broker

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// QueueURLOpener opens a driver queue from a URL whose scheme it was
// registered for. Openers reject query parameters they do not know, with an
// error naming them.
type QueueURLOpener interface {
	OpenQueueURL(ctx context.Context, u *url.URL) (driver.Queue, error)
}

// QueueURLOpenerFunc adapts a function to QueueURLOpener.
type QueueURLOpenerFunc func(ctx context.Context, u *url.URL) (driver.Queue, error)

// OpenQueueURL calls f.
func (f QueueURLOpenerFunc) OpenQueueURL(ctx context.Context, u *url.URL) (driver.Queue, error) {
	return f(ctx, u)
}

// openErrorClassifier is implemented by openers that classify their own
// errors (so that an unreachable broker at open time is ErrUnavailable).
type openErrorClassifier interface {
	ErrorCode(error) driver.ErrorCode
}

// Registry maps URL schemes to openers. It is explicit: nothing registers
// itself; cmd/internal/drivers fills one in.
type Registry struct {
	mu      sync.RWMutex
	openers map[string]QueueURLOpener
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{openers: map[string]QueueURLOpener{}} }

// Register makes o open URLs with the given scheme. Registering a scheme
// twice or an empty scheme is a programming error and panics.
func (r *Registry) Register(scheme string, o QueueURLOpener) {
	scheme = strings.ToLower(scheme)
	if scheme == "" || o == nil {
		panic("broker: Register with empty scheme or nil opener")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.openers[scheme]; dup {
		panic("broker: scheme " + scheme + " registered twice")
	}
	r.openers[scheme] = o
}

// Schemes lists the registered schemes, sorted.
func (r *Registry) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := make([]string, 0, len(r.openers))
	for k := range r.openers {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// OpenQueue opens the queue at rawURL with the opener registered for its
// scheme. Errors never repeat a password given in the URL.
func OpenQueue(ctx context.Context, reg *Registry, rawURL string) (*Queue, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error would repeat the whole URL, password included.
		return nil, fmt.Errorf("broker: invalid queue URL: %v", unwrapURLError(err))
	}
	if u.Scheme == "" {
		return nil, fmt.Errorf("broker: queue URL %q has no scheme (want one of %s)", u.Redacted(), strings.Join(reg.Schemes(), ", "))
	}
	reg.mu.RLock()
	o := reg.openers[strings.ToLower(u.Scheme)]
	reg.mu.RUnlock()
	if o == nil {
		return nil, fmt.Errorf("broker: unknown queue URL scheme %q in %q (want one of %s)", u.Scheme, u.Redacted(), strings.Join(reg.Schemes(), ", "))
	}
	d, err := o.OpenQueueURL(ctx, u)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		code := driver.Unknown
		if c, ok := o.(openErrorClassifier); ok {
			code = c.ErrorCode(err)
		}
		if code == driver.InvalidArgument {
			// The URL or configuration is wrong, not the broker: a plain
			// error (the CLI reports it as a usage error).
			return nil, fmt.Errorf("broker: open %s: %w", u.Redacted(), err)
		}
		return nil, &Error{Op: "open " + u.Redacted(), Code: code, Err: err}
	}
	return NewQueue(d), nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
