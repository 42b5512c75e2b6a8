package mssql

// Raw rows (mssqldump fork patch, see FORK.md): a result set read under
// WithRawRows hands its rows over in batches of their wire bytes, without an
// interface{} per value or a channel send per row. A caller that formats
// values itself (a dump tool writing INSERTs, a bulk exporter) reads the
// bytes of the kinds it knows and asks RawColumn.Decode for the rest, which
// returns exactly what Rows.Next would have.

import (
	"context"
)

// RawKind says how a raw value's bytes are laid out, for callers that read
// them without Decode.
type RawKind uint8

const (
	// RawOther promises no layout: use RawColumn.Decode.
	RawOther RawKind = iota
	// RawInt is a two's-complement little-endian integer of 2, 4 or 8
	// bytes, or of 1 byte unsigned (tinyint).
	RawInt
	// RawBit is one byte, nonzero for true.
	RawBit
	// RawDecimal (decimal, numeric) is a sign byte (1 positive, 0
	// negative) then the unscaled magnitude, little-endian, in 4, 8, 12 or
	// 16 bytes; the column's Precision and Scale apply.
	RawDecimal
	// RawUTF16 (nchar, nvarchar) is UTF-16LE code units.
	RawUTF16
	// RawBinary (binary, varbinary) is the bytes themselves.
	RawBinary
)

// RawColumn is one column of a result set read as raw rows.
type RawColumn struct {
	Name string
	Kind RawKind
	// TypeName is the type's name as ColumnTypeDatabaseTypeName gives it.
	TypeName  string
	Precision uint8
	Scale     uint8

	col *columnStruct
	enc rawEncoding
}

// rawEncoding is what decoding a value needs from the session.
type rawEncoding = struct{}

// Decode returns the value Rows.Next returns for a value of c whose raw
// bytes are b: nil when b is nil (NULL).
func (c *RawColumn) Decode(b []byte) interface{} {
	panic("mssql: raw rows not built yet")
}

// WithRawRows returns a context under which the result sets of a query
// whose columns accept approves are read as raw rows: Rows.RawColumns
// describes them and Rows.NextRawBatch returns their rows. accept sees each
// result set's columns once, before its first row; result sets it refuses,
// and those with a column that cannot be raw (encrypted, sql_variant, text,
// ntext, image), are read as usual. Rows.Next still works on a raw result
// set, decoding each value.
func WithRawRows(ctx context.Context, accept func(cols []RawColumn) bool) context.Context {
	panic("mssql: raw rows not built yet")
}

// RawBatch holds consecutive rows of a raw result set.
type RawBatch struct{}

// Next advances to the batch's next row; false after its last.
func (b *RawBatch) Next() bool { panic("mssql: raw rows not built yet") }

// Row fills dst (grown to the number of columns) with the current row's
// values and returns it: nil for NULL, a non-nil slice (maybe empty)
// otherwise. The values are valid until the next NextRawBatch, Next or
// Close of the Rows.
func (b *RawBatch) Row(dst [][]byte) [][]byte { panic("mssql: raw rows not built yet") }

// RawColumns returns the current result set's columns when it is read as
// raw rows, nil otherwise.
func (rc *Rows) RawColumns() []RawColumn { panic("mssql: raw rows not built yet") }

// NextRawBatch returns the next rows of a raw result set, or io.EOF after
// its last. The batch is valid until the next NextRawBatch, Next or Close.
func (rc *Rows) NextRawBatch() (*RawBatch, error) { panic("mssql: raw rows not built yet") }
