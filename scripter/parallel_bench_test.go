package scripter

import (
	"context"
	"fmt"
	"io"
	"testing"
)

// BenchmarkDumpJobs dumps the northwind fixture's data (20,000 synthetic
// rows per table, built by the in-memory reader as a driver would hand them
// over) with one, two and four jobs. With more than one, tables and key
// ranges are read and encoded concurrently and go through temporary files;
// on N free cores the time should fall towards 1/N of one job's.
func BenchmarkDumpJobs(b *testing.B) {
	b.Setenv("TMPDIR", b.TempDir())
	for _, jobs := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			r := newMemReader(b, "northwind", 20000)
			opts := Options{NoCreateInfo: true, Jobs: jobs, ChunkRows: 5000}
			st, err := DumpFrom(context.Background(), r, io.Discard, opts)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Bytes)
			b.ResetTimer()
			for range b.N {
				r.queries = nil
				if _, err := DumpFrom(context.Background(), r, io.Discard, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
