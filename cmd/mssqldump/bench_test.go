package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dustin/go-humanize"
)

// The end-to-end benchmarks run the built binaries on synthetic scripts.
// They are big on purpose and run only under -bench:
//
//	MSSQLDUMP_TEST_S3_ENDPOINT=http://127.0.0.1:9000 AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... \
//	  go test -run '^$' -bench 'Pipeline|PeakMemory' -benchtime 1x -timeout 60m ./cmd/mssqldump
//
// MSSQLDUMP_BENCH_SIZE sets the pipeline script size (default 1GiB) and
// MSSQLDUMP_BENCH_MEM_SIZES the sizes of the memory benchmark (default
// 256MiB,1GiB,4GiB).

func benchSize(b *testing.B, env, def string) []int64 {
	b.Helper()
	v := os.Getenv(env)
	if v == "" {
		v = def
	}
	var sizes []int64
	for _, s := range strings.Split(v, ",") {
		n, err := humanize.ParseBytes(strings.TrimSpace(s))
		if err != nil {
			b.Fatalf("%s: %v", env, err)
		}
		sizes = append(sizes, int64(n))
	}
	return sizes
}

// timedRun runs the CLI with stdout to /dev/null and returns its wall time
// and peak resident memory.
func timedRun(b *testing.B, env []string, args ...string) (time.Duration, int64) {
	b.Helper()
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	cmd := exec.Command(cliBin, args...)
	cmd.Env = cleanEnv(env...)
	cmd.Stdout = devnull
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("mssqldump %v: %v\n%s", args, err, stderr.String())
	}
	return time.Since(start), maxRSS(cmd.ProcessState)
}

// maxRSS is a finished process's peak resident set in bytes.
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024 // KiB on Linux
	}
	return 0
}

// BenchmarkPipeline compares one synthetic script (default 1 GiB) through
// JetStream + MinIO + a separate agent process with the embedded default
// (in-process JetStream, agent and blob directory). Both run the same CLI
// binary with zstd storage compression and stdout to /dev/null. Goal:
// remote ≤ 1.15 × embedded.
func BenchmarkPipeline(b *testing.B) {
	size := benchSize(b, "MSSQLDUMP_BENCH_SIZE", "1GiB")[0]
	host, bucket, env := newMinioBucket(b)
	f := newBenchFleet(b)
	blobURL := fmt.Sprintf("minio://%s/%s?secure=false", host, bucket)
	startAgentProcess(b, f.brokerURL, blobURL, fmt.Sprintf("synthetic:%d", size), env...)
	state := b.TempDir()
	var embedded, remote time.Duration
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		d, _ := timedRun(b, []string{"MSSQLDUMP_STATE_DIR=" + state}, "--source", fmt.Sprintf("synthetic:%d", size), "db")
		embedded += d
		d, _ = timedRun(b, env, "--broker", f.brokerURL, "--blob", blobURL, "db")
		remote += d
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(embedded.Seconds()/n, "embedded-s")
	b.ReportMetric(remote.Seconds()/n, "jetstream+minio-s")
	b.ReportMetric(remote.Seconds()/embedded.Seconds(), "ratio")
}

// BenchmarkCLIPeakMemory measures the CLI's peak RSS while it receives
// scripts of growing size from a separate agent process (JetStream + file
// blob store), to show that it stays flat. Goal: ≤ 64 MiB at 10 GiB.
func BenchmarkCLIPeakMemory(b *testing.B) {
	for _, size := range benchSize(b, "MSSQLDUMP_BENCH_MEM_SIZES", "256MiB,1GiB,4GiB") {
		b.Run(humanize.IBytes(uint64(size)), func(b *testing.B) {
			f := newBenchFleet(b)
			agent := startAgentProcess(b, f.brokerURL, f.blobURL, fmt.Sprintf("synthetic:%d", size))
			var peak int64
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				_, rss := timedRun(b, nil, f.flags("db")...)
				peak = max(peak, rss)
			}
			b.StopTimer()
			b.ReportMetric(float64(peak)/(1<<20), "cli-peak-RSS-MiB")
			// The agent's peak, known once it exits.
			_ = agent.Process.Signal(syscall.SIGTERM)
			_ = agent.Wait()
			b.ReportMetric(float64(maxRSS(agent.ProcessState))/(1<<20), "agent-peak-RSS-MiB")
		})
	}
}
