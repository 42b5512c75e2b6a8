package tsql

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16LE(units ...uint16) UTF16 {
	b := make(UTF16, 0, 2*len(units))
	for _, u := range units {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func utf16Of(s string) UTF16 { return utf16LE(utf16.Encode([]rune(s))...) }

// TestUTF16OfValidTextIsTheStringForm: well-formed UTF-16 is written
// exactly as the same text given as a Go string.
func TestUTF16OfValidTextIsTheStringForm(t *testing.T) {
	nv := Type{Name: "nvarchar", MaxLength: MaxLengthMax}
	for _, s := range []string{"", "plain", "it's", "a\r\nGO\r\nb", "$(x)", `x\`, `\'`, "😀Ω\u2028\x00", strings.Repeat("é", 4100)} {
		want := AppendStringExpr(nil, s)
		got, err := AppendLiteral(nil, utf16Of(s), nv)
		if err != nil || string(got) != string(want) {
			t.Errorf("%q: %s (%v), want %s", s, got, err, want)
		}
	}
}

// TestUnpairedSurrogatesSurviveAsUnits: SQL Server keeps any 16-bit unit
// in nvarchar; an unpaired surrogate is written as its bytes, which no
// collation reinterprets, and parses back to the same units.
func TestUnpairedSurrogatesSurviveAsUnits(t *testing.T) {
	nv := Type{Name: "nvarchar", MaxLength: 200}
	cases := []struct {
		in   UTF16
		want string
	}{
		{utf16LE(0xD800), "CONVERT(nvarchar(1),0x00D8)"},
		{utf16LE('a', 0xDC00, 'b'), "N'a'+CONVERT(nvarchar(1),0x00DC)+N'b'"},
		{utf16LE(0xDBFF, 'x'), "CONVERT(nvarchar(1),0xFFDB)+N'x'"},
		{utf16LE(0xDC00, 0xD800), "CONVERT(nvarchar(1),0x00DC)+CONVERT(nvarchar(1),0x00D8)"}, // a reversed pair
		{utf16LE(0xD83D, 0xDE00, 0xD83D), "N'😀'+CONVERT(nvarchar(1),0x3DD8)"},                // a pair, then half of one
		{utf16LE('\\', 0xD800), "NCHAR(92)+CONVERT(nvarchar(1),0x00D8)"},                     // no backslash before a closing quote
		{utf16LE('$', 0xD800, '(', 0x0A), "N'$'+CONVERT(nvarchar(1),0x00D8)+N'('+NCHAR(10)"}, // nothing to glue into "$("
	}
	for _, tc := range cases {
		got := roundTrip(t, tc.in, nv)
		if got != tc.want {
			t.Errorf("% X: %s, want %s", []byte(tc.in), got, tc.want)
		}
	}
	long := append(utf16Of(strings.Repeat("x", 4000)), utf16LE(0xD800)...)
	if got := roundTrip(t, long, nv); !strings.HasPrefix(got, "CONVERT(nvarchar(max),N'')+N'xxx") {
		t.Errorf("4001 units not widened to max: %s...", got[:40])
	}
	v := roundTrip(t, Variant{BaseType: Type{Name: "nvarchar", MaxLength: 8}, Value: utf16LE('a', 0xDFFF)}, Type{Name: "sql_variant"})
	if v != "CAST(N'a'+CONVERT(nvarchar(1),0xFFDF) AS nvarchar(4))" {
		t.Errorf("variant: %s", v)
	}
	if _, err := AppendLiteral(nil, UTF16{0x41}, nv); err == nil {
		t.Errorf("odd-length UTF-16 accepted")
	}
}

func FuzzUTF16Literal(f *testing.F) {
	f.Add([]byte{0x00, 0xD8, '\\', 0, '\'', 0})
	f.Add([]byte("a\x00$\x00(\x00\n\x00"))
	nv := Type{Name: "nvarchar", MaxLength: MaxLengthMax}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b)%2 != 0 {
			b = b[1:]
		}
		roundTrip(t, UTF16(b), nv)
	})
}
