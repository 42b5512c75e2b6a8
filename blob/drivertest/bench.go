package drivertest

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
)

// RunBenchmarks measures a driver with its production settings (newBucket
// should use the driver's default part size and concurrency):
//
//   - Upload/<size>: throughput of one streamed object (MB/s), written in
//     1 MiB chunks as the agent's compressor would;
//   - UploadMemory/1GiB: peak Go heap while streaming 1 GiB, reported as
//     peak-heap-MiB (absolute) and heap-growth-MiB (above the heap before
//     the upload), to check the agent's memory goal (≤ 128 MiB in total);
//   - Download/512MiB: throughput and peak heap of reading one object back
//     through a 1 MiB buffer, for the CLI's goal (≤ 64 MiB).
//
// Run: go test -run '^$' -bench . -benchtime 1x ./blob/...
func RunBenchmarks(b *testing.B, newBucket func(testing.TB) driver.Bucket) {
	for _, size := range []int64{64 << 20, 512 << 20} {
		b.Run(fmt.Sprintf("Upload/%dMiB", size>>20), func(b *testing.B) {
			bkt := blob.NewBucket(newBucket(b))
			b.SetBytes(size)
			b.ResetTimer()
			for i := range b.N {
				if err := streamUpload(b.Context(), bkt, fmt.Sprintf("bench/%d", i), size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("UploadMemory/1GiB", func(b *testing.B) {
		const size = 1 << 30
		bkt := blob.NewBucket(newBucket(b))
		b.SetBytes(size)
		var peak, growth uint64
		b.ResetTimer()
		for i := range b.N {
			p, g, err := measurePeakHeap(func() error {
				return streamUpload(b.Context(), bkt, fmt.Sprintf("bench/mem-%d", i), size)
			})
			if err != nil {
				b.Fatal(err)
			}
			peak, growth = max(peak, p), max(growth, g)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MiB")
	})
	b.Run("Download/512MiB", func(b *testing.B) {
		const size = 512 << 20
		bkt := blob.NewBucket(newBucket(b))
		if err := streamUpload(b.Context(), bkt, "bench/download", size); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(size)
		var peak, growth uint64
		buf := make([]byte, 1<<20)
		b.ResetTimer()
		for range b.N {
			p, g, err := measurePeakHeap(func() error {
				r, err := bkt.NewReader(b.Context(), "bench/download")
				if err != nil {
					return err
				}
				defer r.Close()
				n, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{r}, buf)
				if err == nil && n != size {
					err = fmt.Errorf("read %d bytes, want %d", n, size)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			peak, growth = max(peak, p), max(growth, g)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MiB")
	})
}

// streamUpload writes size bytes to key in 1 MiB chunks from one reused
// buffer, so the benchmark itself adds no memory.
func streamUpload(ctx context.Context, b *blob.Bucket, key string, size int64) error {
	chunk := make([]byte, 1<<20)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range chunk {
		chunk[i] = byte(r.Uint32())
	}
	w, err := b.NewWriter(ctx, key, nil)
	if err != nil {
		return err
	}
	for left := size; left > 0; {
		n := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			w.Close()
			return err
		}
		left -= n
	}
	return w.Close()
}

// measurePeakHeap runs fn while sampling the bytes of heap objects (live
// and not yet swept) every 5 ms, and returns the peak and its growth over
// the heap measured after a GC just before fn.
func measurePeakHeap(fn func() error) (peak, growth uint64, err error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	peak = base
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				v := read()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	})
	err = fn()
	close(stop)
	wg.Wait()
	return peak, peak - base, err
}
