package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applySchemas keeps the schemas that hold a kept object, and those the
// filter keeps. dbo is always there, so it always counts as kept.
func (f *Filter) applySchemas(db *model.Database, k *kept) {
	used := map[string]bool{}
	for q := range k.objects {
		used[q.Schema] = true
	}
	db.Schemas = slices.DeleteFunc(db.Schemas, func(s *model.Schema) bool {
		return !used[s.Name] && !(f.keepSchema(s.Name) && f.keepUnscoped(model.TypeSchema, s.Name))
	})
	k.schemas = map[string]bool{"dbo": true}
	for _, s := range db.Schemas {
		k.schemas[s.Name] = true
	}
}
