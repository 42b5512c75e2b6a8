package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair without cgo: the master to read what
// the CLI shows, the slave to give it as its stderr.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// runOnTerminal runs the CLI with stderr on a terminal and returns stdout
// and what the terminal showed.
func runOnTerminal(t *testing.T, args ...string) (stdout []byte, terminal string) {
	t.Helper()
	master, slave := openPTY(t)
	var shown bytes.Buffer
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _, _ = io.Copy(&shown, master) }()
	cmd := command(t, nil, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, slave
	if err := cmd.Run(); err != nil {
		t.Fatalf("mssqldump %v: %v", args, err)
	}
	slave.Close()
	master.Close() // ends the copy on Linux once the slave is gone
	wg.Wait()
	return out.Bytes(), shown.String()
}

func TestProgressGoesToTheTerminalOnly(t *testing.T) {
	const size = 64 << 20
	stdout, shown := runOnTerminal(t, "--source", fmt.Sprintf("synthetic:%d", size), "db")
	sameBytes(t, stdout, synthetic(t, size))
	t.Logf("the terminal showed: %q", shown)
	if !strings.Contains(shown, "mssqldump: job ") {
		t.Errorf("the terminal did not show the job id:\n%q", shown)
	}
	if !strings.Contains(shown, "rows") && !strings.Contains(shown, "downloading") {
		t.Errorf("the terminal showed no progress:\n%q", shown)
	}

	stdout, shown = runOnTerminal(t, "--quiet", "--source", fmt.Sprintf("synthetic:%d", size), "db")
	sameBytes(t, stdout, synthetic(t, size))
	if strings.TrimSpace(shown) != "" {
		t.Errorf("--quiet still showed %q", shown)
	}
}

// TestDashPAlonePromptsOnTheTerminalWithoutEcho: like mysqldump, "-p" with
// no value asks on the terminal; the typed password is not echoed, and the
// dump goes on with it (it is sealed into the job, never shown).
func TestDashPAlonePromptsOnTheTerminalWithoutEcho(t *testing.T) {
	master, slave := openPTY(t)
	var shown lockedBuffer
	done := make(chan struct{})
	go func() { defer close(done); _, _ = io.Copy(&shown, master) }()
	cmd := command(t, nil, "-v", "--source", "synthetic:4KiB", "-u", "sa", "-p", "db")
	var out bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, &out, slave
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(shown.String(), "Enter password:"); {
		if time.Now().After(deadline) {
			t.Fatalf("no password prompt; the terminal showed %q", shown.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := master.Write([]byte("S3cret!\n")); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("mssqldump -p: %v; the terminal showed %q", err, shown.String())
	}
	slave.Close()
	master.Close()
	<-done
	sameBytes(t, out.Bytes(), synthetic(t, 4<<10))
	if strings.Contains(shown.String(), "S3cret!") {
		t.Errorf("the password was echoed or logged: %q", shown.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
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
