package repo

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

// BenchmarkDailyBackup backs up consecutive days of one generated database
// (scripter/data's INSERT writer; each day updates 1% of the rows at
// random, deletes 0.5% and inserts 0.5%) into a repository in a
// directory, and reports for the last day: the bytes it added, against the
// zstd-compressed full dump of that day; the backup's time against a plain
// dump of the same day (zstd into one object of the same store); the peak
// heap of the backup; and whether cat gives the day's script back exactly.
// With restic on PATH, the same days go into a restic repository too
// (resticDays). Run it once (-benchtime 1x). MSSQLDUMP_BENCH_MB sets the script size
// (default 50), MSSQLDUMP_BENCH_DAYS the number of days (default 2).
func BenchmarkDailyBackup(b *testing.B) {
	mb := envInt("MSSQLDUMP_BENCH_MB", 50)
	days := envInt("MSSQLDUMP_BENCH_DAYS", 2)
	// About 340 script bytes per row (measured on 4,000 rows).
	sample := genDB{name: "Bench", rows: 4000, day: 1}.bytes()
	rows := int(int64(mb) << 20 * 4000 / int64(len(sample)))
	dir := b.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		b.Fatal(err)
	}
	bucket := blob.NewBucket(d)
	defer bucket.Close()
	ctx := context.Background()
	r, err := OpenOrInit(ctx, bucket, Options{})
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	var last *Snapshot
	var backupTime time.Duration
	var peak uint64
	for b.Loop() {
		for day := 1; day <= days; day++ {
			g := genDB{name: "Bench", rows: rows, day: day}
			start := time.Now()
			peak, err = peakHeap(func() error {
				s, err := backupDay(ctx, r, g)
				last = s
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
			backupTime = time.Since(start)
			total += last.BytesAdded
		}
	}
	g := genDB{name: "Bench", rows: rows, day: days}
	start := time.Now()
	full, err := plainDump(ctx, bucket, g)
	if err != nil {
		b.Fatal(err)
	}
	dumpTime := time.Since(start)
	h := sha256.New()
	if _, err := r.Cat(ctx, last.ID, h); err != nil {
		b.Fatal(err)
	}
	if hex.EncodeToString(h.Sum(nil)) != last.ScriptSHA256 {
		b.Fatal("cat of the last day differs from its script")
	}
	if a, err := bucket.Stat(ctx, last.Index); err == nil {
		b.ReportMetric(float64(a.Size)/(1<<10), "index-KiB")
	}
	b.ReportMetric(float64(last.Parts), "parts")
	b.ReportMetric(float64(last.ScriptSize)/(1<<20), "script-MiB")
	b.ReportMetric(float64(full)/(1<<20), "full-zstd-MiB")
	b.ReportMetric(float64(last.BytesAdded)/(1<<10), "last-day-added-KiB")
	b.ReportMetric(100*float64(last.BytesAdded)/float64(full), "added-%-of-full-zstd")
	b.ReportMetric(float64(total)/float64(full), "repo-x-full-zstd")
	b.ReportMetric(backupTime.Seconds(), "backup-s")
	b.ReportMetric(dumpTime.Seconds(), "plain-dump-s")
	b.ReportMetric(backupTime.Seconds()/dumpTime.Seconds(), "backup/dump-time")
	if added, took, ok := resticDays(b, rows, days); ok {
		b.ReportMetric(float64(added)/(1<<10), "restic-last-day-added-KiB")
		b.ReportMetric(took.Seconds(), "restic-backup-s")
		b.ReportMetric(float64(last.BytesAdded)/float64(added), "added/restic-added")
	}
	b.ReportMetric(float64(peak)/(1<<20), "backup-peak-heap-MiB")
	if hwm, ok := peakRSS(); ok {
		b.ReportMetric(float64(hwm)/(1<<20), "process-peak-rss-MiB")
	}
}

// peakRSS is the process's peak resident set (VmHWM, Linux): an upper
// bound of the backups', since the process also generated every day's
// script and made the plain dump.
func peakRSS() (int64, bool) {
	p, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(p), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// backupDay streams the day's script into a backup, as the agent does.
func backupDay(ctx context.Context, r *Repository, g genDB) (*Snapshot, error) {
	bk, err := r.NewBackup(ctx, BackupInfo{Database: g.name})
	if err != nil {
		return nil, err
	}
	w := bufio.NewWriterSize(bk, 64<<10)
	if err := g.script(w); err != nil {
		bk.Abort()
		return nil, err
	}
	if err := w.Flush(); err != nil {
		bk.Abort()
		return nil, err
	}
	s, err := bk.Commit()
	if err != nil {
		bk.Abort()
	}
	return s, err
}

// plainDump stores the day's script as one zstd object, as a plain dump
// does, and returns the stored size.
func plainDump(ctx context.Context, bucket *blob.Bucket, g genDB) (int64, error) {
	w, err := bucket.NewWriter(ctx, "plain/dump.sql.zst", nil)
	if err != nil {
		return 0, err
	}
	z, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(z, 64<<10)
	if err := g.script(bw); err != nil {
		return 0, err
	}
	for _, f := range []func() error{bw.Flush, z.Close, w.Close} {
		if err := f(); err != nil {
			return 0, err
		}
	}
	return w.Written(), nil
}

// peakHeap runs fn while sampling the heap's object bytes every 5 ms.
func peakHeap(fn func() error) (uint64, error) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	peak := read()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				peak = max(peak, read())
			}
		}
	})
	err := fn()
	close(stop)
	wg.Wait()
	return peak, err
}

var _ io.Writer = (*Backup)(nil)
