package agent

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/broker"
)

// heartbeat keeps the delivery's lease alive every Heartbeat while the job
// runs, and at the same beat looks for the job's cancel marker. It cancels
// the job (with cause errLeaseLost or errCanceled) when the lease is gone or
// the user canceled, so neither outlives one beat. It runs under ctx (the
// agent's work context, not the job's) so that it keeps the lease through
// the manifest write and the reply; the returned stop function ends it and
// waits for it, and may be called more than once.
func (a *Agent) heartbeat(ctx context.Context, cancel context.CancelCauseFunc, d *broker.Delivery, job *protocol.Job, log *slog.Logger) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(a.cfg.Heartbeat)
		defer t.Stop()
		lastHeld := time.Now()
		lease := d.Lease()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// Each call gets at most one beat, so a hung broker cannot
			// delay the next beat's decisions.
			bctx, bcancel := context.WithTimeout(context.Background(), a.cfg.Heartbeat)
			err := d.Extend(bctx, 0)
			bcancel()
			switch {
			case err == nil:
				lastHeld = time.Now()
				a.metrics.heartbeats.WithLabelValues("ok").Inc()
			case errors.Is(err, broker.ErrLeaseLost), errors.Is(err, broker.ErrClosed):
				a.metrics.heartbeats.WithLabelValues("error").Inc()
				cancel(errLeaseLost)
				return
			default:
				a.metrics.heartbeats.WithLabelValues("error").Inc()
				// The broker did not answer. The lease may still hold; once
				// a whole lease passed without a successful extension it
				// surely does not.
				if time.Since(lastHeld) >= lease {
					log.Warn("no successful heartbeat for a whole lease", "err", err)
					cancel(errLeaseLost)
					return
				}
				log.Warn("heartbeat failed; retrying at the next beat", "err", err)
			}
			cctx, ccancel := context.WithTimeout(ctx, a.cfg.Heartbeat)
			canceled, err := a.cfg.Bucket.Exists(cctx, protocol.CancelKey(job.ID))
			ccancel()
			if err == nil && canceled {
				cancel(errCanceled)
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(done) })
		<-finished
	}
}
