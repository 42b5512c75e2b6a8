package agent_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
)

// peakHeap samples the heap in use until stop is called and returns the
// largest value seen.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak.Load()
	}
}

// BenchmarkAgentMemoryIsFlatAsTheDumpGrows streams synthetic scripts of
// growing size through a whole agent (embedded JetStream, zstd, fileblob)
// and reports the peak heap of the process (agent, JetStream server and
// test harness together). Flat means the peak does not grow with the size.
// MSSQLDUMP_BENCH_MAX_SIZE raises the largest size (default 1GiB), e.g. 10GiB.
func BenchmarkAgentMemoryIsFlatAsTheDumpGrows(b *testing.B) {
	sizes := []int64{64 << 20, 256 << 20, 1 << 30}
	if s := os.Getenv("MSSQLDUMP_BENCH_MAX_SIZE"); s != "" {
		n, err := humanize.ParseBytes(s)
		if err != nil {
			b.Fatal(err)
		}
		sizes = append(sizes, int64(n))
	}
	for _, size := range sizes {
		b.Run(humanize.IBytes(uint64(size)), func(b *testing.B) {
			e := newBenchEnv(b)
			e.start(agent.Config{Source: agent.NewSyntheticSource(size)})
			q := e.queue()
			runtime.GC()
			b.SetBytes(size)
			b.ResetTimer()
			stop := peakHeap()
			for range b.N {
				job := newBenchJob(b)
				inbox := submit(b, q, job)
				rep := first(waitFinal(b, inbox, 10*time.Minute))
				if rep.Status != protocol.StatusOK || rep.Result.Size != size {
					b.Fatalf("reply %+v %+v", rep, rep.Error)
				}
				inbox.Close()
			}
			peak := stop()
			b.StopTimer()
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkEmptyJobRoundTrip measures the time from sending a job to
// receiving its final reply on loopback JetStream with fileblob, for a job
// whose script is empty: the fixed cost of the pipeline (broker hops,
// manifest checks and write, reply, ack). Reports p50 and p99.
func BenchmarkEmptyJobRoundTrip(b *testing.B) {
	e := newBenchEnv(b)
	e.start(agent.Config{Source: agent.NewSyntheticSource(0)})
	q := e.queue()
	inbox, err := q.OpenInbox(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer inbox.Close()
	// Warm up connections and consumers.
	for range 3 {
		job := newBenchJob(b)
		job.ReplyTo = inbox.Address()
		send(b, q, job)
		first(waitFinal(b, inbox, time.Minute))
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		job := newBenchJob(b)
		job.ReplyTo = inbox.Address()
		start := time.Now()
		send(b, q, job)
		rep := first(waitFinal(b, inbox, time.Minute))
		lat = append(lat, time.Since(start))
		if rep.Status != protocol.StatusOK {
			b.Fatalf("reply %+v", rep)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkSyntheticSource is the generator alone (goal: >= 1 GB/s, no
// allocation per line).
func BenchmarkSyntheticSource(b *testing.B) {
	const size = 64 << 20
	src := agent.NewSyntheticSource(size)
	b.SetBytes(size)
	b.ReportAllocs()
	for range b.N {
		if _, err := src.Dump(context.Background(), &agent.DumpRequest{}, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func newBenchEnv(b *testing.B) *testEnv { return newEnv(b, 30*time.Second) }

var benchJobs atomic.Int64

func newBenchJob(b *testing.B) *protocol.Job {
	now := time.Now().UTC()
	return &protocol.Job{
		ID:      fmt.Sprintf("bench-%d-%d", now.UnixNano(), benchJobs.Add(1)),
		Created: now, Deadline: now.Add(time.Hour),
		Server: protocol.Server{Host: "db.test"}, Database: "bench", Compress: protocol.CompressZstd,
	}
}

func first[A, B any](a A, _ B) A { return a }

// BenchmarkOneGiBThroughTheAgent compares the blob stores behind the same
// agent and JetStream: a 1 GiB synthetic script, zstd, into fileblob (the
// embedded default's store) and into MinIO (MSSQLDUMP_TEST_S3_ENDPOINT).
func BenchmarkOneGiBThroughTheAgent(b *testing.B) {
	const size = 1 << 30
	for _, store := range []string{"fileblob", "minio"} {
		b.Run(store, func(b *testing.B) {
			if store == "minio" && os.Getenv("MSSQLDUMP_TEST_S3_ENDPOINT") == "" {
				b.Skip("MSSQLDUMP_TEST_S3_ENDPOINT is not set")
			}
			e := newBenchEnv(b)
			if store == "minio" {
				e.useMinIO(b)
			}
			e.start(agent.Config{Source: agent.NewSyntheticSource(size)})
			q := e.queue()
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				job := newBenchJob(b)
				inbox := submit(b, q, job)
				rep := first(waitFinal(b, inbox, 10*time.Minute))
				if rep.Status != protocol.StatusOK {
					b.Fatalf("reply %+v %+v", rep, rep.Error)
				}
				inbox.Close()
			}
		})
	}
}
