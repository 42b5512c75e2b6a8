package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/faultyblob"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/scripter"
)

// fleet is a real JetStream server and a file:// blob directory that a
// remote-mode CLI and agents share.
type fleet struct {
	brokerURL, blobURL, blobDir string
}

// testLease keeps heartbeats (and cancel checks) at one second.
const testLease = 3 * time.Second

func newFleet(t *testing.T) *fleet { return newBenchFleet(t) }

func newBenchFleet(t testing.TB) *fleet {
	t.Helper()
	srv, err := jetstreambroker.StartEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Shutdown)
	dir := t.TempDir()
	return &fleet{brokerURL: srv.URL() + "?lease=" + testLease.String(), blobURL: "file://" + dir, blobDir: dir}
}

func (f *fleet) flags(args ...string) []string {
	return append([]string{"--broker", f.brokerURL, "--blob", f.blobURL}, args...)
}

// startAgent runs an in-process agent on the fleet until the test ends.
// wrap, when set, decorates the agent's blob driver.
func (f *fleet) startAgent(t *testing.T, src agent.Source, wrap func(driver.Bucket) driver.Bucket) {
	t.Helper()
	ctx := context.Background()
	q, err := drivers.OpenQueue(ctx, f.brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	b, err := drivers.OpenBucket(ctx, f.blobURL)
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		b = blob.NewBucket(wrap(b.Driver()))
	}
	key, err := seal.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	a, err := agent.New(agent.Config{Queue: q, Bucket: b, Source: src, Key: key,
		// The test fleet's agent-side credentials serve any test host.
		AllowServers: []string{"*"},
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)), Metrics: prometheus.NewRegistry(),
		DrainTimeout: time.Second,
		// Transient failures are retried once, quickly, then answered.
		MaxAttempts: 2, RetryDelay: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done; q.Close(); b.Close() })
	// The agent publishes its key as it starts; wait for it so that -u/-p
	// can be sealed.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, _ := b.Exists(ctx, "fleet/public-key"); ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the agent did not publish its key")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRemoteDumpThroughJetStreamAndFileBlob(t *testing.T) {
	f := newFleet(t)
	f.startAgent(t, agent.NewSyntheticSource(2<<20), nil)
	out := filepath.Join(t.TempDir(), "db.sql")
	r := mssqldump(t, nil, f.flags("-u", "backup", "-pS3cret!", "-r", out, "db")...)
	wantCode(t, r, 0)
	got, _ := os.ReadFile(out)
	sameBytes(t, got, synthetic(t, 2<<20))
	assertNoSecretStored(t, f.blobDir, "S3cret!")
}

// assertNoSecretStored checks that no stored blob holds the password.
func assertNoSecretStored(t *testing.T, dir, secret string) {
	t.Helper()
	_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the plaintext password", p)
		}
		return nil
	})
}

// corruptingBucket flips one byte in every stored script: the manifest's
// digest is right, the object is not. It decorates a real driver.
type corruptingBucket struct{ driver.Bucket }

func (b corruptingBucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	w, err := b.Bucket.NewTypedWriter(ctx, key, opts)
	if err != nil || !strings.Contains(key, "/attempt-") {
		return w, err
	}
	return &corruptingWriter{Writer: w}, nil
}

type corruptingWriter struct {
	driver.Writer
	n int64
}

func (w *corruptingWriter) Write(p []byte) (int, error) {
	const at = 1000 // past any header, inside the compressed stream
	if w.n <= at && w.n+int64(len(p)) > at {
		q := slices.Clone(p)
		q[at-w.n] ^= 0x20
		p = q
	}
	w.n += int64(len(p))
	return w.Writer.Write(p)
}

func TestChecksumMismatchExits5AndWritesNothing(t *testing.T) {
	for _, compress := range []string{"none", "zstd"} {
		t.Run(compress, func(t *testing.T) {
			f := newFleet(t)
			f.startAgent(t, agent.NewSyntheticSource(256<<10), func(d driver.Bucket) driver.Bucket { return corruptingBucket{d} })
			dir := t.TempDir()
			r := mssqldump(t, nil, f.flags("--compress", compress, "-r", filepath.Join(dir, "db.sql"), "db")...)
			wantCode(t, r, 5)
			if names := dirEntries(t, dir); len(names) != 0 {
				t.Errorf("an integrity failure left %v", names)
			}
			if !strings.Contains(r.stderr, "integrity") {
				t.Errorf("stderr does not say integrity:\n%s", r.stderr)
			}
		})
	}
}

var jobSentRE = regexp.MustCompile(`msg="job sent" job=([0-9a-f-]+)`)

// jobIDFrom finds the job id in -v output.
func jobIDFrom(t *testing.T, stderr string) string {
	t.Helper()
	m := jobSentRE.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no job id in stderr:\n%s", stderr)
	}
	return m[1]
}

func TestFetchOfACorruptedObjectExits5(t *testing.T) {
	f := newFleet(t)
	f.startAgent(t, agent.NewSyntheticSource(300<<10), nil)
	r := mssqldump(t, nil, f.flags("-v", "--compress", "gzip", "db")...)
	wantCode(t, r, 0)
	id := jobIDFrom(t, r.stderr)

	// fetch gives the same bytes again...
	dir := t.TempDir()
	out := filepath.Join(dir, "again.sql")
	r = mssqldump(t, nil, f.flags("fetch", id, "-r", out)...)
	wantCode(t, r, 0)
	got, _ := os.ReadFile(out)
	sameBytes(t, got, synthetic(t, 300<<10))

	// ...until the stored object is damaged.
	objs, _ := filepath.Glob(filepath.Join(f.blobDir, "jobs", id, "attempt-*", "dump.sql.gz"))
	if len(objs) != 1 {
		t.Fatalf("stored objects: %v", objs)
	}
	b, err := os.ReadFile(objs[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(objs[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(out)
	r = mssqldump(t, nil, f.flags("fetch", id, "-r", out)...)
	wantCode(t, r, 5)
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("fetch of a damaged object left %v", names)
	}
}

func TestNoResultBeforeTheDeadlineExits4(t *testing.T) {
	f := newFleet(t) // no agent
	start := time.Now()
	r := mssqldump(t, nil, f.flags("--timeout", "2s", "db")...)
	wantCode(t, r, 4)
	t.Logf("gave up after %v", time.Since(start))
}

func TestPasswordWithoutAFleetKeyExits6(t *testing.T) {
	f := newFleet(t) // no agent: nothing published
	r := mssqldump(t, nil, f.flags("-u", "sa", "-px", "db")...)
	wantCode(t, r, 6)
	if !strings.Contains(r.stderr, "fleet") {
		t.Errorf("stderr does not explain the missing fleet key:\n%s", r.stderr)
	}
}

func TestUnreachableBrokerExits6(t *testing.T) {
	r := mssqldump(t, nil, "--broker", fmt.Sprintf("nats://127.0.0.1:%d", closedPort(t)), "--blob", "file://"+t.TempDir(), "db")
	wantCode(t, r, 6)
}

func TestUnreachableBlobStoreExits6(t *testing.T) {
	f := newFleet(t)
	blobURL := fmt.Sprintf("s3://bucket?region=us-east-1&endpoint=http://127.0.0.1:%d&path_style=true", closedPort(t))
	r := mssqldump(t, []string{"AWS_ACCESS_KEY_ID=x", "AWS_SECRET_ACCESS_KEY=y"},
		"--broker", f.brokerURL, "--blob", blobURL, "-u", "sa", "-px", "db")
	wantCode(t, r, 6)
}

// blockingSource writes a little, then holds the job until it is canceled,
// recording when the cancellation reached it.
type blockingSource struct {
	started  chan struct{}
	once     sync.Once
	mu       sync.Mutex
	canceled time.Time
	release  chan struct{}
	size     int64
}

func newBlockingSource(size int64) *blockingSource {
	return &blockingSource{started: make(chan struct{}), release: make(chan struct{}), size: size}
}

func (s *blockingSource) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	s.once.Do(func() { close(s.started) })
	select {
	case <-ctx.Done():
		s.mu.Lock()
		s.canceled = time.Now()
		s.mu.Unlock()
		return nil, ctx.Err()
	case <-s.release:
		return agent.NewSyntheticSource(s.size).Dump(ctx, req, w)
	}
}

func (s *blockingSource) canceledAt() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.canceled
}

func TestInterruptCancelsTheRemoteJobAndExits130(t *testing.T) {
	f := newFleet(t)
	src := newBlockingSource(0)
	f.startAgent(t, src, nil)
	out := filepath.Join(t.TempDir(), "db.sql")
	cmd := command(t, nil, f.flags("-r", out, "db")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-src.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the agent never started the job")
	}
	interrupted := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit: %v, want code 130\nstderr:\n%s", err, stderr.String())
	}
	stopped := src.canceledAt()
	if stopped.IsZero() {
		t.Fatalf("the agent's job was not canceled by the time the CLI exited\nstderr:\n%s", stderr.String())
	}
	// The agent checks the cancel marker at every heartbeat (lease/3).
	if d := stopped.Sub(interrupted); d > testLease/3+time.Second {
		t.Errorf("the job stopped %v after the interrupt; want within one heartbeat (%v)", d, testLease/3)
	} else {
		t.Logf("the job stopped %v after the interrupt", d)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("an interrupted dump left %s", out)
	}
	if names := dirEntries(t, filepath.Dir(out)); len(names) != 0 {
		t.Errorf("an interrupted dump left %v", names)
	}
}

func TestWaitReattachesAfterALostCLI(t *testing.T) {
	f := newFleet(t)
	src := newBlockingSource(500 << 10)
	f.startAgent(t, src, nil)
	cmd := command(t, nil, f.flags("-v", "db")...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Read the job id, then lose the CLI (SIGKILL: no cleanup at all).
	var id string
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := jobSentRE.FindStringSubmatch(sc.Text()); m != nil {
			id = m[1]
			break
		}
	}
	if id == "" {
		t.Fatal("no job id on stderr")
	}
	<-src.started
	_ = cmd.Process.Kill()
	_ = cmd.Wait()

	waitDone := make(chan result, 1)
	out := filepath.Join(t.TempDir(), "db.sql")
	go func() { waitDone <- mssqldump(t, nil, f.flags("--timeout", "1m", "wait", id, "-r", out)...) }()
	time.Sleep(500 * time.Millisecond)
	close(src.release) // the agent finishes the job nobody listens to
	r := <-waitDone
	wantCode(t, r, 0)
	got, _ := os.ReadFile(out)
	sameBytes(t, got, synthetic(t, 500<<10))

	r = mssqldump(t, nil, f.flags("--timeout", "1s", "wait", "00000000-0000-4000-8000-000000000000")...)
	wantCode(t, r, 4)
}

// TestRedirectedStdoutIsRolledBackOnIntegrityFailure: a megabyte streams
// to stdout before the digest is known to be wrong; afterwards the file
// holds exactly what it held before the run (">" empty, ">>" its old
// content).
func TestRedirectedStdoutIsRolledBackOnIntegrityFailure(t *testing.T) {
	f := newFleet(t)
	f.startAgent(t, agent.NewSyntheticSource(1<<20), func(d driver.Bucket) driver.Bucket { return corruptingBucket{d} })
	for _, tc := range []struct {
		name  string
		flags int
		old   string
	}{
		{"truncate", os.O_WRONLY | os.O_TRUNC, ""},
		{"append", os.O_WRONLY | os.O_APPEND, "-- earlier dumps\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "out.sql")
			if err := os.WriteFile(p, []byte("-- earlier dumps\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := os.OpenFile(p, tc.flags, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			cmd := command(t, nil, f.flags("--compress", "none", "db")...)
			cmd.Stdout = out
			_ = cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 5 {
				t.Fatalf("exit code %d, want 5", code)
			}
			if got, _ := os.ReadFile(p); string(got) != tc.old {
				t.Fatalf("after the failure the file holds %d bytes, want %q", len(got), tc.old)
			}
		})
	}
}

func TestFailingBlobWritesExit6AndLeaveNoResultFile(t *testing.T) {
	f := newFleet(t)
	f.startAgent(t, agent.NewSyntheticSource(2<<20), func(d driver.Bucket) driver.Bucket {
		// Every upload of a script fails part-way, as a dropped connection to
		// the blob store would.
		return faultyblob.New(d, faultyblob.Fault{Op: faultyblob.OpWrite, After: 3, Times: -1,
			Err: syscall.ECONNRESET, Code: driver.Unavailable})
	})
	dir := t.TempDir()
	r := mssqldump(t, nil, f.flags("--timeout", "2m", "-r", filepath.Join(dir, "db.sql"), "db")...)
	wantCode(t, r, 6)
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Errorf("a failed upload left %v", names)
	}
	objs, _ := filepath.Glob(filepath.Join(f.blobDir, "jobs", "*", "attempt-*", "*"))
	if len(objs) != 0 {
		t.Errorf("a failed upload left objects %v", objs)
	}
}

// TestWaitReportsTheOutcomeOfAFailedJob: a job that failed on the server
// side leaves a failure record, so a CLI reattaching with `wait` exits 3
// with the agent's message instead of polling until its timeout (exit 4).
func TestWaitReportsTheOutcomeOfAFailedJob(t *testing.T) {
	f := newFleet(t)
	f.startAgent(t, agent.NewSQLServerSource(), nil)
	port := closedPort(t)
	r := mssqldump(t, nil, f.flags("-v", "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-u", "backup", "-pS3cret!", "db")...)
	wantCode(t, r, 3)
	m := jobSentRE.FindStringSubmatch(r.stderr)
	if m == nil {
		t.Fatalf("no job id on stderr:\n%s", r.stderr)
	}
	r = mssqldump(t, nil, f.flags("--timeout", "20s", "wait", m[1])...)
	wantCode(t, r, 3)
	if want := fmt.Sprintf("127.0.0.1:%d", port); !strings.Contains(r.stderr, want) {
		t.Errorf("wait's stderr does not name %s:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "S3cret!") || r.stdout != "" {
		t.Errorf("wait leaked the password or wrote stdout: %q / %q", r.stderr, r.stdout)
	}
}
