package tsql

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseLiteral is the inverse of AppendLiteral: it reads one literal
// expression of the forms AppendLiteral writes (not arbitrary T-SQL) and
// returns the value in the Go shape go-mssqldb would return for a column of
// type t (int64, bool, float64, decimal text as []byte, string, []byte,
// uniqueidentifier bytes in wire order, time.Time, Variant; an unpaired
// surrogate of UTF16 data comes back inside the string as its 3-byte
// generalized UTF-8 form, see UTF16String). Date/time values
// without an offset come back in UTC. Tests and restore checks use it to
// prove that an encoded value means exactly the original.
func ParseLiteral(src string, t Type) (any, error) {
	p := &litParser{s: src}
	v, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, p.errf("trailing text")
	}
	return convertParsed(v, t)
}

// pval is a parsed expression before it is given its column type.
type pval struct {
	kind     byte // 'n' NULL, 's' string, 'b' binary, 'd' number, 'c' char bytes
	s        string
	b        []byte
	xml      bool
	castType *Type
	collate  string
}

type litParser struct {
	s string
	i int
}

var errLiteral = errors.New("tsql: cannot parse literal")

func (p *litParser) errf(format string, a ...any) error {
	return fmt.Errorf("%w at offset %d: %s", errLiteral, p.i, fmt.Sprintf(format, a...))
}

func (p *litParser) ws() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// word consumes the case-insensitive keyword w when it comes next.
func (p *litParser) word(w string) bool {
	p.ws()
	if len(p.s)-p.i >= len(w) && strings.EqualFold(p.s[p.i:p.i+len(w)], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *litParser) expect(w string) error {
	if !p.word(w) {
		return p.errf("want %q", w)
	}
	return nil
}

func (p *litParser) expr() (pval, error) {
	v, err := p.term()
	if err != nil {
		return v, err
	}
	for {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '+' {
			return v, nil
		}
		p.i++
		w, err := p.term()
		if err != nil {
			return v, err
		}
		if v.kind != 's' || w.kind != 's' || w.xml || v.xml || v.castType != nil || w.castType != nil {
			return v, p.errf("+ of non-strings")
		}
		v.s += w.s
	}
}

func (p *litParser) quoted() (string, error) {
	// at the opening quote
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\'' {
			if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
				b.WriteByte('\'')
				p.i += 2
				continue
			}
			p.i++
			return b.String(), nil
		}
		b.WriteByte(c)
		p.i++
	}
	return "", p.errf("unterminated string")
}

func (p *litParser) term() (pval, error) {
	p.ws()
	if p.i >= len(p.s) {
		return pval{}, p.errf("unexpected end")
	}
	rest := p.s[p.i:]
	switch {
	case strings.HasPrefix(rest, "N'"):
		p.i++
		s, err := p.quoted()
		return pval{kind: 's', s: s}, err
	case rest[0] == '\'':
		s, err := p.quoted()
		return pval{kind: 's', s: s}, err
	case rest[0] == '(':
		p.i++
		v, err := p.expr()
		if err != nil {
			return v, err
		}
		return v, p.expect(")")
	case strings.HasPrefix(rest, "0x"):
		p.i += 2
		j := p.i
		for j < len(p.s) && isHex(p.s[j]) {
			j++
		}
		hex := p.s[p.i:j]
		p.i = j
		if len(hex)%2 != 0 {
			return pval{}, p.errf("odd hex length")
		}
		b := make([]byte, len(hex)/2)
		for k := range b {
			hi, _ := unhex(hex[2*k])
			lo, _ := unhex(hex[2*k+1])
			b[k] = hi<<4 | lo
		}
		return pval{kind: 'b', b: b}, nil
	case rest[0] == '-' || (rest[0] >= '0' && rest[0] <= '9'):
		j := p.i
		if p.s[j] == '-' {
			j++
		}
		for j < len(p.s) && strings.IndexByte("0123456789.eE+-", p.s[j]) >= 0 {
			if (p.s[j] == '+' || p.s[j] == '-') && p.s[j-1] != 'e' && p.s[j-1] != 'E' {
				break
			}
			j++
		}
		v := pval{kind: 'd', s: p.s[p.i:j]}
		p.i = j
		return v, nil
	case p.word("NULL"):
		return pval{kind: 'n'}, nil
	case p.word("NCHAR("):
		p.ws()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		n, err := strconv.Atoi(p.s[p.i:j])
		p.i = j
		if err != nil || n > 0xFFFF {
			return pval{}, p.errf("bad NCHAR argument")
		}
		return pval{kind: 's', s: string(rune(n))}, p.expect(")")
	case p.word("CONVERT("):
		switch {
		case p.word("nvarchar(max),N''"):
			return pval{kind: 's'}, p.expect(")")
		case p.word("nvarchar(1),"):
			// One UTF-16 unit given as its little-endian bytes (an
			// unpaired surrogate): its 3-byte generalized UTF-8 form.
			v, err := p.term()
			if err != nil || v.kind != 'b' || len(v.b) != 2 {
				return pval{}, p.errf("want 2 bytes in CONVERT(nvarchar(1),...)")
			}
			u := rune(v.b[0]) | rune(v.b[1])<<8
			s := string([]byte{byte(0xE0 | u>>12), byte(0x80 | (u>>6)&0x3F), byte(0x80 | u&0x3F)})
			if u < 0x800 || u >= 0x10000 {
				s = string(u)
			}
			return pval{kind: 's', s: s}, p.expect(")")
		case p.word("varchar(max),"):
			v, err := p.term()
			if err != nil || v.kind != 'b' {
				return pval{}, p.errf("want binary in CONVERT(varchar(max),...)")
			}
			return pval{kind: 'c', b: v.b}, p.expect(")")
		case p.word("xml,"):
			v, err := p.expr()
			if err != nil || v.kind != 's' {
				return pval{}, p.errf("want string in CONVERT(xml,...)")
			}
			if err := p.expect(",1)"); err != nil {
				return v, err
			}
			v.xml = true
			return v, nil
		}
		return pval{}, p.errf("unknown CONVERT")
	case p.word("CAST("):
		v, err := p.expr()
		if err != nil {
			return v, err
		}
		if p.word("COLLATE ") {
			p.ws()
			j := p.i
			for j < len(p.s) && isIdentByte(p.s[j]) {
				j++
			}
			v.collate = p.s[p.i:j]
			p.i = j
		}
		if err := p.expect("AS "); err != nil {
			return v, err
		}
		end := strings.LastIndexByte(p.s, ')')
		if end < p.i {
			return v, p.errf("unterminated CAST")
		}
		ts := p.s[p.i:end]
		t, err := ParseTypeName(ts)
		if err != nil {
			return v, err
		}
		p.i = end + 1
		v.castType = &t
		return v, nil
	}
	return pval{}, p.errf("unexpected %q", rest[:min(len(rest), 10)])
}

func isHex(c byte) bool {
	_, ok := unhex(c)
	return ok
}

func convertParsed(v pval, t Type) (any, error) {
	if v.kind == 'n' {
		return nil, nil
	}
	k := kindOf(strings.ToLower(t.Name))
	if t.Schema != "" && !isSysSchema(t.Schema) && t.IsUserDefinedCLR {
		k = kindCLR
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: %s for %s", errLiteral, why, t)
	}
	if v.castType != nil && k != kindVariant && k != kindVector && k != kindCLR {
		return nil, bad("unexpected CAST")
	}
	if v.xml != (k == kindXML) {
		return nil, bad("xml CONVERT mismatch")
	}
	switch k {
	case kindInt:
		if v.kind != 'd' {
			return nil, bad("want integer")
		}
		n, err := strconv.ParseInt(v.s, 10, 64)
		if err != nil {
			return nil, bad(err.Error())
		}
		return n, nil
	case kindBit:
		if v.kind != 'd' || (v.s != "0" && v.s != "1") {
			return nil, bad("want 0 or 1")
		}
		return v.s == "1", nil
	case kindFloat, kindReal:
		if v.kind != 'd' || !strings.ContainsAny(v.s, "eE") {
			return nil, bad("want an E-notation float")
		}
		f, err := strconv.ParseFloat(v.s, 64)
		if err != nil {
			return nil, bad(err.Error())
		}
		if k == kindReal {
			f = float64(float32(f))
		}
		return f, nil
	case kindDecimal:
		if v.kind != 'd' || !ValidDecimal([]byte(v.s)) {
			return nil, bad("want decimal text")
		}
		return []byte(v.s), nil
	case kindChar, kindNChar, kindXML:
		switch v.kind {
		case 's':
			return v.s, nil
		case 'c':
			if k == kindChar {
				return string(v.b), nil
			}
		}
		return nil, bad("want a string")
	case kindBinary:
		if v.kind != 'b' {
			return nil, bad("want 0x...")
		}
		return v.b, nil
	case kindCLR:
		if v.kind != 'b' || v.castType == nil || v.castType.String() != t.String() {
			return nil, bad("want CAST(0x... AS type)")
		}
		return v.b, nil
	case kindGUID:
		if v.kind != 's' {
			return nil, bad("want a quoted uniqueidentifier")
		}
		g, ok := parseGUIDText(v.s)
		if !ok || strings.ToUpper(v.s) != v.s {
			return nil, bad("malformed uniqueidentifier")
		}
		return g[:], nil
	case kindDate, kindTime, kindDateTime, kindSmallDateTime, kindDateTime2, kindDateTimeOffset:
		if v.kind != 's' {
			return nil, bad("want a quoted date/time")
		}
		return parseTime(v.s, k, t)
	case kindVector:
		if v.castType == nil || v.kind != 's' {
			return nil, bad("want CAST(N'...' AS vector(n))")
		}
		return v.s, nil
	case kindVariant:
		if v.castType == nil {
			return nil, bad("a sql_variant literal is a CAST")
		}
		bt := *v.castType
		inner := v
		inner.castType, inner.collate = nil, ""
		val, err := convertParsed(inner, bt)
		if err != nil {
			return nil, err
		}
		return Variant{BaseType: bt, Collation: v.collate, Value: val}, nil
	}
	return nil, bad("unknown type")
}

func parseTime(s string, k kind, t Type) (time.Time, error) {
	bad := func() (time.Time, error) {
		return time.Time{}, fmt.Errorf("%w: %q is not a %s literal", errLiteral, s, t)
	}
	digits := func(from, n int) (int, bool) {
		if from+n > len(s) {
			return 0, false
		}
		v := 0
		for _, c := range []byte(s[from : from+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	var y, mo, d, h, mi, sec, ns int
	pos := 0
	ok := true
	if k != kindTime {
		var o1, o2, o3 bool
		y, o1 = digits(0, 4)
		mo, o2 = digits(5, 2)
		d, o3 = digits(8, 2)
		ok = o1 && o2 && o3 && len(s) >= 10 && s[4] == '-' && s[7] == '-'
		pos = 10
		if k == kindDate {
			if !ok || len(s) != 10 {
				return bad()
			}
			return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), nil
		}
		if !ok || len(s) < 11 || s[10] != 'T' {
			return bad()
		}
		pos = 11
	}
	var o1, o2, o3 bool
	h, o1 = digits(pos, 2)
	mi, o2 = digits(pos+3, 2)
	sec, o3 = digits(pos+6, 2)
	if !o1 || !o2 || !o3 || len(s) < pos+8 || s[pos+2] != ':' || s[pos+5] != ':' {
		return bad()
	}
	pos += 8
	scale := t.Scale
	switch k {
	case kindDateTime:
		scale = 3
	case kindSmallDateTime:
		scale = 0
	}
	if scale > 0 {
		if pos >= len(s) || s[pos] != '.' {
			return bad()
		}
		f, ok := digits(pos+1, scale)
		if !ok {
			return bad()
		}
		ns = f * pow10[9-scale]
		pos += 1 + scale
	}
	loc := time.UTC
	if k == kindDateTimeOffset {
		if len(s) != pos+6 || (s[pos] != '+' && s[pos] != '-') || s[pos+3] != ':' {
			return bad()
		}
		oh, o1 := digits(pos+1, 2)
		om, o2 := digits(pos+4, 2)
		if !o1 || !o2 {
			return bad()
		}
		off := oh*3600 + om*60
		if s[pos] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
		pos += 6
	}
	if pos != len(s) {
		return bad()
	}
	if k == kindTime {
		return time.Date(1, 1, 1, h, mi, sec, ns, loc), nil
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, ns, loc), nil
}

// Equal reports whether two values in the driver's shapes are the same SQL
// value: bytes compared bytewise, floats by bits (so -0 and 0 differ, as
// they are different float values), times by instant, wall clock and
// offset, variants by base type, collation and value.
func Equal(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case []byte:
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case time.Time:
		y, ok := b.(time.Time)
		if !ok || !x.Equal(y) {
			return false
		}
		_, ox := x.Zone()
		_, oy := y.Zone()
		return ox == oy
	case Variant:
		y, ok := b.(Variant)
		return ok && x.BaseType == y.BaseType && x.Collation == y.Collation && Equal(x.Value, y.Value)
	case string:
		if y, ok := b.(UTF16); ok {
			return x == UTF16String(y)
		}
		y, ok := b.(string)
		return ok && x == y && utf8.ValidString(x) == utf8.ValidString(y)
	case UTF16:
		switch y := b.(type) {
		case UTF16:
			return string(x) == string(y)
		case string:
			return UTF16String(x) == y
		}
		return false
	}
	return a == b
}

// UTF16String is the string ParseLiteral returns for the UTF16 value b:
// UTF-8, with each unpaired surrogate as its 3-byte generalized UTF-8 form
// (so it is not valid UTF-8 exactly when b has one).
func UTF16String(b UTF16) string {
	var out []byte
	for i := 0; i+1 < len(b); i += 2 {
		u := rune(b[i]) | rune(b[i+1])<<8
		if u >= 0xD800 && u < 0xDC00 && i+3 < len(b) {
			if lo := rune(b[i+2]) | rune(b[i+3])<<8; lo >= 0xDC00 && lo <= 0xDFFF {
				out = utf8.AppendRune(out, 0x10000+(u-0xD800)<<10+(lo-0xDC00))
				i += 2
				continue
			}
		}
		if u >= 0xD800 && u <= 0xDFFF {
			out = append(out, byte(0xE0|u>>12), byte(0x80|(u>>6)&0x3F), byte(0x80|u&0x3F))
			continue
		}
		out = utf8.AppendRune(out, u)
	}
	return string(out)
}
