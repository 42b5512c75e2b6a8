package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func TestATableListKeepsTheHistoryTableOfAKeptTemporalTable(t *testing.T) {
	db := &model.Database{Tables: []*model.Table{
		{QName: dbo("Orders"), Temporal: &model.Temporal{History: in("hist", "Orders")}},
		{QName: in("hist", "Orders"), HistoryOf: ptr(dbo("Orders"))},
		{QName: dbo("Other")},
	}}
	apply(t, Spec{Tables: []string{"Orders"}}, db)
	equal(t, "tables", tableNames(db.Tables), []model.QName{dbo("Orders"), in("hist", "Orders")})
}

func TestATableListEntryMatchesOneTableWhateverItsCase(t *testing.T) {
	db := &model.Database{Tables: []*model.Table{{QName: dbo("Orders")}, {QName: dbo("Other")}}}
	apply(t, Spec{Tables: []string{"dbo.ORDERS"}}, db)
	equal(t, "tables", tableNames(db.Tables), []model.QName{dbo("Orders")})
}

func TestATableListEntryThatNamesNoTableOrTwoIsAnError(t *testing.T) {
	f, err := Compile(Spec{Tables: []string{"orders"}})
	if err != nil {
		t.Fatal(err)
	}
	err = f.Apply(&model.Database{Name: "shop", Tables: []*model.Table{{QName: dbo("Other")}}})
	equal(t, "error", errText(err), `invalid Tables: table "dbo.orders" not found in database "shop"`)
	err = f.Apply(&model.Database{Tables: []*model.Table{{QName: dbo("ORDERS")}, {QName: dbo("Orders")}}})
	equal(t, "error", errText(err), `invalid Tables: table "dbo.orders" is ambiguous: dbo.ORDERS, dbo.Orders`)
}

// Apply resolves a table list per catalog: resolving it for one database
// does not change what it matches in the next.
func TestApplyLeavesTheCompiledFilterAsItWas(t *testing.T) {
	f, err := Compile(Spec{Tables: []string{"orders"}})
	if err != nil {
		t.Fatal(err)
	}
	first := &model.Database{Tables: []*model.Table{{QName: dbo("Orders")}}}
	second := &model.Database{Tables: []*model.Table{{QName: dbo("orders")}, {QName: dbo("Orders")}}}
	for _, db := range []*model.Database{first, second} {
		if err := f.Apply(db); err != nil {
			t.Fatal(err)
		}
	}
	equal(t, "second database's tables", tableNames(second.Tables), []model.QName{dbo("orders")})
}

func TestIgnoreTablesAndSchemaFiltersLeaveTablesOut(t *testing.T) {
	db := &model.Database{Tables: []*model.Table{{QName: dbo("A")}, {QName: dbo("B")}, {QName: in("audit", "C")}}}
	apply(t, Spec{IgnoreTables: []string{"B"}, ExcludeSchemas: []string{"audit"}}, db)
	equal(t, "tables", tableNames(db.Tables), []model.QName{dbo("A")})
}

func TestAKeptTableKeepsTheTriggersTheFilterKeeps(t *testing.T) {
	build := func() *model.Database {
		return &model.Database{Tables: []*model.Table{{QName: dbo("A"), Triggers: []*model.Module{
			{QName: dbo("trg_audit"), Kind: model.KindTrigger}, {QName: dbo("trg_check"), Kind: model.KindTrigger}}}}}
	}
	for _, c := range []struct {
		spec Spec
		want []model.QName
	}{
		{Spec{}, []model.QName{dbo("trg_audit"), dbo("trg_check")}},
		{Spec{Tables: []string{"A"}}, []model.QName{dbo("trg_audit"), dbo("trg_check")}},
		{Spec{ExcludeObjects: []string{"dbo.trg_check"}}, []model.QName{dbo("trg_audit")}},
		{Spec{ExcludeTypes: []string{model.TypeTrigger}}, []model.QName{}},
		{Spec{SkipTriggers: true}, []model.QName{}},
	} {
		db := apply(t, c.spec, build())
		equal(t, "triggers", moduleNames(db.Tables[0].Triggers), c.want)
	}
}

func ptr[T any](v T) *T { return &v }

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}
