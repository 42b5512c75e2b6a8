package tsql

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// stringCloses returns the offsets where a single-quoted string ends, as
// SQL Server reads the text (a doubled quote is an escaped quote).
func stringCloses(s string) (closes []int, open bool) {
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if !open {
			open = true
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			i++
			continue
		}
		open = false
		closes = append(closes, i)
	}
	return closes, open
}

// outsideStrings reports whether byte c occurs outside '...' strings.
func outsideStrings(s string, c byte) bool {
	open := false
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\'':
			open = !open // a doubled quote closes and reopens: same parity
		case s[i] == c && !open:
			return true
		}
	}
	return false
}

// goSqlcmdCloses returns the offsets where go-sqlcmd (pkg/sqlcmd
// parse.go readString) thinks a single-quoted string ends: inside a string
// a backslash swallows the next character, a doubled quote is an escaped quote.
func goSqlcmdCloses(s string) (closes []int, open bool) {
	var prev byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !open {
			if c == '\'' {
				open = true
				prev = 0
			}
			continue
		}
		switch {
		case c == '\\':
			i++
			prev = 0
			continue
		case c == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
			continue
		case c == '\'' && prev != '\\':
			open = false
			closes = append(closes, i)
		}
		prev = c
	}
	return closes, open
}

// checkSqlcmdSafe fails when enc could be changed or split by sqlcmd or a
// line-based splitter.
func checkSqlcmdSafe(t testing.TB, enc string) {
	t.Helper()
	for i := 0; i < len(enc); i++ {
		if c := enc[i]; c < 0x20 && c != '\t' {
			t.Fatalf("control byte %#x at %d in %q", c, i, enc)
		}
	}
	for _, bad := range []string{"$(", "\u0085", "\u2028", "\u2029"} {
		if strings.Contains(enc, bad) {
			t.Fatalf("%q in %q", bad, enc)
		}
	}
	if outsideStrings(enc, '"') {
		t.Fatalf("a double quote outside a string in %q would open a go-sqlcmd quote", enc)
	}
	want, open := stringCloses(enc)
	if open {
		t.Fatalf("unterminated string in %q", enc)
	}
	got, gopen := goSqlcmdCloses(enc)
	if gopen || len(got) != len(want) {
		t.Fatalf("go-sqlcmd reads the strings of %q differently: %v vs %v", enc, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("go-sqlcmd reads the strings of %q differently: %v vs %v", enc, got, want)
		}
	}
}

func roundTrip(t testing.TB, v any, ty Type) string {
	t.Helper()
	enc, err := AppendLiteral(nil, v, ty)
	if err != nil {
		t.Fatalf("%s %#v: %v", ty, v, err)
	}
	checkSqlcmdSafe(t, string(enc))
	back, err := ParseLiteral(string(enc), ty)
	if err != nil {
		t.Fatalf("%s %#v: parse %s: %v", ty, v, enc, err)
	}
	if !Equal(back, v) {
		t.Fatalf("%s: %#v encoded as %s parses back as %#v", ty, v, enc, back)
	}
	return string(enc)
}

func FuzzQuoteIdent(f *testing.F) {
	for _, s := range []string{"", "a", "]", "a]]b", "[x]", "O'Brien", "na me", "ünï", "a.b", "\x00\n"} {
		f.Add(s, "dbo")
	}
	f.Fuzz(func(t *testing.T, name, schema string) {
		q := QuoteIdent(name)
		got, rest, err := ParseIdent(q)
		if err != nil || rest != "" || got != name {
			t.Fatalf("%q quoted as %s reads back as %q rest %q err %v", name, q, got, rest, err)
		}
		if strings.Count(q, "]") != 2*strings.Count(name, "]")+1 {
			t.Fatalf("%q: unbalanced %s", name, q)
		}
		qn := QuoteName(schema, name)
		s, n, rest, err := ParseName(qn + " tail")
		if err != nil || n != name || rest != " tail" || (schema != "" && s != schema) {
			t.Fatalf("%q.%q quoted as %s reads back as %q.%q rest %q err %v", schema, name, qn, s, n, rest, err)
		}
		if SqlcmdSafeString(name) {
			checkSqlcmdSafe(t, QuoteString(name))
		}
	})
}

func FuzzStringLiteral(f *testing.F) {
	for _, s := range []string{"", "plain", "O'Brien", "a\r\nGO\r\nb", "$(SQLCMDUSER)", "\\", "\\'", "x\\\n",
		"\x00\x01", "\u2028", "😀", "'''", "$$((", "\\\\\\'\\", strings.Repeat("ab", 2100) + "\n"} {
		f.Add(s)
	}
	nv := Type{Name: "nvarchar", MaxLength: MaxLengthMax}
	v := Type{Name: "varchar", MaxLength: MaxLengthMax}
	f.Fuzz(func(t *testing.T, s string) {
		if utf8.ValidString(s) {
			roundTrip(t, s, nv)
			roundTrip(t, s, Type{Name: "xml", MaxLength: -1})
		} else if _, err := AppendLiteral(nil, s, nv); err == nil {
			t.Fatalf("invalid UTF-8 %q accepted for nvarchar", s)
		}
		roundTrip(t, s, v)
	})
}

// FuzzLiteral builds a value of a type chosen by sel in the Go shape the
// driver returns, encodes it, and parses it back.
func FuzzLiteral(f *testing.F) {
	f.Add(uint8(0), int64(1), uint64(2), []byte("x"))
	f.Add(uint8(3), int64(-1), uint64(math.Float64bits(0.1)), []byte{})
	f.Add(uint8(9), int64(299), uint64(86399*300+299), []byte{1})
	f.Add(uint8(12), int64(-840), uint64(3652058), []byte{7})
	f.Fuzz(func(t *testing.T, sel uint8, a int64, b uint64, raw []byte) {
		v, ty, ok := driverValue(sel, a, b, raw)
		if !ok {
			return
		}
		roundTrip(t, v, ty)
		if kindOf(ty.Name) != kindCLR && ty.MaxLength != -1 {
			vv := Variant{BaseType: ty, Value: v}
			if kindOf(ty.Name) == kindNChar && a&1 == 1 {
				vv.Collation = "Latin1_General_100_CI_AS_SC"
			}
			roundTrip(t, vv, Type{Name: "sql_variant"})
		}
	})
}

// driverValue makes a value exactly as go-mssqldb v1.11 would decode it
// from the wire for the chosen type (see types.go in the driver).
func driverValue(sel uint8, a int64, b uint64, raw []byte) (any, Type, bool) {
	tyName := []string{"bigint", "int", "bit", "float", "real", "decimal", "money", "varbinary", "uniqueidentifier",
		"datetime", "smalldatetime", "date", "datetimeoffset", "datetime2", "time", "nvarchar", "binary", "smallint", "tinyint", "hierarchyid", "geography", "xml", "varchar"}
	name := tyName[int(sel)%len(tyName)]
	scale := int(b % 8)
	ty, _ := ParseTypeName(name)
	switch name {
	case "bigint":
		return a, ty, true
	case "int":
		return int64(int32(a)), ty, true
	case "smallint":
		return int64(int16(a)), ty, true
	case "tinyint":
		return int64(uint8(a)), ty, true
	case "bit":
		return a&1 == 1, ty, true
	case "float":
		f := math.Float64frombits(b)
		return f, ty, !math.IsNaN(f) && !math.IsInf(f, 0)
	case "real":
		f := float64(math.Float32frombits(uint32(b)))
		return f, ty, !math.IsNaN(f) && !math.IsInf(f, 0)
	case "decimal":
		// the driver's text for an unscaled integer with a scale
		s := scale * 4 % 38
		if s > 19 {
			s = 19
		}
		ty = Type{Name: "decimal", Precision: 38, Scale: s, MaxLength: 17}
		return scaleText(a, s), ty, true
	case "money":
		return scaleText(a, 4), ty, true
	case "varbinary":
		ty = Type{Name: "varbinary", MaxLength: 8000}
		return append([]byte{}, raw...), ty, len(raw) <= 8000
	case "xml":
		s := string(raw)
		return s, ty, utf8.ValidString(s)
	case "varchar":
		// valid UTF-8 from a decoded code page, or raw bytes the driver
		// passed through for a collation it has no table for
		ty = Type{Name: "varchar", MaxLength: 8000}
		return string(raw), ty, len(raw) <= 8000
	case "hierarchyid", "geography":
		return append([]byte{}, raw...), ty, true
	case "binary":
		ty = Type{Name: "binary", MaxLength: len(raw)}
		return append([]byte{}, raw...), ty, len(raw) > 0 && len(raw) <= 8000
	case "uniqueidentifier":
		var g [16]byte
		binary.LittleEndian.PutUint64(g[:8], uint64(a))
		binary.LittleEndian.PutUint64(g[8:], b)
		return g[:], ty, true
	case "nvarchar":
		s := string(raw)
		ty = Type{Name: "nvarchar", MaxLength: 8000}
		return s, ty, utf8.ValidString(s) && len(s) <= 1000
	case "datetime":
		// days since 1900-01-01 (from 1753) and 1/300 s ticks, as decodeDateTime
		const n = 3012154 // 1753-01-01 .. 9999-12-31
		days := int((a%n+n)%n) - 53690
		tm := int(b % (86400 * 300))
		ns := int(math.Trunc(float64(tm%300)/0.3+0.5)) * 1000000
		return time.Date(1900, 1, 1+days, 0, 0, tm/300, ns, time.UTC), ty, true
	case "smalldatetime":
		days := int(uint64(a) % 65536)
		mins := int(b % 1440)
		v := time.Date(1900, 1, 1+days, 0, mins, 0, 0, time.UTC)
		return v, ty, !v.After(time.Date(2079, 6, 6, 23, 59, 0, 0, time.UTC))
	case "date":
		days := int(uint64(a) % 3652059)
		return time.Date(1, 1, 1+days, 0, 0, 0, 0, time.UTC), ty, true
	case "time", "datetime2", "datetimeoffset":
		ty, _ = ParseTypeName(name + "(" + string(rune('0'+scale%8)) + ")")
		units := b % (86400 * uint64(pow10[ty.Scale]))
		sec := int(units / uint64(pow10[ty.Scale]))
		ns := int(units%uint64(pow10[ty.Scale])) * pow10[9-ty.Scale]
		days := int(uint64(a) % 3652059)
		switch name {
		case "time":
			return time.Date(1, 1, 1, 0, 0, sec, ns, time.UTC), ty, true
		case "datetime2":
			return time.Date(1, 1, 1+days, 0, 0, sec, ns, time.UTC), ty, true
		}
		off := int(a%841) * 60
		if (a>>20)&1 == 1 {
			off = -off
		}
		// the driver stores UTC and shifts into the offset's wall clock
		v := time.Date(1, 1, 1+days, 0, 0, sec+off, ns, time.FixedZone("", off))
		return v, ty, v.Year() >= 1 && v.Year() <= 9999
	}
	return nil, ty, false
}

// scaleText writes n/10^scale as the driver's decimal.ScaleBytes does.
func scaleText(n int64, scale int) []byte {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	digits := []byte{}
	for u > 0 || len(digits) == 0 {
		digits = append([]byte{byte('0' + u%10)}, digits...)
		u /= 10
	}
	var out []byte
	if neg {
		out = append(out, '-')
	}
	pos := len(digits) - scale
	if pos <= 0 {
		out = append(out, '0')
	} else {
		out = append(out, digits[:pos]...)
	}
	if scale > 0 {
		out = append(out, '.')
		for ; pos < 0; pos++ {
			out = append(out, '0')
		}
		out = append(out, digits[pos:]...)
	}
	return out
}

func TestGoSqlcmdModelCatchesBackslashQuote(t *testing.T) {
	// the checker itself must see the hazards it exists for
	_, open := goSqlcmdCloses(`N'a\'`)
	if !open {
		t.Fatal(`go-sqlcmd model: N'a\' should look unterminated`)
	}
	if SqlcmdSafeString("a\\") || SqlcmdSafeString("a\nb") || SqlcmdSafeString("$(x)") || !SqlcmdSafeString("a\\b") {
		t.Fatal("SqlcmdSafeString disagrees with the rules")
	}
}

// FuzzParseLiteralRejectsGarbageCleanly feeds arbitrary text to the decoder:
// it must return a value or an error, never panic, and whatever it accepts
// must encode back to a literal that parses to the same value.
func FuzzParseLiteralRejectsGarbageCleanly(f *testing.F) {
	for _, s := range []string{"NULL", "N'a'+NCHAR(10)", "CAST(5 AS int)", "0x", "'2020-01-01T00:00:00.000'", "-1e+", "CAST((N'x') COLLATE Latin1_General_CI_AS AS varchar(3))", "CONVERT(xml,N'<a/>',1)"} {
		f.Add(s, uint8(0))
	}
	names := []string{"int", "nvarchar(max)", "sql_variant", "varbinary(max)", "datetime", "datetimeoffset(7)", "float", "decimal(18,2)", "xml", "uniqueidentifier", "geography", "bit"}
	f.Fuzz(func(t *testing.T, src string, sel uint8) {
		ty, _ := ParseTypeName(names[int(sel)%len(names)])
		v, err := ParseLiteral(src, ty)
		if err != nil || v == nil {
			return
		}
		enc, err := AppendLiteral(nil, v, ty)
		if err != nil {
			return // e.g. a date the parser accepts but the type's range does not
		}
		back, err := ParseLiteral(string(enc), ty)
		if err != nil || !Equal(back, v) {
			t.Fatalf("%q -> %#v -> %s -> %#v, %v", src, v, enc, back, err)
		}
	})
}
