package repo

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Locks live in the catalog, so taking one is a catalog compare-and-swap:
// backups share the repository with each other, prune excludes everything.
// A backup that finds a prune waits for it (up to LockWait); a prune that
// finds a live backup fails with ErrLocked and is run again later.

var errPruneRunning = errors.New("prune running")

func (r *Repository) live(l Lock) bool { return l.Expires.After(r.opts.Now()) }

// lockBackup registers a running backup of database and chooses its parent:
// the latest kept snapshot of the same database. Registering and choosing
// in one catalog version means a prune either sees this lock, or ran
// entirely before it and cannot have deleted anything the parent needs.
func (r *Repository) lockBackup(ctx context.Context, database string) (Lock, error) {
	deadline := r.opts.Now().Add(r.opts.LockWait)
	for {
		now := r.opts.Now()
		l := Lock{ID: newID(), Kind: lockBackup, Database: database, Created: now.UTC(), Expires: now.Add(r.opts.LockStale).UTC()}
		_, err := r.updateCatalog(ctx, func(c *catalog) error {
			for _, o := range c.Locks {
				if o.Kind == lockPrune && r.live(o) {
					return errPruneRunning
				}
			}
			l.Parent = ""
			for _, s := range c.Snapshots {
				if s.Database == database {
					l.Parent = s.ID // snapshots are kept in commit order
				}
			}
			c.Locks = append(c.Locks, l)
			return nil
		})
		if !errors.Is(err, errPruneRunning) {
			return l, err
		}
		if r.opts.Now().After(deadline) {
			return Lock{}, fmt.Errorf("%w: a prune is running (waited %v)", ErrLocked, r.opts.LockWait)
		}
		select {
		case <-ctx.Done():
			return Lock{}, ctx.Err()
		case <-time.After(min(time.Second, r.opts.LockWait/10)):
		}
	}
}

// lockPrune takes the exclusive lock, or fails with ErrLocked naming the
// live lock in the way. It returns the catalog version that took the lock:
// with no live lock besides the prune's, no snapshot can be committed after
// it.
func (r *Repository) lockPrune(ctx context.Context) (Lock, *catalog, error) {
	now := r.opts.Now()
	l := Lock{ID: newID(), Kind: lockPrune, Created: now.UTC(), Expires: now.Add(r.opts.LockStale).UTC()}
	c, err := r.updateCatalog(ctx, func(c *catalog) error {
		for _, o := range c.Locks {
			if r.live(o) {
				return fmt.Errorf("%w: %s %s of %q since %s (expires %s)", ErrLocked, o.Kind, o.ID, o.Database,
					o.Created.Format(time.RFC3339), o.Expires.Format(time.RFC3339))
			}
		}
		c.Locks = append(c.Locks, l)
		return nil
	})
	return l, c, err
}

// refreshLock pushes the lock's expiry forward; ErrLockLost when it is gone
// (expired and removed by a prune) or already expired.
func (r *Repository) refreshLock(ctx context.Context, id string) error {
	_, err := r.updateCatalog(ctx, func(c *catalog) error {
		i, ok := c.lock(id)
		if !ok || !r.live(c.Locks[i]) {
			return fmt.Errorf("%w: %s", ErrLockLost, id)
		}
		c.Locks[i].Expires = r.opts.Now().Add(r.opts.LockStale).UTC()
		return nil
	})
	return err
}

// keeper refreshes a lock in the background until stopped, and remembers
// whether the lock was lost so that the holder does not commit after it.
type keeper struct {
	stop chan struct{}
	done chan struct{}
	mu   sync.Mutex
	err  error
}

func (r *Repository) keepLock(ctx context.Context, id string) *keeper {
	k := &keeper{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(k.done)
		t := time.NewTicker(r.opts.LockRefresh)
		defer t.Stop()
		for {
			select {
			case <-k.stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				if err := r.refreshLock(ctx, id); err != nil {
					k.mu.Lock()
					k.err = err
					k.mu.Unlock()
					if errors.Is(err, ErrLockLost) {
						return
					}
				}
			}
		}
	}()
	return k
}

// lost reports the refresh failure, if any, without stopping.
func (k *keeper) lost() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if errors.Is(k.err, ErrLockLost) {
		return k.err
	}
	return nil
}

func (k *keeper) halt() {
	select {
	case <-k.stop:
	default:
		close(k.stop)
	}
	<-k.done
}
