package ddl

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
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
		stmt += sqlbatch.DynamicModuleExec
		batch(sb, stmt)
	default:
		sb.WriteString(def)
		sb.WriteString("\nGO\n")
	}
	if !m.UsesAnsiNulls || !m.UsesQuotedIdentifier {
		batch(sb, moduleSettings(true, true))
	}
}

// isCLR reports sys.objects types of CLR modules, which have no T-SQL
// definition.
func isCLR(typeCode string) bool {
	switch typeCode {
	case model.TypeCodeCLRProcedure, model.TypeCodeCLRScalarFunction, model.TypeCodeCLRTableFunction,
		model.TypeCodeCLRAggregate, model.TypeCodeCLRTrigger:
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
	sb.WriteString(sqlbatch.DynamicModuleHead)
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
