package data

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Querier is what Query needs: *sql.Tx, *sql.Conn and *sql.DB satisfy it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SQLRows streams a plan's rows from *sql.Rows, one row in memory at a time.
//
// A value the driver returns as []byte (decimal and money text, the
// varbinary the plan reads Unicode text, GUIDs and binary columns as) is
// scanned into a sql.RawBytes: database/sql would otherwise copy it into a
// new slice and box it, two allocations per value, on every row. Row hands
// it on as a *[]byte pointing at that RawBytes, which boxes for free; it is
// valid until the next Next, as the RowSource contract says.
type SQLRows struct {
	rows *sql.Rows
	vals []any
	ptrs []any
	raw  []sql.RawBytes // scan targets of the []byte items
	// rawItems are the indexes of the items scanned into raw: Next visits
	// only those, not every item of every row.
	rawItems []int
	err      error
}

// Query runs p.Query() on q and returns the streaming rows.
func Query(ctx context.Context, q Querier, p *Plan) (*SQLRows, error) {
	rows, err := q.QueryContext(ctx, p.Query())
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", tsql.QuoteName(p.Table.Schema, p.Table.Name), err)
	}
	return newPlanRows(rows, p), nil
}

// NewSQLRows wraps rows whose SELECT list has width items; every value is
// scanned as the driver returns it.
func NewSQLRows(rows *sql.Rows, width int) *SQLRows {
	r := &SQLRows{rows: rows, vals: make([]any, width), ptrs: make([]any, width),
		raw: make([]sql.RawBytes, width)}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r
}

var bytesType = reflect.TypeFor[[]byte]()

// newPlanRows wraps the rows of p's query, scanning the items the driver
// types as []byte into RawBytes. sql_variant items keep their dynamic
// types, whatever the driver reports.
func newPlanRows(rows *sql.Rows, p *Plan) *SQLRows {
	r := NewSQLRows(rows, p.Width())
	types, err := rows.ColumnTypes()
	if err != nil || len(types) != len(r.vals) {
		return r
	}
	item := 0
	for _, c := range p.Columns {
		if !c.Variant && types[item].ScanType() == bytesType {
			r.rawItems = append(r.rawItems, item)
			r.ptrs[item] = &r.raw[item]
		}
		item += c.Width
	}
	return r
}

// Next advances to the next row and scans it.
func (r *SQLRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if err := r.rows.Scan(r.ptrs...); err != nil {
		r.err = err
		return false
	}
	for _, i := range r.rawItems {
		if r.raw[i] == nil {
			r.vals[i] = nil // NULL
		} else {
			r.vals[i] = (*[]byte)(&r.raw[i])
		}
	}
	return true
}

// Row returns the current row's values as the driver returned them.
func (r *SQLRows) Row() []any { return r.vals }

// Err reports a read or scan error.
func (r *SQLRows) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.rows.Err()
}

// Close releases the result set.
func (r *SQLRows) Close() error { return r.rows.Close() }

// SliceRows is a RowSource over rows already in memory (tests, fixtures).
type SliceRows struct {
	Rows [][]any
	i    int
}

// Next advances to the next row.
func (s *SliceRows) Next() bool {
	if s.i >= len(s.Rows) {
		return false
	}
	s.i++
	return true
}

// Row returns the current row.
func (s *SliceRows) Row() []any { return s.Rows[s.i-1] }

// Err is always nil.
func (s *SliceRows) Err() error { return nil }

// Close does nothing.
func (s *SliceRows) Close() error { return nil }
