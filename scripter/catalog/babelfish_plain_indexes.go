package catalog

import (
	"cmp"
	"database/sql"
	"slices"
	"strconv"
)

// The plain reads of indexes and index columns (plainColumnSteps).

// plainIndex is a row of sys.indexes.
type plainIndex struct {
	IndexRow
	DataSpaceID    int64
	IsHypothetical sql.NullBool // NULL fails "= 0"
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
	DataSpaces     map[int64][]objDataSpace
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
	src := plainIndexSources{NoRecompute: map[plainIndexKey][]bool{}}
	var err error
	if src.Indexes, err = p.sysIndexes(); err != nil {
		return src, err
	}
	spaces, err := p.dataSpaces()
	if err != nil {
		return src, err
	}
	src.DataSpaces = groupBy(spaces, func(ds objDataSpace) int64 { return ds.ID })
	var kc plainKeyConstraint
	q := selectFrom("key_constraints").col("parent_object_id", nint64{&kc.ParentObjectID}).
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

// sysIndexes reads sys.indexes, which the tables (for their data space)
// and the indexes read.
func (p *plainCatalog) sysIndexes() ([]plainIndex, error) {
	return cached(p, "sys.indexes", func() ([]plainIndex, error) {
		var i plainIndex
		q := selectFrom("indexes").col("object_id", &i.ObjectID).col("index_id", &i.IndexID).col("name", nstr{&i.Name}).
			col("type", &i.Type).col("is_unique", nbool{&i.IsUnique}).col("is_primary_key", nbool{&i.IsPrimaryKey}).
			col("is_unique_constraint", nbool{&i.IsUniqueCons}).col("ignore_dup_key", nbool{&i.IgnoreDupKey}).
			col("fill_factor", &i.FillFactor).col("is_padded", nbool{&i.IsPadded}).col("is_disabled", nbool{&i.IsDisabled}).
			col("allow_row_locks", nbool{&i.AllowRowLocks}).col("allow_page_locks", nbool{&i.AllowPageLocks}).
			col("has_filter", nbool{&i.HasFilter}).col("filter_definition", nstr{&i.Filter}).
			col("data_space_id", nint64{&i.DataSpaceID}).col("is_hypothetical", &i.IsHypothetical)
		return readAll(p.ctx, p.q, q, &i)
	})
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
