package ddl

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// drops removes every object the script creates, in reverse restore order
// (AddDropTable). Foreign keys that reference a dumped table (from any
// table, dumped or not; see foreignKeyDrops) are dropped first, and system
// versioning is turned off, since either would block DROP TABLE. Views,
// schema-bound ones included, come before the tables they read: reverse
// restore order puts them there, and with no dependency known a view
// ranks after every table in restore order, so before them here.
func (b *builder) drops() []Object {
	var sb strings.Builder
	header(&sb, "DROP", "existing objects")
	var ddl []*model.Module
	for _, m := range b.db.Modules {
		if model.ModuleType(m) == TypeTrigger && m.Parent == nil {
			ddl = append(ddl, m)
		}
	}
	for _, m := range sortedQNames(ddl, func(m *model.Module) model.QName { return m.QName }) {
		if m.Definition == nil {
			continue
		}
		batch(&sb, "DROP TRIGGER IF EXISTS "+ident(m.Name)+" ON DATABASE;")
	}
	tables := b.orderedTables()
	for _, text := range b.foreignKeyDrops(tables) {
		batch(&sb, text)
	}
	for _, t := range tables {
		if t.Temporal != nil {
			batch(&sb, "IF OBJECTPROPERTY(OBJECT_ID("+nlit(qn(t.QName))+"), 'TableTemporalType') = 2\n\tALTER TABLE "+qn(t.QName)+" SET (SYSTEM_VERSIONING = OFF);")
		}
	}
	for i := len(b.order) - 1; i >= 0; i-- {
		switch o := b.order[i].obj.(type) {
		case *model.Table:
			batch(&sb, "DROP TABLE IF EXISTS "+qn(o.QName)+";")
		case *model.Synonym:
			batch(&sb, "DROP SYNONYM IF EXISTS "+qn(o.QName)+";")
		case *model.Module:
			if o.Definition == nil {
				continue // encrypted: the script could not create it again
			}
			batch(&sb, "DROP "+strings.ToUpper(model.ModuleType(o))+" IF EXISTS "+qn(o.QName)+";")
		}
	}
	for _, s := range reverse(sortedQNames(b.db.Sequences, func(s *model.Sequence) model.QName { return s.QName })) {
		batch(&sb, "DROP SEQUENCE IF EXISTS "+qn(s.QName)+";")
	}
	for _, t := range reverse(sortedQNames(b.db.TableTypes, func(t *model.TableType) model.QName { return t.QName })) {
		batch(&sb, "DROP TYPE IF EXISTS "+qn(t.QName)+";")
	}
	for _, t := range reverse(sortedQNames(b.db.Types, func(t *model.UserType) model.QName { return t.QName })) {
		batch(&sb, "DROP TYPE IF EXISTS "+qn(t.QName)+";")
	}
	// Dropping the tables and types above unbinds them; a default or rule
	// still bound elsewhere (a table the script leaves out) makes DROP fail
	// loudly rather than leave a stale binding.
	for _, kind := range [][]*model.Module{b.db.Rules, b.db.Defaults} {
		for _, m := range reverse(sortedQNames(kind, func(m *model.Module) model.QName { return m.QName })) {
			if m.Definition == nil {
				continue
			}
			batch(&sb, "DROP "+m.Kind+" IF EXISTS "+qn(m.QName)+";")
		}
	}
	for _, x := range reverse(sortedQNames(b.db.XMLSchemaCollections, func(x *model.XMLSchemaCollection) model.QName { return x.QName })) {
		batch(&sb, "IF EXISTS (SELECT 1 FROM sys.xml_schema_collections WHERE schema_id = SCHEMA_ID("+nlit(x.Schema)+") AND name = "+nlit(x.Name)+")\n\tDROP XML SCHEMA COLLECTION "+qn(x.QName)+";")
	}
	return []Object{{Type: TypeDrop, QName: model.QName{Name: "drop"}, Text: sb.String()}}
}

func reverse[T any](s []T) []T {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
	return s
}
