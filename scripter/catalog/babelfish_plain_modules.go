package catalog

import (
	"cmp"
	"database/sql"
	"slices"
)

// plainModuleSteps are the plain reads of babelfish_plain_modules.go: the
// sequences, synonyms, modules, expression dependencies, principals and
// role memberships, and the look at sys.extended_properties that decides
// whether their joined query runs (babelfish_plain_extprops.go).
func plainModuleSteps() map[string]plainStep {
	return map[string]plainStep{
		"sequences":                           plainSequences,
		"synonyms":                            plainSynonyms,
		"views, routines, defaults and rules": plainModules,
		"dependencies":                        plainDependencies,
		"principals":                          plainPrincipals,
		"role memberships":                    plainRoleMembers,
		"extended properties":                 plainExtPropsIfAny,
	}
}

// sysObjects reads sys.objects whole, in object_id order. The modules and
// sequences are read from sys.objects, as the joined queries read them,
// not from sys.all_objects: on Babelfish 4.3 the two differ for user
// objects. sys.objects calls every function FN (its sys.procedures does),
// where sys.all_objects says IF or TF; it says is_ms_shipped = 0 for the
// procedures Babelfish ships in master_dbo and msdb_dbo; and it lists the
// sequences of the schemas in sys.schemas, not those of schema sys.
func (p *plainCatalog) sysObjects() ([]plainObject, error) {
	return cached(p, "modules: sys.objects", func() ([]plainObject, error) {
		var o plainObject
		q := selectFrom("objects").col("object_id", &o.ObjectID).col("schema_id", nint64{&o.SchemaID}).
			col("name", nstr{&o.Name}).col("type", nstr{&o.Type}).col("parent_object_id", nint64{&o.ParentObjectID}).
			col("is_ms_shipped", nbool{&o.IsMSShipped})
		out, err := readAll(p.ctx, p.q, q, &o)
		slices.SortStableFunc(out, func(a, b plainObject) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
		return out, err
	})
}

// schemaName is what SCHEMA_NAME returns for id. Babelfish's SCHEMA_NAME
// gives any PostgreSQL schema's T-SQL name, sys.schemas only this
// database's; the views, procedures and sequences of sys.objects all join
// sys.schemas, so the two agree on their schema_ids.
func schemaName(names map[int64]string, id int64) string { return names[id] }

// ---- synonyms ----

// plainSynonym is a row of sys.synonyms.
type plainSynonym struct {
	ObjectID, SchemaID int64
	Name, Target       string
}

// plainSynonyms is readSynonyms with a plain read. Babelfish 4.3's
// sys.synonyms is always empty (sys.objects has no type SN), so the
// schema names are read only when it is not.
func plainSynonyms(p *plainCatalog, r *Rows) error {
	var s plainSynonym
	q := selectFrom("synonyms").col("object_id", &s.ObjectID).col("schema_id", nint64{&s.SchemaID}).
		col("name", nstr{&s.Name}).col("base_object_name", nstr{&s.Target})
	rows, err := readAll(p.ctx, p.q, q, &s)
	if err != nil || len(rows) == 0 {
		return err
	}
	schemas, err := p.schemaNames()
	if err != nil {
		return err
	}
	r.Synonyms = sortSynonyms(rows, schemas)
	return nil
}

// sortSynonyms names each synonym's schema, in object_id order.
func sortSynonyms(rows []plainSynonym, schemas map[int64]string) []SynonymRow {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b plainSynonym) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
	out := make([]SynonymRow, len(rows))
	for i, s := range rows {
		out[i] = SynonymRow{Schema: schemaName(schemas, s.SchemaID), Name: s.Name, Target: s.Target}
	}
	return out
}

// ---- views, routines, defaults and rules ----

// moduleTypes are the sys.objects types readModules reads, besides the
// stand-alone defaults (D without a parent).
var moduleTypes = map[string]bool{"V": true, "P": true, "FN": true, "IF": true, "TF": true, "PC": true, "FS": true,
	"FT": true, "AF": true, "RF": true, "X": true, "R": true}

// isModuleObject is readModules' filter on sys.objects.
func isModuleObject(o plainObject) bool {
	typ := trimType(o.Type)
	return (moduleTypes[typ] || typ == "D" && o.ParentObjectID == 0) && !o.IsMSShipped
}

// plainModules is readModules with plain reads. Its IsEncrypted is false:
// on Babelfish OBJECTPROPERTY(id, 'IsEncrypted') is NULL for every object
// (babelfishpg_tsql's objectproperty_internal knows no such property and
// returns NULL), which ISNULL(..., 0) makes 0.
func plainModules(p *plainCatalog, r *Rows) error {
	objects, err := p.sysObjects()
	if err != nil || !slices.ContainsFunc(objects, isModuleObject) {
		return err
	}
	modules, err := p.plainSQLModules()
	if err != nil {
		return err
	}
	schemas, err := p.schemaNames()
	if err != nil {
		return err
	}
	ledger, err := p.ledgerViews()
	if err != nil {
		return err
	}
	r.Modules = joinModules(objects, modules, schemas, ledger)
	return nil
}

// ledgerViews are the views readModules leaves out on an engine whose
// sys.views has the ledger columns (SQL Server 2022; not Babelfish 4.3):
// ledger views and dropped ledger views, which SQL Server creates with
// their table.
func (p *plainCatalog) ledgerViews() (map[int64]bool, error) {
	out := map[int64]bool{}
	if !p.s.Has("views", "ledger_view_type") || !p.s.Has("views", "is_dropped_ledger_view") {
		return out, nil
	}
	var id, viewType int64
	var dropped bool
	q := selectFrom("views").col("object_id", &id).col("ledger_view_type", nint64{&viewType}).
		col("is_dropped_ledger_view", nbool{&dropped})
	err := q.each(p.ctx, p.q, func() error {
		// NULLs compare as unknown in the joined query: nint64 and nbool
		// make them 0 and false, which hide nothing either.
		if viewType != 0 || dropped {
			out[id] = true
		}
		return nil
	})
	return out, err
}

// joinModules is readModules' join: each module object of sys.objects
// (objects, in object_id order) with its sys.sql_modules row, if any (one
// row per match, as a LEFT JOIN gives), except hidden ledger views.
func joinModules(objects []plainObject, modules []plainModule, schemas map[int64]string, hidden map[int64]bool) []ModuleRow {
	byID := groupBy(modules, func(m plainModule) int64 { return m.ObjectID })
	var out []ModuleRow
	for _, o := range objects {
		if !isModuleObject(o) || hidden[o.ObjectID] {
			continue
		}
		row := ModuleRow{ObjectID: o.ObjectID, Schema: schemaName(schemas, o.SchemaID), Name: o.Name, Type: trimType(o.Type)}
		ms := byID[o.ObjectID]
		if len(ms) == 0 {
			out = append(out, row)
			continue
		}
		for _, m := range ms {
			withModule := row
			withModule.Definition, withModule.AnsiNulls, withModule.QuotedIdent, withModule.SchemaBound =
				m.Definition, m.AnsiNulls, m.QuotedIdent, m.SchemaBound
			withModule.HasSQLModule = true
			out = append(out, withModule)
		}
	}
	return out
}

// ---- dependencies ----

// plainDependency is a row of sys.sql_expression_dependencies, with the
// NULLs the joined query's filter tells apart.
type plainDependency struct {
	ReferencingID                     int64
	ReferencingClass, ReferencedClass sql.NullInt64
	Server, Database                  sql.NullString
	Schema, Entity                    sql.NullString
	ReferencedID                      sql.NullInt64
}

// plainDependencies is readDependencies with a plain read. Babelfish 4.3's
// sys.sql_expression_dependencies is always empty (its view is WHERE
// false). Should it have rows that the ORDER BY would order by their names
// (two references of one object to the same id, or to none, under
// different names), the joined query runs instead: the names' order is the
// server's collation's.
func plainDependencies(p *plainCatalog, r *Rows) error {
	var d plainDependency
	q := selectFrom("sql_expression_dependencies").col("referencing_id", &d.ReferencingID).
		col("referencing_class", &d.ReferencingClass).col("referenced_class", &d.ReferencedClass).
		col("referenced_server_name", &d.Server).col("referenced_database_name", &d.Database).
		col("referenced_schema_name", &d.Schema).col("referenced_entity_name", &d.Entity).
		col("referenced_id", &d.ReferencedID)
	rows, err := readAll(p.ctx, p.q, q, &d)
	if err != nil {
		return err
	}
	out, ok := sortDependencies(rows)
	if !ok {
		r.Dependencies, err = readDependencies(p.ctx, p.q)
		return err
	}
	r.Dependencies = out
	return nil
}

// sortDependencies is readDependencies' filter (references between
// objects of this database) and ORDER BY referencing_id, referenced_id
// (NULL first, as T-SQL sorts it). ok is false when two rows tie on the
// ids but not on the names, which the ORDER BY orders by collation.
func sortDependencies(rows []plainDependency) (out []DependencyRow, ok bool) {
	var kept []plainDependency
	for _, d := range rows {
		if d.ReferencingClass.Valid && d.ReferencingClass.Int64 == 1 && d.ReferencedClass.Valid && d.ReferencedClass.Int64 == 1 &&
			!d.Server.Valid && !d.Database.Valid {
			kept = append(kept, d)
		}
	}
	byIDs := func(a, b plainDependency) int {
		return cmp.Or(cmp.Compare(a.ReferencingID, b.ReferencingID), compareNullInt(a.ReferencedID, b.ReferencedID))
	}
	slices.SortStableFunc(kept, byIDs)
	for i := 1; i < len(kept); i++ {
		if byIDs(kept[i-1], kept[i]) == 0 && (kept[i-1].Schema != kept[i].Schema || kept[i-1].Entity != kept[i].Entity) {
			return nil, false
		}
	}
	for _, d := range kept {
		out = append(out, DependencyRow{ReferencingID: d.ReferencingID, ReferencedID: d.ReferencedID.Int64,
			ReferencedSch: d.Schema.String, ReferencedName: d.Entity.String})
	}
	return out, true
}

// compareNullInt orders NULL first, as T-SQL's ORDER BY does.
func compareNullInt(a, b sql.NullInt64) int {
	switch {
	case !a.Valid || !b.Valid:
		return cmp.Compare(btoi(a.Valid), btoi(b.Valid))
	}
	return cmp.Compare(a.Int64, b.Int64)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
