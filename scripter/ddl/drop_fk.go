package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// foreignKeyDrops is the AddDropTable batches that remove every foreign key
// pointing at a table the script is about to drop: SQL Server refuses DROP
// TABLE on a table another table's FK references (error 3726), and reverse
// restore order cannot avoid that where FKs form a cycle or come from
// tables outside the dump.
//
// Two batches, because each covers what the other cannot:
//
//   - one guarded ALTER TABLE ... DROP CONSTRAINT per FK the model knows of
//     that references a dumped table (sorted by table, then FK name). It
//     needs no catalog query, so it works where sys.foreign_keys ids do not
//     match OBJECT_ID (Babelfish for PostgreSQL);
//   - a catch-all for FKs from tables the dump leaves out, read from
//     sys.foreign_keys and dropped ONE per loop iteration. A single
//     SELECT @v += ... FROM over many rows may assign only once (documented
//     as undefined on SQL Server, and so on Babelfish), which would leave
//     FKs behind. A failed drop THROWs, ending the batch instead of
//     looping forever.
func (b *builder) foreignKeyDrops(tables []*model.Table) []string {
	if len(tables) == 0 {
		return nil
	}
	var out []string
	if known := b.knownFKDrops(); known != "" {
		out = append(out, known)
	}
	var st strings.Builder
	st.WriteString("DECLARE @drop nvarchar(max);\n")
	st.WriteString("WHILE 1 = 1\nBEGIN\n")
	st.WriteString("\tSET @drop = NULL;\n")
	st.WriteString("\tSELECT TOP (1) @drop = N'ALTER TABLE ' + QUOTENAME(OBJECT_SCHEMA_NAME(fk.parent_object_id)) + N'.' + QUOTENAME(OBJECT_NAME(fk.parent_object_id))\n")
	st.WriteString("\t\t+ N' DROP CONSTRAINT ' + QUOTENAME(fk.name) + N';'\n")
	st.WriteString("\tFROM sys.foreign_keys AS fk\n\tWHERE fk.referenced_object_id IN (\n")
	for i, t := range tables {
		st.WriteString("\t\tOBJECT_ID(" + nlit(qn(t.QName)) + ")")
		if i < len(tables)-1 {
			st.WriteString(",")
		}
		st.WriteString("\n")
	}
	st.WriteString("\t)\n\tORDER BY fk.name;\n")
	st.WriteString("\tIF @drop IS NULL\n\t\tBREAK;\n")
	st.WriteString("\tBEGIN TRY\n\t\tEXEC (@drop);\n\tEND TRY\n\tBEGIN CATCH\n\t\tTHROW;\n\tEND CATCH;\n")
	st.WriteString("END;")
	return append(out, st.String())
}

// knownFKDrops drops, where it exists, each FK of the model whose
// referenced table is dumped, self-references included (harmless, and the
// rule stays simple: every FK into a dumped table goes first).
func (b *builder) knownFKDrops() string {
	type fkOn struct {
		table model.QName
		fk    *model.ForeignKey
	}
	var fks []fkOn
	for _, t := range b.db.Tables {
		for _, fk := range t.ForeignKeys {
			if _, dumped := b.tables[fk.References]; dumped {
				fks = append(fks, fkOn{t.QName, fk})
			}
		}
	}
	sort.SliceStable(fks, func(i, j int) bool {
		a, c := fks[i], fks[j]
		if a.table != c.table {
			if a.table.Schema != c.table.Schema {
				return a.table.Schema < c.table.Schema
			}
			return a.table.Name < c.table.Name
		}
		return a.fk.Name < c.fk.Name
	})
	var st strings.Builder
	for _, x := range fks {
		name := model.QName{Schema: x.table.Schema, Name: x.fk.Name}
		st.WriteString("IF OBJECT_ID(" + nlit(qn(name)) + ", N'F') IS NOT NULL\n")
		st.WriteString("\tALTER TABLE " + qn(x.table) + " DROP CONSTRAINT " + ident(x.fk.Name) + ";\n")
	}
	return strings.TrimSuffix(st.String(), "\n")
}
