package catalog

import (
	"strconv"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildTables adds the user tables and indexes them by object id for the
// column, index and constraint builders. Temporal and ledger tables name
// their history table, which is kept as a table of its own.
func (a *assembler) buildTables(db *model.Database) {
	names := map[int64]model.QName{}
	historyOf := map[int64]model.QName{}
	for _, t := range a.rows.Tables {
		names[t.ObjectID] = model.QName{Schema: t.Schema, Name: t.Name}
		if t.TemporalType == temporalSystemVersioned && t.HistoryTableID != 0 {
			historyOf[t.HistoryTableID] = model.QName{Schema: t.Schema, Name: t.Name}
		}
	}
	for _, t := range a.rows.Tables {
		if !a.scriptable(t) {
			continue
		}
		mt := a.newTable(t)
		a.setLedger(mt, t, names)
		if t.TemporalType == temporalSystemVersioned && mt.Ledger == "" {
			mt.Temporal = &model.Temporal{History: names[t.HistoryTableID], RetentionPeriod: retention(t.RetentionPeriod, t.RetentionUnit)}
		}
		if q, ok := historyOf[t.ObjectID]; ok {
			mt.HistoryOf = &q
		}
		a.tables[t.ObjectID] = mt
		db.Tables = append(db.Tables, mt)
	}
}

// scriptable reports whether t is scripted, warning about the kinds of
// table left out that a restore would miss.
func (a *assembler) scriptable(t TableRow) bool {
	name := qname(t.Schema, t.Name)
	switch {
	case t.LedgerView:
		return false // a dropped ledger table, kept by SQL Server under a generated name
	case t.LedgerType == ledgerHistoryTable:
		return false // created by SQL Server with its ledger table
	case t.IsExternal:
		a.warn(model.WarnExternalTable, name, "external table %s is not scripted (its data source and file format are outside the database's tables)", name)
		return false
	case t.IsFileTable:
		a.warn(model.WarnFileTable, name, "FileTable %s is not scripted (its files live in FILESTREAM storage)", name)
		return false
	}
	return true
}

// newTable is t's model without columns, constraints, temporal or ledger
// settings.
func (a *assembler) newTable(t TableRow) *model.Table {
	mt := &model.Table{
		QName:          model.QName{Schema: t.Schema, Name: t.Name},
		ObjectID:       t.ObjectID,
		Compression:    normCompression(t.Compression),
		LockEscalation: t.LockEscalation,
		FileGroup:      t.FileGroup,
		TextImageOn:    t.TextImageOn,
		IsNode:         t.IsNode,
		IsEdge:         t.IsEdge,
		ChangeTracking: t.ChangeTracking,
	}
	if t.Partitioned {
		mt.FileGroup = ""
		a.warn(model.WarnPartitionedTable, qname(t.Schema, t.Name), "%s is partitioned; it is scripted on the default filegroup (partition functions and schemes are not scripted)", qname(t.Schema, t.Name))
	}
	if t.MemoryOptimized {
		mt.MemoryOptimized = true
		mt.Durability = t.Durability
	}
	return mt
}

// setLedger fills the ledger settings of a ledger table; names holds every
// table's name by object id.
func (a *assembler) setLedger(mt *model.Table, t TableRow, names map[int64]model.QName) {
	switch t.LedgerType {
	case ledgerUpdatableTable:
		mt.Ledger = "UPDATABLE"
	case ledgerAppendOnlyTable:
		mt.Ledger = "APPEND_ONLY"
	default:
		return
	}
	if t.LedgerViewName != "" {
		mt.LedgerView = &model.LedgerView{QName: model.QName{Schema: t.LedgerViewSchema, Name: t.LedgerViewName},
			TransactionIDColumn: t.LedgerTxColumn, SequenceNumberColumn: t.LedgerSeqColumn,
			OperationTypeColumn: t.LedgerOpColumn, OperationTypeDescColumn: t.LedgerOpDescColumn}
	}
	// An updatable ledger table's history table comes with it (and a
	// temporal ledger table shares it): it is named in CREATE TABLE, never
	// created or switched on separately.
	if h, ok := names[t.HistoryTableID]; ok && t.HistoryTableID != 0 {
		mt.LedgerHistory = &h
		mt.LedgerRetention = retention(t.RetentionPeriod, t.RetentionUnit)
	}
}

// buildTableTypeBodies indexes an empty table for each table type by its
// type_table_object_id, where the catalog hangs its columns and
// constraints; buildTypes then puts each in its TableType.
func (a *assembler) buildTableTypeBodies() {
	for _, tr := range a.rows.Types {
		if tr.IsTableType && tr.TypeTableObjectID != 0 {
			a.tables[tr.TypeTableObjectID] = &model.Table{QName: model.QName{Schema: tr.Schema, Name: tr.Name},
				MemoryOptimized: tr.IsMemoryOptimized}
		}
	}
}

// retention renders HISTORY_RETENTION_PERIOD; "" means INFINITE.
func retention(n int, unit string) string {
	if n <= 0 || unit == "" || unit == "INFINITE" {
		return ""
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "S"
}

// normCompression leaves out DATA_COMPRESSION = NONE, the default.
func normCompression(c string) string {
	if c == "NONE" {
		return ""
	}
	return c
}
