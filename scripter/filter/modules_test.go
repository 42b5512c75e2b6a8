package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// modules is a view with an INSTEAD OF trigger, a procedure, a function
// and a database DDL trigger.
func modules() *model.Database {
	return &model.Database{Modules: []*model.Module{
		{QName: dbo("V"), Kind: model.KindView},
		{QName: dbo("trg_V"), Kind: model.KindTrigger, Parent: ptr(dbo("V"))},
		{QName: dbo("P"), Kind: model.KindProcedure},
		{QName: dbo("F"), TypeCode: "IF"},
		{QName: model.QName{Name: "ddl_audit"}, Kind: model.KindTrigger},
	}}
}

func TestModulesAreKeptByTypeAndNameAndInsteadOfTriggersGoWithTheirView(t *testing.T) {
	for _, c := range []struct {
		name string
		spec Spec
		want []model.QName
	}{
		{"all", Spec{}, []model.QName{dbo("V"), dbo("trg_V"), dbo("P"), dbo("F"), {Name: "ddl_audit"}}},
		{"no view", Spec{ExcludeTypes: []string{model.TypeView}}, []model.QName{dbo("P"), dbo("F"), {Name: "ddl_audit"}}},
		{"by one-part name", Spec{IncludeObjects: []string{"ddl_audit"}}, []model.QName{{Name: "ddl_audit"}}},
		{"table list", Spec{Tables: []string{"/./"}}, []model.QName{}},
		{"skip routines", Spec{SkipRoutines: true}, []model.QName{dbo("V"), dbo("trg_V"), {Name: "ddl_audit"}}},
		{"skip triggers", Spec{SkipTriggers: true}, []model.QName{dbo("V"), dbo("P"), dbo("F")}},
	} {
		db := apply(t, c.spec, modules())
		equal(t, c.name, moduleNames(db.Modules), c.want)
	}
}

func TestSequencesAndSynonymsAreKeptByTheirOwnFilters(t *testing.T) {
	db := &model.Database{
		Sequences: []*model.Sequence{{QName: dbo("S1")}, {QName: in("x", "S2")}},
		Synonyms:  []*model.Synonym{{QName: dbo("Syn")}},
	}
	apply(t, Spec{ExcludeSchemas: []string{"x"}, ExcludeTypes: []string{model.TypeSynonym}}, db)
	equal(t, "sequences", qnames(db.Sequences, func(s *model.Sequence) model.QName { return s.QName }), []model.QName{dbo("S1")})
	equal(t, "synonyms", len(db.Synonyms), 0)
}
