package scripter

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"sync"
	"testing"
)

// snapshotDriver's connections make a database snapshot and track the
// database each one uses: DROP DATABASE fails while an open connection
// uses it, as SQL Server's does. Transactions begin on the first
// connection only, as when a dump is canceled while the sessions ahead
// are being opened.
type snapshotDriver struct {
	mu    sync.Mutex
	conns []*snapshotConn
}

type snapshotConn struct {
	d      *snapshotDriver
	n      int
	db     string
	closed bool
}

func (d *snapshotDriver) Open(string) (driver.Conn, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	c := &snapshotConn{d: d, n: len(d.conns), db: "db"}
	d.conns = append(d.conns, c)
	return c, nil
}

func (c *snapshotConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("no prepare") }
func (c *snapshotConn) Close() error {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	c.closed = true
	return nil
}
func (c *snapshotConn) Begin() (driver.Tx, error) { return nil, errors.New("use BeginTx") }
func (c *snapshotConn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	if c.n > 0 {
		return nil, context.Canceled
	}
	return countingTx{}, nil
}

func (c *snapshotConn) ExecContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Result, error) {
	c.d.mu.Lock()
	defer c.d.mu.Unlock()
	switch {
	case strings.HasPrefix(query, "USE "):
		c.db = strings.Trim(strings.TrimPrefix(query, "USE "), "[]")
	case strings.HasPrefix(query, "DROP DATABASE "):
		name := strings.Trim(strings.TrimPrefix(query, "DROP DATABASE "), "[]")
		for _, o := range c.d.conns {
			if o != c && !o.closed && o.db == name {
				return nil, errors.New("cannot drop database " + name + " because it is currently in use")
			}
		}
	}
	return driver.RowsAffected(0), nil
}

func (c *snapshotConn) QueryContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Rows, error) {
	switch {
	case strings.HasPrefix(query, "SELECT CAST(SERVERPROPERTY('Babelfish') AS int), DB_NAME()"):
		return &oneRow{vals: []driver.Value{nil, "db"}}, nil
	case strings.Contains(query, "FROM sys.databases"):
		return &oneRow{vals: []driver.Value{int64(1), "db", int64(0)}}, nil
	case strings.Contains(query, "FROM sys.database_files"):
		return &oneRow{vals: []driver.Value{"data", "/var/opt/db.mdf"}}, nil
	}
	return nil, errors.New("not here")
}

func TestASessionAheadThatFailsAfterEnteringTheSnapshotLeavesItDroppable(t *testing.T) {
	d := &snapshotDriver{}
	db := openWith(t, d)
	r, err := openSQLReader(context.Background(), db, &Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.snapshotDB == "" {
		t.Fatal("no database snapshot made")
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
