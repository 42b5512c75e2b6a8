package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Problem is one thing check found wrong.
type Problem struct {
	Snapshot string
	Key      string
	What     string
}

func (p Problem) String() string {
	if p.Snapshot == "" {
		return fmt.Sprintf("%s: %s", p.Key, p.What)
	}
	return fmt.Sprintf("snapshot %s: %s: %s", p.Snapshot, p.Key, p.What)
}

// CheckReport is what check found.
type CheckReport struct {
	Snapshots int
	Objects   int // distinct objects checked
	Problems  []Problem
	// Interrupted backups whose lock expired: their uploads are not an
	// error, prune removes them.
	Interrupted int
}

// Check proves that every kept snapshot can be rebuilt: its manifest and
// index are readable and every object it needs exists with its recorded
// size; with readData, every snapshot is rebuilt and verified against its
// SHA-256. Problems are collected, not fatal; the returned error matches
// ErrIntegrity when there is any (and is nil for a sound repository), or is
// the storage error that stopped the check.
func (r *Repository) Check(ctx context.Context, readData bool) (*CheckReport, error) {
	c, err := r.readCatalog(ctx)
	if err != nil {
		return nil, err
	}
	rep := &CheckReport{Snapshots: len(c.Snapshots)}
	for _, l := range c.Locks {
		if l.Kind == lockBackup && !r.live(l) {
			rep.Interrupted++
		}
	}
	w := newChainWalker(r)
	note := func(id string, err error) error {
		var ie *IntegrityError
		if errors.As(err, &ie) {
			rep.Problems = append(rep.Problems, Problem{Snapshot: id, Key: ie.Key, What: ie.Problem})
			return nil
		}
		if errors.Is(err, ErrSnapshotNotFound) {
			rep.Problems = append(rep.Problems, Problem{Snapshot: id, Key: manifestKey(id), What: "manifest missing"})
			return nil
		}
		return err
	}
	for _, s := range c.Snapshots {
		var err error
		if readData {
			_, err = r.Cat(ctx, s.ID, io.Discard)
		} else {
			err = r.checkObjects(ctx, w, s.ID, rep)
		}
		if err := note(s.ID, err); err != nil {
			return rep, err
		}
	}
	seen := w.reached
	rep.Objects = len(seen)
	if len(rep.Problems) > 0 {
		p := rep.Problems[0]
		return rep, &IntegrityError{Snapshot: p.Snapshot, Key: p.Key, Problem: fmt.Sprintf("%s (%d problem(s) in all)", p.What, len(rep.Problems))}
	}
	return rep, nil
}

// checkObjects stats every object snapshot id needs that w has not reached
// yet: each part's object and the chain of bases behind it. A delta whose
// header the walk read is not stat'ed again: that read told its size.
func (r *Repository) checkObjects(ctx context.Context, w *chainWalker, id string, rep *CheckReport) error {
	idx, err := r.loadSnapshotIndex(ctx, id)
	if err != nil {
		return err
	}
	fresh, missing, err := w.walkIndex(ctx, idx)
	if err != nil {
		return err
	}
	for _, key := range missing {
		rep.Problems = append(rep.Problems, Problem{Snapshot: id, Key: key, What: "object missing"})
	}
	slices.Sort(fresh)
	for _, key := range fresh {
		if slices.Contains(missing, key) {
			continue
		}
		size, ok := w.stored[key]
		if !ok {
			a, err := r.b.Stat(ctx, key)
			switch {
			case err != nil && isNotFound(err):
				rep.Problems = append(rep.Problems, Problem{Snapshot: id, Key: key, What: "object missing"})
				continue
			case err != nil:
				return err
			}
			size = a.Size
		}
		if want := w.known[key].Stored; want != 0 && size != want {
			rep.Problems = append(rep.Problems, Problem{Snapshot: id, Key: key,
				What: fmt.Sprintf("object is %d bytes, the index says %d", size, want)})
		}
	}
	return nil
}
