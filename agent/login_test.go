package agent

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync/atomic"
	"testing"
)

// loginCounter is a driver whose connections count the statements they
// are sent.
type loginCounter struct {
	opened, statements atomic.Int32
	refuse             bool
}

func (d *loginCounter) Connect(context.Context) (driver.Conn, error) {
	if d.refuse {
		return nil, errors.New("login failed for user 'u'")
	}
	d.opened.Add(1)
	return loginConn{d}, nil
}
func (d *loginCounter) Driver() driver.Driver { return nil }

type loginConn struct{ d *loginCounter }

func (c loginConn) Prepare(string) (driver.Stmt, error) {
	c.d.statements.Add(1)
	return nil, errors.New("no statements here")
}

// Ping is a statement, as go-mssqldb's is ("select 1;").
func (c loginConn) Ping(context.Context) error {
	c.d.statements.Add(1)
	return nil
}
func (c loginConn) Close() error              { return nil }
func (c loginConn) Begin() (driver.Tx, error) { return nil, errors.New("no transactions here") }

// Logging in opens the job's first connection and sends no statement (on
// Babelfish the first statement of every connection costs a cold parse),
// and the dump then reuses that connection.
func TestLogInSendsNoStatementAndLeavesTheConnectionForTheDump(t *testing.T) {
	d := &loginCounter{}
	db := sql.OpenDB(d)
	defer db.Close()
	if err := logIn(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	if d.opened.Load() != 1 || d.statements.Load() != 0 {
		t.Errorf("%d connections opened, %d statements sent; want 1 and 0", d.opened.Load(), d.statements.Load())
	}
}

func TestLogInReturnsTheRefusedLogin(t *testing.T) {
	db := sql.OpenDB(&loginCounter{refuse: true})
	defer db.Close()
	if err := logIn(context.Background(), db); err == nil || err.Error() != "login failed for user 'u'" {
		t.Errorf("got %v, want the driver's refusal", err)
	}
}
