package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
)

func TestTheFirstArgumentIsTheDatabaseWhateverTheDSNSays(t *testing.T) {
	for _, tc := range []struct {
		name        string
		flag        string
		flagSet     bool
		dsn         string
		args        []string
		wantDB      string
		wantRest    []string
		wantUsageIn string // non-empty: a usage error containing this
	}{
		{name: "positional only", args: []string{"Sales"}, wantDB: "Sales"},
		{name: "positional and tables", args: []string{"Sales", "dbo.a", "b"}, wantDB: "Sales", wantRest: []string{"dbo.a", "b"}},
		{name: "dsn only", dsn: "Sales", wantDB: "Sales"},
		{name: "dsn and the same positional", dsn: "Sales", args: []string{"Sales"}, wantDB: "Sales"},
		{name: "dsn and the same positional in another case", dsn: "sales", args: []string{"SALES", "dbo.a"}, wantDB: "SALES", wantRest: []string{"dbo.a"}},
		{name: "dsn and another positional", dsn: "Sales", args: []string{"Orders"}, wantUsageIn: `"Sales" but the first argument names database "Orders"`},
		{name: "database flag makes every argument a table", flag: "Sales", flagSet: true, args: []string{"Sales", "dbo.a"}, wantDB: "Sales", wantRest: []string{"Sales", "dbo.a"}},
		{name: "database flag wins over the dsn", flag: "Sales", flagSet: true, dsn: "Other", args: []string{"dbo.a"}, wantDB: "Sales", wantRest: []string{"dbo.a"}},
		{name: "database flag alone", flag: "Sales", flagSet: true, wantDB: "Sales"},
		{name: "nothing names a database", wantUsageIn: "missing DATABASE: usage line"},
		{name: "empty database flag falls back to the arguments", flag: "", flagSet: true, args: []string{"Sales"}, wantDB: "Sales"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, rest, err := databaseArgs(tc.flag, tc.flagSet, tc.dsn, tc.args, "usage line")
			if tc.wantUsageIn != "" {
				var usage *exitcode.UsageError
				if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.wantUsageIn) {
					t.Fatalf("error %v, want a usage error containing %q", err, tc.wantUsageIn)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if db != tc.wantDB || !slices.Equal(rest, tc.wantRest) {
				t.Errorf("database %q, rest %q; want %q, %q", db, rest, tc.wantDB, tc.wantRest)
			}
		})
	}
}

func TestDSNDatabaseAndTheSamePositionalDumpThatDatabaseWithoutTables(t *testing.T) {
	f := newFleet(t)
	src := &recordingSource{}
	f.startAgent(t, src, nil)
	r := mssqldump(t, nil, f.flags("--dsn", "sqlserver://u:S3cret!@dbhost?database=Sales", "Sales")...)
	wantCode(t, r, 0)
	job, _ := src.last(t)
	if job.Database != "Sales" || len(job.Options.Tables) != 0 {
		t.Errorf("job database %q, tables %q; want Sales and no table", job.Database, job.Options.Tables)
	}
}

func TestDSNDatabaseAndAnotherPositionalIsAUsageErrorNamingBoth(t *testing.T) {
	for _, args := range [][]string{
		{"--dsn", "sqlserver://u:S3cret!@127.0.0.1?database=Sales", "Orders"},
		{"--dsn", "sqlserver://u:S3cret!@127.0.0.1?database=Sales", "restore", "db.sql"},
	} {
		r := mssqldump(t, nil, args...)
		wantCode(t, r, 2)
		if !strings.Contains(r.stderr, `"Sales"`) || !strings.Contains(r.stderr, `"`+args[len(args)-1]+`"`) {
			t.Errorf("%v: stderr does not name both databases:\n%s", args, r.stderr)
		}
		if strings.Contains(r.stderr, "S3cret!") {
			t.Errorf("%v: the password appears on stderr", args)
		}
	}
}

// restore reaches for the server (exit 3: nothing listens) only once the
// database is settled, and names it.
func TestRestoreTakesTheDatabaseFromTheDSNOrTheSameFirstArgument(t *testing.T) {
	port := closedPort(t)
	dsn := fmt.Sprintf("sqlserver://u:S3cret!@127.0.0.1:%d?database=Sales", port)
	file := filepath.Join(t.TempDir(), "db.sql")
	if err := os.WriteFile(file, []byte("SELECT 1\nGO\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--dsn", dsn, "restore"},                              // script on stdin, database from the DSN
		{"--dsn", dsn, "restore", "Sales", file},               // the same database twice
		{"--dsn", dsn, "restore", "--database", "Sales", file}, // --database: the argument is the FILE
	} {
		r := mssqldump(t, nil, args...)
		wantCode(t, r, 3)
		if !strings.Contains(r.stderr, `database "Sales"`) {
			t.Errorf("%v: stderr does not name database Sales:\n%s", args[2:], r.stderr)
		}
	}
}
