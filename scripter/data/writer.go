package data

import (
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// RowSource yields a table's rows in the plan's order; Row returns
// Plan.Width() values as the driver scanned them, valid until the next Next.
// A []byte value may also come as a *[]byte (never nil; NULL is nil), which
// lets a source reuse the driver's buffer without boxing a slice per value.
type RowSource interface {
	Next() bool
	Row() []any
	Err() error
	Close() error
}

// Limits caps one INSERT statement.
type Limits struct {
	// RowsPerInsert caps rows per statement (1..1000; 0 means 1000).
	RowsPerInsert int
	// MaxInsertBytes caps a statement's bytes (0 means 1 MiB). A single row
	// larger than the cap still goes out, alone in its statement.
	MaxInsertBytes int
}

const (
	maxRowsPerInsert = 1000 // SQL Server's limit for a VALUES list
	defaultMaxBytes  = 1 << 20
	flushAt          = 256 << 10
)

func (l Limits) rows() int {
	if l.RowsPerInsert <= 0 || l.RowsPerInsert > maxRowsPerInsert {
		return maxRowsPerInsert
	}
	return l.RowsPerInsert
}

func (l Limits) bytes() int {
	if l.MaxInsertBytes <= 0 {
		return defaultMaxBytes
	}
	return l.MaxInsertBytes
}

// Boundaries are content-defined: a statement ends after a row whose key
// hash has its low k bits zero (once it holds minRows), or at the caps. An
// inserted or deleted row therefore changes its own statement and at most
// the next one; every other statement keeps its exact bytes, which is what
// a differential backup store wants. k is chosen so that statements average
// a quarter of the row cap, which keeps forced cuts at the cap rare
// (e^-4 ≈ 2% of statements). Below 64 rows per statement the caller asked
// for small statements on purpose, and they are cut at exactly the cap.
func boundaryParams(maxRows int) (mask uint64, minRows int) {
	if maxRows < 64 {
		return ^uint64(0), maxRows
	}
	avg := maxRows / 4
	k := bits.Len(uint(avg)) - 1 // floor(log2(avg))
	return 1<<k - 1, maxRows / 16
}

// TableResult counts what WriteTable wrote.
type TableResult struct {
	Rows       int64
	Statements int
	Bytes      int64
}

// Writer encodes INSERT statements into one reusable buffer and flushes it
// to the underlying writer in large chunks.
type Writer struct {
	w      io.Writer
	limits Limits
	buf    []byte
	row    []byte // one encoded row, before it is placed into buf
	keyOff []int  // start/end offsets of key literals inside row
	digest *xxhash.Digest
	// OnBatch, when set, is called after each statement with the running
	// totals of the current table.
	OnBatch func(TableResult)
	err     error
	written int64
}

// NewWriter returns a Writer that writes to w.
func NewWriter(w io.Writer, limits Limits) *Writer {
	return &Writer{w: w, limits: limits, buf: make([]byte, 0, flushAt+64<<10), digest: xxhash.New()}
}

func (w *Writer) flush(force bool) error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 || (!force && len(w.buf) < flushAt) {
		return nil
	}
	n, err := w.w.Write(w.buf)
	w.written += int64(n)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = err
	}
	return err
}

// Reset points the writer at w, keeping its buffers, so one Writer serves
// every table of a dump. Flush first: buffered text is discarded.
func (w *Writer) Reset(out io.Writer) {
	w.w, w.buf, w.err, w.written, w.OnBatch = out, w.buf[:0], nil, 0, nil
}

// Flush writes out whatever is buffered.
func (w *Writer) Flush() error { return w.flush(true) }

// Write appends raw script text (comments, DDL between tables).
func (w *Writer) Write(p []byte) (int, error) {
	w.buf = append(w.buf, p...)
	return len(p), w.flush(false)
}

// encodeRow appends one row's "(v1, v2, ...)" to w.row and records key
// literal offsets for the boundary hash.
func (w *Writer) encodeRow(p *Plan, vals []any) error {
	w.beginRow()
	vi := 0
	for i := range p.Columns {
		c := &p.Columns[i]
		start := w.beginValue(i)
		var err error
		if c.Variant {
			v := vals[vi : vi+6]
			var lit any
			if v[0] != nil {
				vt := tsql.Variant{BaseType: tsql.Type{Name: asString(v[1]), Precision: asInt(v[2]), Scale: asInt(v[3]), MaxLength: asInt(v[4])}, Value: v[0]}
				if b, ok := v[0].([]byte); ok && (vt.BaseType.Name == "nvarchar" || vt.BaseType.Name == "nchar") {
					vt.Value = tsql.UTF16(b) // the plan reads these as their UTF-16 bytes
				}
				if coll := asString(v[5]); coll != "" && coll != p.DBCollation {
					vt.Collation = coll
				}
				lit = vt
			}
			if tm, ok := v[0].(time.Time); ok && asString(v[1]) != "datetimeoffset" {
				err = checkWallClock(tm)
			}
			if err == nil {
				w.row, err = tsql.AppendLiteral(w.row, lit, c.Type)
			}
		} else {
			w.row, err = appendValue(w.row, vals[vi], c)
		}
		if err != nil {
			return fmt.Errorf("column %s: %w", tsql.QuoteIdent(c.Name), err)
		}
		vi += c.Width
		w.endValue(p, i, start)
	}
	w.endRow()
	return nil
}

// beginRow starts w.row: "(" and no key literals yet.
func (w *Writer) beginRow() {
	w.row = append(w.row[:0], '(')
	w.keyOff = w.keyOff[:0]
}

// beginValue separates value i from the one before and returns where its
// literal starts.
func (w *Writer) beginValue(i int) int {
	if i > 0 {
		w.row = append(w.row, ", "...)
	}
	return len(w.row)
}

// endValue records where the literal of column i lies when it is a key
// column, for the boundary hash.
func (w *Writer) endValue(p *Plan, i, start int) {
	if len(w.keyOff) < 2*len(p.KeyColumns) && isKey(p.KeyColumns, i) {
		w.keyOff = append(w.keyOff, start, len(w.row))
	}
}

func (w *Writer) endRow() { w.row = append(w.row, ')') }

// appendValue writes the common scalar shapes directly (NULL, integers,
// bits, valid UTF-8 text: forms identical to tsql.AppendLiteral's, which a test checks) and
// hands everything else to tsql. Passing the type by value on every call
// costs more than formatting an integer.
func appendValue(dst []byte, v any, c *Column) ([]byte, error) {
	switch x := v.(type) {
	case *[]byte:
		return appendBytes(dst, *x, nil, c)
	case nil:
		return append(dst, "NULL"...), nil
	case int64:
		if c.fast == fastInt {
			return strconv.AppendInt(dst, x, 10), nil
		}
	case string:
		if c.fast == fastText && utf8.ValidString(x) {
			return tsql.AppendStringExpr(dst, x), nil
		}
	case []byte:
		return appendBytes(dst, x, v, c)
	case time.Time:
		if x.Location() != time.UTC && c.Type.Name != "datetimeoffset" {
			if err := checkWallClock(x); err != nil {
				return dst, err
			}
		}
	case bool:
		if c.fast == fastBit {
			if x {
				return append(dst, '1'), nil
			}
			return append(dst, '0'), nil
		}
	}
	return tsql.AppendLiteral(dst, v, c.Type)
}

// appendBytes writes a value the driver returned as []byte; boxed is b as
// an interface when the caller has one (boxing it again would allocate).
func appendBytes(dst, b []byte, boxed any, c *Column) ([]byte, error) {
	// The driver's exact decimal text, verbatim when it is plainly a
	// number; anything else goes to tsql, which rejects it.
	if c.fast == fastDecimal && tsql.ValidDecimal(b) {
		return append(dst, b...), nil
	}
	if c.UTF16 {
		return tsql.AppendUTF16Expr(dst, b)
	}
	if boxed == nil {
		boxed = b
	}
	return tsql.AppendLiteral(dst, boxed, c.Type)
}

func isKey(keys []int, i int) bool {
	for _, k := range keys {
		if k == i {
			return true
		}
	}
	return false
}

func (w *Writer) rowHash() uint64 {
	if len(w.keyOff) == 0 {
		return xxhash.Sum64(w.row)
	}
	if len(w.keyOff) == 2 {
		return xxhash.Sum64(w.row[w.keyOff[0]:w.keyOff[1]])
	}
	w.digest.Reset()
	for i := 0; i < len(w.keyOff); i += 2 {
		w.digest.Write(w.row[w.keyOff[i]:w.keyOff[i+1]])
		w.digest.Write([]byte{0})
	}
	return w.digest.Sum64()
}

// statement prefix/suffix for a plan.
func insertHeader(p *Plan) (head, tail []byte) {
	name := tsql.AppendName(nil, p.Table.Schema, p.Table.Name)
	if p.Identity {
		// Per statement rather than once per table: every batch then
		// restores on its own, whichever session runs it.
		head = append(head, "SET "+tsql.SetIdentityInsert+" "...)
		head = append(head, name...)
		head = append(head, " ON;\n"...)
	}
	head = append(head, "INSERT INTO "...)
	head = append(head, name...)
	head = append(head, " ("...)
	for i, c := range p.Columns {
		if i > 0 {
			head = append(head, ", "...)
		}
		head = tsql.AppendIdent(head, c.Name)
	}
	head = append(head, ") VALUES\n"...)
	tail = append(tail, ";\n"...)
	if p.Identity {
		tail = append(tail, "SET "+tsql.SetIdentityInsert+" "...)
		tail = append(tail, name...)
		tail = append(tail, " OFF;\n"...)
	}
	tail = append(tail, "GO\n"...)
	return head, tail
}

// WriteTable writes every row of src as INSERT statements, each statement
// its own batch (GO after it). Nothing is written for a table without rows.
// It does not close src.
func (w *Writer) WriteTable(p *Plan, src RowSource) (TableResult, error) {
	if len(p.Columns) == 0 {
		return TableResult{}, nil
	}
	t := w.BeginTable(p)
	var rows int64
	if err := w.encodeRows(p, src, &rows, func(row []byte, hash uint64) error {
		return t.add(row, hash&t.mask == 0)
	}); err != nil {
		return t.res, err
	}
	return t.End()
}

// encodeRows encodes every row of src and hands each, with its boundary
// hash, to emit. rows counts the rows read (for error messages).
func (w *Writer) encodeRows(p *Plan, src RowSource, rows *int64, emit func(row []byte, hash uint64) error) error {
	raw, width := rawSourceOf(src), p.Width()
	for src.Next() {
		*rows++
		if err := w.encodeCurrent(p, width, src, raw); err != nil {
			return fmt.Errorf("data: %s row %d: %w", tsql.QuoteName(p.Table.Schema, p.Table.Name), *rows, err)
		}
		if err := emit(w.row, w.rowHash()); err != nil {
			return err
		}
	}
	return src.Err()
}

// encodeCurrent encodes src's current row into w.row: from its wire values
// when raw has them, else from its values.
func (w *Writer) encodeCurrent(p *Plan, width int, src RowSource, raw rawRowSource) error {
	if raw != nil {
		if vals, cols := raw.rawRow(); vals != nil {
			return w.encodeRawRow(p, vals, cols)
		}
	}
	vals := src.Row()
	if len(vals) != width {
		return fmt.Errorf("row has %d values, plan reads %d", len(vals), width)
	}
	return w.encodeRow(p, vals)
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	}
	return ""
}

func asInt(v any) int {
	switch x := v.(type) {
	case int64:
		return int(x)
	case int32:
		return int(x)
	case int:
		return x
	}
	return 0
}

// checkWallClock guards date/time values without an offset read on a
// connection whose go-mssqldb "timezone" parameter is not UTC. The driver
// builds them with time.Date in that zone, which keeps the stored wall clock
// except for a stored time inside a daylight-saving gap: time.Date moves it
// forward by the gap. Such a result cannot be told apart from a stored time
// just after the gap, so a value whose wall clock minus the preceding
// forward shift would fall into a gap is refused rather than written with a
// possibly shifted time.
func checkWallClock(t time.Time) error {
	loc := t.Location()
	if loc == time.UTC {
		return nil
	}
	_, now := t.Zone()
	_, before := t.Add(-36 * time.Hour).Zone()
	shift := now - before
	if shift <= 0 {
		return nil
	}
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	wall := time.Date(y, mo, d, h, mi, s-shift, t.Nanosecond(), time.UTC)
	wy, wmo, wd := wall.Date()
	wh, wmi, ws := wall.Clock()
	probe := time.Date(wy, wmo, wd, wh, wmi, ws, wall.Nanosecond(), loc)
	if ph, pmi, ps := probe.Clock(); ph != wh || pmi != wmi || ps != ws {
		return fmt.Errorf("%w: %s may have been moved out of a daylight-saving gap of time zone %q by go-mssqldb; connect with timezone=UTC (the default)",
			tsql.ErrUnsupported, t.Format("2006-01-02T15:04:05.9999999"), loc.String())
	}
	return nil
}
