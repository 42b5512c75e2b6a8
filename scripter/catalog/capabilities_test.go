package catalog

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
)

// everyCatalogName is what SQL Server 2022 has of the probed names: every
// view and, as on SQL Server, no built-in listed in sys.all_objects.
func everyCatalogName() []string {
	return append(append([]string(nil), gatedViews...), catalogViews...)
}

func without(names []string, drop ...string) []string {
	var out []string
	for _, n := range names {
		keep := true
		for _, d := range drop {
			if n == d {
				keep = false
			}
		}
		if keep {
			out = append(out, n)
		}
	}
	return out
}

// readWithRecorder runs ReadRows on the recording driver, returning the
// queries it sent and its result.
func readWithRecorder(t *testing.T, s *Server) ([]string, *Rows, error) {
	t.Helper()
	return recordScope(t, s, Scope{Permissions: true})
}

// recordScope runs ReadRowsScope on the recording driver, returning the
// queries it sent and its result.
func recordScope(t *testing.T, s *Server, scope Scope) ([]string, *Rows, error) {
	t.Helper()
	registerOnce.Do(func() { sql.Register("catalog-recorder", recorder) })
	db, err := sql.Open("catalog-recorder", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recorder.mu.Lock()
	recorder.queries = nil
	recorder.mu.Unlock()
	rows, err := ReadRowsScope(context.Background(), db, s, scope)
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	return append([]string(nil), recorder.queries...), rows, err
}

var sysViewRE = regexp.MustCompile(`sys\.([a-z_]+)`)

// babelfishCatalog is what Babelfish for PostgreSQL 4.3 has of the probed
// names: no sys.parameters, no sys.masked_columns, and its built-ins are
// listed in sys.all_objects, XML_SCHEMA_NAMESPACE not among them.
func babelfishCatalog() []string {
	names := without(everyCatalogName(), "parameters", "masked_columns")
	return append(names, probeFunction, "ident_seed", "ident_incr", "ident_current")
}

func TestCapabilities_AnEngineWithoutAViewIsNeverAskedForIt(t *testing.T) {
	s := NewServer(12, 3, nil, nil).WithCatalog(babelfishCatalog()...)
	qs, rows, err := readWithRecorder(t, s)
	if err != nil {
		t.Fatalf("a dump on an engine without sys.parameters failed: %v", err)
	}
	all := strings.Join(qs, "\n")
	for _, m := range sysViewRE.FindAllStringSubmatch(all, -1) {
		if s.Lacks(m[1]) {
			t.Errorf("a query reads sys.%s, which the engine lacks", m[1])
		}
	}
	if strings.Contains(strings.ToUpper(all), "XML_SCHEMA_NAMESPACE(") {
		t.Error("a query calls XML_SCHEMA_NAMESPACE, which the engine lacks")
	}
	if !strings.Contains(all, "FROM sys.all_parameters AS p") {
		t.Error("parameter names are not read from sys.all_parameters")
	}
	if len(rows.Warnings) != 0 {
		t.Errorf("no step lost a view it needs, yet: %v", rows.Warnings)
	}
}

func TestCapabilities_SQLServerBuiltinsAreAssumedPresent(t *testing.T) {
	s := NewServer(16, 3, nil, nil).WithCatalog(everyCatalogName()...)
	qs, _, err := readWithRecorder(t, s)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(qs, "\n")
	if !strings.Contains(all, "XML_SCHEMA_NAMESPACE(") {
		t.Error("SQL Server's XML_SCHEMA_NAMESPACE is not used: built-ins are not rows of sys.all_objects there")
	}
	if !strings.Contains(all, "FROM sys.parameters AS p") {
		t.Error("sys.parameters is not used where it exists")
	}
}

func TestCapabilities_AMissingOptionalViewSkipsItsObjectsWithAWarning(t *testing.T) {
	s := NewServer(16, 3, nil, nil).WithCatalog(without(everyCatalogName(), "synonyms", "trigger_events")...)
	qs, rows, err := readWithRecorder(t, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if strings.Contains(q, "sys.synonyms") || strings.Contains(q, "sys.trigger_events") {
			t.Errorf("query reads a missing view:\n%s", q)
		}
	}
	var got []string
	for _, w := range rows.Warnings {
		if w.Code != WarnEngineLacks {
			t.Errorf("warning code %q", w.Code)
		}
		got = append(got, w.Object+": "+w.Message)
	}
	want := []string{
		"sys.synonyms: this engine has no sys.synonyms: synonyms are not in the script",
		"sys.trigger_events: this engine has no sys.trigger_events: trigger orders are not in the script",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, warnings := Assemble(rows)
	n := 0
	for _, w := range warnings {
		if w.Code == WarnEngineLacks {
			n++
		}
	}
	if n != 2 {
		t.Errorf("Assemble returned %d %s warnings, want the reader's 2: %v", n, WarnEngineLacks, warnings)
	}
}

func TestCapabilities_AMissingEssentialViewFailsNamingIt(t *testing.T) {
	s := NewServer(16, 3, nil, nil).WithCatalog(without(everyCatalogName(), "identity_columns")...)
	_, _, err := readWithRecorder(t, s)
	if err == nil || !strings.Contains(err.Error(), "sys.identity_columns") || !strings.Contains(err.Error(), "columns") {
		t.Fatalf("err = %v, want one naming sys.identity_columns", err)
	}
}

func TestCapabilities_AnUnprobedServerLacksNothing(t *testing.T) {
	s := NewServer(16, 3, nil, nil)
	if s.Lacks("parameters") || !s.HasFunction("XML_SCHEMA_NAMESPACE") {
		t.Error("a Server built without a probe reports something missing")
	}
}

func TestCapabilities_AnXMLCollectionWithoutDefinitionIsLeftOutWithAWarning(t *testing.T) {
	db, warnings := Assemble(&Rows{XMLSchemas: []XMLSchemaRow{{CollectionID: 65536, Schema: "dbo", Name: "x"}}})
	if len(db.XMLSchemaCollections) != 0 {
		t.Error("a collection without its definition was kept")
	}
	if len(warnings) != 1 || warnings[0].Code != WarnEngineLacks || warnings[0].Object != "dbo.x" {
		t.Errorf("warnings = %v", warnings)
	}
}

func TestBabelfish_SequencesAndIdentityAreReadWhereBabelfishKeepsThem(t *testing.T) {
	s := NewServer(12, 3, nil, nil).WithCatalog(babelfishCatalog()...)
	s.Babelfish = true
	// The joined queries' Babelfish forms: the plain reads, which a
	// Babelfish dump runs, are compared with them on Babelfish.
	s.joinedOnly = true
	qs, _, err := readWithRecorder(t, s)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(qs, "\n")
	if strings.Contains(all, bracketNames("FROM sys.sequences")) {
		t.Error("sequences are read from sys.sequences, which Babelfish leaves empty")
	}
	// Babelfish gets its queries with qualified names bracketed.
	for _, want := range []string{"JOIN pg_catalog.pg_sequence AS sq", "IDENT_SEED(", "IDENT_INCR(", "pg_catalog.pg_depend"} {
		if !strings.Contains(all, bracketNames(want)) {
			t.Errorf("no query uses %s", want)
		}
	}
	if strings.Contains(all, bracketNames("sys.identity_columns")) {
		t.Error("identity is read from sys.identity_columns, which Babelfish fills wrongly outside dbo")
	}
}

// Babelfish's schema and object ids are PostgreSQL OIDs, and its table-type
// tables are only in sys.all_objects: neither may decide what is read.
func TestBabelfish_UserSchemasAreSelectedByNameAndObjectsFromAllObjects(t *testing.T) {
	qs := recordQueries(t, NewServer(16, 3, nil, nil))
	schemas := queryReading(t, qs, "sys.schemas")
	if strings.Contains(schemas, "schema_id BETWEEN") || !strings.Contains(schemas, "s.name NOT IN (N'dbo', N'guest', N'INFORMATION_SCHEMA', N'sys')") {
		t.Errorf("schemas are not selected by name:\n%s", schemas)
	}
	for _, view := range []string{"sys.all_objects", "sys.columns", "sys.indexes", "sys.index_columns"} {
		if q := queryReading(t, qs, view); strings.Contains(q, "sys.objects AS o") {
			t.Errorf("the %s query joins sys.objects, which lacks Babelfish's table-type tables:\n%s", view, q)
		}
	}
}

// Every view a read step needs must be probed: an unprobed one is never
// recorded as present, so Lacks would report it missing on every engine
// and the step would be skipped (or, if essential, fail the dump).
func TestEveryViewAReadStepNeedsIsProbed(t *testing.T) {
	probed := map[string]bool{}
	for _, n := range probedNames() {
		probed[n] = true
	}
	for _, step := range readSteps(context.Background(), nil, &Server{}, &Rows{}, true) {
		for _, v := range step.views {
			if !probed[v] {
				t.Errorf("step %q needs sys.%s, which DetectServer does not probe", step.what, v)
			}
		}
	}
}
