package jetstreambroker

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Scheme is the URL scheme this driver is usually registered under.
const Scheme = "nats"

// URLOpener opens nats:// queue URLs (see the package documentation).
type URLOpener struct {
	// Name is the NATS connection name shown by the server (default
	// "mssqldump").
	Name string
	// Options are extra nats.Options, applied after the driver's own.
	Options []nats.Option
}

// OpenQueueURL implements broker.QueueURLOpener.
func (o *URLOpener) OpenQueueURL(ctx context.Context, u *url.URL) (driver.Queue, error) {
	p := openurl.New(u)
	opts := Options{
		Stream:      p.String("stream", DefaultStream),
		Consumer:    p.String("consumer", DefaultConsumer),
		Lease:       p.Duration("lease", DefaultLease),
		MaxDeliver:  p.Int("max_deliver", DefaultMaxDeliver),
		ReplyMaxAge: p.Duration("reply_max_age", DefaultReplyMaxAge),
		NoCreate:    !p.Bool("create", true),
	}
	creds := p.String("creds", os.Getenv("NATS_CREDS"))
	if err := p.Err(); err != nil {
		return nil, err
	}
	// Check the names before dialing: a bad stream name is the URL's
	// mistake whether or not a server answers.
	if err := opts.setDefaults(); err != nil {
		return nil, openurl.Invalid(err)
	}
	servers := serverURLs(u)
	name := o.Name
	if name == "" {
		name = "mssqldump"
	}
	nopts := []nats.Option{
		nats.Name(name),
		nats.Timeout(5 * time.Second),
		// Agents and waiting CLIs ride out a server restart.
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
	}
	if creds != "" {
		if _, err := os.Stat(creds); err != nil {
			return nil, openurl.Invalid(fmt.Errorf("nats credentials file: %w", err))
		}
		nopts = append(nopts, nats.UserCredentials(creds))
	}
	nopts = append(nopts, o.Options...)
	nc, err := connect(ctx, servers, nopts)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redactServers(servers), err)
	}
	q, err := openQueue(ctx, nc, true, opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return q, nil
}

// connect dials without outliving ctx.
func connect(ctx context.Context, servers string, opts []nats.Option) (*nats.Conn, error) {
	type result struct {
		nc  *nats.Conn
		err error
	}
	ch := make(chan result, 1)
	go func() {
		nc, err := nats.Connect(servers, opts...)
		ch <- result{nc, err}
	}()
	select {
	case r := <-ch:
		return r.nc, r.err
	case <-ctx.Done():
		go func() {
			if r := <-ch; r.nc != nil {
				r.nc.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// serverURLs is the server list for nats.Connect: the URL's host (and user
// info), else $NATS_URL, else the local default.
func serverURLs(u *url.URL) string {
	if u.Host == "" {
		if env := os.Getenv("NATS_URL"); env != "" {
			return env
		}
		return nats.DefaultURL
	}
	s := url.URL{Scheme: "nats", User: u.User, Host: u.Host}
	return s.String()
}

func redactServers(servers string) string {
	parts := strings.Split(servers, ",")
	for i, p := range parts {
		if u, err := url.Parse(strings.TrimSpace(p)); err == nil {
			parts[i] = u.Redacted()
		} else {
			parts[i] = "(unparsable server URL)"
		}
	}
	return strings.Join(parts, ",")
}
