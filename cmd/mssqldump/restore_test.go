package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/testenv"
)

func TestRestoreNeedsADatabase(t *testing.T) {
	r := mssqldump(t, nil, "restore")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "DATABASE") {
		t.Errorf("stderr does not ask for DATABASE:\n%s", r.stderr)
	}
}

func TestRestoreToAnUnreachableServerExits3NamingIt(t *testing.T) {
	port := closedPort(t)
	cmd := command(t, nil, "restore", "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-u", "sa", "-pS3cret!", "scratch")
	cmd.Stdin = strings.NewReader("SELECT 1\nGO\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want code 3\n%s", err, stderr.String())
	}
	if want := fmt.Sprintf("127.0.0.1:%d", port); !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr does not name %s:\n%s", want, stderr.String())
	}
	if strings.Contains(stderr.String(), "S3cret!") {
		t.Errorf("the password appears on stderr")
	}
}

// TestRestoreRunsAScriptBatchByBatch needs a SQL Server
// (MSSQLDUMP_TEST_MSSQL_DSN, a login allowed to create databases).
func TestRestoreRunsAScriptBatchByBatch(t *testing.T) {
	dsn := testenv.RequireMSSQL(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "sqlserver" {
		t.Fatalf("%s must be a sqlserver:// URL", testenv.MSSQLDSNVar)
	}
	connector, err := mssql.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	ctx := context.Background()
	name := fmt.Sprintf("mssqldump_restore_%d", closedPort(t))
	if _, err := db.ExecContext(ctx, "CREATE DATABASE ["+name+"]"); err != nil {
		t.Fatal(err)
	}
	defer db.ExecContext(ctx, "ALTER DATABASE ["+name+"] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ["+name+"]")

	q := u.Query()
	q.Del("database")
	u.RawQuery = q.Encode()
	script := "CREATE TABLE dbo.t (id int PRIMARY KEY, s nvarchar(20));\nGO\n" +
		"INSERT INTO dbo.t VALUES (1, N'GO'), (2, N'$(x)');\nGO\n"
	cmd := command(t, []string{"MSSQLDUMP_DSN=" + u.String()}, "restore", name)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM ["+name+"].dbo.t").Scan(&n); err != nil || n != 2 {
		t.Fatalf("restored rows: %d, %v", n, err)
	}

	// A failing batch names its line and exits 3.
	cmd = command(t, []string{"MSSQLDUMP_DSN=" + u.String()}, "restore", name)
	cmd.Stdin = strings.NewReader("SELECT 1\nGO\nSELECT * FROM dbo.missing\nGO\n")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || !strings.Contains(string(out), "line 3") {
		t.Fatalf("failing restore: %v\n%s", err, out)
	}
}

// TestRestoreRunsAZipArchiveInItsListedOrder needs a SQL Server
// (MSSQLDUMP_TEST_MSSQL_DSN): the archive's files arrive in the wrong order
// for a naive reader, and restore-order.txt puts the CREATE first.
func TestRestoreRunsAZipArchiveInItsListedOrder(t *testing.T) {
	dsn := testenv.RequireMSSQL(t)
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "sqlserver" {
		t.Fatalf("%s must be a sqlserver:// URL", testenv.MSSQLDSNVar)
	}
	connector, err := mssql.NewConnector(dsn)
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	ctx := context.Background()
	name := fmt.Sprintf("mssqldump_restore_zip_%d", closedPort(t))
	if _, err := db.ExecContext(ctx, "CREATE DATABASE ["+name+"]"); err != nil {
		t.Fatal(err)
	}
	defer db.ExecContext(ctx, "ALTER DATABASE ["+name+"] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE ["+name+"]")
	q := u.Query()
	q.Del("database")
	u.RawQuery = q.Encode()

	cmd := command(t, []string{"MSSQLDUMP_DSN=" + u.String()}, "restore", name)
	cmd.Stdin = bytes.NewReader(dumpArchive(t))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM ["+name+"].dbo.t").Scan(&n); err != nil || n != 1 {
		t.Fatalf("restored rows: %d, %v", n, err)
	}
}
