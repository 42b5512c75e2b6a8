package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// indexRank orders indexes so that each can be built: relational indexes
// first, then the primary XML index, then secondary XML and spatial ones.
func indexRank(ix *model.Index) int {
	switch {
	case isClustered(ix):
		return 0
	case ix.Kind == "XML" && ix.XMLPrimary == "":
		return 2
	case ix.Kind == "XML":
		return 3
	case ix.Kind == "SPATIAL":
		return 4
	}
	return 1
}

func sortedIndexes(in []*model.Index) []*model.Index {
	out := append([]*model.Index(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := indexRank(out[i]), indexRank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func sortedChecks(in []*model.Check) []*model.Check {
	out := append([]*model.Check(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func sortedFKs(in []*model.ForeignKey) []*model.ForeignKey {
	out := append([]*model.ForeignKey(nil), in...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// indexSQL is CREATE INDEX for a table's or indexed view's index.
func indexSQL(on model.QName, ix *model.Index) string {
	var s strings.Builder
	switch ix.Kind {
	case "CLUSTERED COLUMNSTORE":
		s.WriteString("CREATE CLUSTERED COLUMNSTORE INDEX " + ident(ix.Name) + " ON " + qn(on))
	case "NONCLUSTERED COLUMNSTORE":
		s.WriteString("CREATE NONCLUSTERED COLUMNSTORE INDEX " + ident(ix.Name) + " ON " + qn(on) + " (" + columnstoreColumns(ix) + ")")
		if ix.Filter != "" {
			s.WriteString(" WHERE " + ix.Filter)
		}
	case "XML":
		col := ""
		if len(ix.Columns) > 0 {
			col = ident(ix.Columns[0].Name)
		}
		if ix.XMLPrimary == "" {
			s.WriteString("CREATE PRIMARY XML INDEX " + ident(ix.Name) + " ON " + qn(on) + " (" + col + ")")
		} else {
			s.WriteString("CREATE XML INDEX " + ident(ix.Name) + " ON " + qn(on) + " (" + col + ")\n\tUSING XML INDEX " + ident(ix.XMLPrimary) + " FOR " + ix.XMLSecondary)
		}
		return s.String() + indexWith(ix) + ";"
	case "SPATIAL":
		col := ""
		if len(ix.Columns) > 0 {
			col = ident(ix.Columns[0].Name)
		}
		s.WriteString("CREATE SPATIAL INDEX " + ident(ix.Name) + " ON " + qn(on) + " (" + col + ")")
		if ix.SpatialOptions != "" {
			s.WriteString("\n\t" + ix.SpatialOptions)
		}
		return s.String() + onFileGroup(ix, nil) + ";"
	default:
		s.WriteString("CREATE ")
		if ix.IsUnique {
			s.WriteString("UNIQUE ")
		}
		s.WriteString(kindSQL(ix.Kind) + " INDEX " + ident(ix.Name) + " ON " + qn(on) + " (" + keyColumns(ix) + ")")
		if len(ix.Included) > 0 {
			s.WriteString(" INCLUDE (" + identList(ix.Included) + ")")
		}
		if ix.Filter != "" {
			s.WriteString(" WHERE " + ix.Filter)
		}
	}
	return s.String() + indexWith(ix) + onFileGroup(ix, nil) + ";"
}

// writeIndex appends an index's batches (create, then disable when it is
// disabled in the source).
// disabling a clustered index makes the table unreadable, so the caller
// passes disable=false for those and disables them in post-data instead.
func (b *builder) writeIndex(sb *strings.Builder, on model.QName, ix *model.Index, disable bool) {
	stmt := indexSQL(on, ix)
	if b.opts.IfNotExists {
		stmt = "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE object_id = OBJECT_ID(" + nlit(qn(on)) + ") AND name = " + nlit(ix.Name) + ")\n" + stmt
	}
	batch(sb, stmt)
	if disable && ix.Disabled {
		batch(sb, "ALTER INDEX "+ident(ix.Name)+" ON "+qn(on)+" DISABLE;")
	}
}

// disabledKeys disables, after the data and after the foreign keys, the
// indexes created enabled with their table because rows had to load into
// them: a disabled primary key, clustered index or table-level UNIQUE
// constraint. Disabling a key also disables the FKs that reference it, as
// it did in the source.
func (b *builder) disabledKeys() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		var keys []*model.Index
		if t.PrimaryKey != nil {
			keys = append(keys, t.PrimaryKey)
		}
		for _, ix := range t.Uniques {
			if inlineUnique(t, ix) {
				keys = append(keys, ix)
			}
		}
		if !t.MemoryOptimized {
			for _, ix := range t.Indexes {
				if isClustered(ix) {
					keys = append(keys, ix)
				}
			}
		}
		for _, ix := range sortedIndexes(keys) {
			if !ix.Disabled {
				continue
			}
			var sb strings.Builder
			header(&sb, "DISABLE INDEX", ident(ix.Name)+" ON "+qn(t.QName))
			batch(&sb, "ALTER INDEX "+ident(ix.Name)+" ON "+qn(t.QName)+" DISABLE;")
			out = append(out, Object{Type: TypeIndex, QName: model.QName{Schema: t.Schema, Name: ix.Name}, Parent: t.QName, Text: sb.String()})
		}
	}
	return out
}

// tableIndexes scripts the UNIQUE constraints and indexes not created with
// their table, table by table in restore order.
func (b *builder) tableIndexes() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		if t.MemoryOptimized {
			continue
		}
		for _, ix := range sortedIndexes(t.Uniques) {
			if inlineUnique(t, ix) {
				continue
			}
			var sb strings.Builder
			name := model.QName{Schema: t.Schema, Name: ix.Name}
			header(&sb, "UNIQUE", ident(ix.Name)+" ON "+qn(t.QName))
			stmt := "ALTER TABLE " + qn(t.QName) + " ADD CONSTRAINT " + ident(ix.Name) + " UNIQUE " + kindSQL(ix.Kind) + " (" + keyColumns(ix) + ")" + indexWith(ix) + onFileGroup(ix, t) + ";"
			batch(&sb, b.guard(objectIDIsNull(name, "UQ"), stmt))
			if ix.Disabled {
				batch(&sb, "ALTER INDEX "+ident(ix.Name)+" ON "+qn(t.QName)+" DISABLE;")
			}
			out = append(out, Object{Type: TypeUnique, QName: name, Parent: t.QName, Text: sb.String()})
		}
		for _, ix := range sortedIndexes(t.Indexes) {
			if isClustered(ix) {
				continue
			}
			var sb strings.Builder
			header(&sb, "INDEX", ident(ix.Name)+" ON "+qn(t.QName))
			b.writeIndex(&sb, t.QName, ix, true)
			out = append(out, Object{Type: TypeIndex, QName: model.QName{Schema: t.Schema, Name: ix.Name}, Parent: t.QName, Text: sb.String()})
		}
	}
	return out
}

// viewIndexes scripts indexed views' indexes (the clustered one first).
func (b *builder) viewIndexes() []Object {
	var out []Object
	for _, n := range b.order {
		m, ok := n.obj.(*model.Module)
		if !ok || len(m.Indexes) == 0 || m.Definition == nil {
			continue
		}
		for _, ix := range sortedIndexes(m.Indexes) {
			var sb strings.Builder
			header(&sb, "INDEX", ident(ix.Name)+" ON "+qn(m.QName))
			b.writeIndex(&sb, m.QName, ix, true)
			out = append(out, Object{Type: TypeIndex, QName: model.QName{Schema: m.Schema, Name: ix.Name}, Parent: m.QName, Text: sb.String()})
		}
	}
	return out
}

// orderedTables lists tables in restore order.
func (b *builder) orderedTables() []*model.Table {
	var out []*model.Table
	for _, n := range b.order {
		if t, ok := n.obj.(*model.Table); ok {
			out = append(out, t)
		}
	}
	return out
}

// foreignKeys scripts every FK after all keys and indexes exist. A disabled
// FK is added WITH NOCHECK and then disabled; an untrusted one is added WITH
// NOCHECK and stays enabled.
func (b *builder) foreignKeys() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		for _, fk := range sortedFKs(t.ForeignKeys) {
			name := model.QName{Schema: t.Schema, Name: fk.Name}
			var st strings.Builder
			st.WriteString(addConstraint(t.QName, fk.Name, fk.Disabled || fk.NotTrusted) + " FOREIGN KEY (" + identList(fk.Columns) + ")\n\tREFERENCES " + qn(fk.References) + " (" + identList(fk.RefColumns) + ")")
			if a := fk.OnDelete; a != "" && a != "NO ACTION" && a != "NO_ACTION" {
				st.WriteString(" ON DELETE " + strings.ReplaceAll(a, "_", " "))
			}
			if a := fk.OnUpdate; a != "" && a != "NO ACTION" && a != "NO_ACTION" {
				st.WriteString(" ON UPDATE " + strings.ReplaceAll(a, "_", " "))
			}
			if fk.NotForReplication {
				st.WriteString(" NOT FOR REPLICATION")
			}
			st.WriteString(";")
			stmt := st.String()
			if _, ok := b.tables[fk.References]; !ok {
				b.warn(WarnFKTargetNotDumped, objName(name), "foreign key references "+objName(fk.References)+", which is not in the dump; it is created only where that table exists")
				stmt = "IF OBJECT_ID(" + nlit(qn(fk.References)) + ", N'U') IS NOT NULL\n" + stmt
				if b.opts.IfNotExists {
					stmt = "IF " + objectIDIsNull(name, "F") + "\n" + stmt
				}
			} else {
				stmt = b.guard(objectIDIsNull(name, "F"), stmt)
			}
			var sb strings.Builder
			header(&sb, "FOREIGN KEY", ident(fk.Name)+" ON "+qn(t.QName))
			batch(&sb, stmt)
			if fk.Disabled {
				batch(&sb, noCheckConstraint(t.QName, fk.Name))
			}
			out = append(out, Object{Type: TypeForeignKey, QName: name, Parent: t.QName, Text: sb.String()})
		}
	}
	return out
}

// addConstraint starts the ALTER TABLE that adds a foreign key or CHECK
// constraint. noCheck (the constraint is disabled or untrusted in the
// source) adds it WITH NOCHECK, so existing rows are not checked against it.
// A trusted one is added without WITH: SQL Server checks a new
// constraint's rows by default (WITH CHECK) and Babelfish accepts no WITH
// [NO]CHECK at all there.
func addConstraint(table model.QName, name string, noCheck bool) string {
	with := ""
	if noCheck {
		with = " WITH NOCHECK"
	}
	return "ALTER TABLE " + qn(table) + with + " ADD CONSTRAINT " + ident(name)
}

// noCheckConstraint disables a constraint added by addConstraint, as it is
// in the source.
func noCheckConstraint(table model.QName, name string) string {
	return "ALTER TABLE " + qn(table) + " NOCHECK CONSTRAINT " + ident(name) + ";"
}

// checks scripts CHECK constraints after the data: a CHECK that calls a
// function reading other tables, or one that is disabled in the source,
// would otherwise reject rows. Same NOCHECK rules as foreign keys.
func (b *builder) checks() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		for _, ck := range sortedChecks(t.Checks) {
			name := model.QName{Schema: t.Schema, Name: ck.Name}
			var st strings.Builder
			st.WriteString(addConstraint(t.QName, ck.Name, ck.Disabled || ck.NotTrusted) + " CHECK ")
			if ck.NotForReplication {
				st.WriteString("NOT FOR REPLICATION ")
			}
			st.WriteString(parenthesised(ck.Definition) + ";")
			var sb strings.Builder
			header(&sb, "CHECK", ident(ck.Name)+" ON "+qn(t.QName))
			batch(&sb, b.guard(objectIDIsNull(name, "C"), st.String()))
			if ck.Disabled {
				batch(&sb, noCheckConstraint(t.QName, ck.Name))
			}
			out = append(out, Object{Type: TypeCheck, QName: name, Parent: t.QName, Text: sb.String()})
		}
	}
	return out
}

// systemVersioning turns temporal tables back on: the period (making the
// period columns GENERATED ALWAYS again), HIDDEN, then SYSTEM_VERSIONING
// with the history table named explicitly.
func (b *builder) systemVersioning() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		tp := t.Temporal
		if tp == nil {
			continue
		}
		var sb strings.Builder
		header(&sb, "SYSTEM_VERSIONING", qn(t.QName))
		if b.opts.DataOnly {
			batch(&sb, versioningOnGuarded(t))
		} else {
			stmt := versioningOn(t)
			if b.opts.IfNotExists {
				stmt = "IF OBJECTPROPERTY(OBJECT_ID(" + nlit(qn(t.QName)) + "), 'TableTemporalType') <> 2\nBEGIN\n" + stmt + "\nEND;"
			}
			batch(&sb, stmt)
		}
		out = append(out, Object{Type: TypeSystemVersioning, QName: t.QName, Parent: t.QName, Text: sb.String()})
	}
	return out
}

// versioningOn is the full dump's post-data statement list for t.
func versioningOn(t *model.Table) string {
	var st strings.Builder
	st.WriteString("ALTER TABLE " + qn(t.QName) + " ADD PERIOD FOR SYSTEM_TIME (" + ident(t.Temporal.PeriodStart) + ", " + ident(t.Temporal.PeriodEnd) + ");\n")
	for _, c := range t.Columns {
		if periodColumn(c) && c.Hidden {
			st.WriteString("ALTER TABLE " + qn(t.QName) + " ALTER COLUMN " + ident(c.Name) + " ADD HIDDEN;\n")
		}
	}
	st.WriteString(setVersioningOn(t))
	return st.String()
}

// setVersioningOn is ALTER TABLE ... SET (SYSTEM_VERSIONING = ON (...)).
func setVersioningOn(t *model.Table) string {
	tp := t.Temporal
	s := "ALTER TABLE " + qn(t.QName) + " SET (SYSTEM_VERSIONING = ON (HISTORY_TABLE = " + qn(tp.History)
	if tp.RetentionPeriod != "" && tp.RetentionPeriod != "INFINITE" {
		s += ", HISTORY_RETENTION_PERIOD = " + tp.RetentionPeriod
	}
	return s + ", DATA_CONSISTENCY_CHECK = ON));"
}

// versioningOnGuarded is versioningOn for a data-only script: each step runs
// only where the existing table needs it, so the batch also restores over a
// table whose versioning the pre-data batch found already off.
func versioningOnGuarded(t *model.Table) string {
	id := "OBJECT_ID(" + nlit(qn(t.QName)) + ")"
	var st strings.Builder
	st.WriteString("IF NOT EXISTS (SELECT 1 FROM sys.periods WHERE object_id = " + id + ")\n")
	st.WriteString("\tALTER TABLE " + qn(t.QName) + " ADD PERIOD FOR SYSTEM_TIME (" + ident(t.Temporal.PeriodStart) + ", " + ident(t.Temporal.PeriodEnd) + ");\n")
	for _, c := range t.Columns {
		if periodColumn(c) && c.Hidden {
			st.WriteString("IF EXISTS (SELECT 1 FROM sys.columns WHERE object_id = " + id + " AND name = " + nlit(c.Name) + " AND is_hidden = 0)\n")
			st.WriteString("\tALTER TABLE " + qn(t.QName) + " ALTER COLUMN " + ident(c.Name) + " ADD HIDDEN;\n")
		}
	}
	st.WriteString("IF OBJECTPROPERTY(" + id + ", 'TableTemporalType') <> 2\n")
	st.WriteString("\t" + setVersioningOn(t))
	return st.String()
}

// versioningOff is the data-only script's pre-data object per
// system-versioned table: with versioning on, SQL Server rejects explicit
// values for GENERATED ALWAYS period columns and any insert into the
// history table; without the period the columns are plain, as in the full
// dump's data section, and the post-data SYSTEM_VERSIONING object puts both
// back with DATA_CONSISTENCY_CHECK = ON.
func (b *builder) versioningOff() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		if t.Temporal == nil {
			continue
		}
		id := "OBJECT_ID(" + nlit(qn(t.QName)) + ")"
		var sb strings.Builder
		header(&sb, "SYSTEM_VERSIONING OFF", qn(t.QName))
		batch(&sb, "IF OBJECTPROPERTY("+id+", 'TableTemporalType') = 2\n"+
			"\tALTER TABLE "+qn(t.QName)+" SET (SYSTEM_VERSIONING = OFF);\n"+
			"IF EXISTS (SELECT 1 FROM sys.periods WHERE object_id = "+id+")\n"+
			"\tALTER TABLE "+qn(t.QName)+" DROP PERIOD FOR SYSTEM_TIME;")
		out = append(out, Object{Type: TypeVersioningOff, QName: t.QName, Parent: t.QName, Text: sb.String()})
	}
	return out
}

// changeTracking re-enables table change tracking. A table can track
// changes only when its database does, and database options are not part
// of the model, so the database is switched on first (with the default
// retention of 2 days and auto cleanup) when it is not already.
func (b *builder) changeTracking() []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		if !t.ChangeTracking {
			continue
		}
		var sb strings.Builder
		header(&sb, "CHANGE_TRACKING", qn(t.QName))
		batch(&sb, "IF NOT EXISTS (SELECT 1 FROM sys.change_tracking_databases WHERE database_id = DB_ID())\n"+
			"\tALTER DATABASE CURRENT SET CHANGE_TRACKING = ON;")
		batch(&sb, "IF NOT EXISTS (SELECT 1 FROM sys.change_tracking_tables WHERE object_id = OBJECT_ID("+nlit(qn(t.QName))+"))\n"+
			"\tALTER TABLE "+qn(t.QName)+" ENABLE CHANGE_TRACKING;")
		out = append(out, Object{Type: TypeChangeTracking, QName: t.QName, Parent: t.QName, Text: sb.String()})
	}
	return out
}
