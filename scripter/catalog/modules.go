package catalog

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// moduleKind is the model's kind of a T-SQL module of sys.objects type
// typ, or "" for a type this dump does not script as a module.
func moduleKind(typ string) string {
	switch typ {
	case objectView:
		return model.KindView
	case objectProcedure:
		return model.KindProcedure
	case objectScalarFunction, objectInlineFunction, objectTableFunction:
		return model.KindFunction
	}
	return ""
}

// buildModules adds the views, procedures and functions, each view with
// the indexes buildIndexes set aside for it, and the stand-alone defaults
// and rules. CLR and extended modules are left out with a warning.
func (a *assembler) buildModules(db *model.Database) {
	for _, m := range a.rows.Modules {
		typ := strings.TrimSpace(m.Type)
		name := qname(m.Schema, m.Name)
		kind := moduleKind(typ)
		if typ == objectDefault || typ == objectRule {
			a.buildBindable(db, m, typ)
			continue
		}
		if kind == "" || (!m.HasSQLModule && !m.IsEncrypted) {
			a.warn(model.WarnCLRModule, name, "%s (type %s) is a CLR or extended procedure/function and is not scripted", name, typ)
			continue
		}
		mod := &model.Module{
			QName: model.QName{Schema: m.Schema, Name: m.Name}, Kind: kind, TypeCode: typ,
			Definition: m.Definition, UsesAnsiNulls: m.AnsiNulls, UsesQuotedIdentifier: m.QuotedIdent,
			SchemaBound: m.SchemaBound,
		}
		if m.IsEncrypted || (m.HasSQLModule && m.Definition == nil) {
			mod.Encrypted = true
			mod.Definition = nil
		}
		if v := a.views[m.ObjectID]; v != nil {
			mod.Indexes = v.Indexes
		}
		db.Modules = append(db.Modules, mod)
	}
}

// buildBindable adds a stand-alone default (D) or rule (R).
func (a *assembler) buildBindable(db *model.Database, m ModuleRow, typ string) {
	mod := &model.Module{
		QName: model.QName{Schema: m.Schema, Name: m.Name}, Kind: model.KindDefault, TypeCode: typ,
		Definition: m.Definition, UsesAnsiNulls: m.AnsiNulls, UsesQuotedIdentifier: m.QuotedIdent,
	}
	if m.IsEncrypted || m.Definition == nil {
		mod.Encrypted = true
		mod.Definition = nil
	}
	if typ == objectRule {
		mod.Kind = model.KindRule
		db.Rules = append(db.Rules, mod)
		return
	}
	db.Defaults = append(db.Defaults, mod)
}

// bound names the stand-alone default (typ objectDefault) or rule
// (objectRule) with object id id, or nil: a DEFAULT constraint (whose
// parent is its table) is not one.
func (a *assembler) bound(id int64, typ string) *model.QName {
	if id == 0 {
		return nil
	}
	o := a.objects[id]
	if o == nil || o.Type != typ || o.ParentObjectID != 0 {
		return nil
	}
	return &model.QName{Schema: o.Schema, Name: o.Name}
}
