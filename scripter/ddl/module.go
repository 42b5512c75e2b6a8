package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// moduleSettings sets the two options a module keeps from its creation
// (sys.sql_modules.uses_ansi_nulls and uses_quoted_identifier).
func moduleSettings(ansiNulls, quotedIdentifier bool) string {
	return strings.TrimSuffix(tsql.SetStatements(
		tsql.SessionOption{Name: tsql.SetAnsiNulls, On: ansiNulls},
		tsql.SessionOption{Name: tsql.SetQuotedIdentifier, On: quotedIdentifier}), "\n")
}

// module scripts a view, function or procedure exactly as defined.
func (b *builder) module(m *model.Module) Object {
	typ := model.ModuleType(m)
	var sb strings.Builder
	header(&sb, strings.ToUpper(typ), qn(m.QName))
	b.moduleText(&sb, m, objectIDIsNull(m.QName, ""))
	return Object{Type: typ, QName: m.QName, Text: sb.String()}
}

// moduleText writes the SET batches and the definition. notExists is the
// test used when IfNotExists is on.
func (b *builder) moduleText(sb *strings.Builder, m *model.Module, notExists string) {
	if m.Definition == nil {
		if isCLR(m.TypeCode) && !m.Encrypted {
			sb.WriteString("-- " + comment(qn(m.QName)) + " is a CLR module: assemblies are not scripted.\n")
			b.warn(WarnCLRModule, objName(m.QName), "CLR module; its assembly is not in the script")
			return
		}
		sb.WriteString("-- " + comment(qn(m.QName)) + " is encrypted (WITH ENCRYPTION): its definition cannot be scripted.\n")
		b.warn(WarnEncryptedModule, objName(m.QName), "module is encrypted; its definition is not in the script")
		return
	}
	def := *m.Definition
	batch(sb, moduleSettings(m.UsesAnsiNulls, m.UsesQuotedIdentifier))
	switch {
	case b.opts.IfNotExists || needsDynamic(def):
		// sp_executesql stores the exact text, whatever sqlcmd would
		// have made of it.
		stmt := definitionVariable(def)
		if b.opts.IfNotExists {
			stmt += "IF " + notExists + "\n\t"
		}
		stmt += "EXEC sys.sp_executesql @definition;"
		batch(sb, stmt)
	default:
		sb.WriteString(def)
		sb.WriteString("\nGO\n")
	}
	if !m.UsesAnsiNulls || !m.UsesQuotedIdentifier {
		batch(sb, moduleSettings(true, true))
	}
}

// triggers scripts DML triggers (table by table in restore order, then
// triggers on views) and database DDL triggers, keeping disabled ones
// disabled and their sp_settriggerorder positions.
func (b *builder) triggers() []Object {
	var out []Object
	seen := map[model.QName]bool{}
	emit := func(tr *model.Module, parent *model.QName) {
		if seen[tr.QName] {
			return
		}
		seen[tr.QName] = true
		var sb strings.Builder
		obj := Object{Type: TypeTrigger, QName: tr.QName}
		if parent != nil {
			obj.Parent = *parent
			header(&sb, "TRIGGER", qn(tr.QName)+" ON "+qn(*parent))
		} else {
			header(&sb, "TRIGGER", ident(tr.Name)+" ON DATABASE")
		}
		cond := objectIDIsNull(tr.QName, "TR")
		if parent == nil {
			cond = "NOT EXISTS (SELECT 1 FROM sys.triggers WHERE parent_class = 0 AND name = " + nlit(tr.Name) + ")"
		}
		b.moduleText(&sb, tr, cond)
		if tr.Definition != nil {
			if tr.Disabled {
				if parent != nil {
					batch(&sb, "DISABLE TRIGGER "+qn(tr.QName)+" ON "+qn(*parent)+";")
				} else {
					batch(&sb, "DISABLE TRIGGER "+ident(tr.Name)+" ON DATABASE;")
				}
			}
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
				if parent == nil {
					name = ident(tr.Name)
					ns = ", @namespace = N'DATABASE'"
				}
				batch(&sb, "EXEC sys.sp_settriggerorder @triggername = "+nlit(name)+", @order = "+nlit(o.Order)+", @stmttype = "+nlit(o.Event)+ns+";")
			}
		}
		obj.Text = sb.String()
		out = append(out, obj)
	}
	for _, t := range b.orderedTables() {
		for _, tr := range sortedQNames(t.Triggers, func(m *model.Module) model.QName { return m.QName }) {
			p := t.QName
			emit(tr, &p)
		}
	}
	var viewTriggers, ddlTriggers []*model.Module
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
	sort.SliceStable(viewTriggers, func(i, j int) bool {
		a, c := *viewTriggers[i].Parent, *viewTriggers[j].Parent
		if a != c {
			if a.Schema != c.Schema {
				return a.Schema < c.Schema
			}
			return a.Name < c.Name
		}
		if viewTriggers[i].Schema != viewTriggers[j].Schema {
			return viewTriggers[i].Schema < viewTriggers[j].Schema
		}
		return viewTriggers[i].Name < viewTriggers[j].Name
	})
	for _, tr := range viewTriggers {
		emit(tr, tr.Parent)
	}
	for _, tr := range sortedQNames(ddlTriggers, func(m *model.Module) model.QName { return m.QName }) {
		emit(tr, nil)
	}
	return out
}

// isCLR reports sys.objects types of CLR modules, which have no T-SQL
// definition.
func isCLR(typeCode string) bool {
	switch typeCode {
	case "PC", "FS", "FT", "AF", "TA":
		return true
	}
	return false
}

// definitionVariable declares @definition holding def exactly, one
// statement per line of def, so that a one-line change to a module is a
// one-line change to the script (the differential store relies on it), and
// no expression grows deep enough to strain the server's parser. Each
// statement is a single physical line: the line's text and its line break
// are an sqlcmd-safe expression.
func definitionVariable(def string) string {
	var sb strings.Builder
	sb.Grow(len(def) + len(def)/8 + 64)
	sb.WriteString("DECLARE @definition nvarchar(max) = N'';\n")
	for len(def) > 0 {
		end := strings.IndexByte(def, '\n') + 1
		if end == 0 {
			end = len(def)
		}
		expr, _ := strLit(def[:end])
		sb.WriteString("SET @definition += ")
		sb.WriteString(expr)
		sb.WriteString(";\n")
		def = def[end:]
	}
	return sb.String()
}
