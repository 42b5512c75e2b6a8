package data

import (
	"encoding/binary"
	"fmt"
	"strconv"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// rawCol is how the Writer reads one column's wire values: the layout the
// driver promises (Kind) and, for everything it formats no faster itself,
// the driver's own decoding.
type rawCol struct {
	kind   mssql.RawKind
	scale  uint8
	decode func(b []byte) any
}

func rawCols(cols []mssql.RawColumn) []rawCol {
	out := make([]rawCol, len(cols))
	for i := range cols {
		c := &cols[i]
		out[i] = rawCol{kind: c.Kind, scale: c.Scale, decode: c.Decode}
	}
	return out
}

// rawRowSource is a RowSource whose rows may come as wire values.
type rawRowSource interface {
	RowSource
	rawRow() ([][]byte, []rawCol)
}

// Unwrapper is a RowSource that wraps another (to count, or to map its
// errors) and forwards Next to it: the Writer reads the wrapped source's
// wire values through it.
type Unwrapper interface {
	Unwrap() RowSource
}

// rawSourceOf finds the raw source under src's wrappers, or nil.
func rawSourceOf(src RowSource) rawRowSource {
	for src != nil {
		if r, ok := src.(rawRowSource); ok {
			return r
		}
		u, ok := src.(Unwrapper)
		if !ok {
			return nil
		}
		src = u.Unwrap()
	}
	return nil
}

// encodeRawRow is encodeRow for a row of wire values.
func (w *Writer) encodeRawRow(p *Plan, vals [][]byte, cols []rawCol) error {
	if len(vals) != len(p.Columns) || len(cols) != len(p.Columns) {
		return fmt.Errorf("row has %d values, plan reads %d", len(vals), len(p.Columns))
	}
	w.beginRow()
	for i := range p.Columns {
		c := &p.Columns[i]
		start := w.beginValue(i)
		var err error
		if w.row, err = appendRawValue(w.row, vals[i], c, &cols[i]); err != nil {
			return fmt.Errorf("column %s: %w", tsql.QuoteIdent(c.Name), err)
		}
		w.endValue(p, i, start)
	}
	w.endRow()
	return nil
}

// appendRawValue writes the literal of one wire value: the same bytes
// appendValue writes for the value the driver decodes it to (a test
// checks each fast path against it), without decoding the common kinds.
func appendRawValue(dst, b []byte, c *Column, rc *rawCol) ([]byte, error) {
	if b == nil {
		return append(dst, "NULL"...), nil
	}
	switch rc.kind {
	case mssql.RawInt:
		if c.fast == fastInt {
			if v, ok := rawInt(b); ok {
				return strconv.AppendInt(dst, v, 10), nil
			}
		}
	case mssql.RawBit:
		if c.fast == fastBit && len(b) == 1 {
			if b[0] != 0 {
				return append(dst, '1'), nil
			}
			return append(dst, '0'), nil
		}
	case mssql.RawDecimal:
		if c.fast == fastDecimal {
			if out, ok := appendRawDecimal(dst, b, rc.scale); ok {
				return out, nil
			}
		}
	case mssql.RawUTF16:
		// Babelfish sends Unicode columns as they are (Plan.ForBabelfish);
		// the driver's string of valid UTF-16 is AppendUTF16Expr's text.
		if c.fast == fastText {
			return tsql.AppendUTF16Expr(dst, b)
		}
	case mssql.RawBinary:
		// binary, varbinary and the UTF-16 of Unicode columns read as
		// varbinary: appendBytes is what their RawBytes went through.
		return appendBytes(dst, b, nil, c)
	}
	return appendValue(dst, rc.decode(b), c)
}

// rawInt reads a wire integer as go-mssqldb does: one byte is tinyint,
// unsigned; wider ones are signed.
func rawInt(b []byte) (int64, bool) {
	switch len(b) {
	case 1:
		return int64(b[0]), true
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b))), true
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b))), true
	case 8:
		return int64(binary.LittleEndian.Uint64(b)), true
	}
	return 0, false
}

// appendRawDecimal writes a wire decimal (sign byte, little-endian
// magnitude) whose magnitude fits in 64 bits as go-mssqldb's decimal text:
// digits with scale of them after the point, at least one before it, and a
// minus sign unless the value is zero. Wider magnitudes report false and
// go through the driver (math/big).
func appendRawDecimal(dst, b []byte, scale uint8) ([]byte, bool) {
	if len(b) < 5 || (len(b)-1)%4 != 0 {
		return dst, false
	}
	var mag uint64
	switch len(b) {
	case 5:
		mag = uint64(binary.LittleEndian.Uint32(b[1:]))
	default:
		mag = binary.LittleEndian.Uint64(b[1:])
		for _, x := range b[9:] {
			if x != 0 {
				return dst, false
			}
		}
	}
	if b[0] == 0 && mag != 0 {
		dst = append(dst, '-')
	}
	var buf [20]byte
	digits := strconv.AppendUint(buf[:0], mag, 10)
	whole := len(digits) - int(scale)
	if whole <= 0 {
		dst = append(dst, '0')
	} else {
		dst = append(dst, digits[:whole]...)
	}
	if scale == 0 {
		return dst, true
	}
	dst = append(dst, '.')
	for ; whole < 0; whole++ {
		dst = append(dst, '0')
	}
	return append(dst, digits[whole:]...), true
}
