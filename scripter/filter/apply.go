package filter

import "github.com/mssqldump/mssqldump/scripter/model"

// kept is what the stages so far have kept, for the stages after them:
// objects by name (schema-scoped objects; triggers join only for the
// dependency stage, since nothing else may hang on a trigger) and schemas.
type kept struct {
	objects map[model.QName]bool
	schemas map[string]bool
}

func (k *kept) add(q model.QName) { k.objects[q] = true }

// Apply prunes db in place to what the filter keeps. Objects a kept object
// needs to exist at all (its schema, the alias types and XML schema
// collections of its columns, the defaults and rules bound to them, a
// temporal table's history table) are kept with it. Its one error is an
// exact Spec.Tables entry that names no table, or more than one.
//
// The stages run in this order because each keeps what the ones before it
// kept need: schemas come after every schema-scoped object, principals
// after schemas (schema owners stay), dependencies last.
func (f *Filter) Apply(db *model.Database) error {
	tables, err := f.resolveTables(db)
	if err != nil {
		return err
	}
	k := &kept{objects: map[model.QName]bool{}}
	f.applyTables(db, tables, k)
	f.applyModules(db, k)
	f.applySequencesAndSynonyms(db, k)
	f.applyTypes(db, k)
	f.applyBindables(db, k)
	f.applySchemas(db, k)
	if f.permissions {
		// Principals only matter when they are scripted.
		f.applyPrincipals(db, k)
	}
	f.applyExtendedProperties(db, k)
	applyDependencies(db, k)
	return nil
}
