package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// The bindables stage keeps a stand-alone default or rule that the filter
// keeps by itself, or that a kept column or a kept alias type is bound to
// (the script binds it again); every other one goes.
func TestBindablesAreKeptByTheirFiltersOrByWhatIsBoundToThem(t *testing.T) {
	zero, typeDefault, spare := dbo("Zero"), dbo("TypeDefault"), dbo("Spare")
	positive, typeRule, spareRule := dbo("Positive"), dbo("TypeRule"), dbo("SpareRule")
	build := func() *model.Database {
		def := "CREATE DEFAULT x AS 0"
		module := func(q model.QName, kind string) *model.Module {
			return &model.Module{QName: q, Kind: kind, Definition: &def}
		}
		return &model.Database{
			Defaults: []*model.Module{module(zero, model.KindDefault), module(typeDefault, model.KindDefault), module(spare, model.KindDefault)},
			Rules:    []*model.Module{module(positive, model.KindRule), module(typeRule, model.KindRule), module(spareRule, model.KindRule)},
			Types: []*model.UserType{{QName: dbo("Money"), Base: model.Type{Name: "decimal", System: "decimal"},
				BoundDefault: &typeDefault, BoundRule: &typeRule}},
			Tables: []*model.Table{
				{QName: dbo("Kept"), Columns: []*model.Column{{Name: "a", Type: model.Type{Name: "int", System: "int"},
					BoundDefault: &zero, BoundRule: &positive}}},
				{QName: dbo("Priced"), Columns: []*model.Column{{Name: "p",
					Type: model.Type{Schema: "dbo", Name: "Money", System: "decimal", UserDefined: true}}}},
			},
		}
	}
	for _, tc := range []struct {
		name            string
		spec            Spec
		defaults, rules []model.QName
	}{
		{"everything", Spec{}, []model.QName{zero, typeDefault, spare}, []model.QName{positive, typeRule, spareRule}},
		{"a column's", Spec{Tables: []string{"Kept"}}, []model.QName{zero}, []model.QName{positive}},
		{"an alias type's, kept for a column", Spec{Tables: []string{"Priced"}}, []model.QName{typeDefault}, []model.QName{typeRule}},
		{"bound ones whatever the type filter says", Spec{ExcludeTypes: []string{model.TypeDefault, model.TypeRule}},
			[]model.QName{zero, typeDefault}, []model.QName{positive, typeRule}},
		{"by name", Spec{IncludeObjects: []string{"dbo.Kept", "dbo.Spare"}}, []model.QName{zero, spare}, []model.QName{positive}},
		{"by type", Spec{IncludeTypes: []string{model.TypeRule}}, []model.QName{}, []model.QName{positive, typeRule, spareRule}},
	} {
		db := apply(t, tc.spec, build())
		equal(t, tc.name+": defaults", moduleNames(db.Defaults), tc.defaults)
		equal(t, tc.name+": rules", moduleNames(db.Rules), tc.rules)
	}
}
