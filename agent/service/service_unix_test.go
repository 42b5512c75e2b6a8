//go:build !windows

package service

import (
	"context"
	"errors"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSIGTERMCancelsTheRunContextAndRunWaitsForTheDrain(t *testing.T) {
	drained := false
	err := Run("mssqldump-agent", func(ctx context.Context) error {
		if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(30 * time.Second):
			return errors.New("context not canceled by SIGTERM")
		}
		drained = true // the work after cancellation still runs before Run returns
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !drained {
		t.Fatal("Run returned before run finished draining")
	}
}

func TestSIGINTCancelsTheRunContext(t *testing.T) {
	err := Run("mssqldump-agent", func(ctx context.Context) error {
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(30 * time.Second):
			return errors.New("context not canceled by SIGINT")
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunReturnsTheRunFunctionsError(t *testing.T) {
	want := errors.New("broker unreachable")
	if err := Run("mssqldump-agent", func(context.Context) error { return want }); !errors.Is(err, want) {
		t.Fatalf("Run = %v, want %v", err, want)
	}
}

func TestRunContextIsLiveUntilASignalArrives(t *testing.T) {
	err := Run("mssqldump-agent", func(ctx context.Context) error {
		select {
		case <-ctx.Done():
			return errors.New("context canceled without a signal")
		case <-time.After(50 * time.Millisecond):
			return nil
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestInstallAndUninstallPointToSystemdOutsideWindows(t *testing.T) {
	for name, err := range map[string]error{
		"Install":   Install("mssqldump-agent", "/usr/local/bin/mssqldump-agent", nil),
		"Uninstall": Uninstall("mssqldump-agent"),
	} {
		if !errors.Is(err, ErrNotSupported) {
			t.Errorf("%s = %v, want ErrNotSupported", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), "deploy/systemd") {
			t.Errorf("%s error %q does not point to deploy/systemd", name, err)
		}
	}
	if IsService() {
		t.Error("IsService() = true outside Windows")
	}
}
