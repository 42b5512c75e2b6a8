package filter

import (
	"fmt"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// A table filter keeps the stand-alone defaults and rules that the kept
// tables' columns (and their alias types) are bound to, and drops the rest;
// a full dump keeps every one, bound or not.
func TestTablesFilterKeepsTheDefaultsAndRulesKeptColumnsAreBoundTo(t *testing.T) {
	q := func(n string) model.QName { return model.QName{Schema: "dbo", Name: n} }
	build := func() *model.Database {
		zero, pos, unused := q("Zero"), q("Positive"), q("Unused")
		def := "CREATE DEFAULT x AS 0"
		return &model.Database{
			Defaults: []*model.Module{{QName: zero, Kind: model.KindDefault, Definition: &def}, {QName: unused, Kind: model.KindDefault, Definition: &def}},
			Rules:    []*model.Module{{QName: pos, Kind: model.KindRule, Definition: &def}},
			Tables: []*model.Table{
				{QName: q("Kept"), Columns: []*model.Column{{Name: "a", Type: model.Type{Name: "int"}, BoundDefault: &zero, BoundRule: &pos}}},
				{QName: q("Other"), Columns: []*model.Column{{Name: "a", Type: model.Type{Name: "int"}}}},
			},
		}
	}
	names := func(ms []*model.Module) (out []string) {
		for _, m := range ms {
			out = append(out, m.Name)
		}
		return out
	}
	for _, tc := range []struct {
		spec            Spec
		defaults, rules []string
	}{
		{Spec{Tables: []string{"Kept"}}, []string{"Zero"}, []string{"Positive"}},
		{Spec{Tables: []string{"Other"}}, nil, nil},
		{Spec{}, []string{"Zero", "Unused"}, []string{"Positive"}},
		{Spec{ExcludeTypes: []string{model.TypeDefault}}, []string{"Zero"}, []string{"Positive"}},
	} {
		f, err := Compile(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		db := build()
		if err := f.Apply(db); err != nil {
			t.Fatal(err)
		}
		equal(t, fmt.Sprintf("%+v: defaults", tc.spec), names(db.Defaults), tc.defaults)
		equal(t, fmt.Sprintf("%+v: rules", tc.spec), names(db.Rules), tc.rules)
	}
}

// A user role named db_something is not a fixed database role: when a
// filter leaves it out, its memberships and permissions go with it, as any
// other role's do; db_datareader's stay.
func TestAFilteredOutUserRoleNamedDbXTakesItsMembershipsAlong(t *testing.T) {
	f, err := Compile(Spec{ExcludeObjects: []string{"db_x"}, Permissions: true})
	if err != nil {
		t.Fatal(err)
	}
	db := &model.Database{
		Principals:  []*model.Principal{{Name: "app", Type: "S"}, {Name: "db_x", Type: "R"}},
		RoleMembers: []model.RoleMember{{Role: "db_x", Member: "app"}, {Role: "db_datareader", Member: "app"}},
		Permissions: []model.Permission{{State: "GRANT", Permission: "SELECT", Class: "DATABASE", Grantee: "db_x"},
			{State: "GRANT", Permission: "SELECT", Class: "DATABASE", Grantee: "db_datareader"}},
	}
	if err := f.Apply(db); err != nil {
		t.Fatal(err)
	}
	for _, p := range db.Principals {
		if p.Name == "db_x" {
			t.Fatal("the filter kept db_x")
		}
	}
	if len(db.RoleMembers) != 1 || db.RoleMembers[0].Role != "db_datareader" {
		t.Errorf("role members %+v, want only db_datareader's", db.RoleMembers)
	}
	if len(db.Permissions) != 1 || db.Permissions[0].Grantee != "db_datareader" {
		t.Errorf("permissions %+v, want only db_datareader's", db.Permissions)
	}
}
