package repo

import (
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/internal/errkind"
)

// domain makes repo's sentinels their own instances of the errkind model
// that blob and broker share: each code-bearing sentinel stands for one
// errkind.Code, so a caller can ask for the kind of a repository failure
// the way it asks a bucket's.
type domain struct{}

func (domain) Name() string { return "repo" }

// The sentinels with a code of their own (one per code) are errkind
// sentinels; the lock and repository states have no portable code and stay
// plain values.
var (
	// ErrNoRepository: the bucket holds no repository (no config object).
	ErrNoRepository = errors.New("repo: no repository at this location")
	// ErrSnapshotNotFound: no snapshot has the given id (or it was forgotten).
	ErrSnapshotNotFound error = errkind.NewSentinel[domain](errkind.NotFound, "repo: snapshot not found")
	// ErrBadSnapshotID: the id is not a snapshot id, "latest" or a date.
	ErrBadSnapshotID error = errkind.NewSentinel[domain](errkind.InvalidArgument, "repo: invalid snapshot id")
	// ErrLocked: another backup or prune holds a lock that excludes this one.
	ErrLocked = errors.New("repo: repository is locked")
	// ErrLockLost: this operation's lock expired or was removed while it ran,
	// so its result was not committed.
	ErrLockLost = errors.New("repo: lock lost")
	// ErrIntegrity: stored data does not match its hash. The CLI maps it to
	// the integrity exit code.
	ErrIntegrity error = errkind.NewSentinel[domain](errkind.Integrity, "repo: integrity check failed")
)

// IntegrityError names what failed verification. It matches ErrIntegrity.
type IntegrityError struct {
	Snapshot string // may be empty
	Key      string // the object or manifest key
	Problem  string
}

func (e *IntegrityError) Error() string {
	if e.Snapshot != "" {
		return fmt.Sprintf("repo: integrity: snapshot %s: %s: %s", e.Snapshot, e.Key, e.Problem)
	}
	return fmt.Sprintf("repo: integrity: %s: %s", e.Key, e.Problem)
}

func (e *IntegrityError) Is(target error) bool { return target == ErrIntegrity }
