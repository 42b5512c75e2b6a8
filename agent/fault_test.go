package agent_test

import (
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/faultyblob"
)

var errInjected = errors.New("connection reset by MinIO")

func TestFailedBlobWriteLeavesNoPartialObjectAndTheJobIsRetried(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	// The third write of the upload fails once, as a dropped connection
	// would.
	faulty, faults := faultyblob.Wrap(e.bucket, faultyblob.Fault{Op: faultyblob.OpWrite, After: 2, Err: errInjected, Code: driver.Unavailable})
	const size = 3 << 20
	e.start(agent.Config{Source: agent.NewSyntheticSource(size), Bucket: faulty})
	job := newJob(t)
	job.Compress = protocol.CompressNone
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.Attempt != 2 {
		t.Fatalf("reply %+v %+v, want ok from attempt 2", rep, rep.Error)
	}
	e.onlyScript(t, job.ID, rep.Result) // the failed attempt left no (partial) object
	if script := fetch(t, e.bucket, rep.Result); len(script) != size {
		t.Fatalf("script %d bytes", len(script))
	}
	if faults.Calls(faultyblob.OpWrite) < 3 {
		t.Fatal("the fault never fired")
	}
}

func TestFailedCommitIsRetriedWithoutAPartialObject(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	job := newJob(t)
	// The first commit of a script object fails (Times 1: once).
	faulty, _ := faultyblob.Wrap(e.bucket, faultyblob.Fault{Op: faultyblob.OpClose, KeyPrefix: "jobs/" + job.ID + "/attempt-1-", Err: syscall.ECONNREFUSED})
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 20), Bucket: faulty})
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.Attempt != 2 {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	e.onlyScript(t, job.ID, rep.Result) // the failed commit left no object
	fetch(t, e.bucket, rep.Result)
}

func TestFailedManifestWriteIsRetriedAndTheOrphanObjectRemoved(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	job := newJob(t)
	faulty, _ := faultyblob.Wrap(e.bucket, faultyblob.Fault{Op: faultyblob.OpClose, Key: protocol.ManifestKey(job.ID), Err: errInjected, Code: driver.Unavailable})
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 16), Bucket: faulty})
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.Attempt != 2 {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	e.onlyScript(t, job.ID, rep.Result) // attempt 1's object, never recorded in a manifest, is gone
	if m := readManifest(t, e.bucket, job.ID); m.Attempt != 2 {
		t.Fatalf("manifest from attempt %d", m.Attempt)
	}
}

func TestBlobStoreFailingEveryTimeFailsTheJobCleanlyOnItsLastAttempt(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	faulty, _ := faultyblob.Wrap(e.bucket, faultyblob.Fault{Op: faultyblob.OpWrite, Times: -1, Err: errInjected, Code: driver.Unavailable})
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 20), Bucket: faulty, MaxAttempts: 3})
	job := newJob(t)
	q := e.queue()
	rep, _ := waitFinal(t, submit(t, q, job), 60*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeStorage || rep.Attempt != 3 ||
		!strings.Contains(rep.Error.Message, errInjected.Error()) {
		t.Fatalf("reply %+v %+v, want a storage failure on attempt 3 naming the cause", rep, rep.Error)
	}
	e.noScripts(t, job.ID)
	if exists(t, e.bucket, protocol.ManifestKey(job.ID)) {
		t.Fatal("a failed job has a manifest")
	}
	// The job is dead-lettered for the operator, not lost.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := q.ReceiveDeadLetter(ctx)
	if err != nil || d.ID() != job.ID {
		t.Fatalf("dead letter: %v", err)
	}
	d.Ack(ctx)
}
