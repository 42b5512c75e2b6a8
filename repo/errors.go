package repo

import (
	"errors"
	"fmt"
)

var (
	// ErrNoRepository: the bucket holds no repository (no config object).
	ErrNoRepository = errors.New("repo: no repository at this location")
	// ErrSnapshotNotFound: no snapshot has the given id (or it was forgotten).
	ErrSnapshotNotFound = errors.New("repo: snapshot not found")
	// ErrBadSnapshotID: the id is not a snapshot id, "latest" or a date.
	ErrBadSnapshotID = errors.New("repo: invalid snapshot id")
	// ErrLocked: another backup or prune holds a lock that excludes this one.
	ErrLocked = errors.New("repo: repository is locked")
	// ErrLockLost: this operation's lock expired or was removed while it ran,
	// so its result was not committed.
	ErrLockLost = errors.New("repo: lock lost")
	// ErrIntegrity: stored data does not match its hash. The CLI maps it to
	// the integrity exit code.
	ErrIntegrity = errors.New("repo: integrity check failed")
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
