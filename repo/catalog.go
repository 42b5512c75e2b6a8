package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/mssqldump/mssqldump/blob"
)

// catalog is the repository's one mutable state. Each version is a new
// object catalog/<n> written create-if-absent, so writing version n+1 is a
// compare-and-swap on version n: of two writers that read n, one wins and
// the other re-reads and retries. Every commit, forget and lock goes through
// it, which orders them.
type catalog struct {
	V         int       `json:"v"`
	Version   int64     `json:"version"`
	Snapshots []Summary `json:"snapshots"`
	// Forgotten snapshots are out of every listing; prune removes their
	// manifests and indexes and the objects no kept snapshot needs.
	Forgotten []string `json:"forgotten,omitempty"`
	Locks     []Lock   `json:"locks,omitempty"`
	// Floor: catalog versions below it were deleted by a prune.
	Floor int64 `json:"floor,omitempty"`
}

// Lock is a running backup (shared) or prune (exclusive). It expires unless
// refreshed, so a crashed process blocks nobody for longer than the stale
// time.
type Lock struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"` // lockBackup or lockPrune
	Database string    `json:"database,omitempty"`
	Parent   string    `json:"parent,omitempty"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires"`
}

const (
	lockBackup = "backup"
	lockPrune  = "prune"
)

const catalogHead = "catalog/head"

func catalogKey(v int64) string { return fmt.Sprintf("catalog/%020d", v) }

func (c *catalog) clone() *catalog {
	n := *c
	n.Snapshots = slices.Clone(c.Snapshots)
	n.Forgotten = slices.Clone(c.Forgotten)
	n.Locks = slices.Clone(c.Locks)
	return &n
}

func (c *catalog) lock(id string) (int, bool) {
	i := slices.IndexFunc(c.Locks, func(l Lock) bool { return l.ID == id })
	return i, i >= 0
}

// readCatalog returns the latest catalog version. catalog/head is a hint
// written after each commit; the latest version is found by probing
// forward from it (versions are never skipped, and prune deletes only
// versions far behind the head).
func (r *Repository) readCatalog(ctx context.Context) (*catalog, error) {
	v := int64(1)
	if p, err := r.b.ReadAll(ctx, catalogHead); err == nil {
		if n, perr := strconv.ParseInt(string(p), 10, 64); perr == nil && n > 0 {
			v = n
		}
	} else if !errors.Is(err, blob.ErrNotFound) {
		return nil, err
	}
	cur, err := r.readCatalogVersion(ctx, v)
	if errors.Is(err, blob.ErrNotFound) {
		// The hinted version was pruned (a stale hint): jump ahead.
		for step := int64(1); err != nil && errors.Is(err, blob.ErrNotFound) && step < 1<<20; step *= 2 {
			cur, err = r.readCatalogVersion(ctx, v+step)
		}
	}
	if err != nil {
		if errors.Is(err, blob.ErrNotFound) {
			return nil, fmt.Errorf("%w: no catalog found", ErrNoRepository)
		}
		return nil, err
	}
	for {
		next, err := r.readCatalogVersion(ctx, cur.Version+1)
		if errors.Is(err, blob.ErrNotFound) {
			return cur, nil
		}
		if err != nil {
			return nil, err
		}
		cur = next
	}
}

func (r *Repository) readCatalogVersion(ctx context.Context, v int64) (*catalog, error) {
	p, err := r.b.ReadAll(ctx, catalogKey(v))
	if err != nil {
		return nil, err
	}
	var c catalog
	if err := json.Unmarshal(p, &c); err != nil || c.Version != v {
		return nil, &IntegrityError{Key: catalogKey(v), Problem: "not a catalog of this version"}
	}
	if c.V > formatVersion {
		return nil, fmt.Errorf("repo: catalog format %d is newer than this program's %d", c.V, formatVersion)
	}
	return &c, nil
}

// errNoChange lets an update function say that nothing needs writing.
var errNoChange = errors.New("no change")

// updateCatalog applies fn to the latest catalog and writes the result as
// the next version, retrying from a fresh read when another writer got there
// first. fn must be a pure function of its argument: it may run several
// times. It returns the catalog as written (or as read, on errNoChange).
func (r *Repository) updateCatalog(ctx context.Context, fn func(*catalog) error) (*catalog, error) {
	for {
		cur, err := r.readCatalog(ctx)
		if err != nil {
			return nil, err
		}
		next := cur.clone()
		if err := fn(next); err != nil {
			if errors.Is(err, errNoChange) {
				return cur, nil
			}
			return nil, err
		}
		next.V, next.Version = formatVersion, cur.Version+1
		p, err := json.Marshal(next)
		if err != nil {
			return nil, err
		}
		err = r.b.WriteAll(ctx, catalogKey(next.Version), p, &blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
		if errors.Is(err, blob.ErrExists) {
			continue
		}
		if err != nil {
			return nil, err
		}
		// Only a hint: a lost or stale head costs a few probes.
		_ = r.b.WriteAll(ctx, catalogHead, []byte(strconv.FormatInt(next.Version, 10)), nil)
		return next, nil
	}
}
