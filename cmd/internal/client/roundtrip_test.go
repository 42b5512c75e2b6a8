package client

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
)

// loopback is a JetStream server on 127.0.0.1, a file bucket and one agent,
// all real, in this process.
func loopback(tb testing.TB, src agent.Source) (*broker.Queue, *blob.Bucket) {
	tb.Helper()
	ctx := context.Background()
	srv, err := jetstreambroker.StartEmbedded(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Shutdown)
	qURL, bURL := srv.URL()+"?lease=3s", "file://"+tb.TempDir()
	open := func() (*broker.Queue, *blob.Bucket) {
		q, err := drivers.OpenQueue(ctx, qURL)
		if err != nil {
			tb.Fatal(err)
		}
		b, err := drivers.OpenBucket(ctx, bURL)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { q.Close(); b.Close() })
		return q, b
	}
	aq, ab := open()
	a, err := agent.New(agent.Config{Queue: aq, Bucket: ab, Source: src,
		Logger: slog.New(slog.DiscardHandler), Metrics: prometheus.NewRegistry(), DrainTimeout: time.Second})
	if err != nil {
		tb.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); _ = a.Run(runCtx) }()
	tb.Cleanup(func() { stop(); <-done })
	return open()
}

// discard is an Output that keeps nothing.
type discard struct{ committed bool }

func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) Commit() error               { d.committed = true; return nil }
func (d *discard) Abort()                      {}

func TestDumpDeliversTheScriptAndCommitsOnce(t *testing.T) {
	q, b := loopback(t, agent.NewSyntheticSource(100<<10))
	c := &Client{Queue: q, Bucket: b}
	var progress int
	c.OnProgress = func(protocol.Progress) { progress++ }
	out := filepath.Join(t.TempDir(), "db.sql")
	f, err := NewFileOutput(out)
	if err != nil {
		t.Fatal(err)
	}
	m, err := c.Dump(context.Background(), &Request{Server: protocol.Server{Host: "h"}, Database: "db", Timeout: time.Minute}, f)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Size() != m.Size || m.Size != 100<<10 {
		t.Fatalf("result file %v, %v; manifest size %d", fi, err, m.Size)
	}
	if names, _ := os.ReadDir(filepath.Dir(out)); len(names) != 1 {
		t.Errorf("the result directory holds %d entries, want 1", len(names))
	}
}

func TestAbortedFileOutputLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := NewFileOutput(filepath.Join(dir, "x.sql"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("partial")); err != nil {
		t.Fatal(err)
	}
	f.Abort()
	if names, _ := os.ReadDir(dir); len(names) != 0 {
		t.Fatalf("Abort left %v", names)
	}
}

// BenchmarkEmptyJobRoundTrip measures one whole job through the client on
// loopback JetStream (open inbox, send, agent receives, stores an empty
// script and its manifest, replies, client downloads and verifies), in
// this process: the CLI's process start-up is not included.
//
//	go test -run '^$' -bench EmptyJobRoundTrip ./cmd/internal/client
func BenchmarkEmptyJobRoundTrip(b *testing.B) {
	q, bk := loopback(b, agent.NewSyntheticSource(0))
	c := &Client{Queue: q, Bucket: bk}
	req := func() *Request {
		return &Request{Server: protocol.Server{Host: "h"}, Database: "db", Timeout: time.Minute, Compress: "none"}
	}
	ctx := context.Background()
	// Warm up connections and the consumer.
	if _, err := c.Dump(ctx, req(), &discard{}); err != nil {
		b.Fatal(err)
	}
	var total, submit, wait, fetch []time.Duration
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		p, err := c.Submit(ctx, req())
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		m, err := p.Wait(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		if err := c.Fetch(ctx, m, &discard{}); err != nil {
			b.Fatal(err)
		}
		_ = p.Close()
		t3 := time.Now()
		total, submit, wait, fetch = append(total, t3.Sub(t0)), append(submit, t1.Sub(t0)), append(wait, t2.Sub(t1)), append(fetch, t3.Sub(t2))
	}
	b.StopTimer()
	p50 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)/2].Microseconds()) / 1000
	}
	b.ReportMetric(float64(slices.Max(total).Microseconds())/1000, "max-ms")
	b.ReportMetric(p50(submit), "submit-p50-ms")
	b.ReportMetric(p50(wait), "wait-p50-ms")
	b.ReportMetric(p50(fetch), "fetch-p50-ms")
	b.ReportMetric(p50(total), "p50-ms")
}
