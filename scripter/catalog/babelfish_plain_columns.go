package catalog

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
	"strings"
)

// plainColumnSteps are the plain reads of babelfish_plain_columns.go.
func plainColumnSteps() map[string]plainStep {
	return map[string]plainStep{
		"columns":       plainColumns,
		"indexes":       plainIndexes,
		"index columns": plainIndexColumns,
	}
}

// sqlTypeIs compares a char(n) type code as T-SQL's "=" does on Babelfish:
// trailing blanks do not count and the default collation ignores case.
func sqlTypeIs(typ string, codes ...string) bool {
	typ = strings.TrimRight(typ, " ")
	for _, c := range codes {
		if strings.EqualFold(typ, c) {
			return true
		}
	}
	return false
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
	if _, ok := p.cache["column names"]; !ok {
		names := make(map[columnKey]string, len(src.Columns))
		for _, c := range src.Columns {
			names[columnKey{c.ObjectID, int64(c.ColumnID)}] = c.Name
		}
		_, _ = cached(p, "column names", func() (map[columnKey]string, error) { return names, nil })
	}
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

// plainSequence is a row of pg_catalog.pg_sequence: a PostgreSQL
// sequence's start and increment.
type plainSequence struct {
	SeqRelID, Start, Increment int64
}

// plainSequenceName is a sequence by its PostgreSQL schema and name, as
// pg_catalog.pg_sequences names it.
type plainSequenceName struct{ Schema, Name string }

// plainIdentitySources is what the identity values of Babelfish's
// columns come from (see babelfishIdentity).
type plainIdentitySources struct {
	Depends    []plainDepend
	Sequences  map[int64]plainSequence
	Namespaces map[int64]string             // pg_namespace oid (a schema_id) -> nspname
	LastValues map[plainSequenceName]string // pg_sequences.last_value, "" while NULL
}

// readPlainIdentitySources reads the database's rows of pg_depend,
// pg_sequence, pg_namespace and pg_sequences (babelfish_plain_pg.go): no
// sys view ties a sequence to its column, so they are read only when a
// column is an identity. The schema of a sequence is found by its oid
// in pg_namespace: the joined query maps SCHEMA_NAME through
// babelfish_namespace_ext of DB_ID(), which names the same namespace.
func readPlainIdentitySources(p *plainCatalog) (plainIdentitySources, error) {
	src := plainIdentitySources{Sequences: map[int64]plainSequence{}, LastValues: map[plainSequenceName]string{}}
	var err error
	if src.Depends, err = p.pgDepends(); err != nil {
		return src, err
	}
	sequences, err := p.pgSequences()
	if err != nil {
		return src, err
	}
	for _, s := range sequences {
		src.Sequences[s.RelID] = plainSequence{SeqRelID: s.RelID, Start: s.Start, Increment: s.Increment}
	}
	if src.Namespaces, err = p.namespaceNames(); err != nil {
		return src, err
	}
	last, err := p.sequenceLastValues()
	for n, v := range last {
		src.LastValues[plainSequenceName(n)] = ""
		if v.Valid {
			src.LastValues[plainSequenceName(n)] = strconv.FormatInt(v.Int64, 10)
		}
	}
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
func identitySeqOfTables(src plainIdentitySources) map[int64]plainSequence {
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
	out := map[int64]plainSequence{}
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
		if last, ok := src.LastValues[plainSequenceName{nsp, so.Name}]; ok {
			return last
		}
	}
	return ""
}

// ---- indexes ----

// plainIndex is a row of sys.indexes.
type plainIndex struct {
	IndexRow
	DataSpaceID    int64
	IsHypothetical sql.NullBool // NULL fails "= 0"
}

// plainDataSpace is a row of sys.data_spaces.
type plainDataSpace struct {
	Name string
	Type string
}

// plainKeyConstraint is a row of sys.key_constraints.
type plainKeyConstraint struct {
	ParentObjectID, UniqueIndexID int64
	Type                          string
	IsSystemNamed                 bool
}

// plainIndexKey is an index's (object_id, index_id).
type plainIndexKey struct{ ObjectID, IndexID int64 }

// plainXMLIndex is a row of sys.xml_indexes.
type plainXMLIndex struct {
	ObjectID, IndexID, UsingXMLIndexID int64
	SecondaryType                      string
	XMLIndexType                       int
}

// plainSpatial is a row of sys.spatial_index_tessellations.
type plainSpatial struct {
	ObjectID, IndexID int64
	Scheme            string
	Box               [4]sql.NullFloat64
	Grids             [4]string
	CellsPerObject    int
}

// plainIndexSources is what the joined index query reads besides
// sys.all_objects; the kinds of index Babelfish may lack stay nil.
type plainIndexSources struct {
	Indexes        []plainIndex
	DataSpaces     map[int64][]plainDataSpace
	KeyConstraints []plainKeyConstraint
	NoRecompute    map[plainIndexKey][]bool // sys.stats by (object_id, stats_id)
	Buckets        map[plainIndexKey][]int64
	XML            []plainXMLIndex
	Spatial        []plainSpatial
}

func plainIndexes(p *plainCatalog, r *Rows) error {
	src, err := readPlainIndexSources(p)
	if err != nil {
		return err
	}
	if err := readPlainIndexKinds(p, &src); err != nil {
		return err
	}
	objects, err := p.objectsByID()
	if err != nil {
		return err
	}
	r.Indexes = joinPlainIndexes(src, objects)
	return nil
}

// readPlainIndexSources reads sys.indexes, sys.data_spaces,
// sys.key_constraints and sys.stats whole.
func readPlainIndexSources(p *plainCatalog) (plainIndexSources, error) {
	src := plainIndexSources{DataSpaces: map[int64][]plainDataSpace{}, NoRecompute: map[plainIndexKey][]bool{}}
	var i plainIndex
	q := selectFrom("indexes").col("object_id", &i.ObjectID).col("index_id", &i.IndexID).col("name", nstr{&i.Name}).
		col("type", &i.Type).col("is_unique", nbool{&i.IsUnique}).col("is_primary_key", nbool{&i.IsPrimaryKey}).
		col("is_unique_constraint", nbool{&i.IsUniqueCons}).col("ignore_dup_key", nbool{&i.IgnoreDupKey}).
		col("fill_factor", &i.FillFactor).col("is_padded", nbool{&i.IsPadded}).col("is_disabled", nbool{&i.IsDisabled}).
		col("allow_row_locks", nbool{&i.AllowRowLocks}).col("allow_page_locks", nbool{&i.AllowPageLocks}).
		col("has_filter", nbool{&i.HasFilter}).col("filter_definition", nstr{&i.Filter}).
		col("data_space_id", nint64{&i.DataSpaceID}).col("is_hypothetical", &i.IsHypothetical)
	var err error
	if src.Indexes, err = readAll(p.ctx, p.q, q, &i); err != nil {
		return src, err
	}
	var id int64
	var ds plainDataSpace
	err = selectFrom("data_spaces").col("data_space_id", nint64{&id}).col("name", nstr{&ds.Name}).col("type", nstr{&ds.Type}).
		each(p.ctx, p.q, func() error {
			src.DataSpaces[id] = append(src.DataSpaces[id], ds)
			return nil
		})
	if err != nil {
		return src, err
	}
	var kc plainKeyConstraint
	q = selectFrom("key_constraints").col("parent_object_id", nint64{&kc.ParentObjectID}).
		col("unique_index_id", nint64{&kc.UniqueIndexID}).col("type", nstr{&kc.Type}).
		col("is_system_named", nbool{&kc.IsSystemNamed})
	if src.KeyConstraints, err = readAll(p.ctx, p.q, q, &kc); err != nil {
		return src, err
	}
	var k plainIndexKey
	var noRecompute bool
	err = selectFrom("stats").col("object_id", nint64{&k.ObjectID}).col("stats_id", nint64{&k.IndexID}).
		col("no_recompute", nbool{&noRecompute}).each(p.ctx, p.q, func() error {
		src.NoRecompute[k] = append(src.NoRecompute[k], noRecompute)
		return nil
	})
	return src, err
}

// readPlainIndexKinds reads sys.hash_indexes, sys.xml_indexes and
// sys.spatial_index_tessellations where the engine has them (as
// indexKindColumns joins them).
func readPlainIndexKinds(p *plainCatalog, src *plainIndexSources) error {
	if p.s.HasView("hash_indexes") {
		src.Buckets = map[plainIndexKey][]int64{}
		var k plainIndexKey
		var n int64
		err := selectFrom("hash_indexes").col("object_id", nint64{&k.ObjectID}).col("index_id", nint64{&k.IndexID}).
			col("bucket_count", nint64{&n}).each(p.ctx, p.q, func() error {
			src.Buckets[k] = append(src.Buckets[k], n)
			return nil
		})
		if err != nil {
			return err
		}
	}
	if p.s.HasView("xml_indexes") {
		var x plainXMLIndex
		q := selectFrom("xml_indexes").col("object_id", nint64{&x.ObjectID}).col("index_id", nint64{&x.IndexID}).
			col("using_xml_index_id", nint64{&x.UsingXMLIndexID}).col("secondary_type_desc", nstr{&x.SecondaryType}).
			gated(p.s, "xml_index_type", nint{&x.XMLIndexType})
		var err error
		if src.XML, err = readAll(p.ctx, p.q, q, &x); err != nil {
			return err
		}
	}
	if p.s.HasView("spatial_index_tessellations") {
		var t plainSpatial
		q := selectFrom("spatial_index_tessellations").col("object_id", nint64{&t.ObjectID}).col("index_id", nint64{&t.IndexID}).
			col("tessellation_scheme", nstr{&t.Scheme}).col("bounding_box_xmin", &t.Box[0]).col("bounding_box_ymin", &t.Box[1]).
			col("bounding_box_xmax", &t.Box[2]).col("bounding_box_ymax", &t.Box[3]).
			col("level_1_grid_desc", nstr{&t.Grids[0]}).col("level_2_grid_desc", nstr{&t.Grids[1]}).
			col("level_3_grid_desc", nstr{&t.Grids[2]}).col("level_4_grid_desc", nstr{&t.Grids[3]}).
			col("cells_per_object", nint{&t.CellsPerObject})
		var err error
		if src.Spatial, err = readAll(p.ctx, p.q, q, &t); err != nil {
			return err
		}
	}
	return nil
}

// joinPlainIndexes is the joined index query: the indexes (no heaps, no
// hypothetical ones) of user tables, table types and views, each LEFT
// JOINed to its data space, PK or UQ constraint, statistics and hash, XML
// and spatial rows (one row per combination of matches), in (object_id,
// index_id) order.
func joinPlainIndexes(src plainIndexSources, objects map[int64]plainObject) []IndexRow {
	kcs := map[plainIndexKey][]plainKeyConstraint{}
	for _, kc := range src.KeyConstraints {
		if sqlTypeIs(kc.Type, "PK", "UQ") {
			k := plainIndexKey{kc.ParentObjectID, kc.UniqueIndexID}
			kcs[k] = append(kcs[k], kc)
		}
	}
	kinds := indexKindRows(src)
	// Never nil: readIndexes copies its rows into a slice it makes.
	out := []IndexRow{}
	for _, i := range src.Indexes {
		if i.Type <= 0 || !i.IsHypothetical.Valid || i.IsHypothetical.Bool ||
			!userObjectOfType(objects, i.ObjectID, "U", "TT", "V") {
			continue
		}
		k := plainIndexKey{i.ObjectID, int64(i.IndexID)}
		for _, ds := range orNone(src.DataSpaces[i.DataSpaceID]) {
			row := i.IndexRow
			row.FileGroup, row.Partitioned = ds.Name, sqlTypeIs(ds.Type, "PS")
			for _, kc := range orNone(kcs[k]) {
				row.IsSystemNamed = kc.IsSystemNamed
				for _, nr := range orNone(src.NoRecompute[k]) {
					row.NoRecompute = nr
					for _, kind := range orNone(kinds[k]) {
						out = append(out, kind.apply(row))
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b IndexRow) int {
		return cmp.Or(cmp.Compare(a.ObjectID, b.ObjectID), cmp.Compare(a.IndexID, b.IndexID))
	})
	return out
}

// indexKind is one combination of an index's hash, XML and spatial rows.
type indexKind struct {
	bucket  int64
	xml     plainXMLIndex
	xmlName string
	spatial plainSpatial
}

// apply sets what the kind adds to row, as readIndexes scans it.
func (k indexKind) apply(row IndexRow) IndexRow {
	row.BucketCount = k.bucket
	row.XMLPrimaryName, row.XMLSecondaryType, row.XMLIndexType = k.xmlName, k.xml.SecondaryType, k.xml.XMLIndexType
	row.SpatialScheme, row.SpatialCellsPerOb = k.spatial.Scheme, k.spatial.CellsPerObject
	if k.spatial.Box[0].Valid {
		for _, f := range k.spatial.Box {
			row.SpatialBox = append(row.SpatialBox, strconv.FormatFloat(f.Float64, 'g', -1, 64))
		}
	}
	for _, g := range k.spatial.Grids {
		if g != "" {
			row.SpatialGrids = append(row.SpatialGrids, g)
		}
	}
	return row
}

// indexKindRows pairs each index with the combinations of its hash, XML
// and spatial rows (the LEFT JOINs of indexKindColumns, in that order);
// an index with none of them has no entry.
func indexKindRows(src plainIndexSources) map[plainIndexKey][]indexKind {
	names := map[plainIndexKey]string{}
	for _, i := range src.Indexes {
		k := plainIndexKey{i.ObjectID, int64(i.IndexID)}
		if _, ok := names[k]; !ok {
			names[k] = i.Name
		}
	}
	xml := groupBy(src.XML, func(x plainXMLIndex) plainIndexKey { return plainIndexKey{x.ObjectID, x.IndexID} })
	spatial := groupBy(src.Spatial, func(s plainSpatial) plainIndexKey { return plainIndexKey{s.ObjectID, s.IndexID} })
	out := map[plainIndexKey][]indexKind{}
	for k := range names {
		if len(src.Buckets[k]) == 0 && len(xml[k]) == 0 && len(spatial[k]) == 0 {
			continue
		}
		for _, b := range orNone(src.Buckets[k]) {
			for _, x := range orNone(xml[k]) {
				// The primary XML index's name: a scalar subquery on
				// (object_id, using_xml_index_id), NULL without one.
				name := ""
				if x.UsingXMLIndexID != 0 {
					name = names[plainIndexKey{x.ObjectID, x.UsingXMLIndexID}]
				}
				for _, s := range orNone(spatial[k]) {
					out[k] = append(out[k], indexKind{bucket: b, xml: x, xmlName: name, spatial: s})
				}
			}
		}
	}
	return out
}

// ---- index columns ----

// plainIndexColumn is a row of sys.index_columns.
type plainIndexColumn struct {
	IndexColumnRow
	ColumnID int64
}

func plainIndexColumns(p *plainCatalog, r *Rows) error {
	var ic plainIndexColumn
	q := selectFrom("index_columns").col("object_id", &ic.ObjectID).col("index_id", &ic.IndexID).
		col("key_ordinal", &ic.KeyOrdinal).col("index_column_id", &ic.IndexColumnID).col("column_id", nint64{&ic.ColumnID}).
		col("is_descending_key", nbool{&ic.Descending}).col("is_included_column", nbool{&ic.Included})
	rows, err := readAll(p.ctx, p.q, q, &ic)
	if err != nil {
		return err
	}
	names, err := p.columnNames()
	if err != nil {
		return err
	}
	objects, err := p.objectsByID()
	if err != nil {
		return err
	}
	r.IndexColumns = joinPlainIndexColumns(rows, names, objects)
	return nil
}

// joinPlainIndexColumns is the joined index column query: the columns
// (with their names) of the indexes of user tables, table types and views,
// in (object_id, index_id, key_ordinal, index_column_id) order.
func joinPlainIndexColumns(rows []plainIndexColumn, names map[columnKey]string, objects map[int64]plainObject) []IndexColumnRow {
	var out []IndexColumnRow
	for _, ic := range rows {
		name, ok := names[columnKey{ic.ObjectID, ic.ColumnID}]
		if !ok || !userObjectOfType(objects, ic.ObjectID, "U", "TT", "V") {
			continue
		}
		row := ic.IndexColumnRow
		row.Name = name
		out = append(out, row)
	}
	slices.SortStableFunc(out, func(a, b IndexColumnRow) int {
		return cmp.Or(cmp.Compare(a.ObjectID, b.ObjectID), cmp.Compare(a.IndexID, b.IndexID),
			cmp.Compare(a.KeyOrdinal, b.KeyOrdinal), cmp.Compare(a.IndexColumnID, b.IndexColumnID))
	})
	return out
}
