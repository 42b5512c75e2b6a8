package scripter

import (
	"archive/zip"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

func dump(t testing.TB, r Reader, opts Options) (string, *Stats) {
	t.Helper()
	var out bytes.Buffer
	st, err := DumpFrom(context.Background(), r, &out, opts)
	if err != nil {
		t.Fatalf("DumpFrom: %v", err)
	}
	return out.String(), st
}

func TestDumpOfTheSameDatabaseIsByteIdentical(t *testing.T) {
	for _, fx := range []string{"torture", "northwind", "pubs"} {
		a, _ := dump(t, newMemReader(t, fx, 300), Options{})
		b, _ := dump(t, newMemReader(t, fx, 300), Options{})
		if a != b {
			t.Errorf("%s: two dumps differ", fx)
		}
		for _, bad := range []string{time.Now().Format("2006-01-02"), "Dump completed"} {
			if strings.Contains(a, bad) {
				t.Errorf("%s: dump contains %q without DumpDate", fx, bad)
			}
		}
	}
}

func TestDumpWritesPreDataThenDataThenPostData(t *testing.T) {
	out, st := dump(t, newMemReader(t, "northwind", 50), Options{})
	create := strings.Index(out, "CREATE TABLE [dbo].[Orders]")
	insert := strings.Index(out, "INSERT INTO [dbo].[Orders]")
	fk := strings.Index(out, "FOREIGN KEY")
	if create < 0 || insert < 0 || fk < 0 || !(create < insert && insert < fk) {
		t.Fatalf("order create=%d insert=%d fk=%d", create, insert, fk)
	}
	if !strings.HasPrefix(out, "-- mssqldump T-SQL script\n-- Database: Northwind\n") {
		t.Errorf("header: %q", out[:80])
	}
	if st.Rows["dbo.Orders"] != 50 || st.Tables != 13 || st.Bytes != int64(len(out)) || st.Objects == 0 {
		t.Errorf("stats = %+v", st)
	}
	// Identity tables: SET IDENTITY_INSERT around the rows.
	if !strings.Contains(out, "SET IDENTITY_INSERT [dbo].[Orders] ON;\nINSERT INTO [dbo].[Orders] (") {
		t.Error("no IDENTITY_INSERT for an identity table")
	}
	if strings.Contains(out, "SET IDENTITY_INSERT [dbo].[Order Details]") {
		t.Error("IDENTITY_INSERT for a table without identity")
	}
}

func TestDumpDateAddsOneTrailerLine(t *testing.T) {
	defer func(f func() time.Time) { now = f }(now)
	now = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600)) }
	with, _ := dump(t, newMemReader(t, "pubs", 3), Options{DumpDate: true})
	without, _ := dump(t, newMemReader(t, "pubs", 3), Options{})
	if with != without+"-- Dump completed on 2026-03-04 04:06:07 UTC\n" {
		t.Errorf("DumpDate trailer wrong: ...%q", with[max(0, len(with)-80):])
	}
}

func TestNoDataAndNoCreateInfo(t *testing.T) {
	schema, st := dump(t, newMemReader(t, "northwind", 10), Options{NoData: true})
	if strings.Contains(schema, "INSERT INTO") || !strings.Contains(schema, "CREATE TABLE") || len(st.Rows) != 0 {
		t.Error("NoData still wrote rows or lost the schema")
	}
	dataOnly, _ := dump(t, newMemReader(t, "northwind", 10), Options{NoCreateInfo: true})
	if strings.Contains(dataOnly, "CREATE TABLE") || strings.Contains(dataOnly, "FOREIGN KEY") || !strings.Contains(dataOnly, "INSERT INTO [dbo].[Customers]") {
		t.Error("NoCreateInfo wrote DDL or lost the rows")
	}
}

func TestWhereIsAppliedToEveryTableQuery(t *testing.T) {
	r := newMemReader(t, "pubs", 1)
	dump(t, r, Options{Where: "1 = 1"})
	if len(r.queries) != 11 {
		t.Fatalf("%d queries", len(r.queries))
	}
	for _, q := range r.queries {
		if !strings.Contains(q, " WHERE (1 = 1) ORDER BY ") {
			t.Errorf("query without the filter: %s", q)
		}
	}
}

func TestTablesFilterKeepsOnlyThoseTablesAndWhatTheyNeed(t *testing.T) {
	out, st := dump(t, newMemReader(t, "northwind", 5), Options{Tables: []string{"Orders", "dbo.[Order Details]"}})
	if !strings.Contains(out, "CREATE TABLE [dbo].[Orders]") || !strings.Contains(out, "CREATE TABLE [dbo].[Order Details]") {
		t.Error("listed tables missing")
	}
	if strings.Contains(out, "CREATE TABLE [dbo].[Customers]") || strings.Contains(out, "-- VIEW ") || strings.Contains(out, "-- PROCEDURE ") {
		t.Error("unlisted objects dumped")
	}
	if len(st.Rows) != 2 {
		t.Errorf("rows for %v", st.Rows)
	}
	// Case-insensitive fallback, like SQL Server's default collations.
	out, _ = dump(t, newMemReader(t, "northwind", 1), Options{Tables: []string{"dbo.orders"}})
	if !strings.Contains(out, "CREATE TABLE [dbo].[Orders]") {
		t.Error("case-insensitive table name not resolved")
	}
}

func TestIgnoreTablesAndSchemaAndTypeFilters(t *testing.T) {
	out, _ := dump(t, newMemReader(t, "northwind", 1), Options{IgnoreTables: []string{"dbo.Orders"}})
	if strings.Contains(out, "CREATE TABLE [dbo].[Orders]") || !strings.Contains(out, "CREATE TABLE [dbo].[Customers]") {
		t.Error("IgnoreTables")
	}
	out, _ = dump(t, newMemReader(t, "torture", 1), Options{ExcludeSchemas: []string{"/^sa/"}})
	if strings.Contains(out, "[sales].") || !strings.Contains(out, "CREATE TABLE [dbo].[Parent]") {
		t.Error("ExcludeSchemas regexp")
	}
	out, _ = dump(t, newMemReader(t, "northwind", 1), Options{IncludeTypes: []string{"view"}})
	if strings.Contains(out, "CREATE TABLE") || !strings.Contains(out, "-- VIEW [dbo].[Order Subtotals]") {
		t.Error("IncludeTypes view")
	}
	out, _ = dump(t, newMemReader(t, "northwind", 1), Options{ExcludeObjects: []string{"/^dbo\\.Cust/"}})
	if strings.Contains(out, "CREATE TABLE [dbo].[Customers]") || !strings.Contains(out, "CREATE TABLE [dbo].[Orders]") {
		t.Error("ExcludeObjects regexp")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) { f.n += len(p); return len(p), nil }

func TestBadOptionsFailBeforeAnyOutput(t *testing.T) {
	for name, opts := range map[string]Options{
		"regexp":      {IncludeObjects: []string{"/([/"}},
		"type":        {ExcludeTypes: []string{"tabel"}},
		"table":       {Tables: []string{"dbo.NoSuchTable"}},
		"format":      {Format: "tar"},
		"consistency": {Consistency: "sometimes"},
		"rows":        {RowsPerInsert: 1001},
	} {
		var w failWriter
		_, err := DumpFrom(context.Background(), newMemReader(t, "northwind", 1), &w, opts)
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Errorf("%s: err = %v, want *OptionError", name, err)
			continue
		}
		if w.n != 0 {
			t.Errorf("%s: %d bytes written before the error", name, w.n)
		}
		if !strings.Contains(err.Error(), oe.Option) {
			t.Errorf("%s: message %q does not name the option", name, err)
		}
	}
}

func TestWarningsReachStats(t *testing.T) {
	r := newMemReader(t, "torture", 1)
	r.warnings = []Warning{{Code: WarnSnapshotUnavailable, Object: "mssqldump_torture", Message: "read committed"}}
	_, st := dump(t, r, Options{})
	if len(st.Warnings) == 0 || st.Warnings[0].Code != WarnSnapshotUnavailable {
		t.Errorf("warnings = %+v", st.Warnings)
	}
}

func TestProgressCountsRowsAndTables(t *testing.T) {
	var last Progress
	var calls int
	var prevRows int64
	opts := Options{RowsPerInsert: 10, Progress: func(p Progress) {
		calls++
		if p.Rows < prevRows {
			t.Errorf("rows went back from %d to %d", prevRows, p.Rows)
		}
		prevRows = p.Rows
		last = p
	}}
	_, st := dump(t, newMemReader(t, "pubs", 100), opts)
	if last.Rows != 1100 || last.Tables != 11 || last.Bytes != st.Bytes || calls < 100 {
		t.Errorf("last progress %+v after %d calls, stats %+v", last, calls, st)
	}
}

func TestZipIsByteIdenticalAndListsRestoreOrder(t *testing.T) {
	a, _ := dump(t, newMemReader(t, "torture", 20), Options{Format: FormatZip})
	b, _ := dump(t, newMemReader(t, "torture", 20), Options{Format: FormatZip})
	if a != b {
		t.Fatal("two zips of the same database differ")
	}
	zr, err := zip.NewReader(strings.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	var names []string
	for _, f := range zr.File {
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s: modified %v", f.Name, f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		files[f.Name] = string(body)
		names = append(names, f.Name)
	}
	if names[len(names)-1] != RestoreOrderFile {
		t.Fatalf("last entry %q", names[len(names)-1])
	}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(files[RestoreOrderFile]), "\n") {
		if !strings.HasPrefix(line, "#") {
			listed = append(listed, line)
		}
	}
	if strings.Join(listed, "\n") != strings.Join(names[:len(names)-1], "\n") {
		t.Errorf("restore order does not list the archive's files in order:\n%v\n%v", listed, names)
	}
	for _, want := range []string{"tables/dbo.Parent.sql", "data/dbo.Parent.sql", "settings/pre-data.sql", "settings/post-data.sql"} {
		if _, ok := files[want]; !ok {
			t.Errorf("missing %s in %v", want, names)
		}
	}
	if !strings.Contains(files["data/dbo.Parent.sql"], "INSERT INTO [dbo].[Parent]") {
		t.Error("data file without rows")
	}
	// Each file restores on a session of its own (sqlcmd -i per file starts
	// with QUOTED_IDENTIFIER OFF), so each begins with its section's settings.
	for _, n := range names {
		if n != RestoreOrderFile && !strings.Contains(strings.SplitN(files[n], "GO\n", 2)[0], "SET QUOTED_IDENTIFIER ON;") {
			t.Errorf("%s does not start with the session settings:\n%.200s", n, files[n])
		}
	}
	for _, n := range names {
		if strings.ContainsAny(n, "\\:*?\"<>|") || strings.Count(n, "/") != 1 && n != RestoreOrderFile {
			t.Errorf("unsafe path %q", n)
		}
	}
}

func TestFileNamesAreSafeAndUnique(t *testing.T) {
	for in, want := range map[string]string{
		"dbo.Orders":         "dbo.Orders",
		"we]ird 'sch' ü.a/b": "we]ird 'sch' ü.a%2Fb",
		"..x":                "%2E.x",
		"a:b*c?":             "a%3Ab%2Ac%3F",
		"tab\there":          "tab%09here",
		"100%":               "100%25",
		"trailing.":          "trailing%2E",
	} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("é", 200)
	if got := fileName(long); len(got) > 200 || got == fileName(long+"x") {
		t.Errorf("long names: %d bytes, unique=%v", len(got), got != fileName(long+"x"))
	}
	z := &zipSink{used: map[string]bool{}}
	if a, b := z.unique("tables/dbo.T.sql"), z.unique("tables/dbo.t.sql"); a == b || b != "tables/dbo.t~2.sql" {
		t.Errorf("case-insensitive collision: %q %q", a, b)
	}
}

// TestInsertingOneRowChangesFewStatements: end to end, a new row in a big
// table changes only the statement it lands in (and at most one more).
func TestInsertingOneRowChangesFewStatements(t *testing.T) {
	r := newMemReader(t, "pubs", 0)
	r.rows["dbo.jobs"] = 20000
	before, _ := dump(t, r, Options{Tables: []string{"jobs"}})
	r2 := newMemReader(t, "pubs", 0)
	var rows [][]any
	src, _ := r.Rows(context.Background(), nil2plan(t, r, "jobs"))
	for src.Next() {
		rows = append(rows, append([]any(nil), src.Row()...))
	}
	extra := append([]any(nil), rows[7000]...)
	extra[1] = "a brand new job"
	rows = append(rows[:7001], append([][]any{extra}, rows[7001:]...)...)
	r2.override["dbo.jobs"] = rows
	after, _ := dump(t, r2, Options{Tables: []string{"jobs"}})
	a, b := strings.SplitAfter(before, "GO\n"), strings.SplitAfter(after, "GO\n")
	seen := map[string]int{}
	for _, s := range b {
		seen[s]++
	}
	changed := 0
	for _, s := range a {
		if seen[s] > 0 {
			seen[s]--
		} else {
			changed++
		}
	}
	if changed > 2 || len(a) < 30 {
		t.Errorf("one inserted row changed %d of %d batches", changed, len(a))
	}
}

func TestServerErrorsAreClassified(t *testing.T) {
	cases := []struct {
		err  error
		kind ErrorKind
	}{
		{mssql.Error{Number: 18456, Message: "Login failed for user 'x'."}, KindLogin},
		{mssql.Error{Number: 4060, Message: "Cannot open database"}, KindDatabase},
		{mssql.Error{Number: 229, Message: "The SELECT permission was denied"}, KindPermission},
		{mssql.Error{Number: 40613, Message: "Database is not currently available"}, KindUnreachable},
		{mssql.Error{Number: 102, Message: "Incorrect syntax"}, KindServer},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, KindUnreachable},
		{errors.New("TLS Handshake failed: x509: certificate signed by unknown authority"), KindCertificate},
		{errors.New("server does not support encryption"), KindEncryption},
	}
	for _, c := range cases {
		err := wrapServerError(errors.Join(errors.New("context"), c.err))
		var se *ServerError
		if !errors.As(err, &se) || se.Kind != c.kind {
			t.Errorf("%v: got %v, want kind %s", c.err, err, c.kind)
		}
	}
	if err := wrapServerError(context.Canceled); err != context.Canceled {
		t.Errorf("cancel wrapped: %v", err)
	}
	if err := wrapServerError(context.DeadlineExceeded); err != context.DeadlineExceeded {
		t.Errorf("deadline wrapped: %v", err)
	}
}

func TestSnapshotLevelFallsBackWithAReason(t *testing.T) {
	if l, why := snapshotLevel(1, 0); l != sql.LevelSnapshot || why != "" {
		t.Errorf("snapshot allowed: %v %q", l, why)
	}
	if l, why := snapshotLevel(0, 0); l != sql.LevelReadCommitted || !strings.Contains(why, "ALLOW_SNAPSHOT_ISOLATION") {
		t.Errorf("snapshot off: %v %q", l, why)
	}
	if l, why := snapshotLevel(1, 2); l != sql.LevelReadCommitted || !strings.Contains(why, "memory-optimized") {
		t.Errorf("memory-optimized tables: %v %q", l, why)
	}
}

// A data-only script inserts exact period values and history rows into the
// existing temporal tables, which SQL Server refuses while SYSTEM_VERSIONING
// is on: versioning is switched off (and the period dropped) before any row
// and put back, as the full dump does, after all of them.
func TestNoCreateInfoSwitchesTemporalVersioningOffAroundTheData(t *testing.T) {
	out, _ := dump(t, newMemReader(t, "torture", 2), Options{NoCreateInfo: true})
	if strings.Contains(out, "CREATE TABLE") {
		t.Fatal("NoCreateInfo wrote CREATE TABLE")
	}
	off := strings.Index(out, "ALTER TABLE [dbo].[Account] SET (SYSTEM_VERSIONING = OFF);")
	drop := strings.Index(out, "ALTER TABLE [dbo].[Account] DROP PERIOD FOR SYSTEM_TIME;")
	history := strings.Index(out, "INSERT INTO [dbo].[AccountHistory]")
	current := strings.Index(out, "INSERT INTO [dbo].[Account] ")
	add := strings.Index(out, "ALTER TABLE [dbo].[Account] ADD PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo]);")
	hidden := strings.Index(out, "ALTER TABLE [dbo].[Account] ALTER COLUMN [ValidFrom] ADD HIDDEN;")
	on := strings.Index(out, "ALTER TABLE [dbo].[Account] SET (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [dbo].[AccountHistory], HISTORY_RETENTION_PERIOD = 6 MONTHS, DATA_CONSISTENCY_CHECK = ON));")
	for name, i := range map[string]int{"versioning off": off, "drop period": drop, "history rows": history,
		"current rows": current, "add period": add, "hidden": hidden, "versioning on": on} {
		if i < 0 {
			t.Fatalf("data-only script lacks %s:\n%s", name, out)
		}
	}
	if !(off < drop && drop < history && drop < current && history < add && current < add && add < hidden && hidden < on) {
		t.Errorf("order: off %d, drop %d, history rows %d, current rows %d, add period %d, hidden %d, on %d",
			off, drop, history, current, add, hidden, on)
	}
	if !strings.Contains(out, "IF OBJECTPROPERTY(OBJECT_ID(N'[dbo].[Account]'), 'TableTemporalType') = 2\n") {
		t.Error("versioning switched off without checking the existing table is versioned")
	}
	full, _ := dump(t, newMemReader(t, "torture", 2), Options{})
	if strings.Contains(full, "SYSTEM_VERSIONING = OFF") {
		t.Error("the full dump switches versioning off: it creates the table without it")
	}
}

// The filter's errors reach callers as *OptionError with the text the CLI
// has always shown.
func TestFilterErrorsAreOptionErrorsWithTheirMessage(t *testing.T) {
	for opts, want := range map[*Options]string{
		{ExcludeTypes: []string{"tabel"}}:     `scripter: invalid ExcludeTypes: unknown object type "tabel" (known: table, view, procedure, function, trigger, sequence, synonym, type, xml_schema_collection, schema, role, user, default, rule)`,
		{Tables: []string{"dbo.NoSuchTable"}}: `scripter: invalid Tables: table "dbo.NoSuchTable" not found in database "Northwind"`,
	} {
		_, err := DumpFrom(context.Background(), newMemReader(t, "northwind", 1), &failWriter{}, *opts)
		var oe *OptionError
		if !errors.As(err, &oe) || err.Error() != want {
			t.Errorf("err = %v, want *OptionError %q", err, want)
		}
	}
}

// A routine SkipRoutines leaves out takes its grants along: a GRANT on a
// procedure the script does not create would fail the restore.
func TestSkipRoutinesLeavesOutTheGrantsOnTheRoutinesItLeavesOut(t *testing.T) {
	const grant = "GRANT EXECUTE ON OBJECT::[dbo].[uspAddChild] TO [app_readers] WITH GRANT OPTION;"
	full, _ := dump(t, newMemReader(t, "torture", 1), Options{Permissions: true})
	if !strings.Contains(full, grant) || !strings.Contains(full, "CREATE PROCEDURE") {
		t.Fatalf("the full script has no procedure or no %q", grant)
	}
	skipped, _ := dump(t, newMemReader(t, "torture", 1), Options{Permissions: true, SkipRoutines: true})
	if strings.Contains(skipped, "CREATE PROCEDURE") || strings.Contains(skipped, grant) {
		t.Errorf("SkipRoutines kept the procedure or its grant")
	}
}
