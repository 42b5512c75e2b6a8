package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
)

// The tests run the built binaries, as users do: flags, environment, exit
// codes, stdout and files are the interface under test.
var (
	cliBin   string // mssqldump
	agentBin string // mssqldump-agent, when its package exists
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mssqldump-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		cliBin = filepath.Join(dir, "mssqldump")
		if out, err := exec.Command("go", "build", "-o", cliBin, ".").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build mssqldump: %v\n%s", err, out)
			return 1
		}
		if _, err := os.Stat("../mssqldump-agent"); err == nil {
			bin := filepath.Join(dir, "mssqldump-agent")
			if out, err := exec.Command("go", "build", "-o", bin, "../mssqldump-agent").CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "build mssqldump-agent: %v\n%s", err, out)
				return 1
			}
			agentBin = bin
		}
		return m.Run()
	}()
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// cleanEnv is the environment without MSSQLDUMP_*/SQLCMD* variables of the
// machine running the tests.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "MSSQLDUMP_") || strings.HasPrefix(kv, "SQLCMD") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// mssqldump runs the CLI with a private state directory.
func mssqldump(t *testing.T, env []string, args ...string) result {
	t.Helper()
	cmd := command(t, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("run mssqldump: %v", err)
		}
		code = ee.ExitCode()
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func command(t *testing.T, env []string, args ...string) *exec.Cmd {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, cliBin, args...)
	cmd.Env = cleanEnv(append([]string{"MSSQLDUMP_STATE_DIR=" + stateDirFor(t)}, env...)...)
	return cmd
}

func stateDirFor(t *testing.T) string {
	t.Helper()
	d := filepath.Join(os.TempDir(), "mssqldump-test-state", strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(d, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstderr:\n%s", r.code, code, r.stderr)
	}
}

// synthetic is what agent.NewSyntheticSource(size) writes: the bytes a
// --source synthetic:SIZE dump must deliver, exactly.
func synthetic(t *testing.T, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := agent.NewSyntheticSource(size).Dump(context.Background(), &agent.DumpRequest{}, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sameBytes(t *testing.T, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		g, w := sha256.Sum256(got), sha256.Sum256(want)
		t.Fatalf("got %d bytes (sha256 %s), want %d bytes (sha256 %s)",
			len(got), hex.EncodeToString(g[:8]), len(want), hex.EncodeToString(w[:8]))
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}
