package data

// Raw rows must script the bytes the boxed rows script: each test gives the
// writer a column's wire values both ways, raw (appendRawValue, with the
// drv* replica of the driver's decoder as the column's Decode) and decoded
// (the value go-mssqldb's Rows.Next returns, through appendValue), and
// wants the same literal.

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// sameBothWays checks every wire value of one column both ways.
func sameBothWays(t *testing.T, c *model.Column, rc rawCol, wire ...[]byte) {
	t.Helper()
	p := NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}, "", "")
	pc := &p.Columns[0]
	for _, b := range wire {
		var boxed any
		if b != nil {
			boxed = rc.decode(b)
		}
		want, werr := appendValue(nil, boxed, pc)
		got, gerr := appendRawValue(nil, b, pc, &rc)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Errorf("%s wire %x: raw %q (%v), decoded %q (%v)", c.Type.Name, b, got, gerr, want, werr)
		}
	}
}

func le(n int, v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v)[:n] }

func TestRawIntegersOfEveryWidthScriptAsTheDriversInt64(t *testing.T) {
	decode := func(b []byte) any { v, _ := rawInt(b); return v }
	rc := rawCol{kind: mssql.RawInt, decode: decode}
	sameBothWays(t, col("i", "tinyint", 1, 3, 0), rc, le(1, 0), le(1, 255), nil)
	sameBothWays(t, col("i", "smallint", 2, 5, 0), rc, le(2, 0x8000), le(2, 0x7fff), le(2, 0xffff))
	sameBothWays(t, col("i", "int", 4, 10, 0), rc, le(4, 0x80000000), le(4, 0x7fffffff), le(4, 0xffffffff), le(4, 42))
	sameBothWays(t, col("i", "bigint", 8, 19, 0), rc, le(8, 1<<63), le(8, 1<<63-1), le(8, math.MaxUint64))
	// tinyint is the driver's unsigned byte, not a signed one.
	if got, _ := appendRawValue(nil, []byte{0xff}, &Column{fast: fastInt}, &rc); string(got) != "255" {
		t.Errorf("tinyint 0xff = %s, want 255", got)
	}
}

func TestRawBitsScriptAsTheDriversBool(t *testing.T) {
	rc := rawCol{kind: mssql.RawBit, decode: func(b []byte) any { return b[0] != 0 }}
	sameBothWays(t, col("b", "bit", 1, 1, 0), rc, []byte{0}, []byte{1}, []byte{2}, nil)
}

func TestRawDecimalsScriptAsTheDriversDecimalText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, scale := range []int{0, 1, 2, 4, 10, 18, 19, 20, 38} {
		rc := rawCol{kind: mssql.RawDecimal, scale: uint8(scale), decode: func(b []byte) any { return drvDecodeDecimal(uint8(scale), b) }}
		mags := []*big.Int{new(big.Int), big.NewInt(1), big.NewInt(5), big.NewInt(99999),
			new(big.Int).SetUint64(math.MaxUint32), new(big.Int).SetUint64(math.MaxUint32 + 1),
			new(big.Int).SetUint64(math.MaxUint64), new(big.Int).Lsh(big.NewInt(1), 64),
			new(big.Int).Sub(new(big.Int).Exp(big.NewInt(10), big.NewInt(38), nil), big.NewInt(1))}
		for range 200 {
			mags = append(mags, new(big.Int).SetUint64(r.Uint64()>>r.IntN(64)))
		}
		var wire [][]byte
		for _, m := range mags {
			for _, neg := range []bool{false, true} {
				w := wireDecimal(neg, m)
				wire = append(wire, w)
				// The 9- and 13-byte forms of lower precisions.
				if m.BitLen() <= 64 {
					wire = append(wire, w[:9])
				}
				if m.BitLen() <= 96 {
					wire = append(wire, w[:13])
				}
			}
		}
		// The 5-byte form (precision up to 9) of a small value.
		wire = append(wire, []byte{0, 7, 0, 0, 0}, []byte{1, 0xff, 0xff, 0xff, 0xff}, []byte{0, 0, 0, 0, 0})
		sameBothWays(t, col("n", "numeric", 17, 38, scale), rc, wire...)
	}
}

func TestRawDecimalsWiderThan64BitsGoThroughTheDriver(t *testing.T) {
	wide := wireDecimal(true, new(big.Int).Lsh(big.NewInt(3), 70))
	if _, ok := appendRawDecimal(nil, wide, 2); ok {
		t.Fatal("a 72-bit magnitude took the 64-bit path")
	}
	calls := 0
	rc := rawCol{kind: mssql.RawDecimal, scale: 2, decode: func(b []byte) any { calls++; return drvDecodeDecimal(2, b) }}
	sameBothWays(t, col("n", "decimal", 17, 38, 2), rc, wide)
	if calls == 0 {
		t.Error("the driver's decoder was never asked")
	}
}

func TestRawUnicodeTextScriptsAsTheDriversString(t *testing.T) {
	rc := rawCol{kind: mssql.RawUTF16, decode: decodeUTF16}
	texts := []string{"", "plain", "it's", "Zoë Ångström 東京", "emoji 😀 pair", "tab\tnew\nline\r", strings.Repeat("x", 5000), "nul\x00byte"}
	var wire [][]byte
	for _, s := range texts {
		wire = append(wire, utf16Bytes(s))
	}
	sameBothWays(t, col("s", "nvarchar", 8000, 0, 0), rc, wire...)
	if got, _ := appendRawValue(nil, []byte{}, &Column{fast: fastText}, &rc); string(got) != "N''" {
		t.Errorf("empty (not NULL) text = %s, want N''", got)
	}
}

func TestRawBinaryScriptsAsTheRawBytesOfTheBoxedPath(t *testing.T) {
	rc := rawCol{kind: mssql.RawBinary, decode: func(b []byte) any { return bytes.Clone(b) }}
	sameBothWays(t, col("v", "varbinary", 16, 0, 0), rc, []byte{}, []byte{0, 1, 0xfe, 0xff}, nil)
	// A Unicode column read as varbinary (SQL Server) is its UTF-16.
	p := NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{col("s", "nvarchar", 20, 0, 0)}}, "", "")
	got, err := appendRawValue(nil, utf16Bytes("Zoë"), &p.Columns[0], &rc)
	u := utf16Bytes("Zoë")
	want, _ := appendValue(nil, &u, &p.Columns[0])
	if err != nil || string(got) != string(want) || !bytes.Contains(got, []byte("Zoë")) {
		t.Errorf("nvarchar as varbinary: %s (%v), want %s", got, err, want)
	}
}

func TestOtherRawTypesScriptWhatTheDriverDecodesThemTo(t *testing.T) {
	dt2 := rawCol{kind: mssql.RawOther, decode: func(b []byte) any { return drvDecodeDateTime2(7, b) }}
	sameBothWays(t, col("d", "datetime2", 8, 27, 7), dt2,
		append(wireTime(7, 123456789), wireDate(daysSince0001(2020, 2, 29))...), nil)
	flt := rawCol{kind: mssql.RawOther, decode: func(b []byte) any { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }}
	sameBothWays(t, col("f", "float", 8, 53, 0), flt, le(8, math.Float64bits(1.0/3)), le(8, math.Float64bits(math.Copysign(0, -1))))
	money := rawCol{kind: mssql.RawOther, decode: func(b []byte) any { return drvDecodeMoney(b) }}
	sameBothWays(t, col("m", "money", 8, 19, 4), money, wireMoney(-1), wireMoney(math.MaxInt64))
	// An int column the driver sends with a kind the writer does not
	// format itself still scripts its decoded value.
	odd := rawCol{kind: mssql.RawOther, decode: func(b []byte) any { return int64(7) }}
	sameBothWays(t, col("i", "int", 4, 10, 0), odd, le(4, 7))
}

// rawSliceRows is a RowSource of raw rows, as RawRows gives them.
type rawSliceRows struct {
	rows [][][]byte
	cols []rawCol
	i    int
}

func (s *rawSliceRows) Next() bool                   { s.i++; return s.i <= len(s.rows) }
func (s *rawSliceRows) rawRow() ([][]byte, []rawCol) { return s.rows[s.i-1], s.cols }
func (s *rawSliceRows) Err() error                   { return nil }
func (s *rawSliceRows) Close() error                 { return nil }
func (s *rawSliceRows) Row() []any {
	vals := make([]any, len(s.cols))
	for i, b := range s.rows[s.i-1] {
		if b != nil {
			vals[i] = s.cols[i].decode(b)
		}
	}
	return vals
}

// wrapped is a RowSource wrapper, as the scripter's reader adds one.
type wrapped struct{ RowSource }

func (w wrapped) Unwrap() RowSource { return w.RowSource }

func TestATableOfRawRowsScriptsTheStatementsOfItsDecodedRows(t *testing.T) {
	id := col("Id", "int", 4, 10, 0)
	tbl := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"},
		Columns:    []*model.Column{id, col("Name", "nvarchar", 80, 0, 0), col("Amount", "decimal", 9, 18, 4), col("Flag", "bit", 1, 1, 0)},
		PrimaryKey: &model.Index{Name: "PK", Kind: "CLUSTERED", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id"}}}}
	p := NewPlan(tbl, "", "").ForBabelfish()
	src := &rawSliceRows{cols: []rawCol{
		{kind: mssql.RawInt, decode: func(b []byte) any { v, _ := rawInt(b); return v }},
		{kind: mssql.RawUTF16, decode: decodeUTF16},
		{kind: mssql.RawDecimal, scale: 4, decode: func(b []byte) any { return drvDecodeDecimal(4, b) }},
		{kind: mssql.RawBit, decode: func(b []byte) any { return b[0] != 0 }},
	}}
	for i := range 2500 {
		name := utf16Bytes("row ' " + strings.Repeat("é", i%7))
		if i%11 == 0 {
			name = nil
		}
		src.rows = append(src.rows, [][]byte{le(4, uint64(i)), name, wireDecimal(i%3 == 0, big.NewInt(int64(i*i))), {byte(i % 2)}})
	}
	var raw, boxed bytes.Buffer
	lim := Limits{RowsPerInsert: 100}
	rw := NewWriter(&raw, lim)
	if _, err := rw.WriteTable(p, wrapped{src}); err != nil || rw.Flush() != nil {
		t.Fatal(err)
	}
	var rows [][]any
	for s := (&rawSliceRows{rows: src.rows, cols: src.cols}); s.Next(); {
		rows = append(rows, s.Row())
	}
	bw := NewWriter(&boxed, lim)
	if _, err := bw.WriteTable(p, &SliceRows{Rows: rows}); err != nil || bw.Flush() != nil {
		t.Fatal(err)
	}
	if raw.Len() == 0 || !bytes.Equal(raw.Bytes(), boxed.Bytes()) {
		t.Fatalf("raw rows scripted %d bytes, decoded rows %d, not the same", raw.Len(), boxed.Len())
	}
}

// decodeUTF16 is go-mssqldb's nvarchar decoding: UTF-16LE to a string.
func decodeUTF16(b []byte) any {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}
