package agent

import (
	"context"
	"sync"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
)

// progressReporter forwards a Source's running counts to the job's reply
// inbox at most once per ProgressInterval. The Source's callback only
// stores the latest counts, so a slow broker never slows the dump.
type progressReporter struct {
	mu     sync.Mutex
	latest scripter.Progress

	done     chan struct{}
	finished chan struct{}
}

func (a *Agent) startProgress(ctx context.Context, r *run, p *pipeline) *progressReporter {
	pr := &progressReporter{done: make(chan struct{}), finished: make(chan struct{})}
	if r.job.ReplyTo == "" {
		close(pr.finished)
		return pr
	}
	go func() {
		defer close(pr.finished)
		t := time.NewTicker(a.cfg.ProgressInterval)
		defer t.Stop()
		var sent scripter.Progress
		for {
			select {
			case <-pr.done:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			pr.mu.Lock()
			cur := pr.latest
			pr.mu.Unlock()
			// The pipeline counts the bytes that reached it, also for a
			// Source that reports nothing.
			cur.Bytes = max(cur.Bytes, p.Size())
			if cur == sent {
				continue
			}
			body, err := protocol.Encode(&protocol.Progress{JobID: r.job.ID, Attempt: r.d.Attempt(), Counts: protocol.CountsFrom(cur)})
			if err != nil {
				continue
			}
			sctx, cancel := context.WithTimeout(ctx, a.cfg.ProgressInterval*4)
			err = a.cfg.Queue.Reply(sctx, r.job.ReplyTo, body)
			cancel()
			if err != nil {
				// Progress is best effort: the final reply is what counts.
				a.metrics.replies.WithLabelValues("progress", "error").Inc()
				r.log.Debug("progress not sent", "err", err)
				continue
			}
			a.metrics.replies.WithLabelValues("progress", "ok").Inc()
			sent = cur
		}
	}()
	return pr
}

// update is the Source's progress callback.
func (pr *progressReporter) update(p scripter.Progress) {
	pr.mu.Lock()
	pr.latest = p
	pr.mu.Unlock()
}

func (pr *progressReporter) stop() {
	select {
	case <-pr.done:
	default:
		close(pr.done)
	}
	<-pr.finished
}
