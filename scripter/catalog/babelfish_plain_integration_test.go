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
	dsn := testenv.RequireMSSQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	master := openDatabase(t, dsn, "master")
	var babelfish sql.NullInt64
	if err := master.QueryRowContext(ctx, `SELECT CAST(SERVERPROPERTY('Babelfish') AS int)`).Scan(&babelfish); err != nil {
		t.Fatal(err)
	}
	if babelfish.Int64 != 1 {
		t.Skip("the plain reads run only on Babelfish")
	}
	torture := createTortureDatabase(ctx, t, dsn, master)
	names := []string{torture}
	rows, err := master.QueryContext(ctx, `SELECT name FROM sys.databases ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		// Other tests' databases (mssqldump_*) come and go while this runs.
		if n != torture && n != "master" && n != "tempdb" && n != "msdb" && !strings.HasPrefix(n, "mssqldump_") {
			names = append(names, n)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]Scope{"data only": {DataOnly: true}, "full": {}, "full with permissions": {Permissions: true}}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			db := openDatabase(t, dsn, name)
			conn, err := db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			s, err := DetectServer(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			joined := *s
			joined.joinedOnly = true
			for scopeName, scope := range scopes {
				plainRows, err := ReadRowsScope(ctx, conn, s, scope)
				if err != nil {
					t.Fatalf("%s, plain reads: %v", scopeName, err)
				}
				joinedRows, err := ReadRowsScope(ctx, conn, &joined, scope)
				if err != nil {
					t.Fatalf("%s, joined queries: %v", scopeName, err)
				}
				if diff := firstRowDifference(plainRows, joinedRows); diff != "" {
					t.Errorf("%s: %s", scopeName, diff)
				}
			}
		})
	}
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

// createTortureDatabase creates a database from scripter's torture schema,
// with what Babelfish takes of it (it refuses the features it lacks, batch
// by batch), and drops it when the test ends.
func createTortureDatabase(ctx context.Context, t *testing.T, dsn string, master *sql.DB) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("..", "testdata", "torture.sql"))
	if err != nil {
		t.Fatalf("the torture schema is missing: %v", err)
	}
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := "mssqldump_plain_" + hex.EncodeToString(suffix[:])
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
