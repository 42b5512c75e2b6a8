package service

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestStopCancelsRunAndWaitsForTheDrain(t *testing.T) {
	stops := make(chan struct{}, 1)
	release := make(chan struct{})
	var drained atomic.Bool
	var stoppingCalls, progressCalls atomic.Int32
	result := make(chan error, 1)
	go func() {
		result <- superviseRun(func(ctx context.Context) error {
			<-ctx.Done()
			<-release // a job still finishing
			drained.Store(true)
			return nil
		}, stops, nil, func() { stoppingCalls.Add(1) }, func() { progressCalls.Add(1) })
	}()
	stops <- struct{}{}
	select {
	case err := <-result:
		t.Fatalf("superviseRun returned %v before run finished draining", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if err := <-result; err != nil {
		t.Fatal(err)
	}
	if !drained.Load() || stoppingCalls.Load() != 1 || progressCalls.Load() < 1 {
		t.Errorf("drained=%v stopping=%d progress=%d", drained.Load(), stoppingCalls.Load(), progressCalls.Load())
	}
}

func TestRepeatedStopsCancelOnceAndReportProgress(t *testing.T) {
	stops := make(chan struct{})
	release := make(chan struct{})
	var stoppingCalls, progressCalls atomic.Int32
	result := make(chan error, 1)
	go func() {
		result <- superviseRun(func(ctx context.Context) error {
			<-ctx.Done()
			<-release
			return ctx.Err()
		}, stops, nil, func() { stoppingCalls.Add(1) }, func() { progressCalls.Add(1) })
	}()
	for i := 0; i < 3; i++ {
		stops <- struct{}{} // unbuffered: each is received by the loop
	}
	close(release)
	if err := <-result; !errors.Is(err, context.Canceled) {
		t.Fatalf("superviseRun = %v, want run's context.Canceled", err)
	}
	if stoppingCalls.Load() != 1 || progressCalls.Load() != 3 {
		t.Errorf("stopping=%d progress=%d, want 1 and 3", stoppingCalls.Load(), progressCalls.Load())
	}
}

func TestTicksReportProgressOnlyWhileDraining(t *testing.T) {
	stops := make(chan struct{})
	tick := make(chan time.Time)
	release := make(chan struct{})
	var progressCalls atomic.Int32
	result := make(chan error, 1)
	go func() {
		result <- superviseRun(func(ctx context.Context) error {
			<-ctx.Done()
			<-release
			return nil
		}, stops, tick, func() {}, func() { progressCalls.Add(1) })
	}()
	tick <- time.Now() // running: no progress report
	if n := progressCalls.Load(); n != 0 {
		t.Fatalf("progress reported %d times before a stop", n)
	}
	stops <- struct{}{}
	tick <- time.Now()
	tick <- time.Now()
	close(release)
	if err := <-result; err != nil {
		t.Fatal(err)
	}
	if n := progressCalls.Load(); n != 3 {
		t.Errorf("progress = %d, want 3 (the stop and two ticks while draining)", n)
	}
}

func TestRunEndingByItselfEndsTheService(t *testing.T) {
	want := errors.New("broker unreachable")
	err := superviseRun(func(context.Context) error { return want }, nil, nil, func() {}, func() {})
	if !errors.Is(err, want) {
		t.Fatalf("superviseRun = %v, want %v", err, want)
	}
}
