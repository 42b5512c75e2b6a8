package catalog

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
)

// plainColumnSteps are the plain reads of babelfish_plain_columns.go.
func plainColumnSteps() map[string]plainStep {
	return map[string]plainStep{
		"columns":       plainColumns,
		"indexes":       plainIndexes,
		"index columns": plainIndexColumns,
	}
}

// userObjectOfType mirrors "JOIN sys.all_objects AS o ... WHERE o.type IN
// (types) AND o.is_ms_shipped = 0".
func userObjectOfType(objects map[int64]plainObject, id int64, types ...string) bool {
	o, ok := objects[id]
	return ok && !o.IsMSShipped && sqlTypeIs(o.Type, types...)
}

// ---- columns ----

// plainComputed is a row of sys.computed_columns.
type plainComputed struct {
	ObjectID, ColumnID int64
	Definition         string
	IsPersisted        bool
}

// plainDefault is a row of sys.default_constraints.
type plainDefault struct {
	ObjectID      int64
	Name          string
	Definition    string
	IsSystemNamed bool
}

// plainMask is a row of sys.masked_columns.
type plainMask struct {
	ObjectID, ColumnID int64
	Function           string
}

// plainColumnSources is what the joined column query reads besides
// sys.all_objects and the identity values.
type plainColumnSources struct {
	Columns  []ColumnRow // sys.columns, as read
	Computed []plainComputed
	Defaults []plainDefault
	Masks    []plainMask // nil when the engine has no sys.masked_columns
}

func plainColumns(p *plainCatalog, r *Rows) error {
	src, err := readPlainColumnSources(p)
	if err != nil {
		return err
	}
	objects, err := p.objectsByID()
	if err != nil {
		return err
	}
	cols := joinPlainColumns(src, objects)
	if hasIdentity(cols) {
		ids, err := readPlainIdentitySources(p)
		if err != nil {
			return err
		}
		setPlainIdentities(cols, ids, objects)
	}
	r.Columns = cols
	return nil
}

// readPlainColumnSources reads sys.columns, sys.computed_columns,
// sys.default_constraints and (where it exists) sys.masked_columns whole.
// The names of sys.columns also fill the frame's "column names" cache,
// which saves the index and constraint steps a second read of the view.
func readPlainColumnSources(p *plainCatalog) (plainColumnSources, error) {
	var src plainColumnSources
	var c ColumnRow
	q := selectFrom("columns").col("object_id", &c.ObjectID).col("column_id", &c.ColumnID).col("name", &c.Name).
		col("user_type_id", &c.UserTypeID).col("max_length", nint{&c.MaxLength}).col("precision", nint{&c.Precision}).
		col("scale", nint{&c.Scale}).col("collation_name", nstr{&c.Collation}).col("is_nullable", nbool{&c.IsNullable}).
		col("is_identity", nbool{&c.IsIdentity}).col("is_computed", nbool{&c.IsComputed}).col("is_sparse", nbool{&c.IsSparse}).
		col("is_column_set", nbool{&c.IsColumnSet}).col("is_rowguidcol", nbool{&c.IsRowGUIDCol}).
		col("is_filestream", nbool{&c.IsFileStream}).col("xml_collection_id", nint64{&c.XMLCollectionID}).
		col("is_xml_document", nbool{&c.IsXMLDocument}).
		gated(p.s, "generated_always_type_desc", nstr{&c.GeneratedAlways}).gated(p.s, "is_hidden", nbool{&c.IsHidden}).
		gated(p.s, "graph_type_desc", nstr{&c.GraphType}).gated(p.s, "is_dropped_ledger_column", nbool{&c.IsDroppedLedger}).
		col("default_object_id", nint64{&c.DefaultObjectID}).col("rule_object_id", nint64{&c.RuleObjectID})
	var err error
	if src.Columns, err = readAll(p.ctx, p.q, q, &c); err != nil {
		return src, err
	}
	_, _ = cached(p, "column names", func() (map[columnKey]string, error) {
		names := make(map[columnKey]string, len(src.Columns))
		for _, c := range src.Columns {
			names[columnKey{c.ObjectID, int64(c.ColumnID)}] = c.Name
		}
		return names, nil
	})
	var cc plainComputed
	q = selectFrom("computed_columns").col("object_id", nint64{&cc.ObjectID}).col("column_id", nint64{&cc.ColumnID}).
		col("definition", nstr{&cc.Definition}).col("is_persisted", nbool{&cc.IsPersisted})
	if src.Computed, err = readAll(p.ctx, p.q, q, &cc); err != nil {
		return src, err
	}
	var dc plainDefault
	q = selectFrom("default_constraints").col("object_id", nint64{&dc.ObjectID}).col("name", nstr{&dc.Name}).
		col("definition", nstr{&dc.Definition}).col("is_system_named", nbool{&dc.IsSystemNamed})
	if src.Defaults, err = readAll(p.ctx, p.q, q, &dc); err != nil {
		return src, err
	}
	if p.s.HasView("masked_columns") {
		var m plainMask
		q = selectFrom("masked_columns").col("object_id", nint64{&m.ObjectID}).col("column_id", nint64{&m.ColumnID}).
			col("masking_function", nstr{&m.Function})
		if src.Masks, err = readAll(p.ctx, p.q, q, &m); err != nil {
			return src, err
		}
	}
	return src, nil
}

// joinPlainColumns is the joined column query without its identity
// values: the columns of user tables and table types, each joined to its
// computed column, DEFAULT constraint and mask (a LEFT JOIN: one row per
// match, or one without), in (object_id, column_id) order.
func joinPlainColumns(src plainColumnSources, objects map[int64]plainObject) []ColumnRow {
	computed := groupBy(src.Computed, func(c plainComputed) columnKey { return columnKey{c.ObjectID, c.ColumnID} })
	defaults := groupBy(src.Defaults, func(d plainDefault) int64 { return d.ObjectID })
	masks := groupBy(src.Masks, func(m plainMask) columnKey { return columnKey{m.ObjectID, m.ColumnID} })
	var out []ColumnRow
	for _, c := range src.Columns {
		if !userObjectOfType(objects, c.ObjectID, "U", "TT") {
			continue
		}
		k := columnKey{c.ObjectID, int64(c.ColumnID)}
		c.HasDefaultObject = c.DefaultObjectID != 0
		for _, cc := range orNone(computed[k]) {
			c.ComputedDef, c.ComputedPersist = cc.Definition, cc.IsPersisted
			for _, dc := range orNone(defaults[c.DefaultObjectID]) {
				c.DefaultName, c.DefaultDef, c.DefaultSysNamed = dc.Name, dc.Definition, dc.IsSystemNamed
				for _, m := range orNone(masks[k]) {
					c.MaskingFunction = m.Function
					out = append(out, c)
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ColumnRow) int {
		return cmp.Or(cmp.Compare(a.ObjectID, b.ObjectID), cmp.Compare(a.ColumnID, b.ColumnID))
	})
	return out
}

// orNone is what a LEFT JOIN pairs a row with: its matches, or one zero
// value (the NULLs, scanned as zero values) when there is none.
func orNone[T any](matches []T) []T {
	if len(matches) == 0 {
		return make([]T, 1)
	}
	return matches
}

func hasIdentity(cols []ColumnRow) bool {
	return slices.ContainsFunc(cols, func(c ColumnRow) bool { return c.IsIdentity })
}

// ---- identity ----

// plainIdentitySources is what the identity values of Babelfish's
// columns come from (see babelfishIdentity).
type plainIdentitySources struct {
	Depends    []plainDepend
	Sequences  map[int64]pgSequence             // pg_sequence by seqrelid
	Namespaces map[int64]string                 // pg_namespace oid (a schema_id) -> nspname
	LastValues map[pgSequenceName]sql.NullInt64 // pg_sequences.last_value
}

// readPlainIdentitySources reads the database's rows of pg_depend,
// pg_sequence, pg_namespace and pg_sequences (babelfish_plain_pg.go): no
// sys view ties a sequence to its column, so they are read only when a
// column is an identity. The schema of a sequence is found by its oid
// in pg_namespace: the joined query maps SCHEMA_NAME through
// babelfish_namespace_ext of DB_ID(), which names the same namespace.
func readPlainIdentitySources(p *plainCatalog) (plainIdentitySources, error) {
	src := plainIdentitySources{Sequences: map[int64]pgSequence{}}
	var err error
	if src.Depends, err = p.pgDepends(); err != nil {
		return src, err
	}
	sequences, err := p.pgSequences()
	if err != nil {
		return src, err
	}
	for _, s := range sequences {
		src.Sequences[s.RelID] = s
	}
	if src.Namespaces, err = p.namespaceNames(); err != nil {
		return src, err
	}
	src.LastValues, err = p.sequenceLastValues()
	return src, err
}

// setPlainIdentities sets the seed, increment and last value of each
// identity column as babelfishIdentity reads them:
//   - the seed and increment are IDENT_SEED and IDENT_INCR of the table,
//     which take the sequence of the table's first identity column (lowest
//     attnum with an internal, 'i', pg_depend row from a pg_class
//     sequence), and are NULL unless there is exactly one such sequence;
//   - the last value is pg_sequences.last_value of the first sequence
//     (a sys.objects row of type SO) the column owns ('a' or 'i'), found by
//     its schema's PostgreSQL name: NULL until it has handed out a value.
func setPlainIdentities(cols []ColumnRow, src plainIdentitySources, objects map[int64]plainObject) {
	seeds := identitySeqOfTables(src)
	for i := range cols {
		c := &cols[i]
		if !c.IsIdentity {
			continue
		}
		if seq, ok := seeds[c.ObjectID]; ok {
			c.IdentitySeed = strconv.FormatInt(seq.Start, 10)
			c.IdentityIncr = strconv.FormatInt(seq.Increment, 10)
		}
		c.IdentityLast = identityLastValue(c, src, objects)
	}
}

// identitySeqOfTables maps a table's object id to the sequence IDENT_SEED
// reads (PostgreSQL's getIdentitySequence of its first identity column).
func identitySeqOfTables(src plainIdentitySources) map[int64]pgSequence {
	const pgClass = 1259
	type attr struct{ table, attnum int64 }
	owned := map[attr][]int64{}
	first := map[int64]int64{} // table -> lowest attnum with an identity sequence
	for _, d := range src.Depends {
		if d.DepType != "i" || d.ClassID != pgClass || d.RefClassID != pgClass || d.RefObjSubID <= 0 {
			continue
		}
		if _, ok := src.Sequences[d.ObjID]; !ok {
			continue
		}
		k := attr{d.RefObjID, d.RefObjSubID}
		owned[k] = append(owned[k], d.ObjID)
		if n, ok := first[d.RefObjID]; !ok || d.RefObjSubID < n {
			first[d.RefObjID] = d.RefObjSubID
		}
	}
	out := map[int64]pgSequence{}
	for table, attnum := range first {
		if seqs := owned[attr{table, attnum}]; len(seqs) == 1 {
			out[table] = src.Sequences[seqs[0]]
		}
	}
	return out
}

// identityLastValue is the joined query's TOP (1) subquery over pg_depend,
// sys.objects, babelfish_namespace_ext and pg_sequences for column c: the
// first match in pg_depend's order.
func identityLastValue(c *ColumnRow, src plainIdentitySources, objects map[int64]plainObject) string {
	for _, d := range src.Depends {
		if d.RefObjID != c.ObjectID || d.RefObjSubID != int64(c.ColumnID) || (d.DepType != "a" && d.DepType != "i") {
			continue
		}
		so, ok := objects[d.ObjID]
		if !ok || !sqlTypeIs(so.Type, "SO") {
			continue
		}
		nsp, ok := src.Namespaces[so.SchemaID]
		if !ok {
			continue
		}
		if last, ok := src.LastValues[pgSequenceName{nsp, so.Name}]; ok {
			if !last.Valid {
				return ""
			}
			return strconv.FormatInt(last.Int64, 10)
		}
	}
	return ""
}
