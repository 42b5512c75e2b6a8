package scripter

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// TestDumpSplitsIntoTheBatchesItWrote: the whole script, data with
// sqlcmd-hostile values included, goes through the GO splitter Restore
// uses; every batch is one the dump meant (no data line read as GO, no
// $(var) outside a comment), and each tricky value is intact in its batch.
func TestDumpSplitsIntoTheBatchesItWrote(t *testing.T) {
	r := newMemReader(t, "torture", 30)
	tricky := []string{"GO", "a\nGO\nb", "$(SQLCMDUSER) and $(x", "back\\\nslash\\", "nul\x00byte", "go 5", ":r /etc/passwd", "\r\nGO\r\n"}
	var rows [][]any
	for i, s := range tricky {
		rows = append(rows, []any{s, []byte{byte(i)}})
	}
	r.override["dbo.Heap"] = rows
	plan := nil2plan(t, r, "Heap")
	if plan.Width() != 2 || plan.Columns[0].Type.Name != "nvarchar" {
		t.Fatalf("fixture changed: dbo.Heap plan %+v", plan.Columns)
	}
	out, _ := dump(t, r, Options{RowsPerInsert: 3})

	sp := sqlbatch.NewSplitter(strings.NewReader(out))
	var heap []string
	batches := 0
	for {
		b, err := sp.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		batches++
		if len(b.Variables) > 0 {
			t.Errorf("batch at line %d references sqlcmd variables %v", b.StartLine, b.Variables)
		}
		if b.Repeat != 1 {
			t.Errorf("batch at line %d repeats %d times", b.StartLine, b.Repeat)
		}
		if strings.Contains(b.Text, "INSERT INTO [dbo].[Heap]") {
			heap = append(heap, b.Text)
		}
	}
	if want := strings.Count(out, "\nGO\n"); batches != want {
		t.Errorf("splitter found %d batches, the script has %d GO lines", batches, want)
	}
	if len(heap) != 3 { // 8 rows, 3 per statement
		t.Fatalf("%d Heap batches, want 3", len(heap))
	}
	joined := strings.Join(heap, "\n")
	for i, s := range tricky {
		lit, err := tsql.AppendLiteral(nil, s, plan.Columns[0].Type)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(joined, string(lit)+", ") {
			t.Errorf("value %d (%q) is not intact in its batch; want %s", i, s, lit)
		}
	}
}
