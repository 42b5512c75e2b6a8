// Package embedded runs the CLI's embedded default backend: an in-process
// JetStream server with no network listener and a local blob directory,
// with the queue and the bucket opened once and shared by the in-process
// agent and the client. Besides cmd/internal/drivers it is the one package
// that imports the JetStream driver (for its in-process server).
package embedded

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
)

// Stack is one job's embedded backend, under Dir: the JetStream store in
// Dir/nats, the blob directory in Dir/blob.
type Stack struct {
	Dir   string
	Lease time.Duration // the work queue's lease; 0 is the driver's default

	// Queue and Bucket are set by Start. The agent and the client share
	// them: both are safe for concurrent use, and neither closes them.
	Queue  *broker.Queue
	Bucket *blob.Bucket

	closers []func() error // run last-in first-out by Close
	halt    atomic.Pointer[func()]
}

// Halt shuts the JetStream server down at once, from any goroutine, for a
// process about to exit (a second interrupt): its store stops writing
// under Dir, which can then be removed. Close still runs its closers.
func (s *Stack) Halt() {
	if f := s.halt.Load(); f != nil {
		(*f)()
	}
}

// Start starts the server and opens the queue and the bucket. If a step
// fails, everything started before it is closed again (and the error says
// which step).
func (s *Stack) Start(ctx context.Context) error {
	if err := s.start(ctx); err != nil {
		return errors.Join(err, s.Close())
	}
	return nil
}

func (s *Stack) start(ctx context.Context) error {
	natsDir := filepath.Join(s.Dir, "nats")
	// No TCP listener: the queue carries a sealed login and its reply
	// address, and a loopback port would let any local user read or
	// publish jobs. The agent and the client connect in-process.
	srv, err := jetstreambroker.StartEmbeddedInProcess(ctx, natsDir)
	if err != nil {
		return fmt.Errorf("start the embedded nats server: %w", err)
	}
	shutdown := srv.Shutdown
	s.halt.Store(&shutdown)
	s.OnClose(func() error { srv.Shutdown(); return os.RemoveAll(natsDir) })

	q, err := srv.OpenQueue(ctx, jetstreambroker.Options{Lease: s.Lease})
	if err != nil {
		return fmt.Errorf("open the embedded queue: %w", err)
	}
	s.Queue = broker.NewQueue(q)
	s.OnClose(s.Queue.Close)

	blobDir := filepath.Join(s.Dir, "blob")
	if err := os.MkdirAll(blobDir, 0o700); err != nil {
		return fmt.Errorf("create the embedded blob directory: %w", err)
	}
	// No fsync per object: the script is read back and written to its
	// output at once, and the directory is removed after. When a script
	// is kept for 'mssqldump fetch' instead, SyncBlobs makes it durable
	// first. (The fsync of a 146 MB script cost 0.1 s of a 2.7 s dump.)
	if s.Bucket, err = drivers.OpenBucket(ctx, "file://"+blobDir+"?sync=false"); err != nil {
		return fmt.Errorf("open the embedded blob directory: %w", err)
	}
	s.OnClose(s.Bucket.Close)
	return nil
}

// SyncBlobs fsyncs every object of the blob directory: the bucket is
// opened without fsync, so this is what makes a kept script survive a
// crash of the machine.
func (s *Stack) SyncBlobs() error {
	return fileblob.SyncTree(filepath.Join(s.Dir, "blob"))
}

// OnClose adds f to what Close runs. Close runs the closers in reverse
// order of addition, so something added after Start (the agent using the
// queue) stops before the queue closes.
func (s *Stack) OnClose(f func() error) {
	s.closers = append(s.closers, f)
}

// Close runs every closer, last added first, even when one fails, and
// returns their errors joined. A second Close does nothing.
func (s *Stack) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}
