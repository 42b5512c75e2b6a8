package service

import (
	"context"
	"time"
)

// superviseRun runs run until it returns, and is the part of the Windows
// service handler that does not depend on Windows (so it is tested
// everywhere). The first value on stops cancels run's context; superviseRun
// still waits for run to finish draining. While it drains, each further stop
// request and each tick calls progress, which the service handler turns into
// a StopPending status with a new checkpoint so that the service control
// manager does not declare the service hung.
func superviseRun(run func(context.Context) error, stops <-chan struct{}, tick <-chan time.Time, stopping func(), progress func()) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	draining := false
	for {
		select {
		case err := <-done:
			return err
		case <-stops:
			if !draining {
				draining = true
				stopping()
				cancel()
			}
			progress()
		case <-tick:
			if draining {
				progress()
			}
		}
	}
}
