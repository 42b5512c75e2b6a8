package ddl

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// bindables scripts stand-alone defaults and rules (CREATE DEFAULT, CREATE
// RULE) exactly as defined, each alone in its batch as SQL Server requires.
// They come before alias types and tables; bindings wait for post-data.
func (b *builder) bindables() []Object {
	var out []Object
	for _, set := range []struct {
		mods []*model.Module
		typ  string
		code string
	}{{b.db.Defaults, TypeDefault, "D"}, {b.db.Rules, TypeRule, "R"}} {
		for _, m := range sortedQNames(set.mods, func(m *model.Module) model.QName { return m.QName }) {
			var sb strings.Builder
			header(&sb, strings.ToUpper(set.typ), qn(m.QName))
			// sys.sql_modules.uses_ansi_nulls is always 0 for rules and
			// defaults, whatever the session's setting: SET ANSI_NULLS OFF
			// would be noise, and the restored flag is 0 either way.
			mod := *m
			mod.UsesAnsiNulls = true
			b.moduleText(&sb, &mod, objectIDIsNull(m.QName, set.code))
			out = append(out, Object{Type: set.typ, QName: m.QName, Text: sb.String()})
		}
	}
	return out
}

// bindings binds defaults and rules the way the source has them, after the
// data (a rule checks only rows inserted after it is bound, so the source's
// rows, which may predate the rule, always load). Alias types are bound
// with futureonly, which leaves the columns already created alone; each
// column is then bound exactly as sys.columns reports it, so a column that
// kept no default when its type was bound with futureonly keeps none.
func (b *builder) bindings() []Object {
	var out []Object
	scripted := func(q *model.QName, typ string) bool {
		return q != nil && b.present[*q] == typ && b.definedBindable(*q, typ)
	}
	for _, t := range sortedQNames(b.db.Types, func(t *model.UserType) model.QName { return t.QName }) {
		var sb strings.Builder
		if scripted(t.BoundDefault, TypeDefault) {
			batch(&sb, bindDefault(*t.BoundDefault, qn(t.QName), true))
		}
		if scripted(t.BoundRule, TypeRule) {
			batch(&sb, bindRule(*t.BoundRule, qn(t.QName), true))
		}
		if sb.Len() > 0 {
			out = append(out, Object{Type: TypeBinding, QName: t.QName, Text: "-- BINDINGS " + comment(qn(t.QName)) + "\n" + sb.String()})
		}
	}
	for _, t := range b.orderedTables() {
		var sb strings.Builder
		for _, c := range t.Columns {
			col := qn(t.QName) + "." + ident(c.Name)
			if c.BoundDefault != nil {
				if scripted(c.BoundDefault, TypeDefault) {
					batch(&sb, bindDefault(*c.BoundDefault, col, false))
				} else {
					b.warn(WarnBoundDefault, objName(t.QName)+"."+c.Name, "bound default "+objName(*c.BoundDefault)+" is not in the script; the column is left without it")
				}
			}
			if c.BoundRule != nil {
				if scripted(c.BoundRule, TypeRule) {
					batch(&sb, bindRule(*c.BoundRule, col, false))
				} else {
					b.warn(WarnBoundRule, objName(t.QName)+"."+c.Name, "bound rule "+objName(*c.BoundRule)+" is not in the script; the column is left without it")
				}
			}
		}
		if sb.Len() > 0 {
			out = append(out, Object{Type: TypeBinding, QName: model.QName{Schema: t.Schema, Name: "bindings"}, Parent: t.QName,
				Text: "-- BINDINGS " + comment(qn(t.QName)) + "\n" + sb.String()})
		}
	}
	for _, tt := range sortedQNames(b.db.TableTypes, func(t *model.TableType) model.QName { return t.QName }) {
		if tt.Table == nil {
			continue
		}
		for _, c := range tt.Table.Columns {
			// sp_bindefault and sp_bindrule take no table-type column: the
			// column gets its type's default or rule only if the type is
			// bound before the table type is created, which the script does
			// not do (it would bind every table column of that type too).
			if c.BoundDefault != nil {
				b.warn(WarnBoundDefault, objName(tt.QName)+"."+c.Name, "table type column has bound default "+objName(*c.BoundDefault)+", which cannot be bound again; it is created without it")
			}
			if c.BoundRule != nil {
				b.warn(WarnBoundRule, objName(tt.QName)+"."+c.Name, "table type column has bound rule "+objName(*c.BoundRule)+", which cannot be bound again; it is created without it")
			}
		}
	}
	return out
}

// definedBindable reports that the default or rule q has a definition the
// script creates (an encrypted one is a comment only).
func (b *builder) definedBindable(q model.QName, typ string) bool {
	mods := b.db.Defaults
	if typ == TypeRule {
		mods = b.db.Rules
	}
	for _, m := range mods {
		if m.QName == q {
			return m.Definition != nil
		}
	}
	return false
}

// bindDefault is SMO's sp_bindefault call; futureonly (types only) keeps
// existing columns of the type as they are.
func bindDefault(def model.QName, object string, futureOnly bool) string {
	return "EXEC sys.sp_bindefault @defname = " + nlit(qn(def)) + ", @objname = " + nlit(object) + futureOnlyArg(futureOnly) + ";"
}

// bindRule is SMO's sp_bindrule call.
func bindRule(rule model.QName, object string, futureOnly bool) string {
	return "EXEC sys.sp_bindrule @rulename = " + nlit(qn(rule)) + ", @objname = " + nlit(object) + futureOnlyArg(futureOnly) + ";"
}

func futureOnlyArg(on bool) string {
	if on {
		return ", @futureonly = 'futureonly'"
	}
	return ""
}
