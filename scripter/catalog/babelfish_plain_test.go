package catalog

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"testing"
)

// plainSelectRE is the one shape a plain read may have: bracketed column
// names from one view, nothing else (see babelfish_plain.go).
var plainSelectRE = regexp.MustCompile(`^SELECT \[[a-z0-9_]+\](, \[[a-z0-9_]+\])* FROM (sys|pg_catalog)\.\[[a-z0-9_]+\]$`)

// readScopeWithRecorder runs ReadRowsScope on the recording driver and
// returns the queries it sent.
func readScopeWithRecorder(t *testing.T, s *Server, scope Scope) []string {
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
	if _, err := ReadRowsScope(context.Background(), db, s, scope); err != nil {
		t.Fatal(err)
	}
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	return append([]string(nil), recorder.queries...)
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
// reproduce.
func TestOnBabelfishAFullCatalogReadJoinsOnlyExtendedPropertiesAndPermissions(t *testing.T) {
	for _, q := range readScopeWithRecorder(t, babelfishServer(), Scope{Permissions: true}) {
		if plainSelectRE.MatchString(q) {
			continue
		}
		if !strings.Contains(q, "FROM sys.[extended_properties]") && !strings.Contains(q, "FROM sys.[database_permissions]") {
			t.Errorf("neither plain nor extended properties or permissions: %.200s", q)
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
	s := NewServer(16, 3, []string{"tables.is_node"}, nil)
	q = selectFrom("tables").col("object_id", &a).gated(s, "is_node", &b).gated(s, "is_edge", &b)
	if got, want := q.text(), "SELECT [object_id], [is_node] FROM sys.[tables]"; got != want {
		t.Errorf("gated columns: got %q, want %q", got, want)
	}
}
