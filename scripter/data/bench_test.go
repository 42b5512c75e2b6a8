package data

import (
	"fmt"
	"io"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// mixedTable/mixedRows: a typical OLTP row (keys, text, money, dates,
// floats, guids, bytes, flags, NULLs) in the driver's shapes for the
// plan's SELECT (nvarchar as UTF-16 bytes, varchar as server-decoded text).
func mixedTable() *model.Table {
	return &model.Table{QName: model.QName{Schema: "dbo", Name: "Mixed"},
		Columns: []*model.Column{
			col("id", "bigint", 8, 19, 0), col("name", "nvarchar", 200, 0, 0), col("code", "varchar", 20, 0, 0),
			col("amount", "decimal", 9, 18, 4), col("price", "money", 8, 19, 4), col("ratio", "float", 8, 53, 0),
			col("created", "datetime2", 8, 27, 7), col("day", "date", 3, 10, 0), col("guid", "uniqueidentifier", 16, 0, 0),
			col("blob", "varbinary", 64, 0, 0), col("active", "bit", 1, 1, 0), col("note", "nvarchar", -1, 0, 0),
		},
		PrimaryKey: &model.Index{Name: "pk", Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "id"}}}}
}

func mixedRows(n int) [][]any {
	rows := make([][]any, n)
	base := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range rows {
		var note any
		if i%3 != 0 {
			note = utf16Bytes(fmt.Sprintf("Customer %d wrote: it's fine, delivered on time; order #%d. Ünïcödé ok.", i, i*7))
		}
		rows[i] = []any{
			int64(i), utf16Bytes(fmt.Sprintf("Name number %d O'Brien", i)), fmt.Sprintf("C%06d", i),
			[]byte(fmt.Sprintf("%d.%04d", i*13, i%10000)), []byte(fmt.Sprintf("%d.%04d", i, i%7)), float64(i) / 7,
			base.Add(time.Duration(i) * 1234567 * time.Microsecond).Add(time.Duration(i%10) * 100), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1000),
			[]byte{byte(i), byte(i >> 8), 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
			[]byte(fmt.Sprintf("blob-%d-payload", i)), i%2 == 0, note,
		}
	}
	return rows
}

// utf16Bytes is nvarchar data as the plan reads it (CAST AS varbinary).
func utf16Bytes(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

type countingDiscard struct{ n int64 }

func (c *countingDiscard) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkInsertEncoder measures the INSERT encoder alone: rows are in
// memory, output goes to a discarding writer. MB/s is of T-SQL produced.
func BenchmarkInsertEncoder(b *testing.B) {
	p := NewPlan(mixedTable(), "", "")
	rows := mixedRows(10000)
	var sink countingDiscard
	w := NewWriter(&sink, Limits{})
	// One warm-up pass to size the buffers and learn the output size.
	if _, err := w.WriteTable(p, &SliceRows{Rows: rows}); err != nil {
		b.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	perPass := sink.n
	b.SetBytes(perPass)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := w.WriteTable(p, &SliceRows{Rows: rows}); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	// MB per CPU-second of the whole process (GC included): the per-core
	// figure, which a busy machine's wall clock would understate.
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(perPass)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var _ io.Writer = (*countingDiscard)(nil)
