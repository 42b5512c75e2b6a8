package data

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Querier is what Query needs: *sql.Tx, *sql.Conn and *sql.DB satisfy it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// SQLRows streams a plan's rows from *sql.Rows, one row in memory at a time.
type SQLRows struct {
	rows *sql.Rows
	vals []any
	ptrs []any
	err  error
}

// Query runs p.Query() on q and returns the streaming rows.
func Query(ctx context.Context, q Querier, p *Plan) (*SQLRows, error) {
	rows, err := q.QueryContext(ctx, p.Query())
	if err != nil {
		return nil, fmt.Errorf("data: reading %s: %w", tsql.QuoteName(p.Table.Schema, p.Table.Name), err)
	}
	return NewSQLRows(rows, p.Width()), nil
}

// NewSQLRows wraps rows whose SELECT list has width items.
func NewSQLRows(rows *sql.Rows, width int) *SQLRows {
	r := &SQLRows{rows: rows, vals: make([]any, width), ptrs: make([]any, width)}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
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
