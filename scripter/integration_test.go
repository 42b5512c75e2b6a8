package scripter_test

// Integration tests against a real SQL Server, gated on
// MSSQLDUMP_TEST_MSSQL_DSN (a login that may CREATE and DROP databases).
// No SQL Server runs in CI, so they skip there; wherever a server is given
// they run in full:
//
//	MSSQLDUMP_TEST_MSSQL_DSN='sqlserver://sa:Passw0rd!@127.0.0.1:1433' \
//	  go test -run Integration -count=1 ./scripter/

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/testenv"
	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// withDatabase returns dsn pointed at database name, for both DSN forms
// go-mssqldb accepts (sqlserver:// URLs and ADO key=value lists).
func withDatabase(t *testing.T, dsn, name string) string {
	t.Helper()
	if strings.HasPrefix(dsn, "sqlserver://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("parse %s: %v", testenv.MSSQLDSNVar, err)
		}
		q := u.Query()
		q.Set("database", name)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimRight(dsn, ";") + ";database=" + name
}

type server struct {
	dsn    string
	master *sql.DB
	// babelfish is set when the server is Babelfish for PostgreSQL, where
	// some of SQL Server's features are missing (docs/engines.md).
	babelfish bool
}

func openServer(t *testing.T) *server {
	t.Helper()
	dsn := testenv.RequireMSSQL(t)
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &server{dsn: dsn, master: db, babelfish: testenv.IsBabelfish(t, db)}
}

// createDatabase creates an empty database (snapshot isolation as asked),
// returns a pool connected to it, and drops it when the test ends.
func (s *server) createDatabase(t *testing.T, prefix string, snapshot bool) (*sql.DB, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := prefix + "_" + hex.EncodeToString(suffix[:])
	q := tsql.QuoteIdent(name)
	if _, err := s.master.ExecContext(ctx, "CREATE DATABASE "+q); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		drop := "ALTER DATABASE " + q + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE " + q
		if s.babelfish {
			drop = "DROP DATABASE " + q // Babelfish has no SINGLE_USER; the test's pools are closed first
			closePools(name)
		}
		if _, err := s.master.ExecContext(ctx, drop); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	if snapshot && !s.babelfish { // Babelfish always allows SNAPSHOT (PostgreSQL's REPEATABLE READ)
		if _, err := s.master.ExecContext(ctx, "ALTER DATABASE "+q+" SET ALLOW_SNAPSHOT_ISOLATION ON"); err != nil {
			t.Fatalf("allow snapshot isolation on %s: %v", name, err)
		}
	}
	db, err := sql.Open("sqlserver", withDatabase(t, s.dsn, name))
	if err != nil {
		t.Fatal(err)
	}
	poolsMu.Lock()
	pools[name] = append(pools[name], db)
	poolsMu.Unlock()
	t.Cleanup(func() { db.Close() })
	return db, name
}

// pools are the connection pools opened on each test database: Babelfish
// drops a database only when no session uses it.
var (
	poolsMu sync.Mutex
	pools   = map[string][]*sql.DB{}
)

func closePools(name string) {
	poolsMu.Lock()
	defer poolsMu.Unlock()
	for _, db := range pools[name] {
		db.Close()
	}
	delete(pools, name)
}

// restoreWhatTheEngineTakes runs a script that creates a test database.
// On SQL Server every batch must succeed. On Babelfish the batches that use
// what it lacks fail and are logged, and the test goes on with what the
// engine took; Babelfish also refuses ALTER TABLE ... NOCHECK CONSTRAINT,
// which sample scripts use to load rows before the rows they reference, so
// there the script runs again, with that statement ignored (its escape
// hatch), while a pass loads rows an earlier one could not.
func (s *server) restoreWhatTheEngineTakes(t *testing.T, db *sql.DB, script []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if !s.babelfish {
		if _, err := sqlbatch.Restore(ctx, db, bytes.NewReader(script), sqlbatch.RestoreOptions{}); err != nil {
			t.Fatalf("create the test database: %v", err)
		}
		return
	}
	hatch := append([]byte("EXEC sys.sp_babelfish_configure 'babelfishpg_tsql.escape_hatch_nocheck_existing_constraint', 'ignore';\nGO\n"), script...)
	var first sqlbatch.RestoreStats
	for pass, failed := 1, -1; pass <= 4; pass++ {
		st, err := sqlbatch.Restore(ctx, db, bytes.NewReader(hatch), sqlbatch.RestoreOptions{ContinueOnError: true})
		if err != nil && !errors.Is(err, sqlbatch.ErrBatchesFailed) {
			t.Fatalf("create the test database: %v", err)
		}
		if pass == 1 {
			first = st
		}
		if st.Failed == failed || st.Failed == 0 {
			break
		}
		failed = st.Failed
	}
	t.Logf("Babelfish refused %d of %d batches of the source script on its first pass (features it lacks):", first.Failed, first.Batches)
	for _, e := range first.Errors {
		t.Logf("  %v", e)
	}
}

func restore(t *testing.T, db *sql.DB, script io.Reader) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	if _, err := sqlbatch.Restore(ctx, db, script, sqlbatch.RestoreOptions{}); err != nil {
		t.Fatalf("restore: %v", err)
	}
}

func dumpDB(t *testing.T, db *sql.DB, opts scripter.Options) ([]byte, *scripter.Stats) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	var out bytes.Buffer
	st, err := scripter.Dump(ctx, db, &out, opts)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	return out.Bytes(), st
}

// tortureDatabase creates the torture database from testdata/torture.sql.
func tortureDatabase(t *testing.T, s *server) (*sql.DB, string) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", "torture.sql"))
	if err != nil {
		t.Fatalf("the torture schema is missing: %v", err)
	}
	db, name := s.createDatabase(t, "mssqldump_torture", true)
	s.restoreWhatTheEngineTakes(t, db, script)
	return db, name
}

// sameModuloName compares two dumps, the database name being the only
// allowed difference; it reports the first differing line.
func sameModuloName(t *testing.T, what string, a []byte, nameA string, b []byte, nameB string) {
	t.Helper()
	x := strings.ReplaceAll(string(a), nameA, "<db>")
	y := strings.ReplaceAll(string(b), nameB, "<db>")
	if x == y {
		return
	}
	xl, yl := strings.Split(x, "\n"), strings.Split(y, "\n")
	for i := 0; i < len(xl) && i < len(yl); i++ {
		if xl[i] != yl[i] {
			t.Fatalf("%s: dumps differ at line %d:\n  first:  %q\n  second: %q", what, i+1, xl[i], yl[i])
		}
	}
	t.Fatalf("%s: dumps differ in length: %d vs %d lines", what, len(xl), len(yl))
}

// tableChecks returns, per user table, its row count and a digest of its
// rows over every comparable column except rowversion (which the restore
// regenerates by design).
func tableChecks(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT s.name, t.name, t.object_id FROM sys.tables AS t
JOIN sys.schemas AS s ON s.schema_id = t.schema_id WHERE t.is_ms_shipped = 0 ORDER BY s.name, t.name`)
	if err != nil {
		t.Fatal(err)
	}
	type tbl struct {
		schema, name string
		id           int64
	}
	var tables []tbl
	for rows.Next() {
		var x tbl
		if err := rows.Scan(&x.schema, &x.name, &x.id); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, x)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	out := map[string]string{}
	for _, x := range tables {
		crow, err := db.QueryContext(ctx, `SELECT c.name FROM sys.columns AS c
JOIN sys.types AS ty ON ty.user_type_id = c.user_type_id
WHERE c.object_id = @p1 AND c.system_type_id NOT IN (189, 241, 35, 99, 34, 240) AND c.is_column_set = 0
ORDER BY c.column_id`, x.id)
		if err != nil {
			t.Fatal(err)
		}
		var cols []string
		for crow.Next() {
			var c string
			if err := crow.Scan(&c); err != nil {
				t.Fatal(err)
			}
			cols = append(cols, tsql.QuoteIdent(c))
		}
		crow.Close()
		n, sum := rowDigest(t, db, x.schema, x.name, cols)
		out[x.schema+"."+x.name] = fmt.Sprintf("rows=%d digest=%016x", n, sum)
	}
	return out
}

func TestIntegrationTortureDatabaseRoundTripsByteIdentical(t *testing.T) {
	s := openServer(t)
	src, srcName := tortureDatabase(t, s)

	// Permissions on: the torture database has users, roles, memberships
	// and GRANT/DENY, and they must round-trip too.
	opts := scripter.Options{Permissions: true}
	first, st := dumpDB(t, src, opts)
	for _, w := range st.Warnings {
		if w.Code == scripter.WarnSnapshotUnavailable {
			t.Errorf("snapshot isolation is on, yet: %+v", w)
		}
	}
	if st.Tables == 0 || len(st.Rows) == 0 || st.Bytes != int64(len(first)) {
		t.Errorf("stats = %+v", st)
	}
	roundTrip(t, s, src, srcName, opts)
}

// TestIntegrationZipRestoresInListedOrder: running the zip's files in
// restore-order.txt order rebuilds the same database.
func TestIntegrationZipRestoresInListedOrder(t *testing.T) {
	s := openServer(t)
	src, srcName := tortureDatabase(t, s)
	sqlDump, _ := dumpDB(t, src, scripter.Options{})
	zipDump, _ := dumpDB(t, src, scripter.Options{Format: scripter.FormatZip})
	zipAgain, _ := dumpDB(t, src, scripter.Options{Format: scripter.FormatZip})
	if !bytes.Equal(zipDump, zipAgain) {
		t.Fatal("two zips of one database differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(zipDump), int64(len(zipDump)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	order, err := files[scripter.RestoreOrderFile].Open()
	if err != nil {
		t.Fatal(err)
	}
	list, _ := io.ReadAll(order)
	dst, dstName := s.createDatabase(t, "mssqldump_zip", true)
	for _, line := range strings.Split(string(list), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f, ok := files[line]
		if !ok {
			t.Fatalf("restore-order.txt lists %q, which is not in the archive", line)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		restore(t, dst, rc)
		rc.Close()
	}
	redump, _ := dumpDB(t, dst, scripter.Options{})
	sameModuloName(t, "sql dump of the zip restore", sqlDump, srcName, redump, dstName)
}

func TestIntegrationConsistencyWithoutSnapshotIsolation(t *testing.T) {
	s := openServer(t)
	testenv.SkipOnBabelfish(t, s.master, "SNAPSHOT isolation is always allowed (PostgreSQL's REPEATABLE READ); there is no database without it to test")
	db, _ := s.createDatabase(t, "mssqldump_nosnap", false)
	restore(t, db, strings.NewReader("CREATE TABLE dbo.t (id int PRIMARY KEY, v nvarchar(10));\nGO\nINSERT dbo.t VALUES (1, N'a'), (2, N'b');\nGO\n"))

	_, st := dumpDB(t, db, scripter.Options{})
	found := false
	for _, w := range st.Warnings {
		found = found || w.Code == scripter.WarnSnapshotUnavailable
	}
	if !found || st.Rows["dbo.t"] != 2 {
		t.Errorf("auto: warnings %+v rows %v", st.Warnings, st.Rows)
	}
	_, st = dumpDB(t, db, scripter.Options{Consistency: scripter.ConsistencyNone})
	for _, w := range st.Warnings {
		if w.Code == scripter.WarnSnapshotUnavailable {
			t.Errorf("none: unexpected warning %+v", w)
		}
	}
	var out bytes.Buffer
	_, err := scripter.Dump(context.Background(), db, &out, scripter.Options{Consistency: scripter.ConsistencySnapshot})
	if !errors.Is(err, scripter.ErrSnapshotUnavailable) || out.Len() != 0 {
		t.Errorf("snapshot: err %v, %d bytes written", err, out.Len())
	}
}

func TestIntegrationServerErrorsAreTyped(t *testing.T) {
	s := openServer(t)
	missing, err := sql.Open("sqlserver", withDatabase(t, s.dsn, "mssqldump_no_such_database_"+hex.EncodeToString([]byte{1, 2, 3})))
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	_, err = scripter.Dump(context.Background(), missing, io.Discard, scripter.Options{})
	var se *scripter.ServerError
	if !errors.As(err, &se) || (se.Kind != scripter.KindDatabase && se.Kind != scripter.KindLogin) {
		t.Errorf("missing database: %v (%T)", err, err)
	}

	if strings.HasPrefix(s.dsn, "sqlserver://") {
		u, _ := url.Parse(s.dsn)
		if u.User != nil {
			u.User = url.UserPassword(u.User.Username(), "certainly-not-the-password")
			bad, err := sql.Open("sqlserver", u.String())
			if err != nil {
				t.Fatal(err)
			}
			defer bad.Close()
			_, err = scripter.Dump(context.Background(), bad, io.Discard, scripter.Options{})
			if !errors.As(err, &se) || se.Kind != scripter.KindLogin || se.Number != 18456 {
				t.Errorf("wrong password: %v", err)
			}
		}
	}
}

// rowDigest counts a table's rows and sums a SHA-256 of each row's values
// as the driver returns them, so that the digest does not depend on row
// order. It is computed here rather than with CHECKSUM_AGG, which Babelfish
// does not have, and it misses no difference BINARY_CHECKSUM would.
func rowDigest(t *testing.T, db *sql.DB, schema, name string, cols []string) (int64, uint64) {
	t.Helper()
	list := "1"
	if len(cols) > 0 {
		list = strings.Join(cols, ", ")
	}
	q := "SELECT " + list + " FROM " + tsql.QuoteName(schema, name)
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	n, sum := int64(0), uint64(0)
	vals := make([]any, max(len(cols), 1))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		h := sha256.New()
		for _, v := range vals {
			fmt.Fprintf(h, "%T:%v|", v, v)
		}
		sum += binary.BigEndian.Uint64(h.Sum(nil))
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n, sum
}
