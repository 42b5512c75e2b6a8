package broker

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
	"github.com/mssqldump/mssqldump/internal/urlregistry"
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
	*urlregistry.Registry[QueueURLOpener]
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{urlregistry.New[QueueURLOpener]("broker", "queue")}
}

// OpenQueue opens the queue at rawURL with the opener registered for its
// scheme. Errors never repeat a password given in the URL.
func OpenQueue(ctx context.Context, reg *Registry, rawURL string) (*Queue, error) {
	u, o, err := reg.Lookup(rawURL)
	if err != nil {
		return nil, err
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
		var inv *openurl.InvalidError
		if code == driver.InvalidArgument || errors.As(err, &inv) {
			// The URL or configuration is wrong, not the broker: a plain
			// error keeping the openurl.Invalid mark (the CLI reports it
			// as a usage error), as blob.OpenBucket does.
			return nil, fmt.Errorf("broker: open %s: %w", u.Redacted(), err)
		}
		return nil, &Error{Op: "open " + u.Redacted(), Code: code, Err: err}
	}
	return NewQueue(d), nil
}
