package ddl

import (
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// table scripts CREATE TABLE with its columns, inline defaults and primary
// key, and the table's clustered index if it is not the primary key: rows
// load in clustered order without a rebuild.
func (b *builder) table(t *model.Table) Object {
	var sb strings.Builder
	header(&sb, "TABLE", qn(t.QName))
	var st strings.Builder
	st.WriteString("CREATE TABLE " + qn(t.QName) + b.tableBody(t, false))
	switch {
	case t.IsNode:
		st.WriteString(" AS NODE")
		b.warn(WarnGraphTable, objName(t.QName), "graph node ids are regenerated on restore; edges are not reconnected by the data section")
	case t.IsEdge:
		st.WriteString(" AS EDGE")
		b.warn(WarnGraphTable, objName(t.QName), "graph edge $from_id/$to_id refer to node ids that are regenerated on restore")
	}
	if !t.MemoryOptimized {
		if fg := t.FileGroup; fg != "" && fg != "PRIMARY" {
			st.WriteString(" ON " + ident(fg))
		}
		if fg := t.TextImageOn; fg != "" && fg != "PRIMARY" {
			st.WriteString(" TEXTIMAGE_ON " + ident(fg))
		}
	}
	var with []string
	if c := t.Compression; c != "" && c != "NONE" && !strings.HasPrefix(c, "COLUMNSTORE") && !hasClusteredIndex(t) {
		with = append(with, "DATA_COMPRESSION = "+c)
	}
	if t.MemoryOptimized {
		with = append(with, "MEMORY_OPTIMIZED = ON")
		if t.Durability != "" {
			with = append(with, "DURABILITY = "+t.Durability)
		}
	}
	if t.Ledger != "" {
		if h := t.LedgerHistory; h != nil {
			sv := "SYSTEM_VERSIONING = ON (HISTORY_TABLE = " + qn(*h)
			if r := t.LedgerRetention; r != "" && r != "INFINITE" {
				sv += ", HISTORY_RETENTION_PERIOD = " + r
			}
			with = append(with, sv+")")
		}
		with = append(with, ledgerOption(t))
		b.warn(WarnLedgerTable, objName(t.QName), "ledger tables restore as new ledger tables: ledger history and digests are not reproduced")
	}
	if len(with) > 0 {
		st.WriteString("\nWITH (" + strings.Join(with, ", ") + ")")
	}
	st.WriteString(";")
	batch(&sb, b.guard(objectIDIsNull(t.QName, "U"), st.String()))
	if !t.MemoryOptimized {
		for _, ix := range sortedIndexes(t.Indexes) {
			if isClustered(ix) {
				b.writeIndex(&sb, t.QName, ix, false)
			}
		}
	}
	if le := t.LockEscalation; le != "" && le != "TABLE" {
		batch(&sb, "ALTER TABLE "+qn(t.QName)+" SET (LOCK_ESCALATION = "+le+");")
	}
	return Object{Type: TypeTable, QName: t.QName, Text: sb.String()}
}

// hasClusteredIndex reports whether compression belongs to a clustered index
// (scripted with that index) rather than to the heap.
func hasClusteredIndex(t *model.Table) bool {
	if t.PrimaryKey != nil && isClustered(t.PrimaryKey) {
		return true
	}
	for _, ix := range t.Uniques {
		if isClustered(ix) {
			return true
		}
	}
	for _, ix := range t.Indexes {
		if isClustered(ix) {
			return true
		}
	}
	return false
}

func isClustered(ix *model.Index) bool {
	return ix.Kind == "CLUSTERED" || ix.Kind == "CLUSTERED COLUMNSTORE"
}

// inlineUnique reports a UNIQUE constraint created with its table: a
// clustered one (it orders the rows) or any on a memory-optimized table.
func inlineUnique(t *model.Table, ix *model.Index) bool {
	return t.MemoryOptimized || isClustered(ix)
}

// periodColumn reports a ROW START/END column.
func periodColumn(c *model.Column) bool {
	return c.GeneratedAlways == "ROW START" || c.GeneratedAlways == "ROW END"
}

// ledgerOption is the LEDGER = ON table option in SMO's form: APPEND_ONLY,
// then the ledger view with the names of its ledger columns, so the
// restored table has the same view, column for column.
func ledgerOption(t *model.Table) string {
	var opts []string
	if t.Ledger == "APPEND_ONLY" {
		opts = append(opts, "APPEND_ONLY = ON")
	}
	if v := t.LedgerView; v != nil && v.Name != "" {
		s := "LEDGER_VIEW = " + qn(v.QName)
		var cols []string
		for _, c := range []struct{ opt, name string }{
			{"TRANSACTION_ID_COLUMN_NAME", v.TransactionIDColumn},
			{"SEQUENCE_NUMBER_COLUMN_NAME", v.SequenceNumberColumn},
			{"OPERATION_TYPE_COLUMN_NAME", v.OperationTypeColumn},
			{"OPERATION_TYPE_DESC_COLUMN_NAME", v.OperationTypeDescColumn},
		} {
			if c.name != "" {
				cols = append(cols, c.opt+" = "+ident(c.name))
			}
		}
		if len(cols) > 0 {
			s += " (" + strings.Join(cols, ", ") + ")"
		}
		opts = append(opts, s)
	}
	if len(opts) == 0 {
		return "LEDGER = ON"
	}
	return "LEDGER = ON (" + strings.Join(opts, ", ") + ")"
}

// ledgerColumn reports the GENERATED ALWAYS AS TRANSACTION_ID /
// SEQUENCE_NUMBER columns of ledger tables: declared in CREATE TABLE (so
// their names and order are the source's), never loaded with data.
func ledgerColumn(t *model.Table, c *model.Column) bool {
	return t.Ledger != "" && (strings.HasPrefix(c.GeneratedAlways, "TRANSACTION_ID") || strings.HasPrefix(c.GeneratedAlways, "SEQUENCE_NUMBER"))
}

// tableBody is the parenthesised column and constraint list of a table or
// table type.
func (b *builder) tableBody(t *model.Table, inType bool) string {
	if t == nil {
		return " ()"
	}
	// A system-versioned table's period columns are plain during the data
	// load (see the package comment); a table with a period but without
	// versioning keeps it inline.
	plainPeriod := t.Temporal != nil
	var lines []string
	var periodStart, periodEnd string
	for _, c := range t.Columns {
		if c.GraphType != "" {
			continue
		}
		switch c.GeneratedAlways {
		case "ROW START":
			periodStart = c.Name
		case "ROW END":
			periodEnd = c.Name
		}
		lines = append(lines, b.column(c, inType, plainPeriod && periodColumn(c)))
	}
	if !plainPeriod && periodStart != "" && periodEnd != "" {
		lines = append(lines, "PERIOD FOR SYSTEM_TIME ("+ident(periodStart)+", "+ident(periodEnd)+")")
	}
	if pk := t.PrimaryKey; pk != nil {
		lines = append(lines, constraintPrefix(pk.Name, inType)+"PRIMARY KEY "+kindSQL(pk.Kind)+" ("+keyColumns(pk)+")"+indexWith(pk)+onFileGroup(pk, t))
	}
	for _, ix := range sortedIndexes(t.Uniques) {
		if inType || inlineUnique(t, ix) {
			lines = append(lines, constraintPrefix(ix.Name, inType)+"UNIQUE "+kindSQL(ix.Kind)+" ("+keyColumns(ix)+")"+indexWith(ix)+onFileGroup(ix, t))
		}
	}
	if inType || t.MemoryOptimized {
		for _, ix := range sortedIndexes(t.Indexes) {
			lines = append(lines, inlineIndex(ix))
		}
	}
	if inType {
		for _, ck := range sortedChecks(t.Checks) {
			lines = append(lines, "CHECK "+parenthesised(ck.Definition))
		}
	}
	var sb strings.Builder
	sb.WriteString(" (\n")
	for i, l := range lines {
		sb.WriteString("\t")
		sb.WriteString(l)
		if i < len(lines)-1 {
			sb.WriteString(",")
		}
		sb.WriteString("\n")
	}
	sb.WriteString(")")
	return sb.String()
}

// constraintPrefix names a constraint; table-type constraints cannot be named.
func constraintPrefix(name string, inType bool) string {
	if inType || name == "" {
		return ""
	}
	return "CONSTRAINT " + ident(name) + " "
}

// column renders one column definition.
func (b *builder) column(c *model.Column, inType, plainPeriod bool) string {
	var s strings.Builder
	s.WriteString(ident(c.Name))
	if c.Computed != nil {
		s.WriteString(" AS " + c.Computed.Definition)
		if c.Computed.Persisted {
			s.WriteString(" PERSISTED")
			if !c.Nullable {
				s.WriteString(" NOT NULL")
			}
		}
		return s.String()
	}
	s.WriteString(" " + typeSQL(c.Type))
	if c.FileStream {
		s.WriteString(" FILESTREAM")
	}
	if c.Collation != "" && c.Collation != b.db.Collation {
		s.WriteString(" COLLATE " + c.Collation)
	}
	if c.Sparse {
		s.WriteString(" SPARSE")
	}
	if c.ColumnSet {
		s.WriteString(" COLUMN_SET FOR ALL_SPARSE_COLUMNS")
	}
	if c.MaskingFunction != "" {
		s.WriteString(" MASKED WITH (FUNCTION = '" + strings.ReplaceAll(c.MaskingFunction, "'", "''") + "')")
	}
	if id := c.Identity; id != nil {
		s.WriteString(" IDENTITY(" + numOr(id.Seed, "1") + "," + numOr(id.Increment, "1") + ")")
		if id.NotForReplication {
			s.WriteString(" NOT FOR REPLICATION")
		}
	}
	if c.GeneratedAlways != "" && !plainPeriod {
		s.WriteString(" GENERATED ALWAYS AS " + c.GeneratedAlways)
		if c.Hidden {
			s.WriteString(" HIDDEN")
		}
	}
	if c.RowGUID {
		s.WriteString(" ROWGUIDCOL")
	}
	s.WriteString(nullSQL(c.Nullable))
	if d := c.Default; d != nil {
		s.WriteString(" " + constraintPrefix(d.Name, inType) + "DEFAULT " + d.Definition)
	}
	return s.String()
}

// parenthesised wraps a catalog expression in parentheses unless SQL
// Server already stored it wrapped.
func parenthesised(def string) string {
	if strings.HasPrefix(def, "(") && strings.HasSuffix(def, ")") {
		return def
	}
	return "(" + def + ")"
}

// kindSQL renders an index kind for CREATE/constraint syntax.
func kindSQL(kind string) string {
	switch kind {
	case "":
		return "NONCLUSTERED"
	case "HASH":
		return "NONCLUSTERED HASH"
	}
	return kind
}

// keyColumns renders key columns. Hash indexes take no direction; elsewhere
// ASC is written out as SMO does, so the order is explicit.
func keyColumns(ix *model.Index) string {
	var sb strings.Builder
	for i, c := range ix.Columns {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ident(c.Name))
		if ix.Kind == "HASH" || strings.HasSuffix(ix.Kind, "COLUMNSTORE") {
			continue
		}
		if c.Descending {
			sb.WriteString(" DESC")
		} else {
			sb.WriteString(" ASC")
		}
	}
	return sb.String()
}

// indexWith renders the non-default options of an index.
func indexWith(ix *model.Index) string {
	var o []string
	if ix.PadIndex {
		o = append(o, "PAD_INDEX = ON")
	}
	if ix.FillFactor != 0 && ix.FillFactor != 100 {
		o = append(o, "FILLFACTOR = "+strconv.Itoa(ix.FillFactor))
	}
	if ix.IgnoreDupKey {
		o = append(o, "IGNORE_DUP_KEY = ON")
	}
	if ix.NoRecompute {
		o = append(o, "STATISTICS_NORECOMPUTE = ON")
	}
	if ix.DisallowRowLocks {
		o = append(o, "ALLOW_ROW_LOCKS = OFF")
	}
	if ix.DisallowPageLocks {
		o = append(o, "ALLOW_PAGE_LOCKS = OFF")
	}
	if c := ix.Compression; c != "" && c != "NONE" && !(c == "COLUMNSTORE" && strings.HasSuffix(ix.Kind, "COLUMNSTORE")) {
		o = append(o, "DATA_COMPRESSION = "+c)
	}
	if ix.BucketCount > 0 {
		o = append(o, "BUCKET_COUNT = "+strconv.FormatInt(ix.BucketCount, 10))
	}
	if len(o) == 0 {
		return ""
	}
	return " WITH (" + strings.Join(o, ", ") + ")"
}

func onFileGroup(ix *model.Index, t *model.Table) string {
	if t != nil && t.MemoryOptimized {
		return ""
	}
	if fg := ix.FileGroup; fg != "" && fg != "PRIMARY" {
		return " ON " + ident(fg)
	}
	return ""
}

// inlineIndex is the INDEX clause of CREATE TABLE / CREATE TYPE AS TABLE.
func inlineIndex(ix *model.Index) string {
	s := "INDEX " + ident(ix.Name)
	if ix.IsUnique && !strings.HasSuffix(ix.Kind, "COLUMNSTORE") {
		s += " UNIQUE"
	}
	s += " " + kindSQL(ix.Kind)
	if ix.Kind != "CLUSTERED COLUMNSTORE" {
		cols := keyColumns(ix)
		if strings.HasSuffix(ix.Kind, "COLUMNSTORE") && len(ix.Included) > 0 {
			cols = columnstoreColumns(ix)
		}
		s += " (" + cols + ")"
	}
	if len(ix.Included) > 0 && !strings.HasSuffix(ix.Kind, "COLUMNSTORE") {
		s += " INCLUDE (" + identList(ix.Included) + ")"
	}
	if ix.Filter != "" {
		s += " WHERE " + ix.Filter
	}
	return s + indexWith(ix)
}

// columnstoreColumns lists a nonclustered columnstore index's columns
// (sys.index_columns reports them as included or as key columns depending
// on the version; both mean the same).
func columnstoreColumns(ix *model.Index) string {
	var names []string
	for _, c := range ix.Columns {
		names = append(names, c.Name)
	}
	names = append(names, ix.Included...)
	return identList(names)
}
