package broker

import (
	"context"
	"fmt"
	"sync"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// Inbox receives the replies (progress and result) for one invocation.
type Inbox struct {
	q *Queue
	d driver.Inbox

	mu     sync.Mutex
	closed bool
}

// Address goes into the job envelope's reply_to.
func (i *Inbox) Address() string { return i.d.Address() }

// Receive blocks for the next reply, until ctx is done (returning ctx.Err())
// or the inbox or its queue is closed (ErrClosed).
func (i *Inbox) Receive(ctx context.Context) ([]byte, error) {
	i.mu.Lock()
	closed := i.closed
	i.mu.Unlock()
	if closed {
		return nil, fmt.Errorf("broker: inbox receive: %w", ErrClosed)
	}
	opCtx, done, err := i.q.begin(ctx, "inbox receive")
	if err != nil {
		return nil, err
	}
	defer done()
	b, err := i.d.Receive(opCtx)
	if err != nil {
		i.mu.Lock()
		closed := i.closed
		i.mu.Unlock()
		if closed {
			return nil, fmt.Errorf("broker: inbox receive: %w", ErrClosed)
		}
		return nil, i.q.wrap(ctx, "inbox receive", err)
	}
	return b, nil
}

// Close deletes the inbox (the per-invocation reply queue) and anything left
// in it. A second Close returns ErrClosed.
func (i *Inbox) Close() error {
	i.mu.Lock()
	if i.closed {
		i.mu.Unlock()
		return fmt.Errorf("broker: inbox close: %w", ErrClosed)
	}
	i.closed = true
	i.mu.Unlock()

	i.q.mu.Lock()
	delete(i.q.inboxes, i)
	i.q.mu.Unlock()
	if err := i.d.Close(); err != nil {
		return &Error{Op: "inbox close", Code: i.q.d.ErrorCode(err), Err: err}
	}
	return nil
}
