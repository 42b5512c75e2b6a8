package scripter

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/data"
)

// splitQueries counts the reads of one key range.
func splitQueries(r *memReader) int {
	n := 0
	for _, q := range r.queries {
		if strings.Contains(q, " >= ") || strings.Contains(q, " < ") {
			n++
		}
	}
	return n
}

func TestJobsTwoAndFourWriteTheBytesOfJobsOneWhileSplittingTablesIntoKeyRanges(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	for _, fx := range []string{"northwind", "pubs", "torture"} {
		for _, base := range []Options{{}, {RowsPerInsert: 70}, {NoCreateInfo: true}, {Format: FormatZip}} {
			one, oneStats := dump(t, newMemReader(t, fx, 600), base)
			for _, jobs := range []int{2, 4} {
				opts := base
				opts.Jobs, opts.ChunkRows = jobs, 80
				r := newMemReader(t, fx, 600)
				got, st := dump(t, r, opts)
				if r.parallel != jobs {
					t.Fatalf("%s: Parallel readied %d connections, want %d", fx, r.parallel, jobs)
				}
				if splitQueries(r) == 0 {
					t.Fatalf("%s: no table was read in key ranges", fx)
				}
				if got != one {
					t.Fatalf("%s %+v: --jobs %d differs from --jobs 1 (%d vs %d bytes)", fx, base, jobs, len(got), len(one))
				}
				for k, n := range oneStats.Rows {
					if st.Rows[k] != n {
						t.Errorf("%s: %s: %d rows with --jobs %d, %d with one", fx, k, st.Rows[k], jobs, n)
					}
				}
			}
		}
	}
	if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestKeyRangesCoverNullWideAndSparseKeysInOrder(t *testing.T) {
	keys := []any{nil, int64(-9e18), int64(-5), int64(0)}
	for i := range 2000 {
		keys = append(keys, int64(i*i+1))
	}
	keys = append(keys, int64(9e18))
	r := newMemReader(t, "northwind", 0)
	p := nil2plan(t, r, "Orders")
	c, ok := p.SplitColumn()
	if !ok || c.Name != "OrderID" {
		t.Fatalf("Orders splits on %v", c)
	}
	var rows [][]any
	for i, k := range keys {
		row := syntheticRow(p, i)
		row[0] = k
		rows = append(rows, row)
	}
	r.override["dbo.Orders"] = rows
	opts := Options{Tables: []string{"Orders"}, NoCreateInfo: true}
	one, _ := dump(t, r, opts)
	for _, chunk := range []int64{1, 7, 500} {
		opts.Jobs, opts.ChunkRows = 3, chunk
		r.queries = nil
		got, st := dump(t, r, opts)
		if got != one || st.Rows["dbo.Orders"] != int64(len(keys)) {
			t.Fatalf("chunk %d: %d rows, script differs: %v", chunk, st.Rows["dbo.Orders"], got != one)
		}
		if want := min(int64(len(keys))/chunk, maxChunks); splitQueries(r) < int(want)/2 {
			t.Errorf("chunk %d: %d range reads, want about %d", chunk, splitQueries(r), want)
		}
	}
}

func TestSplitBoundsCutTheKeySpanIntoAscendingRanges(t *testing.T) {
	for _, tc := range []struct {
		lo, hi, n int64
		want      []int64
	}{
		{1, 100, 4, []int64{25, 50, 75}},
		{0, 2, 10, []int64{1}},
		{5, 5, 4, nil},
		{1, 100, 1, nil},
		{-9e18, 9e18, 2, []int64{0}},
	} {
		got := splitBounds(tc.lo, tc.hi, tc.n)
		if len(got) != len(tc.want) {
			t.Errorf("splitBounds(%d, %d, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("splitBounds(%d, %d, %d) = %v, want %v", tc.lo, tc.hi, tc.n, got, tc.want)
			}
		}
	}
}

func TestAParallelDumpWithoutOnePointInTimeFailsUnderSnapshotAndWarnsUnderAuto(t *testing.T) {
	r := newMemReader(t, "pubs", 10)
	r.parallelErr = ErrSnapshotUnavailable
	var out strings.Builder
	if _, err := DumpFrom(context.Background(), r, &out, Options{Jobs: 2, Consistency: ConsistencySnapshot}); !errors.Is(err, ErrSnapshotUnavailable) || out.Len() != 0 {
		t.Fatalf("err %v, %d bytes written", err, out.Len())
	}
	r = newMemReader(t, "pubs", 10)
	r.parallelWarnings = []Warning{{Code: WarnJobsNotOnePointInTime, Message: "each connection has its own snapshot"}}
	_, st := dump(t, r, Options{Jobs: 2})
	found := false
	for _, w := range st.Warnings {
		found = found || w.Code == WarnJobsNotOnePointInTime
	}
	if !found {
		t.Errorf("warnings %v lack the reader's", st.Warnings)
	}
}

// failingReader fails the rows of one table.
type failingReader struct {
	*memReader
	table string
}

func (f *failingReader) Rows(ctx context.Context, p *data.Plan) (data.RowSource, error) {
	if key(p.Table) == f.table {
		return nil, errors.New("connection reset")
	}
	return f.memReader.Rows(ctx, p)
}

func TestAFailedPartFailsTheDumpAndRemovesEveryTemporaryFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	r := &failingReader{memReader: newMemReader(t, "northwind", 1000), table: "dbo.Orders"}
	var out strings.Builder
	_, err := DumpFrom(context.Background(), r, &out, Options{Jobs: 3, ChunkRows: 100})
	if err == nil || !strings.Contains(err.Error(), "connection reset") {
		t.Fatalf("err %v", err)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func TestJobsOutsideTheirRangeAreRejectedBeforeAnythingIsRead(t *testing.T) {
	for _, opts := range []Options{{Jobs: -1}, {Jobs: maxJobs + 1}, {ChunkRows: -1}} {
		var oe *OptionError
		if err := opts.Validate(); !errors.As(err, &oe) {
			t.Errorf("%+v: %v", opts, err)
		}
	}
}

// The message says what 0 does (splitTable): one range per job, not a
// fixed 100,000 rows.
func TestNegativeChunkRowsSaysWhatZeroMeans(t *testing.T) {
	var oe *OptionError
	err := (&Options{ChunkRows: -1}).Validate()
	if !errors.As(err, &oe) || oe.Message != "-1 is negative (0 means one key range per job, of at least 100,000 rows)" {
		t.Errorf("Validate: %v", err)
	}
}

// statsReader reports fixed key statistics for every table.
type statsReader struct {
	*memReader
	lo, hi, rows int64
}

func (s *statsReader) KeyStats(context.Context, *data.Plan) (int64, int64, int64, error) {
	return s.lo, s.hi, s.rows, nil
}

func TestWithoutChunkRowsABigTableIsReadInOneKeyRangePerJobOfAtLeastTheDefaultChunk(t *testing.T) {
	r := newMemReader(t, "northwind", 0)
	p := nil2plan(t, r, "Orders")
	for _, tc := range []struct {
		rows      int64
		jobs      int
		chunkRows int64
		parts     int
	}{
		{1_000_000, 2, 0, 2},
		{1_000_000, 4, 0, 4},
		{150_000, 4, 0, 2}, // ranges of at least 100,000 rows
		{90_000, 4, 0, 1},
		{1_000_000, 2, 100_000, 10},
	} {
		sr := &statsReader{memReader: r, lo: 1, hi: tc.rows, rows: tc.rows}
		parts, err := splitTable(context.Background(), sr, p, tc.chunkRows, tc.jobs)
		if err != nil || len(parts) != tc.parts {
			t.Errorf("%d rows, %d jobs, chunk rows %d: %d parts (%v), want %d", tc.rows, tc.jobs, tc.chunkRows, len(parts), err, tc.parts)
		}
	}
}
