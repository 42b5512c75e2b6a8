package agent

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/url"
	"strconv"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/faketds"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

func TestALoginThatNeverAnswersFailsAtTheLoginDeadlineWithNoConnectionTimeout(t *testing.T) {
	port := faketds.StartSilent(t)
	c, err := mssql.NewConnector("sqlserver://u:p@127.0.0.1:" + strconv.Itoa(port) + "?encrypt=disable&connection+timeout=0&dial+timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(boundLogin(c, 300*time.Millisecond))
	defer db.Close()
	// The guard only keeps a broken build from hanging the suite; the
	// login deadline is what must end the ping.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = db.PingContext(ctx)
	var ne net.Error
	if err == nil || ctx.Err() != nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("ping = %v (ctx %v), want the login's i/o timeout", err, ctx.Err())
	}
}

func TestTheLoginDeadlineIsLiftedFromTheConnectionsOfASuccessfulLogin(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		time.Sleep(600 * time.Millisecond) // longer than the login deadline
		_, _ = c.Write([]byte{1})
	}()
	d := &dialedConns{}
	ctx := context.WithValue(context.Background(), dialedKey{}, d)
	conn, err := loginDeadlineDialer{timeout: 200 * time.Millisecond}.DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	d.liftDeadlines()
	if _, err := conn.Read(make([]byte, 1)); err != nil {
		t.Fatalf("a read after the login deadline was lifted: %v", err)
	}
}

// The dump's own query may send nothing for longer than a login may take:
// a server sorting a large key range before its first row.
func TestAQuerySilentLongerThanTheLoginDeadlineStillAnswers(t *testing.T) {
	dsn := testenv.RequireMSSQL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("connection timeout", "0")
	u.RawQuery = q.Encode()
	c, err := mssql.NewConnector(u.String())
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(boundLogin(c, 500*time.Millisecond))
	defer db.Close()
	// About two seconds of silence on either engine (Babelfish has no
	// WAITFOR).
	slow := "WAITFOR DELAY '00:00:02'; SELECT CONVERT(bigint, 1)"
	if testenv.IsBabelfish(t, db) {
		slow = "SELECT COUNT_BIG(*) FROM sys.all_columns AS a CROSS JOIN sys.all_columns AS b"
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	start := time.Now()
	var n int64
	if err := db.QueryRowContext(ctx, slow).Scan(&n); err != nil {
		t.Fatalf("after %v: %v", time.Since(start), err)
	}
	t.Logf("answered after %v", time.Since(start))
}
