package catalog

import (
	"strings"
	"testing"
)

// A data-only dump reads no catalog family its script cannot contain.
func TestDataOnlyScopeReadsWhatTheDataNeeds(t *testing.T) {
	queries, _, err := recordScope(t, NewServer(16, 3, nil, nil), Scope{DataOnly: true, Permissions: true})
	if err != nil {
		t.Fatal(err)
	}
	qs := strings.Join(queries, "\n")
	n := len(queries)
	for _, view := range []string{"sys.all_objects", "sys.schemas", "sys.types", "sys.xml_schema_collections", "sys.tables",
		"sys.columns", "sys.indexes", "sys.index_columns", "sys.foreign_keys", "sys.foreign_key_columns", "sys.check_constraints", "sys.triggers"} {
		if !strings.Contains(qs, "FROM "+view+" ") {
			t.Errorf("a data-only dump does not read %s", view)
		}
	}
	for _, view := range []string{"sys.sequences", "sys.synonyms", "sys.sql_modules AS m ON m.object_id = o.object_id", "sys.trigger_events",
		"sys.extended_properties", "sys.sql_expression_dependencies", "sys.database_permissions", "sys.database_role_members"} {
		if strings.Contains(qs, "FROM "+view) || strings.Contains(qs, "JOIN "+view) {
			t.Errorf("a data-only dump reads %s", view)
		}
	}
	if n != 12 {
		t.Errorf("%d catalog queries for a data-only dump, want 12", n)
	}
}

// Synonyms, modules and dependencies are read for a data-only dump when a
// table's expression may call a function, as they order the tables then.
func TestQualifiedNamesInTableExpressions(t *testing.T) {
	for expr, want := range map[string]bool{
		"([dbo].[f]([a]))":         true,
		"(dbo.f(a))":               true,
		"(\"dbo\".\"f\"(a))":       true,
		"([x]>=(0.5))":             false,
		"((0))":                    false,
		"(getdate())":              false,
		"(N'a.b')":                 true, // errs towards reading
		"([a]>(1.))":               false,
		"(CONVERT([int],[a],(0)))": false,
	} {
		if got := qualifiedName(expr); got != want {
			t.Errorf("qualifiedName(%q) = %v, want %v", expr, got, want)
		}
	}
	if namesQualifiedObjects(&Rows{Columns: []ColumnRow{{DefaultDef: "((0))"}}, Checks: []CheckRow{{Definition: "([a]>(0.5))"}}}) {
		t.Error("no table expression names an object, yet the order families would be read")
	}
	if !namesQualifiedObjects(&Rows{Columns: []ColumnRow{{ComputedDef: "([dbo].[f]([a]))"}}}) {
		t.Error("a computed column calls dbo.f, yet the order families would not be read")
	}
}
