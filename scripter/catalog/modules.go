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
// the indexes buildIndexes set aside for it. CLR and extended modules are
// left out with a warning.
func (a *assembler) buildModules(db *model.Database) {
	for _, m := range a.rows.Modules {
		typ := strings.TrimSpace(m.Type)
		if isBindable(typ) {
			continue // buildBindables
		}
		name := qname(m.Schema, m.Name)
		kind := moduleKind(typ)
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
