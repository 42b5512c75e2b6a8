package catalog

import (
	"cmp"
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildTriggers adds each trigger where it is scripted: a DML trigger on a
// table with the table (needs buildTables), an INSTEAD OF trigger on a
// view and a database trigger with the modules. CLR triggers are left out
// with a warning.
func (a *assembler) buildTriggers(db *model.Database) {
	order := a.triggerOrders()
	for _, tr := range a.rows.Triggers {
		mod := &model.Module{
			Kind: model.KindTrigger, TypeCode: objectTrigger, Definition: tr.Definition,
			UsesAnsiNulls: tr.AnsiNulls, UsesQuotedIdentifier: tr.QuotedIdent, Disabled: tr.Disabled,
			TriggerOrder: order[tr.ObjectID],
		}
		if tr.IsEncrypted {
			mod.Encrypted = true
			mod.Definition = nil
		}
		if tr.ParentClass == triggerOnDatabase {
			mod.Name = tr.Name
			if tr.IsCLR {
				a.warn(model.WarnCLRModule, tr.Name, "database trigger %s is a CLR trigger and is not scripted", tr.Name)
				continue
			}
			db.Modules = append(db.Modules, mod)
			continue
		}
		parent := a.objects[tr.ParentID]
		if parent == nil {
			continue
		}
		mod.QName = model.QName{Schema: parent.Schema, Name: tr.Name}
		mod.Parent = &model.QName{Schema: parent.Schema, Name: parent.Name}
		if tr.IsCLR {
			a.warn(model.WarnCLRModule, qname(parent.Schema, tr.Name), "trigger %s is a CLR trigger and is not scripted", qname(parent.Schema, tr.Name))
			continue
		}
		if t := a.tables[tr.ParentID]; t != nil {
			t.Triggers = append(t.Triggers, mod)
			continue
		}
		// INSTEAD OF triggers on views live with the modules, Parent set.
		db.Modules = append(db.Modules, mod)
	}
}

// triggerOrders is each trigger's sp_settriggerorder settings by its
// object id, sorted so that the rows' order does not show.
func (a *assembler) triggerOrders() map[int64][]model.TriggerOrder {
	order := map[int64][]model.TriggerOrder{}
	for _, e := range a.rows.TriggerOrder {
		if e.IsFirst {
			order[e.ObjectID] = append(order[e.ObjectID], model.TriggerOrder{Order: "First", Event: e.Event})
		}
		if e.IsLast {
			order[e.ObjectID] = append(order[e.ObjectID], model.TriggerOrder{Order: "Last", Event: e.Event})
		}
	}
	for _, o := range order {
		slices.SortFunc(o, func(x, y model.TriggerOrder) int {
			return cmp.Or(cmp.Compare(x.Order, y.Order), cmp.Compare(x.Event, y.Event))
		})
	}
	return order
}
