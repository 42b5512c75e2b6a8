package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func propNames(ps []*model.ExtendedProperty) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// properties has one extended property at each level a filter tells
// apart.
func properties() *model.Database {
	return &model.Database{
		Schemas: []*model.Schema{{Name: "sales"}, {Name: "empty"}},
		Tables: []*model.Table{{QName: in("sales", "Orders"), Triggers: []*model.Module{{QName: in("sales", "trg"), Kind: model.KindTrigger}}},
			{QName: dbo("Other")}},
		ExtendedProperties: []*model.ExtendedProperty{
			{Name: "database"},
			{Name: "schema", Level0Type: "SCHEMA", Level0Name: "sales"},
			{Name: "empty schema", Level0Type: "SCHEMA", Level0Name: "empty"},
			{Name: "table", Level0Type: "SCHEMA", Level0Name: "sales", Level1Type: "TABLE", Level1Name: "Orders"},
			{Name: "column", Level0Type: "SCHEMA", Level0Name: "sales", Level1Type: "TABLE", Level1Name: "Orders", Level2Type: "COLUMN", Level2Name: "id"},
			{Name: "trigger", Level0Type: "SCHEMA", Level0Name: "sales", Level1Type: "TABLE", Level1Name: "Orders", Level2Type: "TRIGGER", Level2Name: "trg"},
			{Name: "other table", Level0Type: "SCHEMA", Level0Name: "dbo", Level1Type: "TABLE", Level1Name: "Other"},
			{Name: "user", Level0Type: "USER", Level0Name: "app"},
		},
	}
}

func TestExtendedPropertiesFollowTheirObjectOrSchema(t *testing.T) {
	for _, c := range []struct {
		name string
		spec Spec
		want []string
	}{
		{"all", Spec{}, []string{"database", "schema", "empty schema", "table", "column", "trigger", "other table", "user"}},
		{"one table left out", Spec{IgnoreTables: []string{"Other"}}, []string{"database", "schema", "empty schema", "table", "column", "trigger", "user"}},
		{"table list", Spec{Tables: []string{"sales.Orders"}}, []string{"schema", "table", "column", "trigger"}},
		{"skip triggers", Spec{SkipTriggers: true}, []string{"database", "schema", "empty schema", "table", "column", "other table", "user"}},
		{"skip extended properties", Spec{SkipExtendedProperties: true}, []string{}},
	} {
		db := apply(t, c.spec, properties())
		equal(t, c.name, propNames(db.ExtendedProperties), c.want)
	}
}
