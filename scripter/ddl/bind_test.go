package ddl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func boundModel() *model.Database {
	def := func(s string) *string { return &s }
	zero, positive := dbo("Zero"), dbo("Positive")
	amount := &model.Column{Name: "Amount", Type: model.Type{Schema: "dbo", Name: "Money2", UserDefined: true, System: "decimal"},
		BoundDefault: &zero, BoundRule: &positive}
	plain := intCol("Qty")
	plain.BoundDefault = &zero
	listCol := &model.Column{Name: "v", Type: model.Type{Schema: "dbo", Name: "Money2", UserDefined: true, System: "decimal"}, BoundDefault: &zero}
	return &model.Database{
		Defaults: []*model.Module{{QName: zero, Kind: model.KindDefault, TypeCode: "D", Definition: def("CREATE DEFAULT dbo.Zero AS 0"), UsesAnsiNulls: true, UsesQuotedIdentifier: true}},
		Rules:    []*model.Module{{QName: positive, Kind: model.KindRule, TypeCode: "R", Definition: def("CREATE RULE dbo.Positive AS @v > 0"), UsesAnsiNulls: true, UsesQuotedIdentifier: true}},
		Types: []*model.UserType{{QName: dbo("Money2"), Base: model.Type{Name: "decimal", Precision: 9, Scale: 2}, Nullable: true,
			BoundDefault: &zero, BoundRule: &positive}},
		TableTypes: []*model.TableType{{QName: dbo("List"), Table: &model.Table{QName: dbo("List"), Columns: []*model.Column{listCol}}}},
		Tables:     []*model.Table{{QName: dbo("Line"), Columns: []*model.Column{intCol("Id"), amount, plain}}},
	}
}

// Stand-alone defaults and rules are created exactly as defined, each in its
// own batch, before the types and tables; the alias type is bound with
// futureonly and each column as sys.columns has it, after the data.
func TestBoundDefaultsAndRulesAreCreatedThenBoundAfterTheData(t *testing.T) {
	s := Build(boundModel(), Options{})
	var pre, post bytes.Buffer
	if err := s.WritePreData(&pre); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePostData(&post); err != nil {
		t.Fatal(err)
	}
	p := pre.String()
	createDef := strings.Index(p, "GO\nCREATE DEFAULT dbo.Zero AS 0\nGO\n")
	createRule := strings.Index(p, "GO\nCREATE RULE dbo.Positive AS @v > 0\nGO\n")
	createType := strings.Index(p, "CREATE TYPE [dbo].[Money2]")
	createTable := strings.Index(p, "CREATE TABLE [dbo].[Line]")
	if createDef < 0 || createRule < 0 || createType < createDef || createType < createRule || createTable < createType {
		t.Errorf("pre-data order: default %d, rule %d, type %d, table %d\n%s", createDef, createRule, createType, createTable, p)
	}
	if strings.Contains(p, "sp_bind") {
		t.Error("pre-data binds a default or rule: it would apply during the data load")
	}
	q := post.String()
	for _, want := range []string{
		"EXEC sys.sp_bindefault @defname = N'[dbo].[Zero]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';\nGO\n",
		"EXEC sys.sp_bindrule @rulename = N'[dbo].[Positive]', @objname = N'[dbo].[Money2]', @futureonly = 'futureonly';\nGO\n",
		"EXEC sys.sp_bindefault @defname = N'[dbo].[Zero]', @objname = N'[dbo].[Line].[Amount]';\nGO\n",
		"EXEC sys.sp_bindrule @rulename = N'[dbo].[Positive]', @objname = N'[dbo].[Line].[Amount]';\nGO\n",
		"EXEC sys.sp_bindefault @defname = N'[dbo].[Zero]', @objname = N'[dbo].[Line].[Qty]';\nGO\n",
	} {
		if !strings.Contains(q, want) {
			t.Errorf("post-data lacks %q\n%s", want, q)
		}
	}
	if strings.Index(q, "@objname = N'[dbo].[Money2]'") > strings.Index(q, "@objname = N'[dbo].[Line].[Amount]'") {
		t.Error("columns bound before their type: futureonly would not keep them as the source has them")
	}
	var warned bool
	for _, w := range s.Warnings {
		if w.Code == WarnBoundDefault && w.Object == "dbo.List.v" {
			warned = true
		}
	}
	if !warned {
		t.Errorf("table-type column's bound default dropped without a warning: %+v", s.Warnings)
	}
}

// A column bound to a default the script leaves out (filtered, or absent
// from the catalog) is reported instead of binding a missing object.
func TestBindingToAMissingDefaultIsAWarning(t *testing.T) {
	db := boundModel()
	db.Defaults = nil
	s := Build(db, Options{})
	var buf bytes.Buffer
	_ = s.Write(&buf)
	if strings.Contains(buf.String(), "sp_bindefault") {
		t.Error("bound a default the script does not create")
	}
	n := 0
	for _, w := range s.Warnings {
		if w.Code == WarnBoundDefault && strings.HasPrefix(w.Object, "dbo.Line.") {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d bound_default warnings for dbo.Line, want 2: %+v", n, s.Warnings)
	}
}

// AddDropTable drops defaults and rules after the tables and types bound to
// them; IfNotExists guards their creation.
func TestBoundDefaultsAndRulesHonourDropAndGuardOptions(t *testing.T) {
	var buf bytes.Buffer
	_ = Build(boundModel(), Options{AddDropTable: true, IfNotExists: true}).Write(&buf)
	out := buf.String()
	dropTable := strings.Index(out, "DROP TABLE IF EXISTS [dbo].[Line];")
	dropType := strings.Index(out, "DROP TYPE IF EXISTS [dbo].[Money2];")
	dropDef := strings.Index(out, "DROP DEFAULT IF EXISTS [dbo].[Zero];")
	dropRule := strings.Index(out, "DROP RULE IF EXISTS [dbo].[Positive];")
	if dropTable < 0 || dropType < dropTable || dropDef < dropType || dropRule < dropType {
		t.Errorf("drop order: table %d, type %d, default %d, rule %d", dropTable, dropType, dropDef, dropRule)
	}
	if !strings.Contains(out, "IF OBJECT_ID(N'[dbo].[Zero]', N'D') IS NULL\n") || !strings.Contains(out, "IF OBJECT_ID(N'[dbo].[Positive]', N'R') IS NULL\n") {
		t.Errorf("IfNotExists does not guard CREATE DEFAULT / CREATE RULE:\n%s", out)
	}
}
