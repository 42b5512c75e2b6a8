package agent_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/repo"
)

func TestBackupJobStoresASnapshotAndAnUnchangedDatabaseAddsNoParts(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	const size = 5<<20 + 999
	dir := t.TempDir()
	openRepo := func(context.Context, string) (*blob.Bucket, error) {
		d, err := fileblob.OpenBucket(dir, nil)
		if err != nil {
			return nil, err
		}
		return blob.NewBucket(d), nil
	}
	e.start(agent.Config{Source: agent.NewSyntheticSource(size), OpenRepoBucket: openRepo, AllowRepos: []string{"file://" + dir}})
	q := e.queue()
	var snaps []*protocol.RepoSnapshot
	for range 2 {
		job := newJob(t)
		job.Repo = "file://" + dir
		rep, _ := waitFinal(t, submit(t, q, job), 30*time.Second)
		if rep.Status != protocol.StatusOK || rep.Result == nil || rep.Result.Snapshot == nil {
			t.Fatalf("reply %+v, error %+v", rep, rep.Error)
		}
		if rep.Result.SHA256 != syntheticDigest(t, size) {
			t.Fatalf("backup recorded sha256 %s, want the synthetic script's", rep.Result.SHA256)
		}
		if exists(t, e.bucket, rep.Result.Object) {
			t.Fatalf("a backup job also stored a dump object %s", rep.Result.Object)
		}
		snaps = append(snaps, rep.Result.Snapshot)
	}
	if snaps[1].Parent != snaps[0].ID || snaps[1].NewParts != 0 {
		t.Fatalf("second backup %+v: want parent %s and no new parts", snaps[1], snaps[0].ID)
	}
	b, _ := openRepo(t.Context(), "")
	defer b.Close()
	r, err := repo.Open(t.Context(), b, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := r.Cat(t.Context(), snaps[1].ID, &buf); err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(buf.Bytes()); hex.EncodeToString(sum[:]) != syntheticDigest(t, size) {
		t.Fatal("cat of the snapshot differs from the dumped script")
	}
}

func TestBackupJobIsRefusedByAnAgentWithoutRepositories(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.start(agent.Config{Source: agent.NewSyntheticSource(1000), AllowRepos: []string{"file:///nowhere"}})
	job := newJob(t)
	job.Repo = "file:///nowhere"
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error == nil || rep.Error.Code != protocol.ErrCodeInvalidJob {
		t.Fatalf("reply %+v, error %+v; want failed as an invalid job", rep, rep.Error)
	}
}

// A publisher may not have an agent send a database it can dump to a
// repository of the publisher's choosing: only the repositories the agent
// is configured with are written, matched exactly (a URL's parameters can
// name another endpoint), and nothing is opened for another.
func TestBackupJobNamingARepositoryOutsideTheAgentsListIsRefused(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	opened := make(chan string, 4)
	openRepo := func(_ context.Context, url string) (*blob.Bucket, error) {
		opened <- url
		d, err := fileblob.OpenBucket(t.TempDir(), nil)
		if err != nil {
			return nil, err
		}
		return blob.NewBucket(d), nil
	}
	e.start(agent.Config{Source: agent.NewSyntheticSource(1000), OpenRepoBucket: openRepo, AllowRepos: []string{"s3://backups?region=eu-west-1"}})
	for _, repoURL := range []string{"s3://attacker", "s3://backups?region=eu-west-1&endpoint=http://attacker.example"} {
		job := newJob(t)
		job.Repo = repoURL
		rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
		if rep.Status != protocol.StatusFailed || rep.Error == nil || rep.Error.Code != protocol.ErrCodeNotAllowed {
			t.Fatalf("%s: reply %+v, error %+v; want not allowed", repoURL, rep, rep.Error)
		}
	}
	select {
	case url := <-opened:
		t.Fatalf("the agent opened %s for a refused job", url)
	default:
	}
}

// The agent died after committing the snapshot and before recording the
// job's manifest; the broker redelivers the job. The redelivered attempt
// answers with the committed snapshot instead of making a second one.
func TestARedeliveredBackupJobAnswersWithTheCommittedSnapshot(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	const size = 1<<20 + 77
	dir := t.TempDir()
	openRepo := func(context.Context, string) (*blob.Bucket, error) {
		d, err := fileblob.OpenBucket(dir, nil)
		if err != nil {
			return nil, err
		}
		return blob.NewBucket(d), nil
	}
	e.start(agent.Config{Source: agent.NewSyntheticSource(size), OpenRepoBucket: openRepo, AllowRepos: []string{"file://" + dir}})
	q := e.queue()
	job := newJob(t)
	job.Repo = "file://" + dir
	inbox := submit(t, q, job)
	rep, _ := waitFinal(t, inbox, 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result == nil || rep.Result.Snapshot == nil {
		t.Fatalf("reply %+v, error %+v", rep, rep.Error)
	}
	first := rep.Result.Snapshot.ID
	// The crash: the snapshot is committed, the job's manifest is not.
	if err := e.bucket.Delete(t.Context(), protocol.ManifestKey(job.ID)); err != nil {
		t.Fatal(err)
	}
	// A redelivery arrives under a new message id (JetStream deduplicates
	// a re-sent one).
	body, _ := protocol.Encode(job)
	if err := q.Send(t.Context(), &broker.Message{ID: job.ID + "-again", Body: body}); err != nil {
		t.Fatal(err)
	}
	rep, _ = waitFinal(t, inbox, 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result == nil || rep.Result.Snapshot == nil {
		t.Fatalf("redelivered: reply %+v, error %+v", rep, rep.Error)
	}
	if rep.Result.Snapshot.ID != first || rep.Result.SHA256 != syntheticDigest(t, size) {
		t.Fatalf("redelivered job answered snapshot %s (sha %s), want %s", rep.Result.Snapshot.ID, rep.Result.SHA256, first)
	}
	b, _ := openRepo(t.Context(), "")
	defer b.Close()
	r, err := repo.Open(t.Context(), b, repo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if list, err := r.Snapshots(t.Context(), ""); err != nil || len(list) != 1 {
		t.Fatalf("%d snapshots (%v) after a redelivered job, want 1", len(list), err)
	}
}
