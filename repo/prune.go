package repo

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
	"math"
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
	// The catalog version that took the lock is the one to prune: while the
	// exclusive lock is held only a forget can change the catalog, and a
	// snapshot forgotten meanwhile waits for the next prune.
	lock, c, err := r.lockPrune(ctx)
	if err != nil {
		return st, err
	}
	k := r.keepLock(ctx, lock.ID)
	defer k.halt()
	live, err := r.markLive(ctx, c)
	if err != nil {
		return st, err
	}
	g, err := r.garbage(ctx, c, live, &st)
	if err != nil {
		return st, err
	}
	// Bases before the deltas built on them: a prune that stops halfway
	// leaves deltas whose chains the next one can still follow to what is
	// left of them.
	levels := map[int][]string{}
	for key, size := range g.candidates {
		d := g.depth[key]
		levels[d] = append(levels[d], key)
		st.BytesFreed += max(size, 0)
	}
	for _, d := range slices.Sorted(maps.Keys(levels)) {
		slices.Sort(levels[d])
		if err := r.deleteAll(ctx, k, levels[d]); err != nil {
			return st, err
		}
		st.ObjectsDeleted += len(levels[d])
	}
	if err := r.deleteAll(ctx, k, g.doomed); err != nil {
		return st, err
	}
	k.halt()
	return st, r.finishPrune(ctx, lock.ID, g)
}

// markLive returns a walker that has reached every object a kept snapshot
// needs. An unreadable kept index or a missing object stops the prune:
// without them nothing can be known to be garbage.
func (r *Repository) markLive(ctx context.Context, c *catalog) (*chainWalker, error) {
	w := newChainWalker(r)
	for _, s := range c.Snapshots {
		idx, err := r.loadSnapshotIndex(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		_, missing, err := w.walkIndex(ctx, idx)
		if err != nil {
			return nil, err
		}
		if len(missing) > 0 {
			return nil, &IntegrityError{Snapshot: s.ID, Key: missing[0], Problem: "object missing (run check)"}
		}
	}
	return w, nil
}

// pruneGarbage is what forgotten snapshots and interrupted backups left.
type pruneGarbage struct {
	candidates map[string]int64 // object key -> stored size (-1: unknown)
	depth      map[string]int   // object key -> chain depth (deletion order)
	doomed     []string         // manifest, index and intent keys to delete after the objects
	crashed    []string         // lock ids of interrupted backups
}

// garbage collects what forgotten snapshots and interrupted backups wrote
// that no kept snapshot needs: the objects their indexes list and the
// chains behind them, down to where a live object begins.
func (r *Repository) garbage(ctx context.Context, c *catalog, live *chainWalker, st *PruneStats) (*pruneGarbage, error) {
	g := &pruneGarbage{candidates: map[string]int64{}, depth: map[string]int{}}
	w := newChainWalker(r)
	maps.Copy(w.known, live.known)
	maps.Copy(w.reached, live.reached)
	for _, id := range c.Forgotten {
		if idx, err := r.loadSnapshotIndex(ctx, id); err == nil {
			fresh, _, err := w.walkIndex(ctx, idx)
			if err != nil {
				return nil, err
			}
			for _, key := range fresh {
				g.candidates[key] = w.known[key].Stored
				if _, ok := w.known[key]; !ok {
					g.candidates[key] = -1
				}
				g.depth[key] = w.reached[key]
			}
		} else if !errors.Is(err, ErrSnapshotNotFound) && !errors.Is(err, ErrIntegrity) {
			return nil, err
		}
		g.doomed = append(g.doomed, indexKey(id), manifestKey(id))
		st.Snapshots++
	}
	for _, l := range c.Locks {
		if l.Kind != lockBackup || r.live(l) {
			continue
		}
		keys, intents, err := r.readIntents(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		for _, key := range keys {
			if _, ok := live.reached[key]; ok {
				continue
			}
			if _, ok := g.candidates[key]; !ok {
				g.candidates[key] = -1     // size unknown without a Stat
				g.depth[key] = math.MaxInt // a new object: no other builds on it
			}
		}
		g.doomed = append(g.doomed, intents...)
		g.doomed = append(g.doomed, indexKey(l.ID), manifestKey(l.ID))
		g.crashed = append(g.crashed, l.ID)
		st.Interrupted++
	}
	return g, nil
}

func (r *Repository) deleteAll(ctx context.Context, k *keeper, keys []string) error {
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

// finishPrune drops the pruned snapshots, the crashed backups' locks and the
// prune's own from the catalog, then old catalog versions.
func (r *Repository) finishPrune(ctx context.Context, lockID string, g *pruneGarbage) error {
	var floor int64
	next, err := r.updateCatalog(ctx, func(c *catalog) error {
		if i, ok := c.lock(lockID); !ok || !r.live(c.Locks[i]) {
			return ErrLockLost
		}
		c.Forgotten = slices.DeleteFunc(c.Forgotten, func(id string) bool {
			return slices.Contains(g.doomed, manifestKey(id))
		})
		c.Locks = slices.DeleteFunc(c.Locks, func(l Lock) bool {
			return l.ID == lockID || slices.Contains(g.crashed, l.ID)
		})
		floor = c.Floor
		c.Floor = max(c.Floor, c.Version+1-keepCatalogVersions)
		return nil
	})
	if err != nil {
		return err
	}
	// Old catalog versions: only a hint and history, safe to drop.
	for v := max(floor, 1); v < next.Floor; v++ {
		_ = r.b.Delete(ctx, catalogKey(v))
	}
	return nil
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
