package embedded

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
)

func TestStartOpensOneQueueAndOneBucketAndCloseRemovesTheStore(t *testing.T) {
	ctx := context.Background()
	s := &Stack{Dir: t.TempDir()}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Bucket.WriteAll(ctx, "k", []byte("v"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "blob", "k")); err != nil {
		t.Errorf("the bucket does not write under Dir/blob: %v", err)
	}
	if err := s.Queue.Send(ctx, &broker.Message{ID: "m1", Body: []byte("job")}); err != nil {
		t.Errorf("Send on the embedded queue = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Dir, "nats")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close left the JetStream store behind (stat: %v)", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("a second Close = %v, want nil", err)
	}
}

func TestCloseRunsEveryCloserLastFirstAndJoinsTheirErrors(t *testing.T) {
	var order []int
	errA, errB := errors.New("a failed"), errors.New("b failed")
	s := &Stack{}
	s.OnClose(func() error { order = append(order, 1); return errA })
	s.OnClose(func() error { order = append(order, 2); return nil })
	s.OnClose(func() error { order = append(order, 3); return errB })
	err := s.Close()
	if !errors.Is(err, errA) || !errors.Is(err, errB) {
		t.Errorf("Close = %v, want both closers' errors", err)
	}
	if !slices.Equal(order, []int{3, 2, 1}) {
		t.Errorf("closers ran in order %v, want [3 2 1]", order)
	}
}

func TestAStartThatFailsHalfWayClosesWhatItStarted(t *testing.T) {
	dir := t.TempDir()
	// Dir/blob is a file: the server and the queue start, the bucket cannot.
	if err := os.WriteFile(filepath.Join(dir, "blob"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	closedEarlier := false
	s := &Stack{Dir: dir}
	s.OnClose(func() error { closedEarlier = true; return nil })
	if err := s.Start(context.Background()); err == nil {
		t.Fatal("Start succeeded with a file where the blob directory goes")
	}
	if _, err := os.Stat(filepath.Join(dir, "nats")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the JetStream server's store is still there after a failed Start (stat: %v)", err)
	}
	if err := s.Queue.Send(context.Background(), &broker.Message{ID: "m1", Body: []byte("job")}); !errors.Is(err, broker.ErrClosed) {
		t.Errorf("Send on the queue opened before the failure = %v, want broker.ErrClosed", err)
	}
	if !closedEarlier {
		t.Error("a closer added before Start did not run")
	}
}

func TestHaltStopsTheServerAtOnceAndCloseStillRuns(t *testing.T) {
	ctx := context.Background()
	s := &Stack{Dir: t.TempDir()}
	s.Halt() // before Start: nothing to stop
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	s.Halt()
	sendCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.Queue.Send(sendCtx, &broker.Message{ID: "m1", Body: []byte("job")}); err == nil {
		t.Error("Send succeeded on a halted server")
	}
	_ = s.Close() // the queue's own close may report the halted server
	if _, err := os.Stat(filepath.Join(s.Dir, "nats")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Close after Halt left the JetStream store behind (stat: %v)", err)
	}
}

func TestSyncBlobsSyncsTheObjectsOfTheBlobDirectory(t *testing.T) {
	ctx := context.Background()
	s := &Stack{Dir: t.TempDir()}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Bucket.WriteAll(ctx, "jobs/j1/dump.sql", []byte("GO\n"), nil); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncBlobs(); err != nil {
		t.Fatalf("SyncBlobs = %v", err)
	}
	if err := os.RemoveAll(filepath.Join(s.Dir, "blob")); err != nil {
		t.Fatal(err)
	}
	if err := s.SyncBlobs(); err == nil {
		t.Error("SyncBlobs of a vanished blob directory reported no error")
	}
}
