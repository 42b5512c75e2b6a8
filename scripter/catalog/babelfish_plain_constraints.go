package catalog

import (
	"cmp"
	"database/sql"
	"fmt"
	"slices"
)

// plainConstraintSteps are the plain reads of babelfish_plain_constraints.go.
func plainConstraintSteps() map[string]plainStep {
	return map[string]plainStep{
		"foreign keys":        plainForeignKeys,
		"foreign key columns": plainFKColumns,
		"check constraints":   plainChecks,
		"triggers":            plainTriggers,
		"trigger orders":      plainTriggerOrders,
	}
}

// The plain reads scan every column through a nullable target, even those
// the joined queries scan as NOT NULL: a plain read scans every row of its
// view, the rows the joined query's WHERE leaves out too, and a NULL in
// one of those must not fail the read. The WHERE's "x = 0" tests read x
// as sql.NullBool, since a NULL there leaves the row out.

// notShipped is the joined queries' "is_ms_shipped = 0": false for NULL.
func notShipped(b sql.NullBool) bool { return b.Valid && !b.Bool }

// plainFK is a row of sys.foreign_keys as read.
type plainFK struct {
	ForeignKeyRow      // every field but RefSchema and RefName
	ReferencedObjectID int64
	IsMSShipped        sql.NullBool
}

// plainForeignKeys is readForeignKeys: sys.foreign_keys, joined to the
// referenced table's schema and name.
func plainForeignKeys(p *plainCatalog, r *Rows) error {
	var f plainFK
	q := selectFrom("foreign_keys").col("object_id", nint64{&f.ObjectID}).col("parent_object_id", nint64{&f.ParentObjectID}).
		col("name", nstr{&f.Name}).col("referenced_object_id", nint64{&f.ReferencedObjectID}).
		col("delete_referential_action_desc", nstr{&f.OnDelete}).col("update_referential_action_desc", nstr{&f.OnUpdate}).
		col("is_not_for_replication", nbool{&f.NFR}).col("is_disabled", nbool{&f.Disabled}).
		col("is_not_trusted", nbool{&f.NotTrusted}).col("is_system_named", nbool{&f.IsSystemNamed}).
		col("is_ms_shipped", &f.IsMSShipped)
	fks, err := readAll(p.ctx, p.q, q, &f)
	if err != nil || len(fks) == 0 {
		// No key, no row: the views it joins are not read.
		r.ForeignKeys = nil
		return err
	}
	objects, err := p.allObjects()
	if err != nil {
		return err
	}
	schemas, err := p.schemaNames()
	if err != nil {
		return err
	}
	r.ForeignKeys, err = joinForeignKeys(fks, objects, schemas)
	return err
}

// joinForeignKeys is readForeignKeys' join, filter and order over the
// rows of sys.foreign_keys, sys.all_objects and sys.schemas.
//
// The joined query joins sys.objects (an INNER JOIN: a key whose table is
// not there is left out). On Babelfish sys.objects is the user objects of
// sys.all_objects (is_ms_shipped = 0): a referenced table is a row of
// sys.tables, which selects the same pg_class rows as all_objects' "user
// defined tables" part (relkind r or p, no partition, no table type, a
// schema of this database, the same privilege tests) with the same name
// and schema_id. SCHEMA_NAME of a schema of this database is its
// sys.schemas name (both are babelfish_namespace_ext.orig_name).
func joinForeignKeys(fks []plainFK, objects []plainObject, schemas map[int64]string) ([]ForeignKeyRow, error) {
	user := make(map[int64]plainObject, len(objects))
	for _, o := range objects {
		if !o.IsMSShipped {
			user[o.ObjectID] = o
		}
	}
	var out []ForeignKeyRow
	for _, f := range fks {
		rt, ok := user[f.ReferencedObjectID]
		if !notShipped(f.IsMSShipped) || !ok {
			continue
		}
		schema, ok := schemas[rt.SchemaID]
		if !ok {
			// The joined query scans SCHEMA_NAME's NULL into a string.
			return nil, fmt.Errorf("catalog: reading sys.foreign_keys: no schema %d for table %d of foreign key %s",
				rt.SchemaID, rt.ObjectID, f.Name)
		}
		row := f.ForeignKeyRow
		row.RefSchema, row.RefName = schema, rt.Name
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b ForeignKeyRow) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
	return out, nil
}

// plainFKColumn is a row of sys.foreign_key_columns as read.
type plainFKColumn struct {
	ConstraintObjectID, ConstraintColumnID int64
	ParentObjectID, ParentColumnID         int64
	ReferencedObjectID, ReferencedColumnID int64
}

// plainFKColumns is readFKColumns: sys.foreign_key_columns with the names
// of both columns.
func plainFKColumns(p *plainCatalog, r *Rows) error {
	var c plainFKColumn
	q := selectFrom("foreign_key_columns").col("constraint_object_id", nint64{&c.ConstraintObjectID}).
		col("constraint_column_id", nint64{&c.ConstraintColumnID}).
		col("parent_object_id", nint64{&c.ParentObjectID}).col("parent_column_id", nint64{&c.ParentColumnID}).
		col("referenced_object_id", nint64{&c.ReferencedObjectID}).col("referenced_column_id", nint64{&c.ReferencedColumnID})
	cols, err := readAll(p.ctx, p.q, q, &c)
	if err != nil || len(cols) == 0 {
		r.FKColumns = nil
		return err
	}
	names, err := p.columnNames()
	if err != nil {
		return err
	}
	r.FKColumns = joinFKColumns(cols, names)
	return nil
}

// joinFKColumns is readFKColumns' two INNER JOINs to sys.columns (a pair
// whose column is missing is left out) and its order. A NULL id reads as
// 0, which names no column (column ids start at 1), as the NULL joins
// none.
func joinFKColumns(cols []plainFKColumn, names map[columnKey]string) []FKColumnRow {
	var out []FKColumnRow
	for _, c := range cols {
		parent, ok := names[columnKey{c.ParentObjectID, c.ParentColumnID}]
		if !ok {
			continue
		}
		ref, ok := names[columnKey{c.ReferencedObjectID, c.ReferencedColumnID}]
		if !ok {
			continue
		}
		out = append(out, FKColumnRow{ObjectID: c.ConstraintObjectID, Ordinal: int(c.ConstraintColumnID), Column: parent, RefColumn: ref})
	}
	slices.SortStableFunc(out, func(a, b FKColumnRow) int {
		return cmp.Or(cmp.Compare(a.ObjectID, b.ObjectID), cmp.Compare(a.Ordinal, b.Ordinal))
	})
	return out
}

// plainCheck is a row of sys.check_constraints as read.
type plainCheck struct {
	CheckRow       // every field but Column
	ObjectID       int64
	ParentColumnID int64
	IsMSShipped    sql.NullBool
}

// plainChecks is readChecks: sys.check_constraints with the name of the
// column a column-level check is on.
func plainChecks(p *plainCatalog, r *Rows) error {
	var c plainCheck
	q := selectFrom("check_constraints").col("object_id", nint64{&c.ObjectID}).col("parent_object_id", nint64{&c.ParentObjectID}).
		col("name", nstr{&c.Name}).col("definition", nstr{&c.Definition}).col("parent_column_id", nint64{&c.ParentColumnID}).
		col("is_not_for_replication", nbool{&c.NFR}).col("is_disabled", nbool{&c.Disabled}).
		col("is_not_trusted", nbool{&c.NotTrusted}).col("is_system_named", nbool{&c.IsSystemNamed}).
		col("is_ms_shipped", &c.IsMSShipped)
	checks, err := readAll(p.ctx, p.q, q, &c)
	if err != nil || len(checks) == 0 {
		r.Checks = nil
		return err
	}
	names, err := p.columnNames()
	if err != nil {
		return err
	}
	r.Checks = joinChecks(checks, names)
	return nil
}

// joinChecks is readChecks' LEFT JOIN to sys.columns, filter and order.
// A table-level check (parent_column_id 0, or NULL on Babelfish, whose
// parent_column_id is the first column the check names, conkey[1]) joins
// no column: its Column is "", as the joined query's NULL.
func joinChecks(checks []plainCheck, names map[columnKey]string) []CheckRow {
	kept := slices.DeleteFunc(slices.Clone(checks), func(c plainCheck) bool { return !notShipped(c.IsMSShipped) })
	slices.SortStableFunc(kept, func(a, b plainCheck) int {
		return cmp.Or(cmp.Compare(a.ParentObjectID, b.ParentObjectID), cmp.Compare(a.ObjectID, b.ObjectID))
	})
	var out []CheckRow
	for _, c := range kept {
		row := c.CheckRow
		row.Column = names[columnKey{c.ParentObjectID, c.ParentColumnID}]
		out = append(out, row)
	}
	return out
}

// plainTrigger is a row of sys.triggers as read.
type plainTrigger struct {
	ObjectID    int64
	Name        string
	ParentClass int
	ParentID    int64
	Disabled    bool
	Type        string // char(2): "TR", "TA"
	IsMSShipped sql.NullBool
}

// plainModule is a row of sys.sql_modules as read.
type plainModule struct {
	ObjectID    int64
	Definition  *string
	AnsiNulls   bool
	QuotedIdent bool
	SchemaBound bool
}

// plainTriggers is readTriggers: sys.triggers with their sys.sql_modules
// rows.
func plainTriggers(p *plainCatalog, r *Rows) error {
	var t plainTrigger
	q := selectFrom("triggers").col("object_id", nint64{&t.ObjectID}).col("name", nstr{&t.Name}).
		col("parent_class", nint{&t.ParentClass}).col("parent_id", nint64{&t.ParentID}).
		col("is_disabled", nbool{&t.Disabled}).col("type", nstr{&t.Type}).col("is_ms_shipped", &t.IsMSShipped)
	triggers, err := readAll(p.ctx, p.q, q, &t)
	if err != nil {
		return err
	}
	if len(keepTriggers(triggers)) == 0 {
		// No trigger, no row: sys.sql_modules is not read. Reading it
		// costs 0.1-0.2 s on a quiet server however warm the connection:
		// the view is built from the whole of sys.all_objects, system
		// objects and all.
		r.Triggers = nil
		return nil
	}
	modules, err := p.plainSQLModules()
	if err != nil {
		return err
	}
	r.Triggers = joinTriggers(triggers, modules)
	return nil
}

// plainSQLModules reads sys.sql_modules whole, with is_schema_bound too,
// which triggers do not take, so that the modules' step can share the
// read.
func (p *plainCatalog) plainSQLModules() ([]plainModule, error) {
	return cached(p, "sql_modules (plainModule)", func() ([]plainModule, error) {
		var m plainModule
		q := selectFrom("sql_modules").col("object_id", nint64{&m.ObjectID}).col("definition", nptr{&m.Definition}).
			col("uses_ansi_nulls", nbool{&m.AnsiNulls}).col("uses_quoted_identifier", nbool{&m.QuotedIdent}).
			col("is_schema_bound", nbool{&m.SchemaBound})
		return readAll(p.ctx, p.q, q, &m)
	})
}

// joinTriggers is readTriggers' filter, LEFT JOIN to sys.sql_modules (one
// row per module row of the trigger, or one with no definition) and order.
//
// IsEncrypted is OBJECTPROPERTY(object_id, 'IsEncrypted'), NULL turned
// into 0, and on Babelfish it is always 0: its OBJECTPROPERTY
// (objectproperty_internal, runtime/functions.c) knows no "isencrypted"
// property and returns NULL for it, as for every property it does not
// know.
func joinTriggers(triggers []plainTrigger, modules []plainModule) []TriggerRow {
	byID := groupBy(modules, func(m plainModule) int64 { return m.ObjectID })
	var out []TriggerRow
	for _, t := range keepTriggers(triggers) {
		row := TriggerRow{ObjectID: t.ObjectID, Name: t.Name, ParentClass: t.ParentClass, ParentID: t.ParentID,
			Disabled: t.Disabled, IsCLR: sqlTypeIs(t.Type, "TA")}
		for _, m := range orNone(byID[t.ObjectID]) {
			row.Definition, row.AnsiNulls, row.QuotedIdent = m.Definition, m.AnsiNulls, m.QuotedIdent
			out = append(out, row)
		}
	}
	slices.SortStableFunc(out, func(a, b TriggerRow) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
	return out
}

// keepTriggers is readTriggers' WHERE: is_ms_shipped = 0 AND
// parent_class IN (0, 1).
func keepTriggers(triggers []plainTrigger) []plainTrigger {
	return slices.DeleteFunc(slices.Clone(triggers), func(t plainTrigger) bool {
		return !notShipped(t.IsMSShipped) || t.ParentClass != 0 && t.ParentClass != 1
	})
}

// plainTriggerEvent is a row of sys.trigger_events as read.
type plainTriggerEvent struct {
	TriggerEventRow
	Type int64
}

// plainTriggerOrders is readTriggerEvents: the trigger events marked
// first or last.
func plainTriggerOrders(p *plainCatalog, r *Rows) error {
	var e plainTriggerEvent
	q := selectFrom("trigger_events").col("object_id", nint64{&e.ObjectID}).col("type", nint64{&e.Type}).
		col("type_desc", nstr{&e.Event}).col("is_first", nbool{&e.IsFirst}).col("is_last", nbool{&e.IsLast})
	events, err := readAll(p.ctx, p.q, q, &e)
	if err != nil {
		return err
	}
	r.TriggerOrder = filterTriggerEvents(events)
	return nil
}

// filterTriggerEvents is readTriggerEvents' filter and order. (Babelfish
// 4.3's sys.trigger_events has is_first and is_last 0 on every row, so
// none is kept there; the view is read all the same, in case a version
// fills them.)
func filterTriggerEvents(events []plainTriggerEvent) []TriggerEventRow {
	kept := slices.DeleteFunc(slices.Clone(events), func(e plainTriggerEvent) bool { return !e.IsFirst && !e.IsLast })
	slices.SortStableFunc(kept, func(a, b plainTriggerEvent) int {
		return cmp.Or(cmp.Compare(a.ObjectID, b.ObjectID), cmp.Compare(a.Type, b.Type))
	})
	var out []TriggerEventRow
	for _, e := range kept {
		out = append(out, e.TriggerEventRow)
	}
	return out
}
