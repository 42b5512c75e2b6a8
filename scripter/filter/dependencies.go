package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyDependencies keeps the dependency edges between two kept objects,
// triggers included: the scripted ones are what ddl orders.
func applyDependencies(db *model.Database, k *kept) {
	for _, m := range db.Modules {
		if m.Kind == model.KindTrigger && m.Parent != nil {
			k.add(m.QName)
		}
	}
	db.Dependencies = slices.DeleteFunc(db.Dependencies, func(d model.Dependency) bool {
		return !k.objects[d.Referenced] || !k.objects[d.Referencing]
	})
}
