//go:build windows

package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// Event IDs written to the Application log.
const (
	eventStarted  = 1
	eventStopping = 2
	eventStopped  = 3
	eventFailed   = 4
)

// drainHint is the wait hint reported to the service control manager while
// the agent drains: the SCM shows the service as "stopping" for at least this
// long before it considers it hung. The agent extends its leases meanwhile.
const drainHint = 5 * time.Minute

// IsService reports whether the process was started by the service control
// manager.
func IsService() bool {
	ok, err := svc.IsWindowsService()
	return err == nil && ok
}

// Run runs the agent as the Windows service name when the service control
// manager started the process, and otherwise as a console program whose
// context Ctrl-C cancels.
func Run(name string, run func(ctx context.Context) error) error {
	if !IsService() {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return run(ctx)
	}
	elog, err := eventlog.Open(name)
	if err != nil {
		// The source is registered by Install; without it we still run.
		elog = nil
	}
	h := &handler{name: name, run: run, elog: elog}
	if err := svc.Run(name, h); err != nil {
		h.logError(eventFailed, fmt.Sprintf("%s: service dispatcher: %v", name, err))
		return err
	}
	if elog != nil {
		elog.Close()
	}
	return h.err
}

type handler struct {
	name string
	run  func(ctx context.Context) error
	elog *eventlog.Log
	err  error
}

func (h *handler) logInfo(id uint32, msg string) {
	if h.elog != nil {
		h.elog.Info(id, msg)
	}
}

func (h *handler) logError(id uint32, msg string) {
	if h.elog != nil {
		h.elog.Error(id, msg)
	}
}

// Execute is called by svc.Run. Stop and shutdown cancel the context; the
// service reports StopPending (with a wait hint and a new checkpoint every
// 10 seconds) until run returns, so the agent finishes or hands back its
// jobs before the process ends.
func (h *handler) Execute(args []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	const accepted = svc.AcceptStop | svc.AcceptShutdown
	status <- svc.Status{State: svc.StartPending}
	stops := make(chan struct{})
	quit := make(chan struct{})
	defer close(quit)
	// Interrogate is answered here; stop and shutdown go to the supervisor.
	go func() {
		for {
			select {
			case c := <-req:
				switch c.Cmd {
				case svc.Interrogate:
					select {
					case status <- c.CurrentStatus:
					case <-quit:
						return
					}
				case svc.Stop, svc.Shutdown:
					select {
					case stops <- struct{}{}:
					case <-quit:
						return
					}
				}
			case <-quit:
				return
			}
		}
	}()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	var checkpoint uint32
	status <- svc.Status{State: svc.Running, Accepts: accepted}
	h.logInfo(eventStarted, h.name+" started")
	err := superviseRun(h.run, stops, tick.C,
		func() { h.logInfo(eventStopping, h.name+" stopping: draining jobs in flight") },
		func() {
			checkpoint++
			status <- svc.Status{State: svc.StopPending, CheckPoint: checkpoint, WaitHint: uint32(drainHint / time.Millisecond)}
		})
	h.err = err
	if err != nil && !errors.Is(err, context.Canceled) {
		h.logError(eventFailed, fmt.Sprintf("%s stopped: %v", h.name, err))
		// A service-specific exit code lets the recovery actions (restart
		// on failure) kick in.
		return true, 1
	}
	h.logInfo(eventStopped, h.name+" stopped")
	return false, 0
}

// Install registers exePath as the automatic-start service name, started
// with args, restarted on failure, and registers its event log source.
func Install(name, exePath string, args []string) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service: connect to the service control manager: %w", err)
	}
	defer m.Disconnect()
	if s, err := m.OpenService(name); err == nil {
		s.Close()
		return fmt.Errorf("service: %s is already installed", name)
	}
	s, err := m.CreateService(name, exePath, mgr.Config{
		DisplayName:      "mssqldump agent",
		Description:      "Scripts SQL Server databases for mssqldump jobs taken from the broker.",
		StartType:        mgr.StartAutomatic,
		DelayedAutoStart: true,
	}, args...)
	if err != nil {
		return fmt.Errorf("service: create %s: %w", name, err)
	}
	defer s.Close()
	actions := []mgr.RecoveryAction{
		{Type: mgr.ServiceRestart, Delay: 5 * time.Second},
		{Type: mgr.ServiceRestart, Delay: 30 * time.Second},
		{Type: mgr.ServiceRestart, Delay: time.Minute},
	}
	if err := s.SetRecoveryActions(actions, uint32((24 * time.Hour).Seconds())); err != nil {
		s.Delete()
		return fmt.Errorf("service: set recovery actions for %s: %w", name, err)
	}
	if err := eventlog.InstallAsEventCreate(name, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil {
		s.Delete()
		return fmt.Errorf("service: register event log source %s: %w", name, err)
	}
	return nil
}

// Uninstall stops (if running) and removes the service name and its event
// log source.
func Uninstall(name string) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service: connect to the service control manager: %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(name)
	if err != nil {
		return fmt.Errorf("service: %s is not installed: %w", name, err)
	}
	defer s.Close()
	if st, err := s.Query(); err == nil && st.State != svc.Stopped {
		if _, err := s.Control(svc.Stop); err != nil && !errors.Is(err, windows.ERROR_SERVICE_NOT_ACTIVE) {
			return fmt.Errorf("service: stop %s: %w", name, err)
		}
	}
	if err := s.Delete(); err != nil {
		return fmt.Errorf("service: delete %s: %w", name, err)
	}
	if err := eventlog.Remove(name); err != nil {
		return fmt.Errorf("service: remove event log source %s: %w", name, err)
	}
	return nil
}
