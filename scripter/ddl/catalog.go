package ddl

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// builtinPrincipal reports principals every database has; they are never
// created and are always valid owners.
func builtinPrincipal(name string) bool {
	switch name {
	case "", "INFORMATION_SCHEMA", "sys":
		return true
	}
	return model.IsBuiltinUser(name) || model.IsFixedDatabaseRole(name)
}

// builtinSchema reports schemas every database has.
func builtinSchema(name string) bool {
	switch name {
	case "dbo", "guest", "INFORMATION_SCHEMA", "sys":
		return true
	}
	return model.IsFixedDatabaseRole(name)
}

// schemas scripts CREATE SCHEMA. The owner is kept when it is a built-in
// principal or when principals are scripted too; otherwise the owner would
// not exist on restore, so it is left out with a warning.
func (b *builder) schemas() []Object {
	var out []Object
	for _, s := range sortedQNames(b.db.Schemas, func(s *model.Schema) model.QName { return model.QName{Name: s.Name} }) {
		if builtinSchema(s.Name) {
			continue
		}
		if unsafeName(s.Name) {
			b.warn(WarnUnsafeIdentifier, s.Name, "schema name contains \"$(\" or a line break; restore with sqlcmd -x or mssqldump restore")
		}
		stmt := "CREATE SCHEMA " + ident(s.Name)
		if s.Owner != "" && s.Owner != "dbo" {
			if builtinPrincipal(s.Owner) || b.opts.Permissions {
				stmt += " AUTHORIZATION " + ident(s.Owner)
			} else {
				b.warn(WarnSchemaOwnerOmitted, s.Name, "schema owner "+s.Owner+" is scripted only with --permissions; the schema is created owned by dbo")
			}
		}
		if b.opts.IfNotExists || b.opts.AddDropTable {
			// CREATE SCHEMA must be alone in its batch: run it dynamically.
			// AddDropTable drops no schema (objects outside the dump may
			// live in it), so a second run must not create it again.
			stmt = "IF SCHEMA_ID(" + nlit(s.Name) + ") IS NULL\n\tEXEC sys.sp_executesql " + nlit(stmt) + ";"
		} else {
			stmt += ";"
		}
		var sb strings.Builder
		header(&sb, "SCHEMA", ident(s.Name))
		batch(&sb, stmt)
		out = append(out, Object{Type: TypeSchema, QName: model.QName{Name: s.Name}, Text: sb.String()})
	}
	return out
}

func (b *builder) xmlSchemaCollections() []Object {
	var out []Object
	for _, x := range sortedQNames(b.db.XMLSchemaCollections, func(x *model.XMLSchemaCollection) model.QName { return x.QName }) {
		var sb strings.Builder
		header(&sb, "XML SCHEMA COLLECTION", qn(x.QName))
		// CREATE XML SCHEMA COLLECTION takes a literal or a variable only;
		// a variable works for every text.
		var stmt strings.Builder
		expr, _ := strLit(x.Definition)
		stmt.WriteString("DECLARE @schema nvarchar(max) = ")
		stmt.WriteString(expr)
		stmt.WriteString(";\n")
		create := "CREATE XML SCHEMA COLLECTION " + qn(x.QName) + " AS @schema;"
		if b.opts.IfNotExists {
			create = "IF NOT EXISTS (SELECT 1 FROM sys.xml_schema_collections WHERE schema_id = SCHEMA_ID(" + nlit(x.Schema) + ") AND name = " + nlit(x.Name) + ")\n\t" + create
		}
		stmt.WriteString(create)
		batch(&sb, stmt.String())
		out = append(out, Object{Type: TypeXMLSchemaCollection, QName: x.QName, Text: sb.String()})
	}
	return out
}

func (b *builder) aliasTypes() []Object {
	var out []Object
	for _, t := range sortedQNames(b.db.Types, func(t *model.UserType) model.QName { return t.QName }) {
		var sb strings.Builder
		header(&sb, "TYPE", qn(t.QName))
		stmt := "CREATE TYPE " + qn(t.QName) + " FROM " + typeSQL(t.Base) + nullSQL(t.Nullable) + ";"
		batch(&sb, b.guard("TYPE_ID("+nlit(qn(t.QName))+") IS NULL", stmt))
		out = append(out, Object{Type: TypeAliasType, QName: t.QName, Text: sb.String()})
	}
	return out
}

func nullSQL(nullable bool) string {
	if nullable {
		return " NULL"
	}
	return " NOT NULL"
}

func (b *builder) tableTypes() []Object {
	var out []Object
	for _, t := range sortedQNames(b.db.TableTypes, func(t *model.TableType) model.QName { return t.QName }) {
		var sb strings.Builder
		header(&sb, "TYPE", qn(t.QName))
		stmt := "CREATE TYPE " + qn(t.QName) + " AS TABLE" + b.tableBody(t.Table, true)
		if t.Table != nil && t.Table.MemoryOptimized {
			stmt += "\nWITH (MEMORY_OPTIMIZED = ON)"
		}
		stmt += ";"
		batch(&sb, b.guard("TYPE_ID("+nlit(qn(t.QName))+") IS NULL", stmt))
		out = append(out, Object{Type: TypeTableType, QName: t.QName, Text: sb.String()})
	}
	return out
}

// sequences scripts CREATE SEQUENCE with the original options, then, for a
// sequence that has handed out values, restarts it at its current value and
// consumes that value once: the restored sequence then has the same
// current_value and last_used_value, and hands out the same next value.
func (b *builder) sequences() []Object {
	var out []Object
	for _, s := range sortedQNames(b.db.Sequences, func(s *model.Sequence) model.QName { return s.QName }) {
		var sb strings.Builder
		header(&sb, "SEQUENCE", qn(s.QName))
		var st strings.Builder
		st.WriteString("CREATE SEQUENCE " + qn(s.QName) + " AS " + typeSQL(s.Type))
		st.WriteString("\n\tSTART WITH " + numOr(s.Start, "1"))
		st.WriteString("\n\tINCREMENT BY " + numOr(s.Increment, "1"))
		if s.Min != "" {
			st.WriteString("\n\tMINVALUE " + s.Min)
		}
		if s.Max != "" {
			st.WriteString("\n\tMAXVALUE " + s.Max)
		}
		if s.Cycle {
			st.WriteString("\n\tCYCLE")
		} else {
			st.WriteString("\n\tNO CYCLE")
		}
		// The default cache is the absence of the clause: SQL Server picks
		// the size for a bare CACHE or for none alike, and Babelfish takes
		// only the latter.
		switch {
		case s.Cache == nil:
		case *s.Cache == 0:
			st.WriteString("\n\tNO CACHE")
		default:
			st.WriteString("\n\tCACHE " + strconv.Itoa(*s.Cache))
		}
		st.WriteString(";")
		batch(&sb, b.guard(objectIDIsNull(s.QName, "SO"), st.String()))
		if s.LastUsed && isInteger(s.Current) {
			batch(&sb, "ALTER SEQUENCE "+qn(s.QName)+" RESTART WITH "+s.Current+";\nDECLARE @consumed sql_variant;\nSET @consumed = NEXT VALUE FOR "+qn(s.QName)+";")
		}
		out = append(out, Object{Type: TypeSequence, QName: s.QName, Text: sb.String()})
	}
	return out
}

func numOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isInteger accepts the decimal text of a sequence or identity value.
func isInteger(s string) bool {
	_, ok := new(big.Int).SetString(s, 10)
	return ok
}

// ordered scripts tables, synonyms and modules in dependency order.
func (b *builder) ordered() []Object {
	var out []Object
	for _, n := range b.order {
		switch o := n.obj.(type) {
		case *model.Table:
			out = append(out, b.table(o))
		case *model.Synonym:
			out = append(out, b.synonym(o))
		case *model.Module:
			out = append(out, b.module(o))
		}
	}
	return out
}

func (b *builder) synonym(s *model.Synonym) Object {
	var sb strings.Builder
	header(&sb, "SYNONYM", qn(s.QName))
	// base_object_name is already bracket-quoted by SQL Server.
	batch(&sb, b.guard(objectIDIsNull(s.QName, "SN"), "CREATE SYNONYM "+qn(s.QName)+" FOR "+s.Target+";"))
	return Object{Type: TypeSynonym, QName: s.QName, Text: sb.String()}
}
