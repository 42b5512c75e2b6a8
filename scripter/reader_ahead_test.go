package scripter

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"

	"sync/atomic"
	"testing"
	"time"
)

// countingDriver is a database/sql driver that counts connections opened
// and closed. It answers the reader's opening query with one row (snapshot
// isolation ON, no memory-optimized table), refuses to list data files (so
// no database snapshot is made), and accepts transactions.
type countingDriver struct {
	opened, closed atomic.Int32
	failOpensAfter int32 // 0: never
	babelfish      bool  // SERVERPROPERTY('Babelfish') is 1
	queries        atomic.Int32
}

func (d *countingDriver) Open(string) (driver.Conn, error) {
	if n := d.opened.Add(1); d.failOpensAfter > 0 && n > d.failOpensAfter {
		d.opened.Add(-1)
		return nil, errors.New("login refused")
	}
	return &countingConn{d: d}, nil
}

type countingConn struct{ d *countingDriver }

func (c *countingConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("no prepare") }
func (c *countingConn) Close() error                        { c.d.closed.Add(1); return nil }
func (c *countingConn) Begin() (driver.Tx, error)           { return countingTx{}, nil }
func (c *countingConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return countingTx{}, nil
}
func (c *countingConn) QueryContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Rows, error) {
	c.d.queries.Add(1)
	switch {
	case strings.HasPrefix(query, "SELECT CAST(SERVERPROPERTY('Babelfish') AS int), DB_NAME()"):
		if c.d.babelfish {
			return &oneRow{vals: []driver.Value{int64(1), "db"}}, nil
		}
		return &oneRow{vals: []driver.Value{nil, "db"}}, nil
	case strings.Contains(query, "FROM sys.databases"):
		if c.d.babelfish {
			return nil, errors.New("sys.databases read on Babelfish")
		}
		return &oneRow{vals: []driver.Value{int64(1), "db", int64(0)}}, nil
	}
	return nil, errors.New("not here") // no data files: no database snapshot
}

type countingTx struct{}

func (countingTx) Commit() error   { return nil }
func (countingTx) Rollback() error { return nil }

type oneRow struct {
	vals []driver.Value
	done bool
}

func (r *oneRow) Columns() []string { return []string{"a", "b", "c"}[:len(r.vals)] }
func (r *oneRow) Close() error      { return nil }
func (r *oneRow) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	copy(dest, r.vals)
	return nil
}

func openCounting(t *testing.T, d *countingDriver) *sql.DB {
	t.Helper()
	return openWith(t, d)
}

// openWith opens a pool over d. It goes through a Connector, not
// sql.Register, whose global names a second run of a test (-count=2)
// would register twice.
func openWith(t *testing.T, d driver.Driver) *sql.DB {
	t.Helper()
	db := sql.OpenDB(driverConnector{d})
	t.Cleanup(func() { db.Close() })
	return db
}

// driverConnector is a driver.Connector of a driver without a DSN.
type driverConnector struct{ d driver.Driver }

func (c driverConnector) Connect(context.Context) (driver.Conn, error) { return c.d.Open("") }
func (c driverConnector) Driver() driver.Driver                        { return c.d }

// waitFor polls cond for up to 10 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
	}
}

func TestParallelTakesTheSessionsOpenedDuringTheCatalogAndOpensNoMore(t *testing.T) {
	d := &countingDriver{}
	db := openCounting(t, d)
	ctx := context.Background()
	r, err := openSQLReader(ctx, db, &Options{Jobs: 4, NoCreateInfo: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Parallel(ctx, 4); err != nil {
		t.Fatal(err)
	}
	if got := d.opened.Load(); got != 4 {
		t.Errorf("connections opened = %d, want 4 (the main one and three opened ahead)", got)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if o, c := d.opened.Load(), d.closed.Load(); o != c {
		t.Errorf("opened %d connections, closed %d", o, c)
	}
}

func TestADumpThatFailsBeforeParallelClosesTheSessionsOpenedAhead(t *testing.T) {
	d := &countingDriver{}
	db := openCounting(t, d)
	r, err := openSQLReader(context.Background(), db, &Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return db.Stats().InUse == 3 }) // the main session and two ahead
	if err := r.Close(); err != nil {                        // as Dump does when the catalog fails
		t.Fatal(err)
	}
	if n := db.Stats().InUse; n != 0 {
		t.Errorf("%d connections still in use after Close", n)
	}
	db.Close()
	if o, c := d.opened.Load(), d.closed.Load(); o != c {
		t.Errorf("opened %d connections, closed %d", o, c)
	}
}

func TestALoginRefusedAheadFailsParallelAndLeaksNoConnection(t *testing.T) {
	d := &countingDriver{failOpensAfter: 2}
	db := openCounting(t, d)
	ctx := context.Background()
	r, err := openSQLReader(ctx, db, &Options{Jobs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Parallel(ctx, 3); err == nil {
		t.Error("Parallel succeeded with a refused login")
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if o, c := d.opened.Load(), d.closed.Load(); o != c {
		t.Errorf("opened %d connections, closed %d", o, c)
	}
}

func TestConsistencySnapshotWithoutADatabaseSnapshotOpensNothingAhead(t *testing.T) {
	d := &countingDriver{}
	db := openCounting(t, d)
	r, err := openSQLReader(context.Background(), db, &Options{Jobs: 3, Consistency: ConsistencySnapshot})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.ahead != nil {
		t.Error("sessions were opened for a Parallel that will refuse")
	}
}

func TestOnBabelfishTheIsolationStateIsItsConstantNotAReadOfSysDatabases(t *testing.T) {
	d := &countingDriver{babelfish: true}
	db := openCounting(t, d)
	r, err := openSQLReader(context.Background(), db, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.level != sql.LevelSnapshot || r.name != "db" || d.queries.Load() != 1 {
		t.Errorf("level %v, name %q, %d queries; want SNAPSHOT, db, one query", r.level, r.name, d.queries.Load())
	}
}

// Babelfish has no database snapshots: --jobs asks it for no data files
// (a statement a new Babelfish connection pays to parse) and says why.
func TestOnBabelfishJobsTriesNoDatabaseSnapshot(t *testing.T) {
	d := &countingDriver{babelfish: true}
	db := openCounting(t, d)
	r, err := openSQLReader(context.Background(), db, &Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.snapshotDB != "" || r.why != "Babelfish has no database snapshots" || d.queries.Load() != 1 {
		t.Errorf("snapshot %q, why %q, %d queries; want none, Babelfish's, one query", r.snapshotDB, r.why, d.queries.Load())
	}
}
