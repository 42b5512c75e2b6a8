package catalog

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildBindables adds the stand-alone defaults and rules (CREATE DEFAULT /
// CREATE RULE), which sys.sql_modules lists with the other modules.
func (a *assembler) buildBindables(db *model.Database) {
	for _, m := range a.rows.Modules {
		if typ := strings.TrimSpace(m.Type); isBindable(typ) {
			a.addBindable(db, m, typ)
		}
	}
}

// isBindable reports whether a module of sys.objects type typ is a
// stand-alone default or rule: what sp_bindefault / sp_bindrule bind.
func isBindable(typ string) bool {
	return typ == objectDefault || typ == objectRule
}

// addBindable adds one stand-alone default or rule.
func (a *assembler) addBindable(db *model.Database, m ModuleRow, typ string) {
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
