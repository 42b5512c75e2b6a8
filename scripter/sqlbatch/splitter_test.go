package sqlbatch

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

func splitAll(t testing.TB, script string) ([]Batch, error) {
	t.Helper()
	sp := NewSplitter(strings.NewReader(script))
	var out []Batch
	for {
		b, err := sp.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, b)
	}
}

func TestSplitterFollowsSqlcmdBatchRules(t *testing.T) {
	type B = Batch
	cases := []struct {
		name   string
		script string
		want   []B
	}{
		{"simple", "SELECT 1\nGO\nSELECT 2\nGO\n", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"no trailing GO", "SELECT 1\nGO\nSELECT 2", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"no trailing GO, trailing newline", "SELECT 1\n", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 1}}},
		{"lower case and spaces", "SELECT 1\n  go  \nSELECT 2\n\tGo\t\n", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"count", "INSERT t DEFAULT VALUES\nGO 3\n", []B{{Text: "INSERT t DEFAULT VALUES", StartLine: 1, Repeat: 3}}},
		{"count and comment", "SELECT 1\nGO 2 -- twice\nSELECT 2\nGO -- done\n", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 2}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"CRLF kept inside, dropped before GO", "CREATE PROC p AS\r\nSELECT 1\r\nGO\r\nSELECT 2\r\n", []B{{Text: "CREATE PROC p AS\r\nSELECT 1", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 4, Repeat: 1}}},
		{"empty batches skipped", "GO\n\n  \nGO\nSELECT 1\nGO\nGO\n", []B{{Text: "SELECT 1", StartLine: 5, Repeat: 1}}},
		{"leading blank lines skipped", "SELECT 1\nGO\n\n\n  SELECT 2\n\nSELECT 3\nGO\n", []B{{Text: "SELECT 1", StartLine: 1, Repeat: 1}, {Text: "  SELECT 2\n\nSELECT 3", StartLine: 5, Repeat: 1}}},
		{"GO in string", "SELECT 'a\nGO\nb'\nGO\n", []B{{Text: "SELECT 'a\nGO\nb'", StartLine: 1, Repeat: 1}}},
		{"GO in string with doubled quotes", "SELECT N'it''s\nGO\n'''\nGO\n", []B{{Text: "SELECT N'it''s\nGO\n'''", StartLine: 1, Repeat: 1}}},
		{"GO in quoted identifier", "SELECT 1 AS \"a\nGO\n\"\"b\"\nGO\n", []B{{Text: "SELECT 1 AS \"a\nGO\n\"\"b\"", StartLine: 1, Repeat: 1}}},
		{"GO in brackets", "CREATE TABLE [a\nGO\n]]b] (x int)\nGO\n", []B{{Text: "CREATE TABLE [a\nGO\n]]b] (x int)", StartLine: 1, Repeat: 1}}},
		{"GO in block comment", "/*\nGO\n*/ SELECT 1\nGO\n", []B{{Text: "/*\nGO\n*/ SELECT 1", StartLine: 1, Repeat: 1}}},
		{"GO in nested block comment", "/* /* */\nGO\n*/ SELECT 1\nGO\n", []B{{Text: "/* /* */\nGO\n*/ SELECT 1", StartLine: 1, Repeat: 1}}},
		{"quote in line comment ignored", "SELECT 1 -- it's\nGO\nSELECT 2\n", []B{{Text: "SELECT 1 -- it's", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"quote in block comment ignored", "SELECT 1 /* it's */\nGO\n", []B{{Text: "SELECT 1 /* it's */", StartLine: 1, Repeat: 1}}},
		{"comment start in string ignored", "SELECT '/*', '--'\nGO\nSELECT 2\nGO\n", []B{{Text: "SELECT '/*', '--'", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}},
		{"not separators", "GOTO x\nGO;\ngo_table\nSELECT 1 GO\nGO\n", []B{{Text: "GOTO x\nGO;\ngo_table\nSELECT 1 GO", StartLine: 1, Repeat: 1}}},
		{"GO in middle of line is text", "SELECT 1; GO\nGO\n", []B{{Text: "SELECT 1; GO", StartLine: 1, Repeat: 1}}},
		{"variables reported", "SELECT '$(a)', $(b) -- $(c)\n/* $(d) */ SELECT N'$(a)'\nGO\n", []B{{Text: "SELECT '$(a)', $(b) -- $(c)\n/* $(d) */ SELECT N'$(a)'", StartLine: 1, Repeat: 1, Variables: []string{"a", "b"}}}},
		{"comment-only batch kept", "-- header\nGO\n", []B{{Text: "-- header", StartLine: 1, Repeat: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := splitAll(t, c.script)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %#v\nwant %#v", got, c.want)
			}
		})
	}
}

func TestSplitterRejectsTruncatedScripts(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"SELECT 1\nGO\nSELECT 'abc\nGO\n", "string opened on line 3"},
		{"SELECT [abc\n", "[identifier opened on line 1"},
		{"SELECT \"abc\n", `"identifier opened on line 1`},
		{"/* a\n/* b */\nGO\n", "/* comment opened on line 1"},
	} {
		_, err := splitAll(t, c.script)
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want %q", c.script, err, c.want)
		}
	}
}

func TestSplitterRejectsBadGoCount(t *testing.T) {
	for _, s := range []string{"SELECT 1\nGO 0\n", "SELECT 1\nGO x\n", "SELECT 1\nGO -1\n"} {
		_, err := splitAll(t, s)
		if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%q: err = %v", s, err)
		}
	}
}

func TestSplitterHandlesLinesLongerThanItsBuffer(t *testing.T) {
	long := "SELECT N'" + strings.Repeat("x", 300*1024) + "'"
	script := long + "\nGO\n" + long + "\r\nGO\r\n"
	got, err := splitAll(t, script)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Text != long || got[1].Text != long || got[1].StartLine != 3 {
		t.Fatalf("got %d batches", len(got))
	}
}

func TestSplitterStreamsFromSlowReaders(t *testing.T) {
	script := "SELECT 'a\nGO\n'\nGO 2\n-- x\nSELECT [b]\n"
	sp := NewSplitter(iotest.OneByteReader(iotest.HalfReader(strings.NewReader(script))))
	var got []Batch
	for {
		b, err := sp.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, b)
	}
	want := []Batch{{Text: "SELECT 'a\nGO\n'", StartLine: 1, Repeat: 2}, {Text: "-- x\nSELECT [b]", StartLine: 5, Repeat: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v", got)
	}
}

func TestSplitterReportsReadErrors(t *testing.T) {
	boom := errors.New("boom")
	sp := NewSplitter(io.MultiReader(strings.NewReader("SELECT 1\n"), iotest.ErrReader(boom)))
	if _, err := sp.Next(); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if _, err := sp.Next(); !errors.Is(err, boom) {
		t.Fatalf("second call: err = %v", err)
	}
}

func TestBatchErrorNamesBatchLineAndExcerpt(t *testing.T) {
	b := Batch{Text: "INSERT [t] VALUES (1)\nINSERT [t] VALUES (N'" + strings.Repeat("é", 60) + "')", StartLine: 340}
	be := newBatchError(12, b, 1, errors.New("mssql: boom"))
	want := "batch 12 (line 340): mssql: boom [line 340: INSERT [t] VALUES (1)]"
	if be.Error() != want {
		t.Fatalf("got  %s\nwant %s", be.Error(), want)
	}
	be = newBatchError(12, b, 2, lineErr{line: 2})
	if !strings.HasPrefix(be.Error(), "batch 12 (line 340): line error (run 2 of GO n) [line 341: INSERT [t] VALUES (N'éé") ||
		!strings.HasSuffix(be.Error(), "...]") {
		t.Fatalf("got %s", be.Error())
	}
}

type lineErr struct{ line int32 }

func (e lineErr) Error() string         { return "line error" }
func (e lineErr) SQLErrorLineNo() int32 { return e.line }

func TestBareNamesAreKeptBatches(t *testing.T) {
	for s, want := range map[string]bool{
		"sp_who": true, "[dbo].[my proc]": true, "RETURN": true, "dbo.p": true,
		"EXEC sp_who": false, "CREATE VIEW v AS SELECT 1": false, "SELECT 1;": false, "p\n": false, "": false,
	} {
		if got := bareName(s); got != want {
			t.Errorf("bareName(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSplitterReadsByteOrderMarks(t *testing.T) {
	utf16le := func(s string) string {
		var b []byte
		b = append(b, 0xFF, 0xFE)
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	for name, script := range map[string]string{
		"utf-8 BOM":  "\xEF\xBB\xBFSELECT N'é'\r\nGO\r\nSELECT 2\r\n",
		"utf-16 BOM": utf16le("SELECT N'é'\r\nGO\r\nSELECT 2\r\n"),
	} {
		got, err := splitAll(t, script)
		want := []Batch{{Text: "SELECT N'é'", StartLine: 1, Repeat: 1}, {Text: "SELECT 2", StartLine: 3, Repeat: 1}}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %#v, %v", name, got, err)
		}
	}
}
