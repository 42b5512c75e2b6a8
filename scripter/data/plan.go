// Package data reads a table's rows in a deterministic order and writes them
// as multi-row INSERT statements.
//
// A Plan (pure, from the model) says which columns are read and inserted,
// the SELECT expression of each (so that no value loses precision on the
// way through the driver) and the ORDER BY that makes two dumps of the same
// table list rows in the same order. A Writer encodes rows from any
// RowSource into one reusable buffer; SQLRows adapts *sql.Rows, streaming,
// so no table is ever held in memory.
package data

import (
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Column is one inserted column.
type Column struct {
	Name string
	// Type is what values are encoded as: the base system type for alias
	// types, the column's own type otherwise.
	Type tsql.Type
	// Select is the SELECT expression (or expressions, comma separated,
	// for sql_variant) that reads the value exactly.
	Select string
	// Width is how many SELECT items the column takes: 1, or 6 for
	// sql_variant (value, BaseType, Precision, Scale, MaxLength, Collation).
	Width int
	// Variant marks a sql_variant column.
	Variant bool
	// UTF16 marks a Unicode column read as varbinary: a []byte value holds
	// its UTF-16LE units (a string, as fixtures give, is text).
	UTF16 bool

	fast fastKind
}

// fastKind marks columns whose common values the writer formats itself.
type fastKind uint8

const (
	fastNone fastKind = iota
	fastInt
	fastBit
	fastDecimal
	// fastText: char, varchar, text and their Unicode kin (and json),
	// whose string values tsql writes as AppendStringExpr when they are
	// valid UTF-8.
	fastText
)

func fastKindOf(t tsql.Type) fastKind {
	if t.Schema != "" {
		return fastNone
	}
	switch t.Name {
	case "int", "bigint", "smallint", "tinyint":
		return fastInt
	case "bit":
		return fastBit
	case "decimal", "numeric", "money", "smallmoney":
		return fastDecimal
	case "nvarchar", "nchar", "ntext", "sysname", "json", "varchar", "char", "text":
		return fastText
	}
	return fastNone
}

// Plan is how one table's data is read and written.
type Plan struct {
	Table model.QName
	// ObjectID is the table's object_id (model.Table.ObjectID), 0 when
	// unknown.
	ObjectID int64
	Columns  []Column
	// OrderBy is the ORDER BY list (without the keywords).
	OrderBy string
	// OrderSource says where the order comes from: "primary key",
	// "unique index <name>" or "all columns".
	OrderSource string
	// KeyColumns are indexes into Columns whose values identify a row (the
	// key the order comes from). Batch boundaries hash their literals, so an
	// edit of a non-key column never moves a boundary. Empty: the whole row.
	KeyColumns []int
	// Identity: the table has an identity column among Columns, so the
	// INSERTs need SET IDENTITY_INSERT.
	Identity bool
	// Where is Options.Where, applied to every table.
	Where string
	// DBCollation is the database default collation; sql_variant values of
	// another collation keep theirs.
	DBCollation string
	// MemoryOptimized tables are read WITH (SNAPSHOT): inside an explicit
	// READ COMMITTED transaction SQL Server requires the hint (error 41368).
	MemoryOptimized bool
	// Range, when set, reads only the rows whose SplitColumn lies in it:
	// one part of a table read by several connections.
	Range *KeyRange

	// splitColumn is the index into Columns of the key column a table can
	// be read in ranges of, or -1.
	splitColumn int
	// splitNullable: the split column allows NULL (a unique index's key
	// may), so the first range must also read the NULL rows. A primary
	// key never does, and `OR key IS NULL` there made Babelfish scan and
	// sort the whole table for the first range instead of using the index.
	splitNullable bool
}

// KeyRange is the part of a table whose split column is ≥ Lo (when set) and
// < Hi (when set). A range without Lo also holds NULL, which sorts first
// (when the column allows NULL).
type KeyRange struct {
	Lo, Hi *int64
}

// SplitColumn is the column a table can be read in key ranges of: the first
// column of the ordering key, when it is an integer in ascending order. The
// ranges, read one after another, then give the rows in the plan's order.
func (p *Plan) SplitColumn() (*Column, bool) {
	if p.splitColumn < 0 {
		return nil, false
	}
	return &p.Columns[p.splitColumn], true
}

// WithRange is a copy of p that reads only the rows in r.
func (p *Plan) WithRange(r KeyRange) *Plan {
	q := *p
	q.Range = &r
	return &q
}

// EncodeType is the tsql.Type values of c are encoded with.
func EncodeType(c *model.Column) tsql.Type {
	t := c.Type
	out := tsql.Type{Name: strings.ToLower(t.Name), MaxLength: t.MaxLength, Precision: t.Precision, Scale: t.Scale}
	if t.UserDefined {
		if t.System == "" {
			// CLR user type: bytes.
			return tsql.Type{Name: t.Name, Schema: t.Schema, MaxLength: t.MaxLength, IsUserDefinedCLR: true}
		}
		out.Name = strings.ToLower(t.System)
	} else if t.System != "" && t.Name != "sysname" {
		out.Name = strings.ToLower(t.System)
	}
	if t.XMLCollection != nil {
		out.XMLCollectionSchema, out.XMLCollection, out.XMLDocument = t.XMLCollection.Schema, t.XMLCollection.Name, t.XMLDocument
	}
	return out
}

// selectExpr reads a column so that the driver returns the exact value.
func selectExpr(c *model.Column, et tsql.Type) (expr string, width int) {
	q := tsql.QuoteIdent(c.Name)
	switch {
	case et.IsUserDefinedCLR, et.Name == "hierarchyid", et.Name == "geometry", et.Name == "geography":
		// The CLR serialization; the INSERT converts it back implicitly.
		return "CAST(" + q + " AS varbinary(max))", 1
	case et.Name == "xml", et.Name == "json":
		// json reaches a TDS 7.4 client as varchar(max) in a UTF-8
		// collation, which go-mssqldb decodes lossily (see char below).
		return castAs(q, "nvarchar(max)"), 1
	case et.Name == "vector":
		return "CAST(" + q + " AS nvarchar(max))", 1
	case et.Name == "char", et.Name == "varchar", et.Name == "text":
		// The server decodes the column's own code page (UTF-8 collations
		// included) to UTF-16, with the same tables it uses to encode the
		// N'...' literal back on restore. go-mssqldb's own decoding of
		// varchar is lossy: it has no UTF-8 collation support (UTF-8 bytes
		// come back as cp1252 mojibake) and turns bytes its tables leave
		// undefined (cp1252 0x81, 0x8D, 0x8F, 0x90, 0x9D, ...) into U+FFFD.
		// A varchar(n) value of n bytes never needs more than n UTF-16 units.
		if et.MaxLength > 0 && et.MaxLength <= 4000 && et.Name != "text" {
			return castAs(q, "nvarchar("+strconv.Itoa(et.MaxLength)+")"), 1
		}
		return castAs(q, "nvarchar(max)"), 1
	case et.Name == "nchar", et.Name == "nvarchar", et.Name == "ntext", et.Name == "sysname":
		// The stored UTF-16 units as they are: go-mssqldb decodes nvarchar
		// with unicode/utf16, which turns an unpaired surrogate (SQL Server
		// keeps any 16-bit unit) into U+FFFD. The writer encodes the units.
		if et.MaxLength > 0 && et.MaxLength <= 8000 && et.Name != "ntext" {
			return "CAST(" + q + " AS varbinary(" + strconv.Itoa(et.MaxLength) + "))", 1
		}
		return "CAST(" + q + " AS varbinary(max))", 1
	case et.Name == "uniqueidentifier":
		// The storage (wire) byte order whatever the connection's
		// "guid conversion" setting, which reorders a uniqueidentifier's
		// bytes but leaves binary alone.
		return castAs(q, "binary(16)"), 1
	case et.Name == "sql_variant":
		return variantValueExpr(q) +
			", " + castAs("SQL_VARIANT_PROPERTY("+q+", 'BaseType')", "sysname") +
			", " + castAs("SQL_VARIANT_PROPERTY("+q+", 'Precision')", "int") +
			", " + castAs("SQL_VARIANT_PROPERTY("+q+", 'Scale')", "int") +
			", " + castAs("SQL_VARIANT_PROPERTY("+q+", 'MaxLength')", "int") +
			", " + castAs("SQL_VARIANT_PROPERTY("+q+", 'Collation')", "sysname"), 6
	}
	return q, 1
}

// castAs is CAST(expr AS sqlType). The plan converts with CAST, never with
// CONVERT: on SQL Server the two are the same conversion (CONVERT without a
// style is CAST), but Babelfish runs CONVERT through a generic function that
// parses a style for every value, and CONVERT(nvarchar(40), varchar) cost
// it 2.4 s of CPU per million rows where CAST cost 0.5 s, with the same
// strings (checked over the benchmark table and every byte 1-255).
func castAs(expr, sqlType string) string { return "CAST(" + expr + " AS " + sqlType + ")" }

// variantValueExpr reads a sql_variant's value. Three base types need the
// same treatment as plain columns, and CASE keeps the result a sql_variant:
// a uniqueidentifier comes back as its binary(16) storage bytes (immune to
// "guid conversion"), nchar/nvarchar as its UTF-16 bytes, and char/varchar
// is decoded by the server into nvarchar (go-mssqldb's code-page decoding
// is lossy, see selectExpr) when it fits nvarchar(4000); the base type
// columns still report the original type.
func variantValueExpr(q string) string {
	base := castAs("SQL_VARIANT_PROPERTY("+q+", 'BaseType')", "sysname")
	return "CASE WHEN " + base + " = N'uniqueidentifier' THEN " + castAs(castAs(q, "binary(16)"), "sql_variant") +
		" WHEN " + base + " IN (N'nchar', N'nvarchar') THEN " + castAs(castAs(q, "varbinary(8000)"), "sql_variant") +
		" WHEN " + base + " IN (N'char', N'varchar') AND DATALENGTH(" + q + ") <= 4000 THEN " + castAs(castAs(q, "nvarchar(4000)"), "sql_variant") +
		" ELSE " + q + " END"
}

// orderExpr is a column's ORDER BY form when no key orders the table: types
// SQL Server cannot sort are converted to one it can, and character data
// is compared in binary so that rows equal under a case-insensitive
// collation still come out in one fixed order.
func orderExpr(c *model.Column, et tsql.Type) []string {
	q := tsql.QuoteIdent(c.Name)
	switch et.Name {
	case "xml", "ntext", "vector", "json", "text":
		// json, like xml, cannot be compared or sorted.
		return []string{castAs(q, "nvarchar(max)") + " COLLATE Latin1_General_BIN2", "DATALENGTH(" + q + ")"}
	case "image", "geometry", "geography":
		return []string{"CAST(" + q + " AS varbinary(max))"}
	case "char", "varchar":
		// COLLATE Latin1_General_BIN2 on varchar re-encodes it to code
		// page 1252: text of another code page (Japanese_CI_AS, a UTF-8
		// collation) turns to '?' and rows that differ only there would
		// tie, in no fixed order. Decoded to nvarchar first, every
		// character keeps its own code point.
		n := "max"
		if et.MaxLength > 0 && et.MaxLength <= 4000 {
			n = strconv.Itoa(et.MaxLength)
		}
		return []string{castAs(q, "nvarchar("+n+")") + " COLLATE Latin1_General_BIN2", "DATALENGTH(" + q + ")"}
	case "nchar", "nvarchar", "sysname":
		return []string{q + " COLLATE Latin1_General_BIN2", "DATALENGTH(" + q + ")"}
	case "binary", "varbinary":
		// Trailing zero bytes compare equal; the length tells them apart.
		return []string{q, "DATALENGTH(" + q + ")"}
	}
	if et.IsUserDefinedCLR {
		return []string{"CAST(" + q + " AS varbinary(max))"}
	}
	return []string{q}
}

// NewPlan builds the data plan of t. where is Options.Where ("" for none).
func NewPlan(t *model.Table, where, dbCollation string) *Plan {
	p := &Plan{Table: t.QName, ObjectID: t.ObjectID, Where: where, DBCollation: dbCollation, MemoryOptimized: t.MemoryOptimized, splitColumn: -1}
	pos := map[string]int{}
	var cols []*model.Column
	// The DDL writer decides which columns the restored table accepts
	// values for (computed, rowversion, graph and ledger columns never;
	// temporal period columns yes, because pre-data creates them plain).
	for _, c := range ddl.DataColumns(t) {
		if c.ColumnSet {
			// The sparse columns carry the values; SQL Server rejects an
			// INSERT that gives both them and their column set.
			continue
		}
		et := EncodeType(c)
		expr, width := selectExpr(c, et)
		pos[c.Name] = len(p.Columns)
		p.Columns = append(p.Columns, Column{Name: c.Name, Type: et, Select: expr, Width: width, Variant: et.Name == "sql_variant",
			UTF16: et.Name == "nchar" || et.Name == "nvarchar" || et.Name == "ntext" || et.Name == "sysname", fast: fastKindOf(et)})
		cols = append(cols, c)
		if c.Identity != nil {
			p.Identity = true
		}
	}
	key := orderKey(t, pos)
	var order []string
	if key != nil {
		p.OrderSource = "unique index " + key.Name
		if key == t.PrimaryKey {
			p.OrderSource = "primary key"
		}
		if first, i := key.Columns[0], pos[key.Columns[0].Name]; !first.Descending && p.Columns[i].fast == fastInt {
			p.splitColumn, p.splitNullable = i, cols[i].Nullable
		}
		for _, c := range key.Columns {
			e := tsql.QuoteIdent(c.Name)
			if c.Descending {
				e += " DESC"
			}
			order = append(order, e)
			p.KeyColumns = append(p.KeyColumns, pos[c.Name])
		}
	} else {
		p.OrderSource = "all columns"
		for i, c := range cols {
			order = append(order, orderExpr(c, p.Columns[i].Type)...)
		}
	}
	p.OrderBy = strings.Join(order, ", ")
	return p
}

// orderKey is the key, fully made of inserted columns (pos), that orders
// the rows: the primary key, else a unique constraint or an unfiltered
// unique index (clustered first, then by name); nil when there is none.
func orderKey(t *model.Table, pos map[string]int) *model.Index {
	usable := func(ix *model.Index) bool {
		if ix == nil || len(ix.Columns) == 0 || ix.Filter != "" || ix.Disabled {
			return false
		}
		for _, c := range ix.Columns {
			if _, ok := pos[c.Name]; !ok {
				return false
			}
		}
		return true
	}
	if usable(t.PrimaryKey) {
		return t.PrimaryKey
	}
	var cands []*model.Index
	for _, ix := range t.Uniques {
		if usable(ix) {
			cands = append(cands, ix)
		}
	}
	for _, ix := range t.Indexes {
		if ix.IsUnique && (ix.Kind == "CLUSTERED" || ix.Kind == "NONCLUSTERED") && usable(ix) {
			cands = append(cands, ix)
		}
	}
	var key *model.Index
	for _, ix := range cands {
		if key == nil || (ix.Kind == "CLUSTERED" && key.Kind != "CLUSTERED") ||
			(ix.Kind == key.Kind && ix.Name < key.Name) {
			key = ix
		}
	}
	return key
}

// Width is the number of SELECT items a row has.
func (p *Plan) Width() int {
	n := 0
	for _, c := range p.Columns {
		n += c.Width
	}
	return n
}

// KeyBoundsQuery selects the smallest and largest value of the split
// column in the rows the plan reads (its Where, not its Range): what a table
// is cut into key ranges by. Only for a plan with a split column.
func (p *Plan) KeyBoundsQuery() string { return p.wholeQuery(p.boundsItems()) }

// KeyStatsQuery is KeyBoundsQuery and RowCountQuery in one query: for a
// plan with a Where, whose bounds are not a seek of the key and whose rows
// the server keeps no count of, it reads the rows once where the two
// would read them twice.
func (p *Plan) KeyStatsQuery() string { return p.wholeQuery(p.boundsItems() + ", COUNT_BIG(*)") }

// boundsItems selects the smallest and largest value of the split column.
func (p *Plan) boundsItems() string {
	c, _ := p.SplitColumn()
	q := tsql.QuoteIdent(c.Name)
	return "MIN(" + q + "), MAX(" + q + ")"
}

// RowCountQuery counts the rows the plan reads (its Where, not its Range).
// It reads the whole table (or its smallest index).
func (p *Plan) RowCountQuery() string { return p.wholeQuery("COUNT_BIG(*)") }

// RowEstimateQuery selects the row count the server keeps for the table
// (sys.partitions.rows of its heap or clustered index, NULL for a table it
// does not know), which costs nothing to read where RowCountQuery reads
// every row: mydumper cuts a table by the server's estimate for the same
// reason. It is what a plan without a Where reads, and it is exact enough
// for choosing how many ranges to read.
func (p *Plan) RowEstimateQuery() string {
	return "SELECT SUM(p.rows) FROM sys.partitions AS p WHERE p.object_id = OBJECT_ID(" +
		tsql.QuoteString(tsql.QuoteName(p.Table.Schema, p.Table.Name)) + ") AND p.index_id < 2"
}

// wholeQuery selects items over the rows the plan reads, all its ranges.
func (p *Plan) wholeQuery(items string) string {
	var b strings.Builder
	b.WriteString("SELECT " + items)
	p.writeFrom(&b)
	if p.Where != "" {
		b.WriteString(" WHERE (" + p.Where + ")")
	}
	return b.String()
}

// writeFrom writes the FROM clause every query of the plan reads the table
// with: a memory-optimized table needs WITH (SNAPSHOT) (see MemoryOptimized).
func (p *Plan) writeFrom(b *strings.Builder) {
	b.WriteString(" FROM ")
	b.WriteString(tsql.QuoteName(p.Table.Schema, p.Table.Name))
	if p.MemoryOptimized {
		b.WriteString(" WITH (SNAPSHOT)")
	}
}

// Query is the SELECT that reads the table's rows in order.
func (p *Plan) Query() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range p.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Select)
	}
	p.writeFrom(&b)
	var conds []string
	if p.Where != "" {
		conds = append(conds, "("+p.Where+")")
	}
	if c, ok := p.SplitColumn(); ok && p.Range != nil {
		col := tsql.QuoteIdent(c.Name)
		if lo := p.Range.Lo; lo != nil {
			conds = append(conds, col+" >= "+strconv.FormatInt(*lo, 10))
		}
		if hi := p.Range.Hi; hi != nil {
			cond := col + " < " + strconv.FormatInt(*hi, 10)
			if p.Range.Lo == nil && p.splitNullable {
				// NULL sorts first, so the first range holds it.
				cond = "(" + cond + " OR " + col + " IS NULL)"
			}
			conds = append(conds, cond)
		}
	}
	if len(conds) > 0 {
		b.WriteString(" WHERE ")
		b.WriteString(strings.Join(conds, " AND "))
	}
	if p.OrderBy != "" {
		b.WriteString(" ORDER BY ")
		b.WriteString(p.OrderBy)
	}
	return b.String()
}

// ForBabelfish returns a copy of p whose SELECT reads Unicode columns as
// they are. On Babelfish CAST(nvarchar AS varbinary) converts the text to
// the varchar code page first (characters outside it turn to '?'), so the
// UTF-16 bytes SQL Server gives cannot be had; Babelfish stores text as
// UTF-8, which holds no unpaired surrogate, so go-mssqldb's decoding of
// the nvarchar is exact there.
func (p *Plan) ForBabelfish() *Plan {
	out := *p
	out.Columns = append([]Column(nil), p.Columns...)
	for i := range out.Columns {
		c := &out.Columns[i]
		if c.UTF16 {
			c.Select = tsql.QuoteIdent(c.Name)
			c.UTF16 = false
		}
	}
	return &out
}
