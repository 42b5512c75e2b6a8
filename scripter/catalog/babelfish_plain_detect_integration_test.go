package catalog

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/internal/testenv"
)

// TestIntegrationOnBabelfishThePlainDetectionFindsWhatTheJoinedOneFinds
// detects the server in several databases twice, with the plain reads and
// with the joined queries, and wants the same Server, field by field.
func TestIntegrationOnBabelfishThePlainDetectionFindsWhatTheJoinedOneFinds(t *testing.T) {
	dsn := testenv.RequireMSSQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	master := openDatabase(t, dsn, "master")
	var babelfish sql.NullInt64
	if err := master.QueryRowContext(ctx, `SELECT CAST(SERVERPROPERTY('Babelfish') AS int)`).Scan(&babelfish); err != nil {
		t.Fatal(err)
	}
	if babelfish.Int64 != 1 {
		t.Skip("the plain detection runs only on Babelfish")
	}
	names := []string{"master", "tempdb", "msdb"}
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
		if n != "master" && n != "tempdb" && n != "msdb" && !strings.HasPrefix(n, "mssqldump_") {
			names = append(names, n)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			conn, err := openDatabase(t, dsn, name).Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			plain, err := DetectServer(ctx, conn)
			if err != nil {
				t.Fatalf("plain detection: %v", err)
			}
			joined, err := detectServerJoined(ctx, conn)
			if err != nil {
				t.Fatalf("joined detection: %v", err)
			}
			if len(joined.columns) == 0 || len(joined.views) == 0 || !joined.Babelfish {
				t.Fatalf("the joined detection found no columns or views, or not Babelfish: %+v", joined)
			}
			pv, jv := reflect.ValueOf(plain).Elem(), reflect.ValueOf(joined).Elem()
			for i := 0; i < pv.NumField(); i++ {
				a, b := pv.Field(i), jv.Field(i)
				if !reflect.DeepEqual(reflect.NewAt(a.Type(), a.Addr().UnsafePointer()).Elem().Interface(),
					reflect.NewAt(b.Type(), b.Addr().UnsafePointer()).Elem().Interface()) {
					t.Errorf("%s: plain %v, joined %v", pv.Type().Field(i).Name,
						reflect.NewAt(a.Type(), a.Addr().UnsafePointer()).Elem().Interface(),
						reflect.NewAt(b.Type(), b.Addr().UnsafePointer()).Elem().Interface())
				}
			}
			if !reflect.DeepEqual(*plain, *joined) {
				t.Errorf("the Servers differ")
			}
		})
	}
}
