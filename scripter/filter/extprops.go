package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyExtendedProperties keeps the extended properties of kept schemas
// and kept schema-scoped objects. Database-level ones and those of other
// classes (principals, ...) stay unless a table list narrows the dump to
// tables.
func (f *Filter) applyExtendedProperties(db *model.Database, k *kept) {
	if f.skipExtendedProperties {
		db.ExtendedProperties = nil
		return
	}
	db.ExtendedProperties = slices.DeleteFunc(db.ExtendedProperties, func(p *model.ExtendedProperty) bool {
		return !f.keepExtendedProperty(p, k)
	})
}

func (f *Filter) keepExtendedProperty(p *model.ExtendedProperty, k *kept) bool {
	switch {
	case p.Level0Type == "SCHEMA" && p.Level1Type == "":
		return k.schemas[p.Level0Name]
	case p.Level0Type == "SCHEMA":
		// A trigger's property is decided by its table: only SkipTriggers
		// leaves it out on its own.
		if f.skipTriggers && p.Level2Type == "TRIGGER" {
			return false
		}
		return k.objects[model.QName{Schema: p.Level0Name, Name: p.Level1Name}]
	}
	return !f.tablesOnly
}
