package repo

import (
	"context"
	"fmt"
)

// A backup job may be delivered twice (a broker redelivers a job whose
// agent died after committing the snapshot and before reporting it). The
// snapshot records the job's id, and the catalog version that commits a
// snapshot is the job's marker: a commit whose job already has a committed
// snapshot commits nothing and returns that snapshot, and SnapshotOfJob lets
// a redelivered attempt find it before dumping at all.

// SnapshotOfJob returns the committed, unforgotten snapshot that backup job
// job made, or ErrSnapshotNotFound.
func (r *Repository) SnapshotOfJob(ctx context.Context, job string) (*Snapshot, error) {
	if job == "" {
		return nil, ErrSnapshotNotFound
	}
	c, err := r.readCatalog(ctx)
	if err != nil {
		return nil, err
	}
	if id := c.snapshotOfJob(job); id != "" {
		return r.Snapshot(ctx, id)
	}
	return nil, fmt.Errorf("%w: no snapshot of job %s", ErrSnapshotNotFound, job)
}

func (c *catalog) snapshotOfJob(job string) string {
	if job == "" {
		return ""
	}
	for _, s := range c.Snapshots {
		if s.Job == job {
			return s.ID
		}
	}
	return ""
}
