package repo

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/mssqldump/mssqldump/blob"
)

// keepCatalogVersions is how many catalog versions prune leaves behind the
// latest: readers holding a slightly stale head hint still find one.
const keepCatalogVersions = 16

const deleters = 8

// PruneStats says what a prune removed.
type PruneStats struct {
	Snapshots      int   // forgotten snapshots whose manifest and index were removed
	Interrupted    int   // crashed or aborted backups cleaned up
	ObjectsDeleted int   // stored parts deleted
	BytesFreed     int64 // their stored size, as far as the indexes tell
}

// Prune deletes what no kept snapshot needs: the objects of forgotten
// snapshots and of interrupted backups (their lock expired) that no kept
// snapshot's index lists. It takes the exclusive lock, so it fails with
// ErrLocked while a backup is running; since every object a backup reuses
// or uploads is protected by the backup's lock until it commits, a prune can
// never delete a part a backup is about to reference.
func (r *Repository) Prune(ctx context.Context) (PruneStats, error) {
	var st PruneStats
	lock, err := r.lockPrune(ctx)
	if err != nil {
		return st, err
	}
	k := r.keepLock(ctx, lock.ID)
	defer k.halt()
	c, err := r.readCatalog(ctx)
	if err != nil {
		return st, err
	}
	// Mark: every object a kept snapshot needs. An unreadable kept index
	// stops the prune: without it nothing can be known to be garbage.
	live := map[string]bool{}
	for _, s := range c.Snapshots {
		idx, err := r.loadSnapshotIndex(ctx, s.ID)
		if err != nil {
			return st, err
		}
		for key := range idx.Objects {
			live[key] = true
		}
	}
	// Candidates: what forgotten snapshots and interrupted backups wrote.
	candidates := map[string]int64{}
	var doomed []string // manifest, index and intent keys to delete after the objects
	for _, id := range c.Forgotten {
		if idx, err := r.loadSnapshotIndex(ctx, id); err == nil {
			for key, info := range idx.Objects {
				candidates[key] = info.Stored
			}
		} else if !errors.Is(err, ErrSnapshotNotFound) && !errors.Is(err, ErrIntegrity) {
			return st, err
		}
		doomed = append(doomed, indexKey(id), manifestKey(id))
		st.Snapshots++
	}
	var crashed []string
	for _, l := range c.Locks {
		if l.Kind != lockBackup || r.live(l) {
			continue
		}
		keys, intents, err := r.readIntents(ctx, l.ID)
		if err != nil {
			return st, err
		}
		for _, key := range keys {
			if _, ok := candidates[key]; !ok {
				candidates[key] = -1 // size unknown without a Stat
			}
		}
		doomed = append(doomed, intents...)
		doomed = append(doomed, indexKey(l.ID), manifestKey(l.ID))
		crashed = append(crashed, l.ID)
		st.Interrupted++
	}
	var sweep []string
	for key, size := range candidates {
		if !live[key] {
			sweep = append(sweep, key)
			st.BytesFreed += max(size, 0)
		}
	}
	slices.Sort(sweep)
	del := func(keys []string) error {
		return parallel(ctx, len(keys), deleters, func(ctx context.Context, i int) error {
			if err := k.lost(); err != nil {
				return err
			}
			if err := r.b.Delete(ctx, keys[i]); err != nil && !errors.Is(err, blob.ErrNotFound) {
				return err
			}
			return nil
		})
	}
	if err := del(sweep); err != nil {
		return st, err
	}
	st.ObjectsDeleted = len(sweep)
	if err := del(doomed); err != nil {
		return st, err
	}
	k.halt()
	var floor int64
	next, err := r.updateCatalog(ctx, func(c *catalog) error {
		if i, ok := c.lock(lock.ID); !ok || !r.live(c.Locks[i]) {
			return ErrLockLost
		}
		c.Forgotten = slices.DeleteFunc(c.Forgotten, func(id string) bool {
			return slices.Contains(doomed, manifestKey(id))
		})
		c.Locks = slices.DeleteFunc(c.Locks, func(l Lock) bool {
			return l.ID == lock.ID || slices.Contains(crashed, l.ID)
		})
		floor = c.Floor
		c.Floor = max(c.Floor, c.Version+1-keepCatalogVersions)
		return nil
	})
	if err != nil {
		return st, err
	}
	// Old catalog versions: only a hint and history, safe to drop.
	for v := max(floor, 1); v < next.Floor; v++ {
		_ = r.b.Delete(ctx, catalogKey(v))
	}
	return st, nil
}

func (r *Repository) loadSnapshotIndex(ctx context.Context, id string) (*index, error) {
	s, err := r.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	return r.loadIndex(ctx, s)
}

// readIntents returns the object keys a backup announced and the intent
// objects themselves, read in sequence until the first missing one.
func (r *Repository) readIntents(ctx context.Context, id string) (keys, intents []string, err error) {
	for seq := 1; ; seq++ {
		key := intentKey(id, seq)
		p, err := r.b.ReadAll(ctx, key)
		if errors.Is(err, blob.ErrNotFound) {
			return keys, intents, nil
		}
		if err != nil {
			return nil, nil, err
		}
		var ks []string
		if err := json.Unmarshal(p, &ks); err != nil {
			return nil, nil, &IntegrityError{Key: key, Problem: "unreadable intent"}
		}
		keys = append(keys, ks...)
		intents = append(intents, key)
	}
}
