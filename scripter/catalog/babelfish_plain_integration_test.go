package catalog

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/testenv"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// TestIntegrationOnBabelfishThePlainReadsReturnTheRowsOfTheJoinedQueries
// reads the catalog of the torture database (scripter/testdata) and of
// every other user database on the server twice, with the plain reads and
// with the joined queries, in every scope, and wants the same rows and the
// same warnings.
func TestIntegrationOnBabelfishThePlainReadsReturnTheRowsOfTheJoinedQueries(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	dsn, master := requireBabelfish(ctx, t)
	torture := createTortureDatabase(ctx, t, dsn, master)
	names := append([]string{torture}, userDatabases(ctx, t, master, false)...)
	scopes := map[string]Scope{"data only": {DataOnly: true}, "full": {}, "full with permissions": {Permissions: true}}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			conn, err := openDatabase(t, dsn, name).Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for scopeName, scope := range scopes {
				plainRows, joinedRows := readBothWays(ctx, t, conn, scope)
				if diff := firstRowDifference(plainRows, joinedRows); diff != "" {
					t.Errorf("%s: %s", scopeName, diff)
				}
			}
		})
	}
}

// requireBabelfish returns the test server's DSN and a pool on its master
// database, or skips the test unless the server is Babelfish: the plain
// reads run only there.
func requireBabelfish(ctx context.Context, t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := testenv.RequireMSSQL(t)
	master := openDatabase(t, dsn, "master")
	var babelfish sql.NullInt64
	if err := master.QueryRowContext(ctx, `SELECT CAST(SERVERPROPERTY('Babelfish') AS int)`).Scan(&babelfish); err != nil {
		t.Fatal(err)
	}
	if babelfish.Int64 != 1 {
		t.Skip("the plain reads run only on Babelfish")
	}
	return dsn, master
}

// userDatabases lists the server's databases, master, tempdb and msdb only
// withSystem, and never other tests' (mssqldump_*), which come and go
// while a test runs.
func userDatabases(ctx context.Context, t *testing.T, master *sql.DB, withSystem bool) []string {
	t.Helper()
	rows, err := master.QueryContext(ctx, `SELECT name FROM sys.databases ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		system := n == "master" || n == "tempdb" || n == "msdb"
		if (withSystem || !system) && !strings.HasPrefix(n, "mssqldump_") {
			names = append(names, n)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// readBothWays reads the catalog of conn's database in scope with the plain
// reads and with the joined queries.
func readBothWays(ctx context.Context, t *testing.T, conn *sql.Conn, scope Scope) (plain, joined *Rows) {
	t.Helper()
	s, err := DetectServer(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	plain, err = ReadRowsScope(ctx, conn, s, scope)
	if err != nil {
		t.Fatalf("plain reads: %v", err)
	}
	j := *s
	j.joinedOnly = true
	if joined, err = ReadRowsScope(ctx, conn, &j, scope); err != nil {
		t.Fatalf("joined queries: %v", err)
	}
	return plain, joined
}

// firstRowDifference names the first field of Rows whose rows differ, and
// the first differing row, or returns "".
func firstRowDifference(plain, joined *Rows) string {
	pv, jv := reflect.ValueOf(plain).Elem(), reflect.ValueOf(joined).Elem()
	for i := 0; i < pv.NumField(); i++ {
		field := pv.Type().Field(i).Name
		if field == "Server" {
			continue
		}
		a, b := pv.Field(i), jv.Field(i)
		if reflect.DeepEqual(a.Interface(), b.Interface()) {
			continue
		}
		if a.Kind() != reflect.Slice {
			return fmt.Sprintf("%s: plain %+v, joined %+v", field, a.Interface(), b.Interface())
		}
		for k := 0; k < a.Len() || k < b.Len(); k++ {
			switch {
			case k >= a.Len():
				return fmt.Sprintf("%s: plain has %d rows, joined %d; joined row %d: %+v", field, a.Len(), b.Len(), k, b.Index(k).Interface())
			case k >= b.Len():
				return fmt.Sprintf("%s: plain has %d rows, joined %d; plain row %d: %+v", field, a.Len(), b.Len(), k, a.Index(k).Interface())
			case !reflect.DeepEqual(a.Index(k).Interface(), b.Index(k).Interface()):
				return fmt.Sprintf("%s row %d:\n  plain:  %+v\n  joined: %+v", field, k, a.Index(k).Interface(), b.Index(k).Interface())
			}
		}
		// Equal elements, yet unequal: nil against an empty slice.
		return fmt.Sprintf("%s: plain %#v, joined %#v", field, a.Interface(), b.Interface())
	}
	return ""
}

// openDatabase opens a pool on database name of the server dsn names.
func openDatabase(t *testing.T, dsn, name string) *sql.DB {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "sqlserver" {
		t.Fatalf("%s must be a sqlserver:// URL", testenv.MSSQLDSNVar)
	}
	q := u.Query()
	q.Set("database", name)
	u.RawQuery = q.Encode()
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// createScratchDatabase creates a database named prefix_<random>, which
// is dropped when the test ends.
func createScratchDatabase(ctx context.Context, t *testing.T, dsn string, master *sql.DB, prefix string) (*sql.DB, string) {
	t.Helper()
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := prefix + "_" + hex.EncodeToString(suffix[:])
	if _, err := master.ExecContext(ctx, "CREATE DATABASE ["+name+"]"); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	db := openDatabase(t, dsn, name)
	t.Cleanup(func() {
		db.Close() // Babelfish drops a database only when no session uses it
		if _, err := master.ExecContext(context.Background(), "DROP DATABASE ["+name+"]"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return db, name
}

// createTortureDatabase creates a database from scripter's torture schema,
// with what Babelfish takes of it (it refuses the features it lacks, batch
// by batch), and drops it when the test ends.
func createTortureDatabase(ctx context.Context, t *testing.T, dsn string, master *sql.DB) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("..", "testdata", "torture.sql"))
	if err != nil {
		t.Fatalf("the torture schema is missing: %v", err)
	}
	db, name := createScratchDatabase(ctx, t, dsn, master, "mssqldump_plain")
	hatch := "EXEC sys.sp_babelfish_configure 'babelfishpg_tsql.escape_hatch_nocheck_existing_constraint', 'ignore';\nGO\n"
	for pass, failed := 1, -1; pass <= 4; pass++ {
		st, err := sqlbatch.Restore(ctx, db, bytes.NewReader(append([]byte(hatch), script...)), sqlbatch.RestoreOptions{ContinueOnError: true})
		if err != nil && !errors.Is(err, sqlbatch.ErrBatchesFailed) {
			t.Fatalf("create the torture database: %v", err)
		}
		if st.Failed == failed || st.Failed == 0 {
			break
		}
		failed = st.Failed
	}
	return name
}
