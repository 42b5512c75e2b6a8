package tsql

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

type benchCase struct {
	name string
	typ  Type
	v    any
}

func benchCases(b *testing.B) []benchCase {
	return []benchCase{
		{"int", mustType(b, "int"), int64(-123456789)},
		{"bigint", mustType(b, "bigint"), int64(9007199254740993)},
		{"bit", mustType(b, "bit"), true},
		{"float", mustType(b, "float"), 3.141592653589793},
		{"real", mustType(b, "real"), float64(float32(2.5))},
		{"decimal", mustType(b, "decimal(19,4)"), []byte("-123456789012345.6789")},
		{"money", mustType(b, "money"), []byte("1234.5600")},
		{"nvarchar_short", mustType(b, "nvarchar(50)"), "Alfreds Futterkiste"},
		{"nvarchar_unicode", mustType(b, "nvarchar(100)"), "Größe – 東京都 – Ελληνικά – O'Brien"},
		{"nvarchar_4k", mustType(b, "nvarchar(max)"), strings.Repeat("lorem ipsum dolor sit amet ", 150)},
		{"nvarchar_multiline", mustType(b, "nvarchar(max)"), strings.Repeat("line of text\r\n", 20)},
		{"nvarchar_utf16_short", mustType(b, "nvarchar(50)"), utf16Of("Alfreds Futterkiste")},
		{"nvarchar_utf16_unicode", mustType(b, "nvarchar(100)"), utf16Of("Größe – 東京都 – Ελληνικά – O'Brien")},
		{"nvarchar_utf16_4k", mustType(b, "nvarchar(max)"), utf16Of(strings.Repeat("lorem ipsum dolor sit amet ", 150))},
		{"varbinary_1k", mustType(b, "varbinary(max)"), make([]byte, 1024)},
		{"uniqueidentifier", mustType(b, "uniqueidentifier"), guidWire},
		{"datetime", mustType(b, "datetime"), time.Date(2024, 5, 6, 7, 8, 9, 997000000, time.UTC)},
		{"datetime2", mustType(b, "datetime2"), time.Date(2024, 5, 6, 7, 8, 9, 123456700, time.UTC)},
		{"datetimeoffset", mustType(b, "datetimeoffset"), time.Date(2024, 5, 6, 7, 8, 9, 123456700, time.FixedZone("", 19800))},
		{"date", mustType(b, "date"), time.Date(2024, 5, 6, 0, 0, 0, 0, time.UTC)},
		{"xml", mustType(b, "xml"), "<order id=\"1\"><line qty=\"2\">widget</line></order>"},
		{"sql_variant", Type{Name: "sql_variant"}, Variant{BaseType: mustType(b, "nvarchar(20)"), Value: "variant text"}},
		{"null", mustType(b, "int"), nil},
	}
}

func BenchmarkAppendLiteral(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			buf, err := AppendLiteral(nil, c.v, c.typ)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				buf, _ = AppendLiteral(buf[:0], c.v, c.typ)
			}
		})
	}
}

// BenchmarkInsertRows encodes in-memory rows of a mixed-type table into
// multi-row INSERT statements (one row per line, 1000 rows per statement)
// the way the scripter writes them; MB/s is bytes of T-SQL produced.
func BenchmarkInsertRows(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	cols := []Type{
		mustType(b, "int"), mustType(b, "nvarchar(100)"), mustType(b, "varchar(50)"), mustType(b, "decimal(19,4)"),
		mustType(b, "datetime2(7)"), mustType(b, "bit"), mustType(b, "float"), mustType(b, "uniqueidentifier"),
		mustType(b, "varbinary(64)"), mustType(b, "nvarchar(max)"), mustType(b, "datetime"), mustType(b, "bigint"),
	}
	words := []string{"alpha", "Größe", "O'Brien", "東京", "line\nbreak", "plain text value", "$(not a var)", "C:\\path\\"}
	const nrows = 1000
	rows := make([][]any, nrows)
	for i := range rows {
		bin := make([]byte, 16+r.IntN(48))
		for j := range bin {
			bin[j] = byte(r.Uint32())
		}
		guid := make([]byte, 16)
		for j := range guid {
			guid[j] = byte(r.Uint32())
		}
		var note any
		if r.IntN(4) > 0 {
			note = strings.Repeat(words[r.IntN(len(words))]+" ", 1+r.IntN(30))
		}
		rows[i] = []any{
			int64(i), words[r.IntN(len(words))] + " " + words[r.IntN(len(words))], "ascii only value",
			[]byte("12345.6789"), time.Date(2000+r.IntN(25), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(10000000)*100, time.UTC),
			r.IntN(2) == 1, r.Float64() * 1e6, guid, bin, note,
			time.Date(2010, 3, 4, 5, 6, 7, 3000000, time.UTC), r.Int64(),
		}
	}
	header := []byte("INSERT INTO [dbo].[Orders] ([a],[b],[c],[d],[e],[f],[g],[h],[i],[j],[k],[l]) VALUES\n")
	encode := func(buf []byte) []byte {
		buf = append(buf[:0], header...)
		var err error
		for i, row := range rows {
			if i > 0 {
				buf = append(buf, ",\n"...)
			}
			buf = append(buf, '(')
			for j, v := range row {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf, err = AppendLiteral(buf, v, cols[j])
				if err != nil {
					b.Fatal(err)
				}
			}
			buf = append(buf, ')')
		}
		return append(buf, ";\nGO\n"...)
	}
	buf := encode(nil)
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		buf = encode(buf)
	}
}
