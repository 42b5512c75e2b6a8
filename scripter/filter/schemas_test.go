package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func schemaNames(ss []*model.Schema) []string {
	out := []string{}
	for _, s := range ss {
		out = append(out, s.Name)
	}
	return out
}

// An object cannot be created without its schema: a schema holding a kept
// object is kept whatever the schema filters say; an empty one follows
// them, and a table list leaves it out.
func TestASchemaIsKeptWithItsObjectsOrByTheSchemaFilters(t *testing.T) {
	build := func() *model.Database {
		return &model.Database{
			Schemas: []*model.Schema{{Name: "sales"}, {Name: "empty"}, {Name: "other"}},
			Tables:  []*model.Table{{QName: in("sales", "Orders")}},
		}
	}
	for _, c := range []struct {
		name string
		spec Spec
		want []string
	}{
		{"all", Spec{}, []string{"sales", "empty", "other"}},
		{"no schema type", Spec{ExcludeTypes: []string{model.TypeSchema}}, []string{"sales"}},
		{"excluded by name", Spec{ExcludeSchemas: []string{"sales", "empty"}}, []string{"other"}},
		{"table list", Spec{Tables: []string{"sales.Orders"}}, []string{"sales"}},
		{"one-part object name", Spec{IncludeObjects: []string{"sales.Orders", "empty"}}, []string{"sales", "empty"}},
	} {
		db := apply(t, c.spec, build())
		equal(t, c.name, schemaNames(db.Schemas), c.want)
	}
}
