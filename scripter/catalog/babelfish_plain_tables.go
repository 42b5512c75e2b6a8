package catalog

import (
	"cmp"
	"slices"
)

// The plain read of tables (plainObjectSteps).

// objTable is a row of sys.tables.
type objTable struct {
	TableRow
	SchemaID, LobDataSpaceID int64
	IsMSShipped              bool
}

// objIndexSpace is the data space of a table's heap or clustered index:
// a row of sys.indexes.
type objIndexSpace struct {
	ObjectID, IndexID, DataSpaceID int64
}

// objDataSpace is a row of sys.data_spaces.
type objDataSpace struct {
	ID   int64
	Name string
	Type string
}

// dataSpaces reads sys.data_spaces, which the tables and the indexes
// join to.
func (p *plainCatalog) dataSpaces() ([]objDataSpace, error) {
	return cached(p, "sys.data_spaces", func() ([]objDataSpace, error) {
		var ds objDataSpace
		return readAll(p.ctx, p.q, selectFrom("data_spaces").col("data_space_id", nint64{&ds.ID}).
			col("name", nstr{&ds.Name}).col("type", nstr{&ds.Type}), &ds)
	})
}

// plainReadTables is readTables. An engine with ledger tables (SQL Server
// 2022) gets the joined query, which reads each ledger view's columns;
// Babelfish has none.
func plainReadTables(p *plainCatalog, r *Rows) (err error) {
	if p.s.Has("tables", "ledger_view_id") && p.s.Has("columns", "ledger_view_column_type") {
		r.Tables, err = readTables(p.ctx, p.q, p.s)
		return err
	}
	tables, err := p.readPlainTables()
	if err != nil {
		return err
	}
	all, err := p.sysIndexes()
	if err != nil {
		return err
	}
	indexes := make([]objIndexSpace, len(all))
	for i, ix := range all {
		indexes[i] = objIndexSpace{ObjectID: ix.ObjectID, IndexID: int64(ix.IndexID), DataSpaceID: ix.DataSpaceID}
	}
	spaces, err := p.dataSpaces()
	if err != nil {
		return err
	}
	tracked, err := p.trackedTables()
	if err != nil {
		return err
	}
	schemas, err := p.objSchemaNames()
	if err != nil {
		return err
	}
	r.Tables = tableRows(tables, indexes, spaces, tracked, schemas)
	return nil
}

// readPlainTables reads sys.tables, with the version-gated columns the
// server has (the others stay zero, as the joined query's typed NULLs).
func (p *plainCatalog) readPlainTables() ([]objTable, error) {
	var t objTable
	s := p.s
	q := selectFrom("tables").col("object_id", &t.ObjectID).col("schema_id", nint64{&t.SchemaID}).col("name", &t.Name).
		col("lock_escalation_desc", nstr{&t.LockEscalation}).gated(s, "is_memory_optimized", nbool{&t.MemoryOptimized}).
		gated(s, "durability_desc", nstr{&t.Durability}).gated(s, "temporal_type", nint{&t.TemporalType}).
		gated(s, "history_table_id", nint64{&t.HistoryTableID}).gated(s, "history_retention_period", nint{&t.RetentionPeriod}).
		gated(s, "history_retention_period_unit_desc", nstr{&t.RetentionUnit}).gated(s, "is_node", nbool{&t.IsNode}).
		gated(s, "is_edge", nbool{&t.IsEdge}).gated(s, "ledger_type_desc", nstr{&t.LedgerType}).
		gated(s, "is_dropped_ledger_table", nbool{&t.LedgerView}).col("lob_data_space_id", nint64{&t.LobDataSpaceID}).
		gated(s, "is_external", nbool{&t.IsExternal}).gated(s, "is_filetable", nbool{&t.IsFileTable}).
		col("is_ms_shipped", nbool{&t.IsMSShipped})
	return readAll(p.ctx, p.q, q, &t)
}

// trackedTables is the set of tables sys.change_tracking_tables lists,
// nil where the engine has no such view (no table is tracked then).
func (p *plainCatalog) trackedTables() (map[int64]bool, error) {
	if !p.s.HasView("change_tracking_tables") {
		return nil, nil
	}
	var id int64
	out := map[int64]bool{}
	err := selectFrom("change_tracking_tables").col("object_id", &id).each(p.ctx, p.q, func() error {
		out[id] = true
		return nil
	})
	return out, err
}

// tableRows joins the user tables (not is_ms_shipped) to the data space of
// their heap or clustered index (index_id 0 or 1; one row per such index,
// as the LEFT JOIN gives, in index_id order) and of their LOB data, names
// their schema, marks the change-tracked ones, and sorts by object_id.
// The compression stays empty: Babelfish says NONE for every partition,
// and the joined query reads NULL there.
func tableRows(tables []objTable, indexes []objIndexSpace, spaces []objDataSpace, tracked map[int64]bool,
	schemas map[int64]string) []TableRow {
	heaps := map[int64][]objIndexSpace{}
	for _, ix := range indexes {
		if ix.IndexID == 0 || ix.IndexID == 1 {
			heaps[ix.ObjectID] = append(heaps[ix.ObjectID], ix)
		}
	}
	for _, h := range heaps {
		slices.SortStableFunc(h, func(a, b objIndexSpace) int { return cmp.Compare(a.IndexID, b.IndexID) })
	}
	byID := map[int64]objDataSpace{}
	for _, ds := range spaces {
		if _, ok := byID[ds.ID]; !ok {
			byID[ds.ID] = ds
		}
	}
	var out []TableRow
	for _, t := range tables {
		if t.IsMSShipped {
			continue
		}
		row := t.TableRow
		row.Schema = schemas[t.SchemaID]
		row.TextImageOn = byID[t.LobDataSpaceID].Name
		row.ChangeTracking = tracked[t.ObjectID]
		if len(heaps[t.ObjectID]) == 0 {
			out = append(out, row)
		}
		for _, ix := range heaps[t.ObjectID] {
			ds := byID[ix.DataSpaceID]
			row.FileGroup, row.Partitioned = ds.Name, sqlTypeIs(ds.Type, "PS")
			out = append(out, row)
		}
	}
	slices.SortStableFunc(out, func(a, b TableRow) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
	return out
}
