package repo

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"
)

// testClock is a settable clock for lock expiry and snapshot times.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 11, 1, 2, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func openRepo(t testing.TB, b interface{ Close() error }, r *Repository, err error) *Repository {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newRepo(t testing.TB, nb newBucketFunc, opts Options) *Repository {
	t.Helper()
	b := nb(t)
	r, err := OpenOrInit(ctxFor(t), b, opts)
	return openRepo(t, b, r, err)
}

// backupScript stores script as a snapshot of db taken at tm (zero: now),
// writing it in odd-sized chunks as a streaming dump would.
func backupScript(t testing.TB, r *Repository, db string, script []byte, tm time.Time) *Snapshot {
	t.Helper()
	b, err := r.NewBackup(ctxFor(t), BackupInfo{Database: db, Server: "db1", Time: tm})
	if err != nil {
		t.Fatal(err)
	}
	for p := script; len(p) > 0; {
		n := min(len(p), 70001)
		if _, err := b.Write(p[:n]); err != nil {
			b.Abort()
			t.Fatal(err)
		}
		p = p[n:]
	}
	s, err := b.Commit()
	if err != nil {
		b.Abort()
		t.Fatal(err)
	}
	return s
}

func catScript(t testing.TB, r *Repository, id string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := r.Cat(ctxFor(t), id, &buf); err != nil {
		t.Fatalf("cat %s: %v", id, err)
	}
	return buf.Bytes()
}

func assertCatIdentical(t testing.TB, r *Repository, id string, want []byte) {
	t.Helper()
	if got := catScript(t, r, id); !bytes.Equal(got, want) {
		t.Fatalf("cat %s: %d bytes differ from the %d-byte script backed up", id, len(got), len(want))
	}
}
