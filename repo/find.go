package repo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/blob"
)

// Find resolves ref to a kept snapshot: "latest" (of database, or of the
// whole repository when database is ""), or an id or unique id prefix of at
// least 4 hex digits, as restic accepts short ids.
func (r *Repository) Find(ctx context.Context, database, ref string) (Summary, error) {
	list, err := r.Snapshots(ctx, database)
	if err != nil {
		return Summary{}, err
	}
	if ref == "latest" {
		if len(list) == 0 {
			return Summary{}, fmt.Errorf("%w: no snapshot of %q", ErrSnapshotNotFound, database)
		}
		return list[len(list)-1], nil
	}
	if len(ref) < 4 || len(ref) > 16 || strings.Trim(ref, "0123456789abcdef") != "" {
		return Summary{}, fmt.Errorf("%w: %q (want latest or 4 to 16 lower-case hex digits)", ErrBadSnapshotID, ref)
	}
	var found []Summary
	for _, s := range list {
		if strings.HasPrefix(s.ID, ref) {
			found = append(found, s)
		}
	}
	switch len(found) {
	case 0:
		return Summary{}, fmt.Errorf("%w: %s", ErrSnapshotNotFound, ref)
	case 1:
		return found[0], nil
	default:
		return Summary{}, fmt.Errorf("%w: %q matches %d snapshots", ErrBadSnapshotID, ref, len(found))
	}
}

// FindAsOf returns the latest snapshot of database taken at or before t.
func (r *Repository) FindAsOf(ctx context.Context, database string, t time.Time) (Summary, error) {
	list, err := r.Snapshots(ctx, database)
	if err != nil {
		return Summary{}, err
	}
	for i := len(list) - 1; i >= 0; i-- {
		if !list[i].Time.After(t) {
			return list[i], nil
		}
	}
	return Summary{}, fmt.Errorf("%w: no snapshot of %q at or before %s", ErrSnapshotNotFound, database, t.Format(time.RFC3339))
}

func isNotFound(err error) bool { return errors.Is(err, blob.ErrNotFound) }
