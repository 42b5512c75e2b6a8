package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// triggers scripts DML triggers (table by table in restore order, then
// triggers on views) and database DDL triggers, keeping disabled ones
// disabled and their sp_settriggerorder positions.
func (b *builder) triggers() []Object {
	var out []Object
	seen := map[model.QName]bool{}
	emit := func(tr *model.Module, parent *model.QName) {
		// A model with two triggers of one name scripts the first.
		if !seen[tr.QName] {
			seen[tr.QName] = true
			out = append(out, b.trigger(tr, parent))
		}
	}
	for _, t := range b.orderedTables() {
		for _, tr := range sortedQNames(t.Triggers, func(m *model.Module) model.QName { return m.QName }) {
			p := t.QName
			emit(tr, &p)
		}
	}
	viewTriggers, ddlTriggers := b.moduleTriggers()
	for _, tr := range viewTriggers {
		emit(tr, tr.Parent)
	}
	for _, tr := range sortedQNames(ddlTriggers, func(m *model.Module) model.QName { return m.QName }) {
		emit(tr, nil)
	}
	return out
}

// moduleTriggers splits the triggers among the modules into those on a
// scripted view, by view then name, and database DDL triggers.
func (b *builder) moduleTriggers() (viewTriggers, ddlTriggers []*model.Module) {
	for _, m := range b.db.Modules {
		if model.ModuleType(m) != TypeTrigger {
			continue
		}
		if m.Parent != nil {
			if _, ok := b.present[*m.Parent]; ok {
				viewTriggers = append(viewTriggers, m)
			}
		} else {
			ddlTriggers = append(ddlTriggers, m)
		}
	}
	// By name, then (stably) by view: by view, then name.
	viewTriggers = sortedQNames(viewTriggers, func(m *model.Module) model.QName { return m.QName })
	viewTriggers = sortedQNames(viewTriggers, func(m *model.Module) model.QName { return *m.Parent })
	return viewTriggers, ddlTriggers
}

// trigger scripts one trigger on parent (a table or view), or on the
// database when parent is nil.
func (b *builder) trigger(tr *model.Module, parent *model.QName) Object {
	var sb strings.Builder
	obj := Object{Type: TypeTrigger, QName: tr.QName}
	on, cond := ident(tr.Name)+" ON DATABASE", "NOT EXISTS (SELECT 1 FROM sys.triggers WHERE parent_class = 0 AND name = "+nlit(tr.Name)+")"
	if parent != nil {
		obj.Parent = *parent
		on, cond = qn(tr.QName)+" ON "+qn(*parent), objectIDIsNull(tr.QName, "TR")
	}
	header(&sb, "TRIGGER", on)
	b.moduleText(&sb, tr, cond)
	if tr.Definition != nil {
		if tr.Disabled {
			batch(&sb, "DISABLE TRIGGER "+on+";")
		}
		triggerOrder(&sb, tr, parent == nil)
	}
	obj.Text = sb.String()
	return obj
}

// triggerOrder restores tr's sp_settriggerorder positions, in a stable
// order. A DDL trigger is named by its one-part name in the DATABASE
// namespace.
func triggerOrder(sb *strings.Builder, tr *model.Module, onDatabase bool) {
	orders := append([]model.TriggerOrder(nil), tr.TriggerOrder...)
	sort.Slice(orders, func(i, j int) bool {
		if orders[i].Event != orders[j].Event {
			return orders[i].Event < orders[j].Event
		}
		return orders[i].Order < orders[j].Order
	})
	for _, o := range orders {
		name := qn(tr.QName)
		ns := ""
		if onDatabase {
			name = ident(tr.Name)
			ns = ", @namespace = N'DATABASE'"
		}
		batch(sb, "EXEC sys.sp_settriggerorder @triggername = "+nlit(name)+", @order = "+nlit(o.Order)+", @stmttype = "+nlit(o.Event)+ns+";")
	}
}
