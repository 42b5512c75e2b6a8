package data

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sync"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// RawConn is what QueryRaw needs: *sql.Conn satisfies it. Raw's callback
// runs with the connection to itself, so a query there runs in the
// transaction the connection has open.
type RawConn interface {
	Raw(f func(driverConn any) error) error
}

// RawRows streams a plan's rows as the driver's wire bytes (the go-mssqldb
// fork's raw rows, third_party/go-mssqldb/FORK.md): the driver hands over
// batches of rows without an interface{} per value or a channel send per
// row, and the Writer formats the common types from the bytes. Values of
// other types are decoded by the driver, exactly as Rows.Next would return
// them, so the script is the same byte for byte.
//
// database/sql lends the driver connection only inside Conn.Raw's
// callback, so a goroutine holds the callback open and passes batches
// over; each batch is valid until the consumer asks for the next.
type RawRows struct {
	p    *Plan
	cols []rawCol // nil: the driver read the result set as usual

	items chan rawItem
	next  chan struct{} // the consumer is done with the current item
	stop  chan struct{} // Close: the reader goroutine gives up
	done  chan struct{} // the reader goroutine has returned
	err   error         // the reader goroutine's error, read after done

	batch *mssql.RawBatch
	raw   [][]byte
	row   []any // the current row when the result set is not raw
	vals  []any // Row()'s decoded values of a raw row
	fail  error
	once  sync.Once
}

// rawItem is what the reader goroutine passes: a batch of raw rows, or one
// row of a result set the driver did not read raw.
type rawItem struct {
	batch *mssql.RawBatch
	row   []any
}

// errRawClosed ends the reader goroutine when the consumer closes early.
var errRawClosed = errors.New("data: raw rows closed")

// RawReadable reports whether QueryRaw can read p: a sql_variant column
// takes six SELECT items, which the raw encoder does not pair up.
func RawReadable(p *Plan) bool {
	for _, c := range p.Columns {
		if c.Variant || c.Width != 1 {
			return false
		}
	}
	return len(p.Columns) > 0
}

// QueryRaw runs p.Query() on conn and returns its rows. p must be
// RawReadable. If the driver does not read the result set raw (a column
// type it cannot), the rows come one by one, decoded as usual.
func QueryRaw(ctx context.Context, conn RawConn, p *Plan) (*RawRows, error) {
	r := &RawRows{p: p, items: make(chan rawItem), next: make(chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{})}
	// started gets exactly one value: nil once the query has its columns
	// (r.cols set), or the error that stopped it, Raw's own included (a
	// closed connection never runs the callback).
	started := make(chan error, 1)
	go func() {
		defer close(r.done)
		sent := false
		r.err = conn.Raw(func(dc any) error {
			return r.read(ctx, dc, func(err error) { sent = true; started <- err })
		})
		if !sent {
			started <- r.err
		}
		close(r.items)
	}()
	queryRawWaits(r)
	if err := <-started; err != nil {
		<-r.done
		return nil, fmt.Errorf("data: reading %s: %w", tsql.QuoteName(p.Table.Schema, p.Table.Name), err)
	}
	return r, nil
}

// queryRawWaits runs as QueryRaw starts to wait for the reader: a test
// makes it wait until the reader is done, which an empty table's reader
// can be by then.
var queryRawWaits = func(*RawRows) {}

// read runs the query on the driver connection and passes its rows over
// until the end, an error or Close. It calls started once: with nil when
// the columns are known (r.cols set), or with the error that stopped the
// query.
func (r *RawRows) read(ctx context.Context, dc any, started func(error)) error {
	rows, closeQuery, err := r.query(ctx, dc)
	if err != nil {
		started(err)
		return err
	}
	defer closeQuery()
	if mr, ok := rows.(*mssql.Rows); ok {
		if cols := mr.RawColumns(); cols != nil {
			r.cols = rawCols(cols)
			started(nil)
			return r.passBatches(mr)
		}
	}
	started(nil)
	return r.passRows(rows)
}

// query runs the plan's query on the driver connection, asking for raw
// rows, and returns its rows and what closes them and their statement.
func (r *RawRows) query(ctx context.Context, dc any) (driver.Rows, func(), error) {
	prep, ok := dc.(driver.ConnPrepareContext)
	if !ok {
		return nil, nil, fmt.Errorf("driver connection %T cannot prepare", dc)
	}
	rawCtx := mssql.WithRawRows(ctx, r.accept)
	stmt, err := prep.PrepareContext(rawCtx, r.p.Query())
	if err != nil {
		return nil, nil, err
	}
	q, ok := stmt.(driver.StmtQueryContext)
	if !ok {
		stmt.Close()
		return nil, nil, fmt.Errorf("driver statement %T cannot query with a context", stmt)
	}
	rows, err := q.QueryContext(rawCtx, nil)
	if err != nil {
		stmt.Close()
		return nil, nil, err
	}
	return rows, func() { rows.Close(); stmt.Close() }, nil
}

// accept takes a result set raw when it has the plan's columns.
func (r *RawRows) accept(cols []mssql.RawColumn) bool { return len(cols) == len(r.p.Columns) }

func (r *RawRows) passBatches(mr *mssql.Rows) error {
	for {
		b, err := mr.NextRawBatch()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := r.pass(rawItem{batch: b}); err != nil {
			return err
		}
	}
}

// passRows is the fallback for a result set the driver did not read raw:
// one row at a time, each in a new slice (the driver's values are its own).
func (r *RawRows) passRows(rows driver.Rows) error {
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		row := make([]any, len(dest))
		for i, v := range dest {
			row[i] = v
		}
		if err := r.pass(rawItem{row: row}); err != nil {
			return err
		}
	}
}

// pass hands one item over and waits until the consumer is done with it,
// since the driver may reuse a batch's memory for the next.
func (r *RawRows) pass(it rawItem) error {
	select {
	case r.items <- it:
	case <-r.stop:
		return errRawClosed
	}
	select {
	case <-r.next:
		return nil
	case <-r.stop:
		return errRawClosed
	}
}

// Next advances to the next row.
func (r *RawRows) Next() bool {
	for r.fail == nil {
		if r.batch != nil && r.batch.Next() {
			r.raw = r.batch.Row(r.raw)
			return true
		}
		if r.batch != nil || r.row != nil {
			r.giveBack()
		}
		it, ok := <-r.items
		if !ok {
			<-r.done
			r.fail = r.err
			return false
		}
		if it.row != nil {
			r.row = it.row
			return true
		}
		r.batch = it.batch // maybe empty: the loop then takes the next
	}
	return false
}

// giveBack tells the reader goroutine the consumer is done with the
// current item.
func (r *RawRows) giveBack() {
	r.batch, r.row = nil, nil
	select {
	case r.next <- struct{}{}:
	case <-r.done:
	}
}

// Row returns the current row's values as the driver's Rows.Next would.
// The Writer reads raw rows through rawRow instead.
func (r *RawRows) Row() []any {
	if r.row != nil {
		return r.row
	}
	if cap(r.vals) < len(r.raw) {
		r.vals = make([]any, len(r.raw))
	}
	r.vals = r.vals[:len(r.raw)]
	for i, b := range r.raw {
		r.vals[i] = r.cols[i].decode(b)
	}
	return r.vals
}

// rawRow returns the current row's wire values and how to read them, or
// nil when the current row is not raw.
func (r *RawRows) rawRow() ([][]byte, []rawCol) {
	if r.row != nil || r.batch == nil {
		return nil, nil
	}
	return r.raw, r.cols
}

// Err reports a read error.
func (r *RawRows) Err() error { return r.fail }

// Close stops the reading (the driver then ends the result set) and waits
// until the connection is free again.
func (r *RawRows) Close() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	if r.err != nil && !errors.Is(r.err, errRawClosed) && r.fail == nil {
		return r.err
	}
	return nil
}
