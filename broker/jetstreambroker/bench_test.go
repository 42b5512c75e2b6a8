package jetstreambroker

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
)

// BenchmarkJobRoundTrip measures one empty job through the broker the way
// the pipeline uses it: the CLI opens an inbox and sends the job; an agent
// receives it, replies and acks; the CLI receives the reply. It reports the
// median and 95th percentile of a round trip.
func BenchmarkJobRoundTrip(b *testing.B) {
	e, err := StartEmbedded(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer e.Shutdown()
	reg := broker.NewRegistry()
	reg.Register(Scheme, &URLOpener{})
	ctx := context.Background()
	cli, err := broker.OpenQueue(ctx, reg, e.URL()+"?stream=BENCH")
	if err != nil {
		b.Fatal(err)
	}
	defer cli.Close()
	agent, err := broker.OpenQueue(ctx, reg, e.URL()+"?stream=BENCH")
	if err != nil {
		b.Fatal(err)
	}
	defer agent.Close()

	agentErr := make(chan error, 1)
	agentCtx, stopAgent := context.WithCancel(ctx)
	defer stopAgent()
	go func() {
		for {
			d, err := agent.Receive(agentCtx)
			if err != nil {
				agentErr <- err
				return
			}
			// The body is the reply address, standing in for reply_to.
			if err := agent.Reply(agentCtx, string(d.Body()), []byte(`{"status":"ok"}`)); err != nil {
				agentErr <- err
				return
			}
			if err := d.Ack(agentCtx); err != nil {
				agentErr <- err
				return
			}
		}
	}()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		in, err := cli.OpenInbox(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := cli.Send(ctx, &broker.Message{ID: fmt.Sprintf("job-%d", i), Body: []byte(in.Address())}); err != nil {
			b.Fatal(err)
		}
		if _, err := in.Receive(ctx); err != nil {
			b.Fatal(err)
		}
		if err := in.Close(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	stopAgent()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*95/100].Microseconds())/1000, "p95-ms")
}
