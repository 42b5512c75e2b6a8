package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startEmbeddedDump starts a long embedded dump and returns once its agent
// has received the job.
func startEmbeddedDump(t *testing.T, state, out string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	cmd := command(t, []string{"MSSQLDUMP_STATE_DIR=" + state}, "-v", "--source", "synthetic:100GiB", "-r", out, "db")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	sc := bufio.NewScanner(pipe)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), `msg="job received"`) {
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if !strings.Contains(log.String(), "job received") {
		t.Fatalf("the embedded agent never received the job:\n%s", log.String())
	}
	return cmd, &log
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("wait: %v", err)
	}
	return ee.ExitCode()
}

func TestInterruptStopsAnEmbeddedDumpAndExits130(t *testing.T) {
	state, outDir := t.TempDir(), t.TempDir()
	cmd, _ := startEmbeddedDump(t, state, filepath.Join(outDir, "db.sql"))
	time.Sleep(200 * time.Millisecond) // mid-dump
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, cmd.Wait()); code != 130 {
		t.Fatalf("exit code %d, want 130", code)
	}
	if names := dirEntries(t, outDir); len(names) != 0 {
		t.Errorf("an interrupted dump left %v", names)
	}
	if names := dirEntries(t, filepath.Join(state, "jobs")); len(names) != 0 {
		t.Errorf("an interrupted dump left state %v", names)
	}
}

func TestSecondInterruptExitsAtOnceLeavingNoTempFile(t *testing.T) {
	state, outDir := t.TempDir(), t.TempDir()
	cmd, _ := startEmbeddedDump(t, state, filepath.Join(outDir, "db.sql"))
	_ = cmd.Process.Signal(syscall.SIGINT)
	time.Sleep(50 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, cmd.Wait()); code != 130 {
		t.Fatalf("exit code %d, want 130", code)
	}
	if names := dirEntries(t, outDir); len(names) != 0 {
		t.Errorf("a killed dump left %v", names)
	}
	if _, err := os.Stat(filepath.Join(state, "jobs")); err == nil {
		if names := dirEntries(t, filepath.Join(state, "jobs")); len(names) != 0 {
			t.Errorf("a killed dump left state %v", names)
		}
	}
}
