//go:build !windows

package service

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// Run calls run with a context that is canceled on the first SIGTERM or
// SIGINT, and returns run's error. A second signal is not caught: the default
// action ends the process, which is what an impatient operator pressing
// Ctrl-C twice wants, and systemd's SIGKILL after TimeoutStopSec does anyway.
func Run(name string, run func(ctx context.Context) error) error {
	ctx, stop := signalContext(context.Background())
	defer stop()
	return run(ctx)
}

func signalContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
			cancel()
			// Restore default handling so a second signal ends the process.
			signal.Stop(sigs)
		case <-done:
		}
	}()
	return ctx, func() {
		close(done)
		signal.Stop(sigs)
		cancel()
	}
}

// IsService reports whether the process runs under a service manager that
// this package talks to. Outside Windows it is always false: systemd starts
// the agent as an ordinary process.
func IsService() bool { return false }

// Install is only available on Windows.
func Install(name, exePath string, args []string) error { return ErrNotSupported }

// Uninstall is only available on Windows.
func Uninstall(name string) error { return ErrNotSupported }
