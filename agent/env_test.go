package agent_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/broker/sqsbroker"
	"github.com/mssqldump/mssqldump/scripter"
)

// testEnv is a real embedded JetStream server and a real blob store (a
// local directory) for the agent under test.
type testEnv struct {
	t      testing.TB
	srv    *jetstreambroker.Embedded // nil on SQS
	lease  time.Duration
	bucket *blob.Bucket
	url    string // the queue's URL
	dir    string // the file blob store's directory ("" once replaced)
}

func newEnv(t testing.TB, lease time.Duration) *testEnv {
	t.Helper()
	ctx := context.Background()
	srv, err := jetstreambroker.StartEmbedded(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	t.Cleanup(func() { b.Close() })
	return &testEnv{t: t, srv: srv, lease: lease, bucket: b, dir: dir,
		url: srv.URL() + "?lease=" + lease.String() + "&max_deliver=5"}
}

// queue opens a new connection to the queue; each agent gets its own, as
// separate processes would.
func (e *testEnv) queue() *broker.Queue {
	e.t.Helper()
	reg := broker.NewRegistry()
	reg.Register(jetstreambroker.Scheme, &jetstreambroker.URLOpener{})
	sqs := &sqsbroker.URLOpener{}
	reg.Register(sqsbroker.SchemeHTTP, sqs)
	reg.Register(sqsbroker.SchemeHTTPS, sqs)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	q, err := broker.OpenQueue(ctx, reg, e.url)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { q.Close() })
	return q
}

// runningAgent is an agent started by start.
type runningAgent struct {
	*agent.Agent
	queue  *broker.Queue
	cancel context.CancelFunc
	done   chan struct{} // closed when Run returned
	err    error         // Run's error, set before done is closed
}

// stop cancels the agent's context (SIGTERM) and waits for its drain.
func (r *runningAgent) stop(t testing.TB) {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		if r.err != nil {
			t.Errorf("agent Run: %v", r.err)
		}
	case <-time.After(30 * time.Second):
		t.Error("agent did not stop within 30s")
	}
}

func (e *testEnv) start(cfg agent.Config) *runningAgent {
	e.t.Helper()
	if cfg.Queue == nil {
		cfg.Queue = e.queue()
	}
	if cfg.Bucket == nil {
		cfg.Bucket = e.bucket
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(e.t)
	}
	if cfg.RetryDelay == 0 {
		cfg.RetryDelay = 100 * time.Millisecond
	}
	if cfg.ProgressInterval == 0 {
		cfg.ProgressInterval = 50 * time.Millisecond
	}
	a, err := agent.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runningAgent{Agent: a, queue: cfg.Queue, cancel: cancel, done: make(chan struct{})}
	go func() {
		r.err = a.Run(ctx)
		close(r.done)
	}()
	e.t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
		}
	})
	return r
}

// testLogger writes the agent's logs to the test log.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}

// lockedBuffer collects log output from several goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var jobSeq struct {
	mu sync.Mutex
	n  int
}

// newJob returns a valid job with a fresh ID.
func newJob(t testing.TB) *protocol.Job {
	jobSeq.mu.Lock()
	jobSeq.n++
	n := jobSeq.n
	jobSeq.mu.Unlock()
	now := time.Now().UTC()
	return &protocol.Job{
		ID:       sanitize(t.Name()) + "-" + itoa(n) + "-" + itoa(int(now.UnixNano()%1e9)),
		Created:  now,
		Deadline: now.Add(2 * time.Minute),
		Server:   protocol.Server{Host: "db.test", Port: 1433},
		Database: "Sales",
		Compress: protocol.CompressZstd,
	}
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	if len(b) > 60 {
		b = b[:60]
	}
	return string(b)
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// submit opens an inbox (before sending, like the CLI), sends job and
// returns the inbox.
func submit(t testing.TB, q *broker.Queue, job *protocol.Job) *broker.Inbox {
	t.Helper()
	ctx := context.Background()
	inbox, err := q.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inbox.Close() })
	job.ReplyTo = inbox.Address()
	send(t, q, job)
	return inbox
}

func send(t testing.TB, q *broker.Queue, job *protocol.Job) {
	t.Helper()
	body, err := protocol.Encode(job)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Send(context.Background(), &broker.Message{ID: job.ID, Body: body}); err != nil {
		t.Fatal(err)
	}
}

// replies collects what arrives in an inbox.
type replies struct {
	progress []*protocol.Progress
	final    []*protocol.Reply
}

// waitFinal reads the inbox until the first final reply, or fails after
// timeout.
func waitFinal(t testing.TB, inbox *broker.Inbox, timeout time.Duration) (*protocol.Reply, *replies) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	got := &replies{}
	for {
		b, err := inbox.Receive(ctx)
		if err != nil {
			t.Fatalf("no final reply within %v: %v (progress messages: %d)", timeout, err, len(got.progress))
		}
		v, err := protocol.Decode(b)
		if err != nil {
			t.Fatalf("undecodable reply %q: %v", b, err)
		}
		switch m := v.(type) {
		case *protocol.Progress:
			got.progress = append(got.progress, m)
		case *protocol.Reply:
			got.final = append(got.final, m)
			return m, got
		default:
			t.Fatalf("unexpected %T in inbox", v)
		}
	}
}

// noMoreFinal asserts that no other final reply arrives within d.
func noMoreFinal(t testing.TB, inbox *broker.Inbox, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for {
		b, err := inbox.Receive(ctx)
		if err != nil {
			return
		}
		if v, err := protocol.Decode(b); err == nil {
			if r, ok := v.(*protocol.Reply); ok {
				t.Fatalf("a second final reply arrived: %+v", r)
			}
		}
	}
}

// syntheticDigest is the SHA-256 of NewSyntheticSource(size)'s script.
func syntheticDigest(t testing.TB, size int64) string {
	h := sha256.New()
	if _, err := agent.NewSyntheticSource(size).Dump(context.Background(), &agent.DumpRequest{}, h); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// fetch downloads and decompresses the object of m and checks its digest
// against the manifest; it returns the script.
func fetch(t testing.TB, b *blob.Bucket, m *protocol.Manifest) []byte {
	t.Helper()
	raw, err := b.ReadAll(context.Background(), m.Object)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(raw)) != m.StoredSize {
		t.Fatalf("stored object is %d bytes, manifest says %d", len(raw), m.StoredSize)
	}
	var script []byte
	switch m.Compress {
	case protocol.CompressZstd:
		d, err := zstd.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		script, err = io.ReadAll(d)
		if err != nil {
			t.Fatal(err)
		}
	case protocol.CompressNone:
		script = raw
	default:
		t.Fatalf("unexpected compression %q", m.Compress)
	}
	sum := sha256.Sum256(script)
	if hex.EncodeToString(sum[:]) != m.SHA256 || int64(len(script)) != m.Size {
		t.Fatalf("object digest/size %x/%d do not match manifest %s/%d", sum, len(script), m.SHA256, m.Size)
	}
	return script
}

func readManifest(t testing.TB, b *blob.Bucket, jobID string) *protocol.Manifest {
	t.Helper()
	raw, err := b.ReadAll(context.Background(), protocol.ManifestKey(jobID))
	if err != nil {
		t.Fatal(err)
	}
	m, err := protocol.DecodeManifest(raw)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func exists(t testing.TB, b *blob.Bucket, key string) bool {
	t.Helper()
	ok, err := b.Exists(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// blockingSource writes some bytes, signals started, then blocks until its
// context ends (or release is closed, when it finishes normally). It stands
// for a long dump at the Source boundary.
type blockingSource struct {
	started chan string // receives the job ID of each attempt started
	release chan struct{}
}

func newBlockingSource() *blockingSource {
	return &blockingSource{started: make(chan string, 16), release: make(chan struct{})}
}

func (s *blockingSource) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	if _, err := io.WriteString(w, "CREATE TABLE t (id int);\n"); err != nil {
		return nil, err
	}
	req.Progress(scripter.Progress{Objects: 1, Tables: 1, Object: "dbo.t"})
	s.started <- req.Job.ID
	select {
	case <-s.release:
		return &scripter.Stats{Objects: 1, Tables: 1}, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// recordingSource writes a fixed script and records the login it was given.
type recordingSource struct {
	mu             sync.Mutex
	user, password string
	calls          int
}

func (s *recordingSource) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	s.mu.Lock()
	s.user, s.password = req.User, req.Password
	s.calls++
	s.mu.Unlock()
	_, err := io.WriteString(w, "SELECT 1;\n")
	return &scripter.Stats{}, err
}

func mustWait[T any](t testing.TB, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("timed out after %v waiting for %s", d, what)
	}
	var zero T
	return zero
}

// scripts lists the script objects stored for jobID (every attempt, every
// agent), as blob keys; the env's store must be the file blob directory.
func (e *testEnv) scripts(t testing.TB, jobID string) []string {
	t.Helper()
	if e.dir == "" {
		t.Fatal("scripts needs the file blob store")
	}
	var keys []string
	root := filepath.Join(e.dir, "jobs", jobID)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		rel, _ := filepath.Rel(e.dir, p)
		rel = filepath.ToSlash(rel)
		if !d.IsDir() && strings.Contains(rel, "/attempt-") && strings.Contains(path.Base(rel), "dump.") && !strings.HasPrefix(path.Base(rel), ".") {
			keys = append(keys, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// onlyScript fails unless the job's one stored script is m's object.
func (e *testEnv) onlyScript(t testing.TB, jobID string, m *protocol.Manifest) {
	t.Helper()
	got := e.scripts(t, jobID)
	if len(got) != 1 || m == nil || got[0] != m.Object {
		t.Fatalf("stored scripts of job %s: %v, want only the manifest's object", jobID, got)
	}
}

// noScripts fails when any script object of jobID is stored.
func (e *testEnv) noScripts(t testing.TB, jobID string) {
	t.Helper()
	if got := e.scripts(t, jobID); len(got) != 0 {
		t.Fatalf("job %s left script objects: %v", jobID, got)
	}
}

// submitSealed seals user and password to pub the way the CLI does: bound
// to job, once its reply address is known. It returns the inbox.
func submitSealed(t testing.TB, q *broker.Queue, job *protocol.Job, pub seal.PublicKey, user, password string) *broker.Inbox {
	t.Helper()
	inbox, err := q.OpenInbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inbox.Close() })
	job.ReplyTo = inbox.Address()
	box, err := seal.SealCredentials(pub, seal.Credentials{User: user, Password: password, Binding: job.Binding()})
	if err != nil {
		t.Fatal(err)
	}
	job.Credentials = protocol.Credentials{Sealed: box, KeyID: pub.ID()}
	send(t, q, job)
	return inbox
}
