package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyModules keeps the views, procedures, functions and database DDL
// triggers the filter keeps, then the INSTEAD OF triggers of the kept
// views: a trigger cannot be created without its view.
func (f *Filter) applyModules(db *model.Database, k *kept) {
	db.Modules = slices.DeleteFunc(db.Modules, func(m *model.Module) bool { return !f.keepModule(m) })
	for _, m := range db.Modules {
		if m.Kind != model.KindTrigger {
			k.add(m.QName)
		}
	}
	db.Modules = slices.DeleteFunc(db.Modules, func(m *model.Module) bool {
		return m.Kind == model.KindTrigger && m.Parent != nil && !k.objects[*m.Parent]
	})
}

// keepModule decides one module by its type, the Skip options first.
func (f *Filter) keepModule(m *model.Module) bool {
	typ := model.ModuleType(m)
	switch {
	case f.skipRoutines && (typ == model.TypeProcedure || typ == model.TypeFunction):
		return false
	case f.skipTriggers && typ == model.TypeTrigger:
		return false
	case m.Kind == model.KindTrigger && m.Parent == nil:
		// A database DDL trigger has no schema.
		return f.keepUnscoped(typ, m.Name)
	}
	return f.keep(typ, m.QName)
}

// applySequencesAndSynonyms keeps the sequences and synonyms the filter
// keeps; nothing else keeps one.
func (f *Filter) applySequencesAndSynonyms(db *model.Database, k *kept) {
	db.Sequences = slices.DeleteFunc(db.Sequences, func(s *model.Sequence) bool { return !f.keep(model.TypeSequence, s.QName) })
	db.Synonyms = slices.DeleteFunc(db.Synonyms, func(s *model.Synonym) bool { return !f.keep(model.TypeSynonym, s.QName) })
	for _, s := range db.Sequences {
		k.add(s.QName)
	}
	for _, s := range db.Synonyms {
		k.add(s.QName)
	}
}
