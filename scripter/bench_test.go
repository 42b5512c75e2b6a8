package scripter

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
)

type byteCounter struct{ n int64 }

func (c *byteCounter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkDumpPipeline runs Dump's whole path (filters, DDL, plans, row
// encoding, batching, output) over the Northwind catalog with 5,000
// synthetic rows per table held in memory. MB/s is of script produced.
func BenchmarkDumpPipeline(b *testing.B) {
	r := newMemReader(b, "northwind", 5000)
	// Generate the rows once, so the benchmark times Dump, not the fixture.
	db, _, _ := r.Catalog(context.Background())
	for _, t := range db.Tables {
		p := data.NewPlan(t, "", db.Collation)
		rows := make([][]any, r.rows[key(t.QName)])
		for i := range rows {
			rows[i] = syntheticRow(p, i)
		}
		r.override[key(t.QName)] = rows
	}
	var c byteCounter
	if _, err := DumpFrom(context.Background(), r, &c, Options{}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(c.n)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DumpFrom(context.Background(), r, &byteCounter{}, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(c.n)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
	}
}

// cpuTime is the process's CPU time: throughput per CPU-second is the
// per-core figure even when other work shares the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
