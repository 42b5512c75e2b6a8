package sqlbatch_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/testenv"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// tempDatabase creates an empty database on the server named by
// MSSQLDUMP_TEST_MSSQL_DSN and drops it when the test ends.
func tempDatabase(t *testing.T) (*sql.DB, string) {
	t.Helper()
	dsn := testenv.RequireMSSQL(t)
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	babelfish := testenv.IsBabelfish(t, db)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var suffix [6]byte
	_, _ = rand.Read(suffix[:])
	name := "mssqldump_sqlbatch_" + hex.EncodeToString(suffix[:])
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+tsql.QuoteIdent(name)); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		q := tsql.QuoteIdent(name)
		drop := "ALTER DATABASE " + q + " SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE " + q
		if babelfish { // no SINGLE_USER there; Restore closes its own session
			drop = "DROP DATABASE " + q
		}
		if _, err := db.ExecContext(ctx, drop); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return db, name
}

type column struct {
	name, decl string // decl: the type as written in CREATE TABLE
}

// columns covers every type the encoder handles. Seed values are written as
// server-side expressions, so the values under test are exactly what the
// server stores and the driver returns.
var columns = []column{
	{"ti", "tinyint"}, {"si", "smallint"}, {"i", "int"}, {"bi", "bigint"}, {"bt", "bit"},
	{"f", "float"}, {"r", "real"}, {"dc", "decimal(38,10)"}, {"nm", "numeric(5,0)"}, {"m", "money"}, {"sm", "smallmoney"},
	{"nv", "nvarchar(max)"}, {"nv10", "nvarchar(10)"}, {"nc", "nchar(3)"}, {"v", "varchar(100)"}, {"c", "char(5)"},
	{"tx", "text"}, {"ntx", "ntext"}, {"vb", "varbinary(max)"}, {"bn", "binary(4)"}, {"img", "image"},
	{"g", "uniqueidentifier"}, {"d", "date"}, {"tm", "time(7)"}, {"tm0", "time(0)"}, {"dtm", "datetime"},
	{"sdt", "smalldatetime"}, {"d2", "datetime2(7)"}, {"d23", "datetime2(3)"}, {"dto", "datetimeoffset(7)"},
	{"x", "xml"}, {"h", "hierarchyid"}, {"geo", "geography"}, {"gm", "geometry"}, {"sv", "sql_variant"},
}

var seedRows = [][]string{
	{"0", "-32768", "-2147483648", "-9223372036854775808", "0",
		"0.1", "CAST(0.1 AS real)", "-1234567890123456789012345678.0123456789", "12345", "-922337203685477.5808", "-214748.3648",
		"N'it''s' + NCHAR(13) + NCHAR(10) + N'GO' + NCHAR(10) + N'$(SQLCMDUSER) x\\' + NCHAR(0) + N'\\''' + NCHAR(8232) + N'😀'",
		"N''", "N'ab'", "'Grüße'", "'x'",
		"'text é'", "N'ntext ü'", "0x", "0x01020304", "0xFF00",
		"'6F9619FF-8B86-D011-B42D-00C04FC964FF'", "'0001-01-01'", "'23:59:59.9999999'", "'00:00:00'", "'1753-01-01T00:00:00.003'",
		"'1900-01-01T00:00:00'", "'0001-01-01T00:00:00.0000001'", "'9999-12-31T23:59:59.999'", "'2024-01-02T03:04:05.1234567+05:30'",
		"N'<a> <b/> </a>'", "hierarchyid::Parse('/1/2.5/')", "geography::Point(47.65, -122.34, 4326)", "geometry::STGeomFromText('LINESTRING (1 1, 2 3)', 0)",
		"CAST(5 AS int)"},
	{"255", "32767", "2147483647", "9223372036854775807", "1",
		"-1.7976931348623157E+308", "CAST(3.4028234E+38 AS real)", "0.0000000001", "-99999", "922337203685477.5807", "214748.3647",
		"REPLICATE(CONVERT(nvarchar(max), N'long'), 1200) + NCHAR(10) + N'$(' + NCHAR(92)", "N'0123456789'", "N'é'", "'plain ascii'", "''",
		"REPLICATE(CONVERT(varchar(max), 'x'), 9000)", "N''", "CAST(REPLICATE(CONVERT(varchar(max), 'ab'), 5000) AS varbinary(max))", "0x00000000", "0x",
		"NEWID()", "'9999-12-31'", "'00:00:00.0000001'", "'12:34:56'", "'9999-12-31T23:59:59.997'",
		"'2079-06-06T23:59:00'", "'9999-12-31T23:59:59.9999999'", "'2000-02-29T12:00:00.007'", "'0001-01-01T00:00:00.0000000-14:00'",
		"CONVERT(xml, N'<r xml:space=\"preserve\">  <q>&amp;&lt;</q>' + NCHAR(13) + N'</r>', 1)", "hierarchyid::GetRoot()", "geography::STGeomFromText('POLYGON((0 0, 0 1, 1 1, 1 0, 0 0))', 4326)", "geometry::Point(1e300, -1, 0)",
		"CAST(N'variant ''x''' AS nvarchar(20))"},
	{"NULL", "NULL", "NULL", "NULL", "NULL",
		"2.2250738585072014E-308", "NULL", "NULL", "NULL", "0.0001", "NULL",
		"NULL", "NULL", "NULL", "NULL", "NULL",
		"NULL", "NULL", "NULL", "NULL", "NULL",
		"NULL", "NULL", "NULL", "NULL", "'2000-01-01T00:00:00.007'",
		"NULL", "NULL", "NULL", "'2024-06-30T23:59:59.9999999+14:00'",
		"NULL", "NULL", "NULL", "NULL",
		"CAST(1.50 AS decimal(5,2))"},
	{"1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "N'x'", "N'x'", "N'x'", "'x'", "'x'", "'x'", "N'x'", "0x01", "0x01", "0x01",
		"'00000000-0000-0000-0000-000000000001'", "'2000-01-01'", "'01:00:00'", "'01:00:00'", "'2000-01-01T00:00:00'", "'2000-01-01T00:00:00'",
		"'2000-01-01T00:00:00'", "'2000-01-01T00:00:00'", "'2000-01-01T00:00:00+00:00'", "N'<x/>'", "NULL", "NULL", "NULL",
		"CAST(N'αβγ' COLLATE Greek_CI_AS AS varchar(5))"},
	{"2", "2", "2", "2", "0", "2", "2", "2", "2", "2", "2", "N'y'", "N'y'", "N'y'", "'y'", "'y'", "'y'", "N'y'", "0x02", "0x02", "0x02",
		"'00000000-0000-0000-0000-000000000002'", "'2000-01-02'", "'02:00:00'", "'02:00:00'", "'2000-01-02T00:00:00'", "'2000-01-02T00:00:00'",
		"'2000-01-02T00:00:00'", "'2000-01-02T00:00:00'", "'2000-01-02T00:00:00+00:00'", "N'<y/>'", "NULL", "NULL", "NULL",
		"CAST('2020-01-01T10:00:00.123' AS datetime2(3))"},
	{"3", "3", "3", "3", "1", "3", "3", "3", "3", "3", "3", "N'z'", "N'z'", "N'z'", "'z'", "'z'", "'z'", "N'z'", "0x03", "0x03", "0x03",
		"'00000000-0000-0000-0000-000000000003'", "'2000-01-03'", "'03:00:00'", "'03:00:00'", "'2000-01-03T00:00:00'", "'2000-01-03T00:00:00'",
		"'2000-01-03T00:00:00'", "'2000-01-03T00:00:00'", "'2000-01-03T00:00:00+00:00'", "N'<z/>'", "NULL", "NULL", "NULL",
		"CAST(0x0102 AS varbinary(4))"},
}

func createTable(table string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (id int IDENTITY(1,1) NOT NULL PRIMARY KEY", table)
	for _, c := range columns {
		fmt.Fprintf(&b, ", %s %s NULL", tsql.QuoteIdent(c.name), c.decl)
	}
	b.WriteString(")")
	return b.String()
}

func columnList() string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = tsql.QuoteIdent(c.name)
	}
	return strings.Join(names, ", ")
}

// readRows reads every row of table in id order, in the driver's shapes,
// with sql_variant values wrapped in tsql.Variant from SQL_VARIANT_PROPERTY.
func readRows(t *testing.T, db *sql.DB, table string) (ids []int64, rows [][]any) {
	t.Helper()
	q := "SELECT id, " + columnList() +
		", CAST(SQL_VARIANT_PROPERTY(sv, 'BaseType') AS nvarchar(128)), CAST(SQL_VARIANT_PROPERTY(sv, 'Precision') AS int)" +
		", CAST(SQL_VARIANT_PROPERTY(sv, 'Scale') AS int), CAST(SQL_VARIANT_PROPERTY(sv, 'MaxLength') AS int)" +
		", CAST(SQL_VARIANT_PROPERTY(sv, 'Collation') AS nvarchar(128)) FROM " + table + " ORDER BY id"
	rs, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		vals := make([]any, 1+len(columns)+5)
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, vals[0].(int64))
		row := vals[1 : 1+len(columns)]
		if sv := row[len(columns)-1]; sv != nil {
			p := vals[1+len(columns):]
			bt := tsql.Type{Name: p[0].(string), Precision: int(p[1].(int64)), Scale: int(p[2].(int64)), MaxLength: int(p[3].(int64))}
			coll, _ := p[4].(string)
			row[len(columns)-1] = tsql.Variant{BaseType: bt, Collation: coll, Value: sv}
		}
		rows = append(rows, row)
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, rows
}

func TestRestoreRoundTripsEveryTypeAndKeepsIdentityInsertAcrossBatches(t *testing.T) {
	db, name := tempDatabase(t)
	testenv.SkipOnBabelfish(t, db, "the every-type table needs types it lacks (hierarchyid, geometry, geography, sql_variant)")
	ctx := context.Background()
	src := tsql.QuoteIdent(name) + ".dbo.Source"
	dst := tsql.QuoteIdent(name) + ".dbo.Target"
	if _, err := db.ExecContext(ctx, createTable(src)); err != nil {
		t.Fatal(err)
	}
	for i, r := range seedRows {
		if len(r) != len(columns) {
			t.Fatalf("seed row %d has %d values for %d columns", i, len(r), len(columns))
		}
		// ids 10, 20, ... so the restore must insert explicit identity values
		q := fmt.Sprintf("SET IDENTITY_INSERT %s ON; INSERT %s (id, %s) VALUES (%d, %s); SET IDENTITY_INSERT %s OFF",
			src, src, columnList(), 10*(i+1), strings.Join(r, ", "), src)
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("seed row %d: %v", i, err)
		}
	}
	ids, want := readRows(t, db, src)

	// The script a dump would contain: USE, CREATE, SET IDENTITY_INSERT in
	// its own batch, rows split over two INSERT batches, OFF, then one more
	// row that must get the next identity value.
	types := make([]tsql.Type, len(columns))
	for i, c := range columns {
		ty, err := tsql.ParseTypeName(c.decl)
		if err != nil {
			t.Fatal(err)
		}
		types[i] = ty
	}
	var script []byte
	script = append(script, "USE "+tsql.QuoteIdent(name)+"\nGO\n"+createTable("dbo.Target")+"\nGO\nSET IDENTITY_INSERT dbo.Target ON\nGO\n"...)
	half := len(want) / 2
	for part, rows := range [][][]any{want[:half], want[half:]} {
		script = append(script, "INSERT dbo.Target (id, "+columnList()+") VALUES\n"...)
		for i, row := range rows {
			if i > 0 {
				script = append(script, ",\n"...)
			}
			script = fmt.Appendf(script, "(%d", ids[part*half+i])
			for j, v := range row {
				script = append(script, ',')
				var err error
				if script, err = tsql.AppendLiteral(script, v, types[j]); err != nil {
					t.Fatalf("row %d column %s: %v", ids[part*half+i], columns[j].name, err)
				}
			}
			script = append(script, ')')
		}
		script = append(script, ";\nGO\n"...)
	}
	script = append(script, "SET IDENTITY_INSERT dbo.Target OFF\nGO\nINSERT dbo.Target (nv) VALUES (N'next')\nGO\n"...)

	var progress []sqlbatch.RestoreProgress
	st, err := sqlbatch.Restore(ctx, db, strings.NewReader(string(script)), sqlbatch.RestoreOptions{
		Progress: func(p sqlbatch.RestoreProgress) { progress = append(progress, p) },
	})
	if err != nil {
		t.Fatalf("restore: %v\n%s", err, script)
	}
	if st.Batches != 7 || st.Failed != 0 || len(progress) != 7 || progress[6].Batches != 7 {
		t.Fatalf("stats %+v, %d progress reports", st, len(progress))
	}

	gotIDs, got := readRows(t, db, dst)
	if len(got) != len(want)+1 {
		t.Fatalf("%d rows restored, want %d", len(got), len(want)+1)
	}
	for i := range want {
		if gotIDs[i] != ids[i] {
			t.Fatalf("row %d: id %d, want %d", i, gotIDs[i], ids[i])
		}
		for j := range columns {
			if !tsql.Equal(got[i][j], want[i][j]) {
				t.Errorf("row %d column %s (%s): restored %#v, want %#v", ids[i], columns[j].name, columns[j].decl, got[i][j], want[i][j])
			}
		}
	}
	if last := gotIDs[len(gotIDs)-1]; last != ids[len(ids)-1]+1 {
		t.Errorf("identity after restore gave %d, want %d", last, ids[len(ids)-1]+1)
	}
}

func TestRestoreStopsAtTheFirstFailingBatchNamingItsLine(t *testing.T) {
	db, name := tempDatabase(t)
	script := "USE " + tsql.QuoteIdent(name) + "\nGO\nCREATE TABLE dbo.A (x int)\nGO\nRETURN\nGO\n\nINSERT dbo.A VALUES (1)\nSELECT * FROM dbo.Missing\nGO\nCREATE TABLE dbo.B (x int)\nGO\n"
	st, err := sqlbatch.Restore(context.Background(), db, strings.NewReader(script), sqlbatch.RestoreOptions{})
	var be *sqlbatch.BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BatchError", err)
	}
	// batch 3 is a bare word, which go-mssqldb would send as an RPC
	if be.Batch != 4 || be.Line != 8 || be.ErrorLine != 9 || be.Excerpt != "SELECT * FROM dbo.Missing" {
		t.Fatalf("BatchError %+v", be)
	}
	if !strings.HasPrefix(err.Error(), "batch 4 (line 8): ") || !strings.Contains(err.Error(), "Missing") {
		t.Fatalf("message %q", err.Error())
	}
	if st.Batches != 4 || st.Failed != 1 {
		t.Fatalf("stats %+v", st)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + tsql.QuoteIdent(name) + ".sys.tables WHERE name = 'B'").Scan(&n); err != nil || n != 0 {
		t.Fatalf("batches after the failure ran: %d tables B, %v", n, err)
	}
}

func TestRestoreContinueOnErrorRunsTheRestAndStillFails(t *testing.T) {
	db, name := tempDatabase(t)
	script := "USE " + tsql.QuoteIdent(name) + "\nGO\nRAISERROR('first', 16, 1)\nGO\nCREATE TABLE dbo.C (x int IDENTITY)\nGO\nINSERT dbo.C DEFAULT VALUES\nGO 3\nRAISERROR('second', 16, 1)\nGO\n"
	st, err := sqlbatch.Restore(context.Background(), db, strings.NewReader(script), sqlbatch.RestoreOptions{ContinueOnError: true})
	if !errors.Is(err, sqlbatch.ErrBatchesFailed) {
		t.Fatalf("err = %v", err)
	}
	if st.Batches != 5 || st.Failed != 2 || len(st.Errors) != 2 || st.Errors[0].Batch != 2 || st.Errors[1].Batch != 5 {
		t.Fatalf("stats %+v", st)
	}
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM " + tsql.QuoteIdent(name) + ".dbo.C").Scan(&n); err != nil || n != 3 {
		t.Fatalf("GO 3 inserted %d rows (%v), want 3", n, err)
	}
}

// A view scripted before the table it reads (the order a dump gets when
// sys.sql_expression_dependencies has no row for the reference) is set
// aside and created after the table, with the ANSI_NULLS and
// QUOTED_IDENTIFIER it was scripted under; the extended property on it,
// which fails while the view is missing, is retried after it.
func TestRestoreRetriesAViewCreatedBeforeItsTable(t *testing.T) {
	db, name := tempDatabase(t)
	script := "USE " + tsql.QuoteIdent(name) + "\nGO\n" +
		"SET ANSI_NULLS OFF;\nSET QUOTED_IDENTIFIER OFF;\nGO\n" +
		"CREATE VIEW dbo.Early AS SELECT x FROM dbo.Late\nGO\n" +
		"SET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER ON;\nGO\n" +
		"EXEC sys.sp_addextendedproperty @name = N'note', @value = N'read me', @level0type = N'SCHEMA', @level0name = N'dbo', @level1type = N'VIEW', @level1name = N'Early';\nGO\n" +
		"CREATE TABLE dbo.Late (x int)\nGO\n"
	st, err := sqlbatch.Restore(context.Background(), db, strings.NewReader(script), sqlbatch.RestoreOptions{})
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if st.Batches != 6 || st.Failed != 0 || st.Retried != 2 {
		t.Fatalf("stats %+v, want 6 batches, 2 retried, none failed", st)
	}
	var ansiNulls, quotedIdent, props int
	q := "SELECT OBJECTPROPERTY(OBJECT_ID(N'dbo.Early'), 'ExecIsAnsiNullsOn'), OBJECTPROPERTY(OBJECT_ID(N'dbo.Early'), 'ExecIsQuotedIdentOn')," +
		" (SELECT COUNT(*) FROM sys.extended_properties WHERE major_id = OBJECT_ID(N'dbo.Early') AND name = N'note')"
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { // the USE below must not outlive the test on a pooled connection
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		conn.Close()
	}()
	if _, err := conn.ExecContext(context.Background(), "USE "+tsql.QuoteIdent(name)); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRowContext(context.Background(), q).Scan(&ansiNulls, &quotedIdent, &props); err != nil {
		t.Fatal(err)
	}
	if testenv.IsBabelfish(t, db) {
		// Babelfish reports every module ANSI_NULLS and QUOTED_IDENTIFIER
		// ON whatever it was created under (docs/engines.md).
		ansiNulls, quotedIdent = 0, 0
	}
	if ansiNulls != 0 || quotedIdent != 0 || props != 1 {
		t.Fatalf("view Early: ANSI_NULLS %d, QUOTED_IDENTIFIER %d (want 0, 0 as scripted), %d extended properties (want 1)", ansiNulls, quotedIdent, props)
	}
}

// A view that reads a table no batch creates still fails, after the
// retries, naming its own batch and line.
func TestRestoreReportsAViewThatNeverResolves(t *testing.T) {
	db, name := tempDatabase(t)
	script := "USE " + tsql.QuoteIdent(name) + "\nGO\n\nCREATE VIEW dbo.Orphan AS\nSELECT x FROM dbo.Nowhere\nGO\nCREATE TABLE dbo.Other (x int)\nGO\n"
	st, err := sqlbatch.Restore(context.Background(), db, strings.NewReader(script), sqlbatch.RestoreOptions{})
	var be *sqlbatch.BatchError
	// Babelfish names it in lower case.
	if !errors.As(err, &be) || be.Batch != 2 || be.Line != 4 || !strings.Contains(strings.ToLower(err.Error()), "nowhere") {
		t.Fatalf("err = %v (%+v), want batch 2 at line 4 naming dbo.Nowhere", err, be)
	}
	if st.Retried != 1 || st.Failed != 1 || st.Batches != 3 {
		t.Fatalf("stats %+v", st)
	}
}
