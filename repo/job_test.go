package repo

import (
	"errors"
	"testing"
	"time"
)

func backupJob(t *testing.T, r *Repository, job string, script []byte) *Snapshot {
	t.Helper()
	b, err := r.NewBackup(ctxFor(t), BackupInfo{Database: "Sales", Job: job})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Write(script); err != nil {
		t.Fatal(err)
	}
	s, err := b.Commit()
	if err != nil {
		b.Abort()
		t.Fatal(err)
	}
	return s
}

// A job redelivered after its snapshot was committed, and before the agent
// recorded the job's manifest (the agent crashed in between), finds the
// snapshot instead of making a second one; two attempts racing to commit
// make one snapshot, and what the loser uploaded goes at the next prune.
func TestARedeliveredBackupJobMakesOneSnapshot(t *testing.T) {
	forEachDriver(t, func(t *testing.T, nb newBucketFunc) {
		clock := newTestClock()
		r := newRepo(t, nb, Options{Now: clock.Now})
		day1 := genDB{name: "Sales", rows: 2000, day: 1}.bytes()
		if _, err := r.SnapshotOfJob(ctxFor(t), "job-1"); !errors.Is(err, ErrSnapshotNotFound) {
			t.Fatalf("SnapshotOfJob before any backup: %v, want ErrSnapshotNotFound", err)
		}
		first := backupJob(t, r, "job-1", day1)
		// The crash: no job manifest. The redelivered attempt asks first.
		if s, err := r.SnapshotOfJob(ctxFor(t), "job-1"); err != nil || s.ID != first.ID || s.Job != "job-1" {
			t.Fatalf("SnapshotOfJob after the commit: %+v, %v; want %s", s, err, first.ID)
		}
		// An attempt that started before the first committed (or did not
		// ask) commits nothing and returns the first snapshot.
		day2 := genDB{name: "Sales", rows: 2000, day: 2}.bytes()
		again := backupJob(t, r, "job-1", day2)
		if again.ID != first.ID || again.ScriptSHA256 != first.ScriptSHA256 {
			t.Fatalf("second attempt of job-1 returned %s (sha %s), want the first snapshot %s", again.ID, again.ScriptSHA256, first.ID)
		}
		list, err := r.Snapshots(ctxFor(t), "")
		if err != nil || len(list) != 1 {
			t.Fatalf("snapshots after a redelivered job: %d (%v), want 1", len(list), err)
		}
		other := backupJob(t, r, "job-2", day2)
		if other.ID == first.ID || other.Parent != first.ID {
			t.Fatalf("another job's backup %+v: want a new snapshot on top of %s", other, first.ID)
		}
		clock.Advance(r.opts.LockStale + time.Second)
		st, err := r.Prune(ctxFor(t))
		if err != nil || st.Interrupted != 1 {
			t.Fatalf("prune: %+v, %v; want the losing attempt cleaned up as interrupted", st, err)
		}
		assertCatIdentical(t, r, first.ID, day1)
		assertCatIdentical(t, r, other.ID, day2)
		if rep, err := r.Check(ctxFor(t), true); err != nil {
			t.Fatalf("check: %+v, %v", rep, err)
		}
	})
}
