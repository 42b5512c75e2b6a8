package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
)

// binary is the mssqldump-agent built once for these tests: they run the
// real program, as systemd, docker and operators do.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mssqldump-agent-test")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "mssqldump-agent")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// runAgent runs the binary with args and env (added to a clean environment
// without MSSQLDUMP_* variables) and waits up to 30s.
func runAgent(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, stdout.String(), stderr.String()}
}

func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MSSQLDUMP_") {
			env = append(env, kv)
		}
	}
	return env
}

func TestHelpListsEveryFlagWithItsVariableAndTheExitCodes(t *testing.T) {
	r := runAgent(t, nil, "--help")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, v := range []string{"MSSQLDUMP_BROKER", "MSSQLDUMP_BLOB", "MSSQLDUMP_CONCURRENCY", "MSSQLDUMP_LISTEN",
		"MSSQLDUMP_SEAL_KEY_FILE", "MSSQLDUMP_CREDENTIALS", "MSSQLDUMP_CONFIG", "MSSQLDUMP_HEARTBEAT",
		"MSSQLDUMP_DRAIN_TIMEOUT", "EXIT CODES", "keygen", "install", "uninstall"} {
		if !strings.Contains(r.stdout, v) {
			t.Errorf("--help lacks %s", v)
		}
	}
	if strings.Contains(r.stdout, "synthetic") {
		t.Error("--help shows the hidden --source flag")
	}
}

func TestMissingBrokerAndBlobIsAUsageErrorNamingBoth(t *testing.T) {
	r := runAgent(t, nil)
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "--broker (MSSQLDUMP_BROKER)") || !strings.Contains(r.stderr, "--blob (MSSQLDUMP_BLOB)") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Fatalf("stdout %q", r.stdout)
	}
	if r := runAgent(t, nil, "--no-such-flag"); r.code != exitcode.Usage {
		t.Fatalf("unknown flag: exit %d", r.code)
	}
}

func TestFlagsBeatEnvironmentWhichBeatsTheConfigFile(t *testing.T) {
	dir := t.TempDir()
	kv := filepath.Join(dir, "agent.env")
	os.WriteFile(kv, []byte("# the agent's settings\nMSSQLDUMP_BROKER=nats://from-file:4222\nexport blob='file:///from-file'\n"+
		"concurrency=3\nheartbeat=7s\nallow-credentials=env:A_*,file:/etc/creds/*\n"), 0o600)
	yml := filepath.Join(dir, "agent.yaml")
	os.WriteFile(yml, []byte("broker: nats://from-yaml:4222\nblob: file:///from-yaml\nconcurrency: 3\nheartbeat: 7s\n"+
		"allow-credentials: [\"env:A_*\", \"file:/etc/creds/*\"]\n"), 0o600)
	for _, file := range []string{kv, yml} {
		r := runAgent(t, []string{"MSSQLDUMP_BLOB=file:///from-env", "MSSQLDUMP_CONFIG=" + file}, "config", "--concurrency", "5")
		if r.code != 0 {
			t.Fatalf("%s: exit %d: %s", file, r.code, r.stderr)
		}
		src := "file"
		if strings.HasSuffix(file, ".yaml") {
			src = "yaml"
		}
		for _, want := range []string{"broker=nats://from-" + src + ":4222", "blob=file:///from-env", "concurrency=5",
			"heartbeat=7s", "allow-credentials=env:A_*,file:/etc/creds/*"} {
			if !strings.Contains(r.stdout, want+"\n") {
				t.Errorf("%s: config lacks %q:\n%s", file, want, r.stdout)
			}
		}
	}
}

func TestConfigFileWithAnUnknownKeyIsAUsageError(t *testing.T) {
	file := filepath.Join(t.TempDir(), "agent.conf")
	os.WriteFile(file, []byte("broker=nats://x:4222\nblob=file:///x\nconcurency=3\n"), 0o600)
	r := runAgent(t, nil, "config", "--config", file)
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, `unknown key "concurency"`) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestConfigNeverPrintsTheSealKey(t *testing.T) {
	k, _ := seal.GenerateKey()
	text, _ := k.MarshalText()
	r := runAgent(t, []string{"MSSQLDUMP_SEAL_KEY=" + string(text)}, "config", "--broker", "nats://x", "--blob", "file:///x")
	if r.code != 0 || strings.Contains(r.stdout+r.stderr, string(text)) || !strings.Contains(r.stdout, "seal-key=<set>") {
		t.Fatalf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestKeygenWritesAPrivateKeyFileOnceAndPrintsThePublicKey(t *testing.T) {
	file := filepath.Join(t.TempDir(), "seal.key")
	r := runAgent(t, nil, "keygen", "--out", file)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	pub, err := seal.ParsePublicKey(r.stdout)
	if err != nil {
		t.Fatalf("stdout %q: %v", r.stdout, err)
	}
	k, err := seal.LoadPrivateKeyFile(file)
	if err != nil || !k.Public().Equal(pub) {
		t.Fatalf("key file does not match the printed public key: %v", err)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode().Perm())
	}
	if r := runAgent(t, nil, "keygen", "--out", file); r.code != exitcode.Usage || !strings.Contains(r.stderr, "never overwritten") {
		t.Fatalf("second keygen: exit %d %q", r.code, r.stderr)
	}
	if k2, _ := seal.LoadPrivateKeyFile(file); !k2.Public().Equal(pub) {
		t.Fatal("key file was overwritten")
	}
}

func TestUnreachableBrokerExitsSixNamingIt(t *testing.T) {
	port := freePort(t)
	r := runAgent(t, nil, "--broker", fmt.Sprintf("nats://127.0.0.1:%d", port), "--blob", "file://"+t.TempDir(), "--listen", "")
	if r.code != exitcode.Unavailable || !strings.Contains(r.stderr, fmt.Sprintf("127.0.0.1:%d", port)) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestAMissingBlobDirectoryIsUnreachable(t *testing.T) {
	srv, err := jetstreambroker.StartEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	missing := filepath.Join(t.TempDir(), "missing")
	r := runAgent(t, nil, "--broker", srv.URL(), "--blob", "file://"+missing, "--listen", "")
	if r.code != exitcode.Unavailable || !strings.Contains(r.stderr, missing) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestTheAgentExitsOnlyWithTheCodesItDocuments: exitcode.For is the one
// switch, but a timeout or cancellation is not a job of the agent's own.
func TestTheAgentExitsOnlyWithTheCodesItDocuments(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitcode.OK},
		{usagef("bad flag"), exitcode.Usage},
		{&exitcode.UnavailableError{Err: context.DeadlineExceeded}, exitcode.Unavailable},
		{fmt.Errorf("open: %w", context.DeadlineExceeded), exitcode.Other},
		{context.Canceled, exitcode.Other},
		{errors.New("boom"), exitcode.Other},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
	for _, c := range []int{exitcode.OK, exitcode.Other, exitcode.Usage, exitcode.Unavailable} {
		if !strings.Contains(exitHelp, fmt.Sprintf("\n   %d ", c)) {
			t.Errorf("the agent's help does not document exit code %d", c)
		}
	}
}

func TestBadURLsAreUsageErrorsNamingTheParameter(t *testing.T) {
	r := runAgent(t, nil, "--broker", "nats://127.0.0.1:4222?no_such_param=1", "--blob", "file://"+t.TempDir())
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "no_such_param") {
		t.Fatalf("bad broker URL: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runAgent(t, nil, "--broker", "kafka://127.0.0.1:9092", "--blob", "file://"+t.TempDir())
	if r.code != exitcode.Usage || !strings.Contains(r.stderr, "kafka") {
		t.Fatalf("unknown broker scheme: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestInstallOutsideWindowsPointsToSystemd(t *testing.T) {
	r := runAgent(t, nil, "install", "--broker", "nats://x:4222", "--blob", "file:///x")
	if r.code != exitcode.Other || !strings.Contains(r.stderr, "systemd") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestAgentBinaryServesJobsPublishesItsKeyAndDrainsOnSIGTERM(t *testing.T) {
	ctx := context.Background()
	srv, err := jetstreambroker.StartEmbedded(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	blobDir := t.TempDir()
	keyFile := filepath.Join(t.TempDir(), "keys", "seal.key")
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))

	cmd := exec.Command(binary, "run", "--source", "synthetic:1MiB", "--agent-id", "bin-agent")
	cmd.Env = append(cleanEnv(),
		"MSSQLDUMP_BROKER="+srv.URL()+"?lease=5s",
		"MSSQLDUMP_BLOB=file://"+blobDir,
		"MSSQLDUMP_LISTEN="+listen,
		"MSSQLDUMP_SEAL_KEY_FILE="+keyFile,
		"MSSQLDUMP_CONCURRENCY=2",
	)
	var stderr lockedBuf
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()

	// Health endpoint comes up.
	waitFor(t, 20*time.Second, "/healthz 200", func() bool {
		res, err := http.Get("http://" + listen + "/healthz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})

	// The key file was created and its public half published.
	d, err := fileblob.OpenBucket(blobDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	bucket := blob.NewBucket(d)
	k, err := seal.LoadPrivateKeyFile(keyFile)
	if err != nil {
		t.Fatalf("key file: %v\n%s", err, stderr.String())
	}
	published, err := bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
	if err != nil {
		t.Fatal(err)
	}
	if pub, err := seal.ParsePublicKey(string(published)); err != nil || !pub.Equal(k.Public()) {
		t.Fatalf("published key %q does not match the key file", published)
	}

	// A job goes through.
	reg := broker.NewRegistry()
	reg.Register(jetstreambroker.Scheme, &jetstreambroker.URLOpener{})
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	q, err := broker.OpenQueue(octx, reg, srv.URL()+"?lease=5s")
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	inbox, err := q.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer inbox.Close()
	now := time.Now().UTC()
	job := &protocol.Job{ID: "bin-job-1", Created: now, Deadline: now.Add(time.Minute), ReplyTo: inbox.Address(),
		Server: protocol.Server{Host: "db.test"}, Database: "db", Compress: protocol.CompressZstd}
	box, _ := seal.SealCredentials(k.Public(), seal.Credentials{User: "u", Password: "binary-secret-pw", Binding: job.Binding()})
	job.Credentials = protocol.Credentials{Sealed: box, KeyID: k.Public().ID()}
	body, _ := protocol.Encode(job)
	if err := q.Send(ctx, &broker.Message{ID: job.ID, Body: body}); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(ctx, 30*time.Second)
	defer rcancel()
	var rep *protocol.Reply
	for rep == nil {
		b, err := inbox.Receive(rctx)
		if err != nil {
			t.Fatalf("no reply: %v\n%s", err, stderr.String())
		}
		if v, err := protocol.Decode(b); err == nil {
			rep, _ = v.(*protocol.Reply)
		}
	}
	if rep.Status != protocol.StatusOK || rep.Result.Size != 1<<20 || rep.Result.AgentID != "bin-agent" {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}

	res, err := http.Get("http://" + listen + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !strings.Contains(string(metrics), "mssqldump_agent_dump_bytes_total 1.048576e+06") {
		t.Errorf("metrics:\n%s", metrics)
	}

	// SIGTERM: drain and exit 0.
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("agent did not exit within 30s of SIGTERM")
	}
	logs := stderr.String()
	if strings.Contains(logs, "binary-secret-pw") {
		t.Fatal("password in the logs")
	}
	for _, want := range []string{`"msg":"agent stopped"`, `"job":"bin-job-1"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startAgentProcess starts the binary against the embedded server's queue
// and a blob directory; it returns the command and its stderr.
func startAgentProcess(t *testing.T, queueURL, blobDir, id, source string) (*exec.Cmd, *lockedBuf) {
	t.Helper()
	cmd := exec.Command(binary, "--source", source, "--agent-id", id, "--listen", "")
	cmd.Env = append(cleanEnv(), "MSSQLDUMP_BROKER="+queueURL, "MSSQLDUMP_BLOB=file://"+blobDir)
	stderr := &lockedBuf{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return cmd, stderr
}

func TestSIGKILLedAgentsJobIsFinishedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	srv, err := jetstreambroker.StartEmbedded(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown()
	queueURL := srv.URL() + "?lease=2s"
	blobDir := t.TempDir()

	// The victim dumps a large synthetic database, slowly enough to be
	// killed in the middle.
	victim, _ := startAgentProcess(t, queueURL, blobDir, "victim", "synthetic:20GiB")

	reg := broker.NewRegistry()
	reg.Register(jetstreambroker.Scheme, &jetstreambroker.URLOpener{})
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	q, err := broker.OpenQueue(octx, reg, queueURL)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	inbox, err := q.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer inbox.Close()
	now := time.Now().UTC()
	job := &protocol.Job{ID: "killed-job", Created: now, Deadline: now.Add(2 * time.Minute), ReplyTo: inbox.Address(),
		Server: protocol.Server{Host: "db.test"}, Database: "db", Compress: protocol.CompressZstd}
	body, _ := protocol.Encode(job)
	if err := q.Send(ctx, &broker.Message{ID: job.ID, Body: body}); err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithTimeout(ctx, 60*time.Second)
	defer rcancel()
	// Wait until the victim reports progress, then kill it outright.
	for {
		b, err := inbox.Receive(rctx)
		if err != nil {
			t.Fatalf("no progress from the victim: %v", err)
		}
		if p, err := protocol.DecodeProgress(b); err == nil && p.Bytes > 0 {
			break
		}
	}
	if err := victim.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	victim.Wait()

	startAgentProcess(t, queueURL, blobDir, "rescuer", "synthetic:1MiB")
	var finals []*protocol.Reply
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		wait := 3 * time.Second
		if len(finals) == 0 {
			wait = time.Until(deadline)
		}
		c, cancel := context.WithTimeout(ctx, wait)
		b, err := inbox.Receive(c)
		cancel()
		if err != nil {
			break // quiet for 3s after the first result
		}
		if v, err := protocol.Decode(b); err == nil {
			if r, ok := v.(*protocol.Reply); ok {
				finals = append(finals, r)
			}
		}
	}
	if len(finals) != 1 {
		t.Fatalf("%d final replies, want exactly 1", len(finals))
	}
	r := finals[0]
	if r.Status != protocol.StatusOK || r.Result.AgentID != "rescuer" || r.Result.Attempt < 2 || r.Result.Size != 1<<20 {
		t.Fatalf("reply %+v %+v", r.Result, r.Error)
	}
	d, _ := fileblob.OpenBucket(blobDir, nil)
	bucket := blob.NewBucket(d)
	// Only the rescuer's script is stored: the killed attempt left nothing.
	scripts, _ := filepath.Glob(filepath.Join(blobDir, "jobs", job.ID, "attempt-*", "dump.*"))
	if len(scripts) != 1 || filepath.ToSlash(strings.TrimPrefix(scripts[0], blobDir+string(filepath.Separator))) != r.Result.Object {
		t.Fatalf("stored scripts %v, want only %s", scripts, r.Result.Object)
	}
	if ok, _ := bucket.Exists(ctx, protocol.ManifestKey(job.ID)); !ok {
		t.Fatal("no manifest")
	}
}

func TestServerListsAndTheEncryptionFloorComeFromFlagsEnvAndConfig(t *testing.T) {
	dir := t.TempDir()
	kv := filepath.Join(dir, "agent.env")
	os.WriteFile(kv, []byte("broker=nats://x:4222\nblob=file:///x\n"+
		"credential-servers=env:MSSQLDUMP_DB_SALES=sql01.corp;10.1.0.0/16\nencrypt=strict\n"), 0o600)
	r := runAgent(t, []string{"MSSQLDUMP_CONFIG=" + kv, "MSSQLDUMP_ALLOW_SERVERS=*.corp,10.0.0.0/8"}, "config")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"allow-servers=*.corp,10.0.0.0/8", "encrypt=strict",
		"credential-servers=env:MSSQLDUMP_DB_SALES=sql01.corp;10.1.0.0/16"} {
		if !strings.Contains(r.stdout, want+"\n") {
			t.Errorf("config lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestBadServerListsAndEncryptionAreUsageErrorsNamingThem(t *testing.T) {
	base := []string{"MSSQLDUMP_BROKER=nats://x:4222", "MSSQLDUMP_BLOB=file:///x"}
	for _, c := range []struct{ env, want string }{
		{"MSSQLDUMP_ALLOW_SERVERS=10.0.0.0/33", "10.0.0.0/33"},
		{"MSSQLDUMP_ALLOW_SERVERS=db:99999", "db:99999"},
		{"MSSQLDUMP_CREDENTIAL_SERVERS=env:X", "REF=PATTERN"},
		{"MSSQLDUMP_ENCRYPT=maybe", "maybe"},
	} {
		r := runAgent(t, append(base, c.env), "config")
		if r.code != exitcode.Usage || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: exit %d, stderr %q", c.env, r.code, r.stderr)
		}
	}
}
