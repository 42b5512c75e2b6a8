package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// progress shows the agent's progress reports (tables, rows, bytes, rate)
// and then the download on stderr, only when stderr is a terminal and
// --quiet is not given. Nothing of it ever reaches stdout.
type progress struct {
	enabled bool
	w       io.Writer
	mu      sync.Mutex
	bar     *progressbar.ProgressBar
}

func newProgress(stderr *os.File, wanted bool) *progress {
	p := &progress{w: stderr, enabled: wanted && term.IsTerminal(int(stderr.Fd()))}
	if p.enabled {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(stderr),
			progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(),
			progressbar.OptionSetDescription("waiting for an agent"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSpinnerType(14),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// update receives one progress report of the job.
func (p *progress) update(pr protocol.Progress) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Describe(fmt.Sprintf("scripting: %d tables, %s rows, %s", pr.Tables,
		humanize.Comma(pr.Rows), pr.Object))
	_ = p.bar.Set64(pr.Bytes)
}

// wrap counts the bytes written to out as download progress.
func (p *progress) wrap(out client.Output) client.Output {
	if !p.enabled {
		return out
	}
	return &countingOutput{Output: out, p: p}
}

type countingOutput struct {
	client.Output
	p       *progress
	started bool
	n       int64
}

func (c *countingOutput) Write(b []byte) (int, error) {
	n, err := c.Output.Write(b)
	c.n += int64(n)
	c.p.mu.Lock()
	if !c.started {
		c.started = true
		c.p.bar.Reset()
		c.p.bar.Describe("downloading")
	}
	_ = c.p.bar.Set64(c.n)
	c.p.mu.Unlock()
	return n, err
}

func (p *progress) finish() {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.bar.Finish()
	_ = p.bar.Clear()
}

// restoreUpdate shows a restore's progress.
func (p *progress) restoreUpdate(rp sqlbatch.RestoreProgress) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bar.Describe(fmt.Sprintf("restoring: %d batches (%d failed), line %d", rp.Batches, rp.Failed, rp.Line))
	_ = p.bar.Set64(rp.Bytes)
}
