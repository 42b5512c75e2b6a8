package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"reflect"
	"testing"
)

// replayDriver is a database/sql driver whose every query returns the same
// rows, already in go-mssqldb's value shapes. It isolates what happens to a
// value between the driver and the INSERT text (database/sql's Scan, the
// scan targets, the encoder) from the network and the TDS decoding.
type replayDriver struct{ rows [][]driver.Value }

func (d *replayDriver) Open(string) (driver.Conn, error) { return replayConn{d}, nil }

type replayConn struct{ d *replayDriver }

func (c replayConn) Prepare(string) (driver.Stmt, error) { return replayStmt(c), nil }
func (replayConn) Close() error                          { return nil }
func (replayConn) Begin() (driver.Tx, error)             { return nil, driver.ErrSkip }

type replayStmt struct{ d *replayDriver }

func (replayStmt) Close() error  { return nil }
func (replayStmt) NumInput() int { return -1 }
func (replayStmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, driver.ErrSkip
}
func (s replayStmt) Query([]driver.Value) (driver.Rows, error) { return &replayRows{d: s.d}, nil }

type replayRows struct {
	d *replayDriver
	i int
}

func (r *replayRows) Columns() []string {
	cols := make([]string, len(r.d.rows[0]))
	for i := range cols {
		cols[i] = "c"
	}
	return cols
}
func (*replayRows) Close() error { return nil }

// ColumnTypeScanType reports what go-mssqldb reports: the Go type of the
// column's values.
func (r *replayRows) ColumnTypeScanType(i int) reflect.Type {
	for _, row := range r.d.rows {
		if row[i] != nil {
			return reflect.TypeOf(row[i])
		}
	}
	return reflect.TypeFor[any]()
}
func (r *replayRows) Next(dest []driver.Value) error {
	if r.i >= len(r.d.rows) {
		return io.EOF
	}
	copy(dest, r.d.rows[r.i])
	r.i++
	return nil
}

// replayDB serves mixedRows(n) to every query.
func replayDB(b testing.TB, n int) *sql.DB {
	d := &replayDriver{}
	for _, row := range mixedRows(n) {
		vals := make([]driver.Value, len(row))
		for i, v := range row {
			vals[i] = v
		}
		d.rows = append(d.rows, vals)
	}
	db := sql.OpenDB(replayConnector{d})
	b.Cleanup(func() { db.Close() })
	return db
}

type replayConnector struct{ d *replayDriver }

func (c replayConnector) Connect(context.Context) (driver.Conn, error) { return replayConn(c), nil }
func (c replayConnector) Driver() driver.Driver                        { return c.d }

// BenchmarkRowDecoding is the client's per-value work on a table read from
// the server, without the server: database/sql hands the driver's values
// to SQLRows, and the Writer encodes them. allocs/op is per 10,000 rows of
// 12 mixed columns; MB/s is of T-SQL produced.
func BenchmarkRowDecoding(b *testing.B) {
	const n = 10000
	db := replayDB(b, n)
	p := NewPlan(mixedTable(), "", "")
	var sink countingDiscard
	w := NewWriter(&sink, Limits{})
	pass := func() {
		rows, err := Query(context.Background(), db, p)
		if err != nil {
			b.Fatal(err)
		}
		res, err := w.WriteTable(p, rows)
		if err != nil || res.Rows != n {
			b.Fatalf("wrote %d rows: %v", res.Rows, err)
		}
		if err := rows.Close(); err != nil {
			b.Fatal(err)
		}
	}
	pass()
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	perPass := sink.n
	b.SetBytes(perPass)
	b.ReportAllocs()
	cpu0 := cpuTime()
	b.ResetTimer()
	for range b.N {
		pass()
	}
	b.StopTimer()
	if d := cpuTime() - cpu0; d > 0 {
		b.ReportMetric(float64(perPass)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
	}
}
