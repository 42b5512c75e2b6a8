package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// plainSelectRE is the one shape a plain read may have: bracketed column
// names from one view, nothing else (see babelfish_plain.go), but for a
// pg_catalog view a WHERE [col] IN (...) of numbers or names
// (plainQuery.whereIn).
var plainSelectRE = regexp.MustCompile(`^SELECT \[[a-z0-9_]+\](, \[[a-z0-9_]+\])* FROM ` +
	`(sys\.\[[a-z0-9_]+\]|pg_catalog\.\[[a-z0-9_]+\]( WHERE \[[a-z0-9_]+\] IN \((\d+|N'[^']*')(, (\d+|N'[^']*'))*\))?)$`)

// readScopeWithRecorder runs ReadRowsScope on the recording driver and
// returns the queries it sent.
func readScopeWithRecorder(t *testing.T, s *Server, scope Scope) []string {
	t.Helper()
	queries, _, err := recordScope(t, s, scope)
	if err != nil {
		t.Fatal(err)
	}
	return queries
}

func babelfishServer() *Server {
	s := NewServer(12, 3, nil, nil).WithCatalog(babelfishCatalog()...)
	s.Babelfish = true
	return s
}

func TestOnBabelfishADataOnlyCatalogReadSendsOnlyPlainSelects(t *testing.T) {
	for _, q := range readScopeWithRecorder(t, babelfishServer(), Scope{DataOnly: true}) {
		if !plainSelectRE.MatchString(q) {
			t.Errorf("not a plain SELECT: %s", q)
		}
	}
}

// Extended properties and permissions keep their joined queries on
// Babelfish: their values come from server-side conversions (CONVERT
// styles of sql_variant values) and name functions a plain read cannot
// reproduce. But each runs only after a plain look at its view found a
// row it reads (the recording driver's row of zeros is one: a database
// property, a grant on the database).
func TestOnBabelfishAFullCatalogReadJoinsOnlyExtendedPropertiesAndPermissionsAfterAPlainLookFindsThem(t *testing.T) {
	looks := map[string]string{
		"FROM sys.[extended_properties] AS ep":  "SELECT [class] FROM sys.[extended_properties]",
		"FROM sys.[database_permissions] AS dp": plainPermissionsQuery,
	}
	queries := readScopeWithRecorder(t, babelfishServer(), Scope{Permissions: true})
	for i, q := range queries {
		if plainSelectRE.MatchString(q) {
			continue
		}
		looked := false
		for joined, look := range looks {
			if strings.Contains(q, joined) {
				looked = slices.Contains(queries[:i], look)
			}
		}
		if !looked {
			t.Errorf("neither plain nor extended properties or permissions after their plain look: %.200s", q)
		}
	}
}

func TestOnSQLServerTheCatalogIsReadWithTheJoinedQueries(t *testing.T) {
	for _, q := range readScopeWithRecorder(t, NewServer(16, 3, nil, nil), Scope{DataOnly: true}) {
		if plainSelectRE.MatchString(q) {
			t.Errorf("a plain read on SQL Server: %s", q)
		}
	}
}

func TestAPlainQueryBracketsItsNamesAndReadsOneView(t *testing.T) {
	var a, b int64
	q := selectFrom("all_objects").col("object_id", &a).col("odd]name", &b)
	if got, want := q.text(), "SELECT [object_id], [odd]]name] FROM sys.[all_objects]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	q = selectFromSchema("pg_catalog", "pg_depend").col("objid", &a).whereIn("refobjid", []int64{7, 9})
	if got, want := q.text(), "SELECT [objid] FROM pg_catalog.[pg_depend] WHERE [refobjid] IN (7, 9)"; got != want || !plainSelectRE.MatchString(got) {
		t.Errorf("got %q, want %q, a plain read", got, want)
	}
	q = selectFromSchema("pg_catalog", "pg_sequences").col("last_value", &a).whereInNames("schemaname", []string{"db_dbo", "o'k"})
	if got, want := q.text(), "SELECT [last_value] FROM pg_catalog.[pg_sequences] WHERE [schemaname] IN (N'db_dbo', N'o''k')"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	s := NewServer(16, 3, []string{"tables.is_node"}, nil)
	q = selectFrom("tables").col("object_id", &a).gated(s, "is_node", &b).gated(s, "is_edge", &b)
	if got, want := q.text(), "SELECT [object_id], [is_node] FROM sys.[tables]"; got != want {
		t.Errorf("gated columns: got %q, want %q", got, want)
	}
}

// answeringDriver answers each query that ends with a key of answers
// with that key's rows, every other query with one row of zeros (see
// zeroRow), and records every query.
type answeringDriver struct {
	answers map[string][][]driver.Value
	queries []string
}

func (d *answeringDriver) Connect(context.Context) (driver.Conn, error) { return answeringConn{d}, nil }
func (d *answeringDriver) Driver() driver.Driver                        { return nil }

type answeringConn struct{ d *answeringDriver }

func (c answeringConn) Prepare(string) (driver.Stmt, error) { return nil, driver.ErrSkip }
func (c answeringConn) Close() error                        { return nil }
func (c answeringConn) Begin() (driver.Tx, error)           { return nil, driver.ErrSkip }
func (c answeringConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	c.d.queries = append(c.d.queries, q)
	n, err := selectListLen(q)
	if err != nil {
		return nil, err
	}
	for suffix, rows := range c.d.answers {
		if strings.HasSuffix(q, suffix) {
			return &valueRows{width: n, rows: rows}, nil
		}
	}
	return &zeroRow{n: n}, nil
}

// valueRows are driver rows of width columns.
type valueRows struct {
	width int
	rows  [][]driver.Value
}

func (r *valueRows) Columns() []string { return make([]string, r.width) }
func (r *valueRows) Close() error      { return nil }
func (r *valueRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

// On Babelfish the joined query of the extended properties, 0.8 s of
// parsing on a new connection, runs only when there is a property it
// reads.
func TestOnBabelfishExtendedPropertiesAreQueriedOnlyWhenThereAreAny(t *testing.T) {
	for _, c := range []struct {
		classes []int64
		joined  bool
	}{{nil, false}, {[]int64{5, 8}, false}, {[]int64{5, 1}, true}} {
		var rows [][]driver.Value
		for _, class := range c.classes {
			rows = append(rows, []driver.Value{class})
		}
		d := &answeringDriver{answers: map[string][][]driver.Value{"SELECT [class] FROM sys.[extended_properties]": rows}}
		db := sql.OpenDB(d)
		r := &Rows{}
		err := plainExtPropsIfAny(&plainCatalog{ctx: context.Background(), q: db, s: babelfishServer()}, r)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		joined := len(d.queries) == 2 && strings.Contains(d.queries[1], "FROM sys.extended_properties AS ep")
		if joined != c.joined || (len(d.queries) == 1) == c.joined {
			t.Errorf("classes %v: queries %q; want the joined query: %v", c.classes, d.queries, c.joined)
		}
		if c.joined && len(r.ExtProps) != 1 {
			t.Errorf("classes %v: %d properties, want the joined query's one row", c.classes, len(r.ExtProps))
		}
	}
}

// Detection and the catalog read share their plain reads: a dump reads
// sys.all_objects and pg_namespace once.
func TestOnBabelfishACatalogReadReadsEachViewDetectionReadOnce(t *testing.T) {
	// What a Babelfish server answers detection: the engine, its
	// database, the sys schema's namespace and every view in it.
	var sysViews [][]driver.Value
	for i, name := range probedNames() {
		sysViews = append(sysViews, []driver.Value{int64(i + 1), int64(16402), name, "V ", int64(0), true})
	}
	d := &answeringDriver{answers: map[string][][]driver.Value{
		"FROM sys.[all_objects]":         sysViews,
		engineQuery:                      {{int64(1), "db", int64(12), int64(3), "4.3.0"}},
		"FROM sys.[databases]":           {{"db", "bbf_unicode_cp1_ci_as", int64(150), int64(1), false}},
		"FROM pg_catalog.[pg_namespace]": {{int64(16402), "sys"}},
	}}
	db := sql.OpenDB(d)
	defer db.Close()
	if _, s, _, err := ReadScope(context.Background(), db, Scope{DataOnly: true}); err != nil || !s.Babelfish {
		t.Fatalf("server %+v, err %v; want Babelfish", s, err)
	}
	for _, view := range []string{"FROM sys.[all_objects]", "FROM pg_catalog.[pg_namespace]"} {
		n := 0
		for _, q := range d.queries {
			if strings.HasSuffix(q, view) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d reads %s; want 1", n, view)
		}
	}
}
