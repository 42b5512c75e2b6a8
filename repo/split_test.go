package repo

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
)

func splitAll(t *testing.T, script []byte, chunk int) [][]byte {
	t.Helper()
	var parts [][]byte
	s := newSplitter(func(p []byte) error { parts = append(parts, bytes.Clone(p)); return nil })
	for len(script) > 0 {
		n := min(chunk, len(script))
		if _, err := s.Write(script[:n]); err != nil {
			t.Fatal(err)
		}
		script = script[n:]
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return parts
}

func TestPartsConcatenateToTheScriptWhateverTheWriteSizes(t *testing.T) {
	script := genDB{name: "x", rows: 3000, day: 1}.bytes()
	want := splitAll(t, script, len(script))
	for _, chunk := range []int{1, 7, 4096, 1 << 20} {
		got := splitAll(t, script, chunk)
		if !bytes.Equal(bytes.Join(got, nil), script) {
			t.Fatalf("chunk %d: parts do not concatenate to the script", chunk)
		}
		if len(got) != len(want) {
			t.Fatalf("chunk %d: %d parts, want %d (cuts must not depend on write sizes)", chunk, len(got), len(want))
		}
	}
}

func TestEachDDLBatchIsOnePartEndingWithItsGOLine(t *testing.T) {
	parts := splitAll(t, []byte("CREATE TABLE a (x int);\nGO\n\nCREATE VIEW v AS SELECT 1 AS [GO]\ngo\nCREATE PROCEDURE p AS SELECT 1\nGO\n-- end\n"), 5)
	want := []string{"CREATE TABLE a (x int);\nGO\n", "\nCREATE VIEW v AS SELECT 1 AS [GO]\ngo\n", "CREATE PROCEDURE p AS SELECT 1\nGO\n", "-- end\n"}
	if len(parts) != len(want) {
		t.Fatalf("got %d parts %q, want %q", len(parts), parts, want)
	}
	for i := range want {
		if string(parts[i]) != want[i] {
			t.Errorf("part %d = %q, want %q", i, parts[i], want[i])
		}
	}
}

// insertScript is one table's INSERT batches for the given keys.
func insertScript(t *testing.T, keys []int64) []byte {
	t.Helper()
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k, utf16le(fmt.Sprintf("row %d", k)), "C", []byte("1.0000"), 1.5, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), make([]byte, 16), true, nil}
	}
	var buf bytes.Buffer
	w := data.NewWriter(&buf, data.Limits{})
	if _, err := w.WriteTable(data.NewPlan(genTable("T"), "", ""), &data.SliceRows{Rows: rows}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	return buf.Bytes()
}

func TestInsertBatchesGroupIntoPartsAndAnInsertedRowMovesFewParts(t *testing.T) {
	var keys []int64
	for k := int64(0); k < 40000; k += 2 {
		keys = append(keys, k)
	}
	before := splitAll(t, insertScript(t, keys), 1<<16)
	batches := bytes.Count(insertScript(t, keys), []byte("\nGO\n"))
	if len(before) < batches/(2*groupBatches) || len(before) > batches*2/groupBatches {
		t.Fatalf("%d batches made %d parts, want about %d", batches, len(before), batches/groupBatches)
	}
	withRow := slices.Insert(slices.Clone(keys), len(keys)/2, keys[len(keys)/2]-1)
	after := splitAll(t, insertScript(t, withRow), 1<<16)
	old := map[string]bool{}
	for _, p := range before {
		old[string(p)] = true
	}
	changed := 0
	for _, p := range after {
		if !old[string(p)] {
			changed++
		}
	}
	if changed < 1 || changed > 2 {
		t.Errorf("one inserted row changed %d of %d parts, want 1 or 2", changed, len(after))
	}
}

func TestABatchLongerThanAPartIsCutAtALineEnd(t *testing.T) {
	line := strings.Repeat("x", 1000) + "\n"
	script := []byte(strings.Repeat(line, maxPartSize/len(line)*3))
	parts := splitAll(t, script, 64<<10)
	if len(parts) < 3 {
		t.Fatalf("%d parts, want at least 3", len(parts))
	}
	for i, p := range parts {
		if len(p) > maxPartSize+len(line) || p[len(p)-1] != '\n' {
			t.Fatalf("part %d: %d bytes ending %q", i, len(p), p[len(p)-1])
		}
	}
}

func TestPartNamesSayWhatThePartIs(t *testing.T) {
	for in, want := range map[string]string{
		"\n-- comment\nCREATE TABLE [dbo].[Orders] (\n[id] int);\nGO\n":                      "CREATE TABLE [dbo].[Orders] (",
		"INSERT INTO [dbo].[Orders] ([id], [n]) VALUES\n(42, N'x'),\n(43, N'y');\nGO\n":      "INSERT [dbo].[Orders] 42",
		"SET IDENTITY_INSERT [dbo].[T] ON;\nINSERT INTO [dbo].[T] ([id]) VALUES\n(7);\nGO\n": "INSERT [dbo].[T] 7",
		"\n\n": "",
	} {
		if got := partName([]byte(in)); got != want {
			t.Errorf("partName(%q) = %q, want %q", in, got, want)
		}
	}
}
