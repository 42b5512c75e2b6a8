package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyBindables keeps the stand-alone defaults and rules the filter keeps,
// and those a kept table's column or a kept alias type is bound to: the
// script binds them again, which needs them to exist.
func (f *Filter) applyBindables(db *model.Database, k *kept) {
	bound := map[model.QName]bool{}
	need := func(q *model.QName) {
		if q != nil {
			bound[*q] = true
		}
	}
	for _, t := range db.Tables {
		for _, c := range t.Columns {
			need(c.BoundDefault)
			need(c.BoundRule)
		}
	}
	for _, u := range db.Types {
		need(u.BoundDefault)
		need(u.BoundRule)
	}
	db.Defaults = slices.DeleteFunc(db.Defaults, func(m *model.Module) bool {
		return !bound[m.QName] && !f.keep(model.TypeDefault, m.QName)
	})
	db.Rules = slices.DeleteFunc(db.Rules, func(m *model.Module) bool {
		return !bound[m.QName] && !f.keep(model.TypeRule, m.QName)
	})
	for _, m := range db.Defaults {
		k.add(m.QName)
	}
	for _, m := range db.Rules {
		k.add(m.QName)
	}
}
