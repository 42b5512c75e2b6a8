package jetstreambroker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// Embedded is an in-process NATS server with JetStream, storing under a
// directory: the CLI's embedded default, and the server tests run against.
// It listens on 127.0.0.1 only.
type Embedded struct {
	dir  string
	port int
	// inProcess: no listener at all; clients connect through OpenQueue
	// (nats.InProcessServer), so nothing else on the machine can reach the
	// server, whatever user it runs as.
	inProcess bool

	mu  sync.Mutex
	srv *server.Server
}

// StartEmbedded starts a server storing under dir on a free loopback port.
func StartEmbedded(ctx context.Context, dir string) (*Embedded, error) {
	return StartEmbeddedOn(ctx, dir, -1)
}

// StartEmbeddedOn starts a server storing under dir on the given loopback
// port (-1: any free port).
func StartEmbeddedOn(ctx context.Context, dir string, port int) (*Embedded, error) {
	e := &Embedded{dir: dir, port: port}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// StartEmbeddedInProcess starts a server storing under dir that takes no
// network connections: only this process reaches it, through OpenQueue.
// The CLI's embedded default uses it, so that no other local user can read
// or publish jobs (a loopback port is open to every user of the machine).
func StartEmbeddedInProcess(ctx context.Context, dir string) (*Embedded, error) {
	e := &Embedded{dir: dir, port: -1, inProcess: true}
	if err := e.start(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// OpenQueue opens a queue on the server through an in-process connection
// (it works whether or not the server listens). The queue owns its
// connection.
func (e *Embedded) OpenQueue(ctx context.Context, opts Options) (*Queue, error) {
	srv := e.Server()
	if srv == nil {
		return nil, errors.New("embedded nats server is not running")
	}
	nc, err := nats.Connect("", nats.InProcessServer(srv), nats.Name("mssqldump-embedded"), nats.Timeout(5*time.Second))
	if err != nil {
		return nil, fmt.Errorf("in-process connection to the embedded nats server: %w", err)
	}
	q, err := openQueue(ctx, nc, true, opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return q, nil
}

// RunEmbeddedServer starts an embedded server storing under storeDir and
// returns it with its client URL; shut it down with srv.Shutdown().
func RunEmbeddedServer(storeDir string) (*server.Server, string, error) {
	e, err := StartEmbedded(context.Background(), storeDir)
	if err != nil {
		return nil, "", err
	}
	return e.Server(), e.URL(), nil
}

func (e *Embedded) start(ctx context.Context) error {
	opts := &server.Options{
		ServerName: "mssqldump-embedded",
		Host:       "127.0.0.1",
		Port:       e.port,
		JetStream:  true,
		StoreDir:   e.dir,
		NoSigs:     true,
		NoLog:      true,
		// Jobs are small JSON envelopes; 8 MiB leaves headroom for replies.
		MaxPayload: 8 << 20,
		DontListen: e.inProcess,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return fmt.Errorf("embedded nats server: %w", err)
	}
	go srv.Start()
	wait := 10 * time.Second
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
		wait = time.Until(dl)
	}
	if !srv.ReadyForConnections(wait) {
		srv.Shutdown()
		return fmt.Errorf("embedded nats server on 127.0.0.1:%d storing in %s did not start within %v", e.port, e.dir, wait)
	}
	if !srv.JetStreamEnabled() {
		srv.Shutdown()
		return fmt.Errorf("embedded nats server storing in %s: JetStream did not start", e.dir)
	}
	// Keep the port across restarts so that clients reconnect.
	if addr, ok := srv.Addr().(*net.TCPAddr); ok && !e.inProcess {
		e.port = addr.Port
	}
	e.mu.Lock()
	e.srv = srv
	e.mu.Unlock()
	return nil
}

// URL is the client URL, e.g. nats://127.0.0.1:41234.
func (e *Embedded) URL() string {
	return "nats://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(e.port))
}

// Server is the running server.
func (e *Embedded) Server() *server.Server {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.srv
}

// Shutdown stops the server and waits until it stopped. Stored streams stay
// in the store directory.
func (e *Embedded) Shutdown() {
	e.mu.Lock()
	srv := e.srv
	e.srv = nil
	e.mu.Unlock()
	if srv != nil {
		srv.Shutdown()
		srv.WaitForShutdown()
	}
}

// Restart stops the server and starts a new one on the same port and store
// directory: connected clients reconnect and find their streams, consumers
// and unacknowledged messages again.
func (e *Embedded) Restart(ctx context.Context) error {
	e.Shutdown()
	return e.start(ctx)
}
