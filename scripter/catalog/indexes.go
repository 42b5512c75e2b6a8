package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

var indexKinds = map[int]string{
	indexClustered: "CLUSTERED", indexNonclustered: "NONCLUSTERED", indexXML: "XML", indexSpatial: "SPATIAL",
	indexClusteredColumnstore: "CLUSTERED COLUMNSTORE", indexNonclusteredColumnstore: "NONCLUSTERED COLUMNSTORE", indexHash: "HASH",
}

// indexKey identifies an index: index ids are unique only per object.
type indexKey struct {
	obj int64
	id  int
}

// buildIndexes adds each index, primary key and unique constraint to its
// table or table-type body (needs buildTables and buildTableTypeBodies),
// and an indexed view's indexes to a.views for buildModules.
func (a *assembler) buildIndexes() {
	cols := map[indexKey][]IndexColumnRow{}
	for _, c := range a.rows.IndexColumns {
		k := indexKey{c.ObjectID, c.IndexID}
		cols[k] = append(cols[k], c)
	}
	for _, ir := range a.rows.Indexes {
		if ir.Type == indexXML && ir.XMLIndexType >= xmlIndexSelective {
			a.warnSelectiveXML(ir)
			continue
		}
		ix := a.newIndex(ir)
		setIndexColumns(ix, ir.Type, cols[indexKey{ir.ObjectID, ir.IndexID}])
		a.attachIndex(ix, ir)
	}
}

// newIndex is ir's model without its columns.
func (a *assembler) newIndex(ir IndexRow) *model.Index {
	ix := &model.Index{
		Name:               ir.Name,
		Kind:               indexKinds[ir.Type],
		IsPrimaryKey:       ir.IsPrimaryKey,
		IsUniqueConstraint: ir.IsUniqueCons,
		IsUnique:           ir.IsUnique,
		IsSystemNamed:      ir.IsSystemNamed,
		FillFactor:         ir.FillFactor,
		PadIndex:           ir.IsPadded,
		IgnoreDupKey:       ir.IgnoreDupKey,
		NoRecompute:        ir.NoRecompute,
		DisallowRowLocks:   !ir.AllowRowLocks,
		DisallowPageLocks:  !ir.AllowPageLocks,
		Compression:        normCompression(ir.Compression),
		FileGroup:          ir.FileGroup,
		Disabled:           ir.IsDisabled,
		BucketCount:        ir.BucketCount,
		XMLPrimary:         ir.XMLPrimaryName,
		XMLSecondary:       ir.XMLSecondaryType,
		SpatialOptions:     spatialOptions(ir),
	}
	if ix.Kind == "" {
		ix.Kind = fmt.Sprintf("TYPE %d", ir.Type)
	}
	if ir.Partitioned {
		// Reported once per table (partitioned_table); the index is
		// created on the default filegroup.
		ix.FileGroup = ""
	}
	if ir.HasFilter {
		ix.Filter = ir.Filter
	}
	if t := a.tables[ir.ObjectID]; ir.Type == indexHash || (t != nil && t.MemoryOptimized) {
		// Memory-optimized indexes (of tables and table types) have no
		// row/page locks to speak of, and reject the options.
		ix.DisallowRowLocks, ix.DisallowPageLocks = false, false
	}
	return ix
}

// setIndexColumns fills an index's key and included columns from its
// sys.index_columns rows cs, which each index type lists differently.
func setIndexColumns(ix *model.Index, indexType int, cs []IndexColumnRow) {
	byID := slices.Clone(cs)
	slices.SortStableFunc(byID, func(x, y IndexColumnRow) int { return cmp.Compare(x.IndexColumnID, y.IndexColumnID) })
	switch indexType {
	case indexClusteredColumnstore:
		// A clustered columnstore index covers every column: no list.
	case indexNonclusteredColumnstore:
		for _, c := range byID {
			ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name})
		}
	case indexXML, indexSpatial:
		// XML and spatial indexes have no key: sys.index_columns lists
		// their one column with key_ordinal 0.
		for _, c := range byID {
			if !c.Included {
				ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name})
			}
		}
	default:
		keys := slices.Clone(cs)
		slices.SortStableFunc(keys, func(x, y IndexColumnRow) int {
			return cmp.Or(cmp.Compare(x.KeyOrdinal, y.KeyOrdinal), cmp.Compare(x.IndexColumnID, y.IndexColumnID))
		})
		for _, c := range keys {
			if c.Included || c.KeyOrdinal == 0 {
				continue
			}
			ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name, Descending: c.Descending})
		}
		for _, c := range byID {
			if c.Included {
				ix.Included = append(ix.Included, c.Name)
			}
		}
	}
}

// attachIndex puts ix where it is scripted: with an indexed view's module
// (a.views, until buildModules builds the module), or on its table as the
// primary key, a unique constraint or an index.
func (a *assembler) attachIndex(ix *model.Index, ir IndexRow) {
	if o := a.objects[ir.ObjectID]; o != nil && o.Type == objectView {
		m := a.views[ir.ObjectID]
		if m == nil {
			m = &model.Module{}
			a.views[ir.ObjectID] = m
		}
		m.Indexes = append(m.Indexes, ix)
		return
	}
	t := a.tables[ir.ObjectID]
	if t == nil {
		return
	}
	switch {
	case ir.IsPrimaryKey:
		t.PrimaryKey = ix
	case ir.IsUniqueCons:
		t.Uniques = append(t.Uniques, ix)
	default:
		t.Indexes = append(t.Indexes, ix)
	}
}

// warnSelectiveXML reports a selective XML index (or a secondary one on
// it), which is left out: scripting it as an ordinary XML index would be
// wrong DDL, and its promoted paths are not in the model.
func (a *assembler) warnSelectiveXML(ir IndexRow) {
	table := fmt.Sprintf("object#%d", ir.ObjectID)
	if o := a.objects[ir.ObjectID]; o != nil {
		table = qname(o.Schema, o.Name)
	}
	kind := "selective XML index"
	if ir.XMLIndexType == xmlIndexSecondarySelective {
		kind = "secondary selective XML index"
	}
	a.warn(model.WarnSelectiveXMLIndex, table+"."+ir.Name, "%s %s on %s is not scripted (its promoted paths are not read); recreate it after restore", kind, ir.Name, table)
}

// spatialOptions renders a spatial index's USING ... WITH (...) clause.
func spatialOptions(ir IndexRow) string {
	if ir.Type != indexSpatial || ir.SpatialScheme == "" {
		return ""
	}
	var parts []string
	if len(ir.SpatialBox) == 4 {
		parts = append(parts, "BOUNDING_BOX = ("+strings.Join(ir.SpatialBox, ", ")+")")
	}
	if !strings.HasSuffix(ir.SpatialScheme, "AUTO_GRID") && len(ir.SpatialGrids) == 4 {
		g := make([]string, 4)
		for i, v := range ir.SpatialGrids {
			g[i] = fmt.Sprintf("LEVEL_%d = %s", i+1, v)
		}
		parts = append(parts, "GRIDS = ("+strings.Join(g, ", ")+")")
	}
	if ir.SpatialCellsPerOb > 0 {
		parts = append(parts, "CELLS_PER_OBJECT = "+strconv.Itoa(ir.SpatialCellsPerOb))
	}
	s := "USING " + ir.SpatialScheme
	if len(parts) > 0 {
		s += " WITH (" + strings.Join(parts, ", ") + ")"
	}
	return s
}
