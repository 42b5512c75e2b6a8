package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mssqldump/mssqldump/blob"
)

// Options tune a Repository; the zero value gives the defaults.
type Options struct {
	// MaxDepth caps a delta chain: a part whose base is already this deep
	// is stored full again, so reading a part never decodes more than
	// MaxDepth+1 objects (default 32).
	MaxDepth int
	// LockStale is how long a lock lives without a refresh (default 30m); a
	// crashed backup blocks prune, and a crashed prune blocks backups, for
	// at most this long. LockRefresh (default LockStale/6) is how often a
	// running operation renews its lock.
	LockStale, LockRefresh time.Duration
	// LockWait is how long a backup waits for a running prune to finish
	// before failing with ErrLocked (default 10m).
	LockWait time.Duration
	// Now is the clock (default time.Now), for tests of expiry and policy.
	Now func() time.Time
	// format1: write deltas as format 1 did (no header; the chain in the
	// index), for the tests that prove such repositories stay readable.
	format1 bool
}

func (o Options) withDefaults() Options {
	if o.MaxDepth <= 0 {
		o.MaxDepth = 32
	}
	if o.LockStale <= 0 {
		o.LockStale = 30 * time.Minute
	}
	if o.LockRefresh <= 0 {
		o.LockRefresh = o.LockStale / 6
	}
	if o.LockWait <= 0 {
		o.LockWait = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Repository is a backup repository in a bucket. It is safe for concurrent
// use, and several processes may use one repository at once (see Lock).
type Repository struct {
	b    *blob.Bucket
	opts Options
}

const configKey = "config"

type config struct {
	V       int       `json:"v"`
	Kind    string    `json:"kind"`
	Created time.Time `json:"created"`
}

const configKind = "mssqldump-repository"

// Open opens the repository in b, or fails with ErrNoRepository.
func Open(ctx context.Context, b *blob.Bucket, opts Options) (*Repository, error) {
	r := &Repository{b: b, opts: opts.withDefaults()}
	p, err := b.ReadAll(ctx, configKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, ErrNoRepository
	}
	if err != nil {
		return nil, err
	}
	var c config
	if err := json.Unmarshal(p, &c); err != nil || c.Kind != configKind {
		return nil, fmt.Errorf("%w: %q is not a repository config", ErrNoRepository, configKey)
	}
	if c.V > formatVersion {
		return nil, fmt.Errorf("repo: repository format %d is newer than this program's %d", c.V, formatVersion)
	}
	return r, nil
}

// OpenOrInit opens the repository in b, creating it first when the bucket
// holds none (as the first backup into a new location does). Two processes
// initializing at once end with one repository.
func OpenOrInit(ctx context.Context, b *blob.Bucket, opts Options) (*Repository, error) {
	r, err := Open(ctx, b, opts)
	if !errors.Is(err, ErrNoRepository) {
		return r, err
	}
	r = &Repository{b: b, opts: opts.withDefaults()}
	// The first catalog version goes first: a config without a catalog
	// would be a repository that no command can read.
	first, _ := json.Marshal(&catalog{V: formatVersion, Version: 1})
	err = b.WriteAll(ctx, catalogKey(1), first, &blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
	if err != nil && !errors.Is(err, blob.ErrExists) {
		return nil, err
	}
	cfg, _ := json.Marshal(config{V: formatVersion, Kind: configKind, Created: r.opts.Now().UTC()})
	err = b.WriteAll(ctx, configKey, cfg, &blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
	if err != nil && !errors.Is(err, blob.ErrExists) {
		return nil, err
	}
	return Open(ctx, b, opts)
}

// Snapshots lists the kept snapshots, oldest first; database "" means all.
func (r *Repository) Snapshots(ctx context.Context, database string) ([]Summary, error) {
	c, err := r.readCatalog(ctx)
	if err != nil {
		return nil, err
	}
	var out []Summary
	for _, s := range c.Snapshots {
		if database == "" || s.Database == database {
			out = append(out, s)
		}
	}
	return out, nil
}

// Snapshot reads the manifest of the snapshot with exactly this id.
func (r *Repository) Snapshot(ctx context.Context, id string) (*Snapshot, error) {
	p, err := r.b.ReadAll(ctx, manifestKey(id))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrSnapshotNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := json.Unmarshal(p, &s); err != nil || s.ID != id {
		return nil, &IntegrityError{Snapshot: id, Key: manifestKey(id), Problem: "unreadable manifest"}
	}
	return &s, nil
}
