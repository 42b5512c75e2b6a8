package data

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"sync/atomic"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// countingDriver is a database/sql driver whose queries return n rows of
// (int64 i, string "row") and then failAt's error (when set); its rows are
// not go-mssqldb's, so QueryRaw takes them one by one.
type countingDriver struct {
	n, failAt int
	queryErr  error
	closed    atomic.Int32 // rows closed
}

type countingConn struct{ d *countingDriver }
type countingStmt struct{ d *countingDriver }
type countingRows struct {
	d *countingDriver
	i int
}

func (d *countingDriver) Open(string) (driver.Conn, error)  { return &countingConn{d}, nil }
func (c *countingConn) Prepare(string) (driver.Stmt, error) { return &countingStmt{c.d}, nil }
func (c *countingConn) PrepareContext(context.Context, string) (driver.Stmt, error) {
	return &countingStmt{c.d}, nil
}
func (c *countingConn) Close() error              { return nil }
func (c *countingConn) Begin() (driver.Tx, error) { return nil, errors.New("no transactions") }
func (s *countingStmt) Close() error              { return nil }
func (s *countingStmt) NumInput() int             { return -1 }
func (s *countingStmt) Exec([]driver.Value) (driver.Result, error) {
	return nil, errors.New("no exec")
}
func (s *countingStmt) Query([]driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), nil)
}
func (s *countingStmt) QueryContext(context.Context, []driver.NamedValue) (driver.Rows, error) {
	if s.d.queryErr != nil {
		return nil, s.d.queryErr
	}
	return &countingRows{d: s.d}, nil
}
func (r *countingRows) Columns() []string { return []string{"Id", "Name"} }
func (r *countingRows) Close() error      { r.d.closed.Add(1); return nil }
func (r *countingRows) Next(dest []driver.Value) error {
	if r.d.failAt > 0 && r.i == r.d.failAt {
		return errors.New("connection reset mid-table")
	}
	if r.i == r.d.n {
		return io.EOF
	}
	dest[0], dest[1] = int64(r.i), "row"
	r.i++
	return nil
}

func countingConnOf(t *testing.T, d *countingDriver) *sql.Conn {
	t.Helper()
	return connOf(t, sql.OpenDB(driverConnector{d}))
}

// connOf takes one connection of db; both close when the test ends.
func connOf(t *testing.T, db *sql.DB) *sql.Conn {
	t.Helper()
	t.Cleanup(func() { db.Close() })
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

type driverConnector struct{ d driver.Driver }

func (c driverConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open("") }
func (c driverConnector) Driver() driver.Driver                        { return c.d }

func idNamePlan() *Plan {
	return NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "t"},
		Columns: []*model.Column{col("Id", "int", 4, 10, 0), col("Name", "varchar", 10, 0, 0)}}, "", "")
}

func TestRowsTheDriverDoesNotReadRawComeOneByOneAsItDecodedThem(t *testing.T) {
	d := &countingDriver{n: 1000}
	rows, err := QueryRaw(context.Background(), countingConnOf(t, d), idNamePlan())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		if vals, _ := rows.rawRow(); vals != nil {
			t.Fatal("a row of a result set read as usual came as wire values")
		}
		if v := rows.Row(); v[0] != int64(n) || v[1] != "row" {
			t.Fatalf("row %d = %v", n, v)
		}
		n++
	}
	if err := rows.Err(); err != nil || n != 1000 {
		t.Fatalf("%d rows, err %v", n, err)
	}
	if err := rows.Close(); err != nil || d.closed.Load() != 1 {
		t.Errorf("Close: %v, driver rows closed %d times", err, d.closed.Load())
	}
}

func TestClosingRawRowsEarlyGivesTheConnectionBack(t *testing.T) {
	d := &countingDriver{n: 1000}
	conn := countingConnOf(t, d)
	rows, err := QueryRaw(context.Background(), conn, idNamePlan())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if !rows.Next() {
			t.Fatal("no rows")
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatalf("Close mid-table: %v", err)
	}
	if d.closed.Load() != 1 {
		t.Errorf("driver rows closed %d times, want 1", d.closed.Load())
	}
	// Conn.Raw would block forever if the reader still held the connection.
	again, err := QueryRaw(context.Background(), conn, idNamePlan())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Next() {
		t.Fatal("the connection gave no rows after an early Close")
	}
}

func TestAReadErrorMidTableEndsTheRowsAfterThoseBeforeIt(t *testing.T) {
	rows, err := QueryRaw(context.Background(), countingConnOf(t, &countingDriver{n: 100, failAt: 40}), idNamePlan())
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if n != 40 || rows.Err() == nil || rows.Err().Error() != "connection reset mid-table" {
		t.Errorf("%d rows then %v; want 40 then the driver's error", n, rows.Err())
	}
}

func TestAFailedQueryIsQueryRawsErrorNamingTheTable(t *testing.T) {
	_, err := QueryRaw(context.Background(), countingConnOf(t, &countingDriver{queryErr: errors.New("Invalid object name")}), idNamePlan())
	if err == nil || err.Error() != "data: reading [dbo].[t]: Invalid object name" {
		t.Errorf("err = %v", err)
	}
}

func TestOnlyPlansWithoutSqlVariantColumnsAreReadRaw(t *testing.T) {
	if !RawReadable(idNamePlan()) {
		t.Error("a plan of int and varchar is not raw-readable")
	}
	p := NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "t"},
		Columns: []*model.Column{col("Id", "int", 4, 10, 0), col("Any", "sql_variant", 8016, 0, 0)}}, "", "")
	if RawReadable(p) {
		t.Error("a plan with a sql_variant column (six SELECT items) is raw-readable")
	}
}

// An empty table's reader may be done before QueryRaw looks: that is no
// error (it once was, at random, "reading [dbo].[t]: <nil>").
func TestATableWithoutRowsIsReadAsNoRowsAndNoError(t *testing.T) {
	conn := countingConnOf(t, &countingDriver{})
	queryRawWaits = func(r *RawRows) { <-r.done }
	t.Cleanup(func() { queryRawWaits = func(*RawRows) {} })
	for i := range 200 {
		rows, err := QueryRaw(context.Background(), conn, idNamePlan())
		if err != nil {
			t.Fatalf("query %d: %v", i, err)
		}
		if rows.Next() || rows.Err() != nil {
			t.Fatalf("query %d: a row, or error %v", i, rows.Err())
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("query %d: Close = %v", i, err)
		}
	}
}

func TestAConnectionClosedBeforeTheQueryIsQueryRawsError(t *testing.T) {
	conn := countingConnOf(t, &countingDriver{n: 1})
	conn.Close()
	if _, err := QueryRaw(context.Background(), conn, idNamePlan()); !errors.Is(err, sql.ErrConnDone) {
		t.Errorf("err = %v, want sql.ErrConnDone", err)
	}
}
