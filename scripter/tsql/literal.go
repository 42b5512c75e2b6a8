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

// Variant is a sql_variant value with the base type SQL_VARIANT_PROPERTY
// reports for it (BaseType, Precision, Scale, MaxLength in bytes, Collation).
// The driver returns a sql_variant as a bare Go value, which loses the base
// type; the reader must select the properties next to the value.
type Variant struct {
	BaseType Type
	// Collation of a char/varchar/nchar/nvarchar base value; empty means
	// the database default.
	Collation string
	Value     any
}

// ErrUnsupported is wrapped by AppendLiteral errors for a value that cannot
// be written exactly for its type.
var ErrUnsupported = errors.New("tsql: value cannot be written exactly")

func unsupported(v any, t Type, why string) error {
	return fmt.Errorf("%w: %T for %s: %s", ErrUnsupported, v, t, why)
}

// AppendLiteral appends the T-SQL literal (a constant expression) for v, a
// value of a column of type t as go-mssqldb returns it when scanned into any,
// and returns the extended buffer. nil is NULL. The result is always one
// line and sqlcmd-safe; see the package documentation for each type's form.
// On error (wrapping ErrUnsupported) dst is returned with its original length.
func AppendLiteral(dst []byte, v any, t Type) ([]byte, error) {
	n := len(dst)
	out, err := appendLiteral(dst, v, t)
	if err != nil {
		return out[:n], err
	}
	return out, nil
}

func appendLiteral(dst []byte, v any, t Type) ([]byte, error) {
	if v == nil {
		return append(dst, "NULL"...), nil
	}
	k := kindOf(t.Name)
	if k == kindUnknown {
		k = kindOf(strings.ToLower(t.Name))
	}
	if t.Schema != "" && !isSysSchema(t.Schema) {
		if !t.IsUserDefinedCLR {
			return dst, unsupported(v, t, "alias type: pass its base system type")
		}
		k = kindCLR
	} else if k == kindUnknown {
		if t.IsUserDefinedCLR {
			k = kindCLR
		} else {
			return dst, unsupported(v, t, "unknown type")
		}
	}
	switch k {
	case kindInt:
		switch x := v.(type) {
		case int64:
			return strconv.AppendInt(dst, x, 10), nil
		case int32:
			return strconv.AppendInt(dst, int64(x), 10), nil
		case int16:
			return strconv.AppendInt(dst, int64(x), 10), nil
		case int8:
			return strconv.AppendInt(dst, int64(x), 10), nil
		case int:
			return strconv.AppendInt(dst, int64(x), 10), nil
		case uint8:
			return strconv.AppendInt(dst, int64(x), 10), nil
		case bool:
			return appendBool(dst, x), nil
		}
	case kindBit:
		switch x := v.(type) {
		case bool:
			return appendBool(dst, x), nil
		case int64:
			return appendBool(dst, x != 0), nil
		}
	case kindFloat, kindReal:
		var f float64
		switch x := v.(type) {
		case float64:
			f = x
		case float32:
			f = float64(x)
		default:
			return dst, unsupported(v, t, "want float64")
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return dst, unsupported(v, t, "SQL Server has no NaN or infinity")
		}
		return appendFloat(dst, f), nil
	case kindDecimal:
		switch x := v.(type) {
		case []byte:
			if !ValidDecimal(x) {
				return dst, unsupported(v, t, fmt.Sprintf("malformed decimal text %q", x))
			}
			return append(dst, x...), nil
		case string:
			if !ValidDecimal([]byte(x)) {
				return dst, unsupported(v, t, fmt.Sprintf("malformed decimal text %q", x))
			}
			return append(dst, x...), nil
		case int64:
			return strconv.AppendInt(dst, x, 10), nil
		default:
			return dst, unsupported(v, t, "want the driver's decimal text ([]byte), never a float")
		}
	case kindNChar:
		switch x := v.(type) {
		case UTF16:
			return AppendUTF16Expr(dst, x)
		case string:
			if !utf8.ValidString(x) {
				return dst, unsupported(v, t, "not valid UTF-8")
			}
			return AppendStringExpr(dst, x), nil
		case []byte:
			if !utf8.Valid(x) {
				return dst, unsupported(v, t, "not valid UTF-8")
			}
			return AppendStringExpr(dst, string(x)), nil
		}
	case kindChar:
		switch x := v.(type) {
		case UTF16:
			// Read through nvarchar: converted back to the column's code
			// page on INSERT like any N'...' value.
			return AppendUTF16Expr(dst, x)
		case string:
			if utf8.ValidString(x) {
				return AppendStringExpr(dst, x), nil
			}
			return appendCharBytes(dst, []byte(x)), nil
		case []byte:
			return appendCharBytes(dst, x), nil
		}
	case kindBinary:
		if x, ok := v.([]byte); ok {
			return AppendHex(dst, x), nil
		}
	case kindCLR:
		// The binary serialization converts to the CLR type explicitly;
		// the CAST does not rely on implicit varbinary conversion rules.
		if x, ok := v.([]byte); ok {
			dst = append(dst, "CAST("...)
			dst = AppendHex(dst, x)
			dst = append(dst, " AS "...)
			dst = t.Append(dst)
			return append(dst, ')'), nil
		}
	case kindGUID:
		switch x := v.(type) {
		case []byte:
			if len(x) != 16 {
				return dst, unsupported(v, t, "want 16 bytes")
			}
			return appendGUID(dst, x), nil
		case string:
			g, ok := parseGUIDText(x)
			if !ok {
				return dst, unsupported(v, t, "malformed uniqueidentifier text")
			}
			return appendGUID(dst, g[:]), nil
		}
	case kindDate, kindTime, kindDateTime, kindSmallDateTime, kindDateTime2, kindDateTimeOffset:
		x, ok := v.(time.Time)
		if !ok {
			return dst, unsupported(v, t, "want time.Time")
		}
		return appendTime(dst, x, k, t)
	case kindXML:
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case []byte:
			s = string(x)
		default:
			return dst, unsupported(v, t, "want string")
		}
		if !utf8.ValidString(s) {
			return dst, unsupported(v, t, "not valid UTF-8")
		}
		// Style 1 keeps whitespace exactly as the server returned it; the
		// default style would strip whitespace-only text nodes that were
		// stored (xml:space or style 1 at insert time).
		dst = append(dst, "CONVERT(xml,"...)
		dst = AppendStringExpr(dst, s)
		return append(dst, ",1)"...), nil
	case kindVector:
		if x, ok := v.(string); ok && utf8.ValidString(x) {
			dst = append(dst, "CAST("...)
			dst = AppendStringExpr(dst, x)
			dst = append(dst, " AS "...)
			dst = t.Append(dst)
			return append(dst, ')'), nil
		}
	case kindVariant:
		x, ok := v.(Variant)
		if !ok {
			if p, isPtr := v.(*Variant); isPtr && p != nil {
				x, ok = *p, true
			}
		}
		if !ok {
			return dst, unsupported(v, t, "a sql_variant needs its base type (tsql.Variant)")
		}
		return appendVariant(dst, x)
	}
	return dst, unsupported(v, t, "unexpected Go type")
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, '1')
	}
	return append(dst, '0')
}

// appendFloat writes the shortest decimal that parses back to exactly f, in
// E notation so that SQL Server reads it as float (a plain 0.1 would be a
// numeric constant). A real arrives widened to float64; its float64 digits
// parse to that exact double, which converts to the same real without any
// double-rounding risk.
func appendFloat(dst []byte, f float64) []byte {
	return strconv.AppendFloat(dst, f, 'e', -1, 64)
}

// ValidDecimal accepts -?digits(.digits)?, the driver's decimal and money
// text: the only form AppendLiteral writes verbatim for those types. It is
// small enough to inline into the data writer's per-value fast path.
func ValidDecimal(b []byte) bool {
	i := 0
	if len(b) > 0 && b[0] == '-' {
		i = 1
	}
	digits, dot := 0, false
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
			digits = 0
		default:
			return false
		}
	}
	return digits > 0
}

const hexDigits = "0123456789ABCDEF"

// AppendHex appends b as a binary constant: 0x followed by two upper-case
// hex digits per byte; an empty slice is 0x.
func AppendHex(dst []byte, b []byte) []byte {
	n := len(dst)
	need := 2 + 2*len(b)
	if cap(dst)-n < need {
		grown := make([]byte, n, n+need+n/4)
		copy(grown, dst)
		dst = grown
	}
	dst = dst[:n+need]
	dst[n], dst[n+1] = '0', 'x'
	o := dst[n+2:]
	for i, c := range b {
		o[2*i] = hexDigits[c>>4]
		o[2*i+1] = hexDigits[c&15]
	}
	return dst
}

// appendCharBytes writes raw non-Unicode bytes (not valid UTF-8, so the
// driver could not map them) as CONVERT(varchar(max),0x...): SQL Server
// reinterprets the bytes in the database's default code page.
func appendCharBytes(dst []byte, b []byte) []byte {
	dst = append(dst, "CONVERT(varchar(max),"...)
	dst = AppendHex(dst, b)
	return append(dst, ')')
}

// appendGUID writes the 16 bytes go-mssqldb returns for a uniqueidentifier
// (SQL Server's wire order: the first three groups little-endian) as the
// canonical text SQL Server prints, in quotes.
func appendGUID(dst []byte, b []byte) []byte {
	dst = append(dst, '\'')
	order := [16]int{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}
	for i, j := range order {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[b[j]>>4], hexDigits[b[j]&15])
	}
	return append(dst, '\'')
}

// parseGUIDText parses canonical text (any case, optional braces) into the
// driver's wire order.
func parseGUIDText(s string) (g [16]byte, ok bool) {
	if len(s) == 38 && s[0] == '{' && s[37] == '}' {
		s = s[1:37]
	}
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return g, false
	}
	var canon [16]byte
	j := 0
	for i := 0; i < 36; i += 2 {
		if s[i] == '-' {
			i--
			continue
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return g, false
		}
		canon[j] = hi<<4 | lo
		j++
	}
	order := [16]int{3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15}
	for i, k := range order {
		g[k] = canon[i]
	}
	return g, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendVariant writes CAST(<literal> AS <base type>), so the restored value
// has the same base type, length, precision and scale.
func appendVariant(dst []byte, v Variant) ([]byte, error) {
	if v.Value == nil {
		return append(dst, "NULL"...), nil
	}
	bt := v.BaseType
	k := kindOf(bt.Name)
	if k == kindUnknown {
		k = kindOf(strings.ToLower(bt.Name))
	}
	switch k {
	case kindUnknown, kindVariant, kindXML, kindVector, kindCLR:
		return dst, unsupported(v.Value, bt, "not a sql_variant base type")
	}
	if bt.Schema != "" || bt.MaxLength == MaxLengthMax || bt.Name == "text" || bt.Name == "ntext" ||
		bt.Name == "image" || bt.Name == "timestamp" {
		return dst, unsupported(v.Value, bt, "not a sql_variant base type")
	}
	collate := v.Collation != "" && (k == kindChar || k == kindNChar)
	if collate && !validCollationName(v.Collation) {
		return dst, unsupported(v.Value, bt, fmt.Sprintf("malformed collation name %q", v.Collation))
	}
	dst = append(dst, "CAST("...)
	if collate {
		dst = append(dst, '(')
	}
	var err error
	dst, err = appendLiteral(dst, v.Value, bt)
	if err != nil {
		return dst, err
	}
	if collate {
		// nvarchar -> varchar conversion uses the expression's collation,
		// so the bytes land in the base value's own code page.
		dst = append(dst, ") COLLATE "...)
		dst = append(dst, v.Collation...)
	}
	dst = append(dst, " AS "...)
	dst = bt.Append(dst)
	return append(dst, ')'), nil
}

// validCollationName accepts collation names as sys.fn_helpcollations lists
// them (letters, digits, underscores), so one can be written unquoted.
func validCollationName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) || s[i] == '@' || s[i] == '#' || s[i] == '$' {
			return false
		}
	}
	return s != ""
}
