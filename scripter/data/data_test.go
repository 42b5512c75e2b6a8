package data

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

func col(name, typ string, ml, prec, scale int) *model.Column {
	return &model.Column{Name: name, Type: model.Type{Name: typ, System: typ, MaxLength: ml, Precision: prec, Scale: scale}}
}

func ordersTable() *model.Table {
	id := col("Id", "int", 4, 10, 0)
	id.Identity = &model.Identity{Seed: "1", Increment: "1"}
	twice := col("Twice", "int", 4, 10, 0)
	twice.Computed = &model.Computed{Definition: "([Id]*2)"}
	ver := col("Ver", "timestamp", 8, 0, 0)
	ver.IsRowversion = true
	phone := &model.Column{Name: "Phone", Type: model.Type{Schema: "dbo", Name: "Phone", System: "nvarchar", MaxLength: 40, UserDefined: true}}
	return &model.Table{
		QName: model.QName{Schema: "dbo", Name: "Or]ders"},
		Columns: []*model.Column{id, col("Name", "nvarchar", 100, 0, 0), twice, ver, phone,
			col("Node", "hierarchyid", 892, 0, 0), col("Doc", "xml", -1, 0, 0), col("Any", "sql_variant", 8016, 0, 0),
			col("Amount", "decimal", 9, 18, 2)},
		PrimaryKey:  &model.Index{Name: "PK", Kind: "CLUSTERED", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id", Descending: true}}},
		HasIdentity: true,
	}
}

func TestPlanSelectsExactValuesAndSkipsGeneratedColumns(t *testing.T) {
	p := NewPlan(ordersTable(), "Id > 5", "Latin1_General_CI_AS")
	var names []string
	for _, c := range p.Columns {
		names = append(names, c.Name)
	}
	if got := strings.Join(names, ","); got != "Id,Name,Phone,Node,Doc,Any,Amount" {
		t.Errorf("inserted columns = %s", got)
	}
	if p.Columns[2].Type.Name != "nvarchar" || p.Columns[2].Type.Schema != "" {
		t.Errorf("alias column encodes as %+v, want its base type", p.Columns[2].Type)
	}
	if !p.Identity || p.OrderSource != "primary key" || p.OrderBy != "[Id] DESC" || len(p.KeyColumns) != 1 || p.KeyColumns[0] != 0 {
		t.Errorf("plan = %+v", p)
	}
	want := "SELECT [Id], CAST([Name] AS varbinary(100)), CAST([Phone] AS varbinary(40)), CAST([Node] AS varbinary(max)), CAST([Doc] AS nvarchar(max)), " +
		"CASE WHEN CAST(SQL_VARIANT_PROPERTY([Any], 'BaseType') AS sysname) = N'uniqueidentifier' THEN CAST(CAST([Any] AS binary(16)) AS sql_variant) " +
		"WHEN CAST(SQL_VARIANT_PROPERTY([Any], 'BaseType') AS sysname) IN (N'nchar', N'nvarchar') THEN CAST(CAST([Any] AS varbinary(8000)) AS sql_variant) " +
		"WHEN CAST(SQL_VARIANT_PROPERTY([Any], 'BaseType') AS sysname) IN (N'char', N'varchar') AND DATALENGTH([Any]) <= 4000 " +
		"THEN CAST(CAST([Any] AS nvarchar(4000)) AS sql_variant) ELSE [Any] END, " +
		"CAST(SQL_VARIANT_PROPERTY([Any], 'BaseType') AS sysname), CAST(SQL_VARIANT_PROPERTY([Any], 'Precision') AS int), " +
		"CAST(SQL_VARIANT_PROPERTY([Any], 'Scale') AS int), CAST(SQL_VARIANT_PROPERTY([Any], 'MaxLength') AS int), " +
		"CAST(SQL_VARIANT_PROPERTY([Any], 'Collation') AS sysname), [Amount] FROM [dbo].[Or]]ders] WHERE (Id > 5) ORDER BY [Id] DESC"
	if got := p.Query(); got != want {
		t.Errorf("query:\n got %s\nwant %s", got, want)
	}
	if p.Width() != 12 {
		t.Errorf("width = %d", p.Width())
	}
}

func TestPlanOrdersByUniqueIndexThenAllColumns(t *testing.T) {
	tb := &model.Table{QName: model.QName{Schema: "s", Name: "t"},
		Columns: []*model.Column{col("a", "int", 4, 10, 0), col("b", "nvarchar", 20, 0, 0), col("c", "xml", -1, 0, 0), col("g", "geography", -1, 0, 0)},
		Indexes: []*model.Index{
			{Name: "filtered", Kind: "NONCLUSTERED", IsUnique: true, Filter: "([a]>0)", Columns: []model.IndexColumn{{Name: "a"}}},
			{Name: "zz", Kind: "NONCLUSTERED", IsUnique: true, Columns: []model.IndexColumn{{Name: "b"}}},
			{Name: "aa", Kind: "NONCLUSTERED", IsUnique: true, Columns: []model.IndexColumn{{Name: "a"}, {Name: "b"}}},
			{Name: "nonunique", Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "a"}}},
		}}
	p := NewPlan(tb, "", "")
	if p.OrderSource != "unique index aa" || p.OrderBy != "[a], [b]" || fmt.Sprint(p.KeyColumns) != "[0 1]" {
		t.Errorf("unique-index plan = %q %q %v", p.OrderSource, p.OrderBy, p.KeyColumns)
	}
	tb.Indexes = tb.Indexes[:1]
	p = NewPlan(tb, "", "")
	want := "[a], [b] COLLATE Latin1_General_BIN2, DATALENGTH([b]), CAST([c] AS nvarchar(max)) COLLATE Latin1_General_BIN2, DATALENGTH([c]), CAST([g] AS varbinary(max))"
	if p.OrderSource != "all columns" || p.OrderBy != want || len(p.KeyColumns) != 0 {
		t.Errorf("fallback order = %q (%s)", p.OrderBy, p.OrderSource)
	}
}

func writeRows(t testing.TB, p *Plan, rows [][]any, lim Limits) string {
	t.Helper()
	var out bytes.Buffer
	w := NewWriter(&out, lim)
	if _, err := w.WriteTable(p, &SliceRows{Rows: rows}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestWriterWritesMultiRowInsertsWithIdentityInsert(t *testing.T) {
	p := NewPlan(ordersTable(), "", "Latin1_General_CI_AS")
	ts := time.Date(2024, 2, 29, 13, 14, 15, 123456700, time.UTC)
	rows := [][]any{
		{int64(2), "it's", nil, []byte{0x58}, "<a> b </a>", ts, "datetime2", int64(27), int64(7), int64(8), nil, []byte("12.50")},
		{int64(1), "x\ny", "555", nil, nil, "abc", "varchar", int64(0), int64(0), int64(10), "Japanese_CI_AS", []byte("-0.01")},
	}
	got := writeRows(t, p, rows, Limits{})
	node, err := tsql.AppendLiteral(nil, []byte{0x58}, p.Columns[3].Type) // the hierarchyid form is tsql's business
	if err != nil {
		t.Fatal(err)
	}
	want := "SET IDENTITY_INSERT [dbo].[Or]]ders] ON;\n" +
		"INSERT INTO [dbo].[Or]]ders] ([Id], [Name], [Phone], [Node], [Doc], [Any], [Amount]) VALUES\n" +
		"(2, N'it''s', NULL, " + string(node) + ", CONVERT(xml,N'<a> b </a>',1), CAST('2024-02-29T13:14:15.1234567' AS datetime2(7)), 12.50),\n" +
		"(1, N'x'+NCHAR(10)+N'y', N'555', NULL, NULL, CAST((N'abc') COLLATE Japanese_CI_AS AS varchar(10)), -0.01);\n" +
		"SET IDENTITY_INSERT [dbo].[Or]]ders] OFF;\n" +
		"GO\n"
	if got != want {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	if out := writeRows(t, p, nil, Limits{}); out != "" {
		t.Errorf("empty table wrote %q", out)
	}
}

func intTable() *model.Table {
	return &model.Table{QName: model.QName{Schema: "dbo", Name: "t"},
		Columns:    []*model.Column{col("k", "int", 4, 10, 0), col("v", "nvarchar", 200, 0, 0)},
		PrimaryKey: &model.Index{Name: "pk", Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "k"}}}}
}

func intRows(keys []int64) [][]any {
	rows := make([][]any, len(keys))
	for i, k := range keys {
		rows[i] = []any{k, fmt.Sprintf("value %d", k)}
	}
	return rows
}

func statements(script string) []string {
	parts := strings.SplitAfter(script, "GO\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func TestWriterRespectsRowAndByteCaps(t *testing.T) {
	p := NewPlan(intTable(), "", "")
	keys := make([]int64, 5000)
	for i := range keys {
		keys[i] = int64(i)
	}
	for _, lim := range []Limits{{RowsPerInsert: 7}, {RowsPerInsert: 1}, {MaxInsertBytes: 2000}, {}} {
		total := 0
		for _, st := range statements(writeRows(t, p, intRows(keys), lim)) {
			n := strings.Count(st, "\n(")
			total += n
			if n > lim.rows() {
				t.Errorf("%+v: statement with %d rows", lim, n)
			}
			if len(st) > lim.bytes() {
				t.Errorf("%+v: statement of %d bytes", lim, len(st))
			}
			if !strings.HasSuffix(st, ");\nGO\n") {
				t.Errorf("%+v: statement does not end with its batch separator: %q", lim, st[max(0, len(st)-20):])
			}
		}
		if total != len(keys) {
			t.Errorf("%+v: %d rows written, want %d", lim, total, len(keys))
		}
		if lim.RowsPerInsert > 0 && lim.RowsPerInsert < 64 {
			if n := strings.Count(statements(writeRows(t, p, intRows(keys), lim))[0], "\n("); n != lim.RowsPerInsert {
				t.Errorf("%+v: a small cap gives statements of %d rows, want exactly the cap", lim, n)
			}
		}
	}
}

// TestInsertingOneRowChangesOneStatement: boundaries follow row content,
// so a new row changes the statement it lands in (and at most the next one)
// while every other statement keeps its bytes.
func TestInsertingOneRowChangesOneStatement(t *testing.T) {
	p := NewPlan(intTable(), "", "")
	var keys []int64
	for i := int64(0); i < 40000; i += 2 {
		keys = append(keys, i)
	}
	before := statements(writeRows(t, p, intRows(keys), Limits{}))
	if len(before) < 20 {
		t.Fatalf("only %d statements for %d rows", len(before), len(keys))
	}
	for _, at := range []int{0, 1, 5000, 12345, len(keys) - 1} {
		edited := append([]int64{}, keys[:at]...)
		edited = append(edited, keys[at]+1) // a new key that sorts right after keys[at]
		edited = append(edited, keys[at:]...)
		edited[at], edited[at+1] = edited[at+1], edited[at]
		after := statements(writeRows(t, p, intRows(edited), Limits{}))
		if changed := diffCount(before, after); changed > 2 {
			t.Errorf("insert after row %d changed %d of %d statements", at, changed, len(before))
		}
		deleted := append(append([]int64{}, keys[:at]...), keys[at+1:]...)
		after = statements(writeRows(t, p, intRows(deleted), Limits{}))
		if changed := diffCount(before, after); changed > 2 {
			t.Errorf("delete of row %d changed %d of %d statements", at, changed, len(before))
		}
	}
}

// diffCount counts statements of a that do not appear in b.
func diffCount(a, b []string) int {
	set := map[string]int{}
	for _, s := range b {
		set[s]++
	}
	n := 0
	for _, s := range a {
		if set[s] > 0 {
			set[s]--
			continue
		}
		n++
	}
	return n
}

func TestWriterReportsTheFailingColumn(t *testing.T) {
	p := NewPlan(intTable(), "", "")
	var out bytes.Buffer
	_, err := NewWriter(&out, Limits{}).WriteTable(p, &SliceRows{Rows: [][]any{{int64(1), "a"}, {3.5, "b"}}})
	if err == nil || !strings.Contains(err.Error(), "[k]") || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("err = %v", err)
	}
}

// TestFastPathsMatchTheLiteralEncoder: the writer's own integer/bit/NULL
// forms (and text) must be byte-identical to tsql.AppendLiteral's.
func TestFastPathsMatchTheLiteralEncoder(t *testing.T) {
	cases := []struct {
		typ string
		v   any
	}{{"int", int64(-2147483648)}, {"bigint", int64(9223372036854775807)}, {"tinyint", int64(0)}, {"smallint", nil},
		{"bit", true}, {"bit", false}, {"bit", nil}, {"nvarchar", nil},
		{"decimal", []byte("-12.3400")}, {"money", []byte("0.0001")}, {"numeric", []byte("12345678901234567890123456789012345678")},
		{"nvarchar", "Zoë Ångström 東京 'ok'"}, {"nvarchar", ""}, {"nchar", "a\r\nb\x00c"}, {"ntext", "😀"}, {"sysname", "n"},
		{"varchar", "code-7-3"}, {"char", "it's"}, {"text", "tab\there"}, {"varchar", "\xff\xfe not UTF-8"}}
	for _, c := range cases {
		p := NewPlan(&model.Table{QName: model.QName{Schema: "s", Name: "t"}, Columns: []*model.Column{col("c", c.typ, 8, 0, 0)}}, "", "")
		pc := &p.Columns[0]
		if c.typ == "decimal" {
			pc.Type.Precision, pc.Type.Scale = 18, 4
		}
		fast, err := appendValue(nil, c.v, pc)
		if err != nil {
			t.Fatal(err)
		}
		slow, err := tsql.AppendLiteral(nil, c.v, pc.Type)
		if err != nil {
			t.Fatal(err)
		}
		if string(fast) != string(slow) {
			t.Errorf("%s %v: writer %q, tsql %q", c.typ, c.v, fast, slow)
		}
	}
}

func TestMalformedDecimalTextIsRejected(t *testing.T) {
	p := NewPlan(&model.Table{QName: model.QName{Schema: "s", Name: "t"}, Columns: []*model.Column{col("c", "decimal", 9, 18, 2)}}, "", "")
	for _, bad := range []string{"1;DROP TABLE x", "", "-", "1.", ".5", "1e5", "1.2.3"} {
		if tsql.ValidDecimal([]byte(bad)) {
			t.Errorf("tsql.ValidDecimal(%q) = true", bad)
		}
		if out, err := appendValue(nil, []byte(bad), &p.Columns[0]); err == nil && bad != "1." {
			t.Errorf("%q encoded as %q", bad, out)
		}
	}
}

func TestPlanLeavesOutTheColumnSet(t *testing.T) {
	cs := col("All", "xml", -1, 0, 0)
	cs.ColumnSet = true
	sp := col("Color", "nvarchar", 20, 0, 0)
	sp.Sparse = true
	p := NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "S"}, Columns: []*model.Column{col("Id", "int", 4, 10, 0), sp, cs}}, "", "")
	if len(p.Columns) != 2 || p.Columns[1].Name != "Color" {
		t.Errorf("columns = %+v", p.Columns)
	}
}

func TestResetReusesTheWriterForAnotherTable(t *testing.T) {
	p := NewPlan(intTable(), "", "")
	var a, b bytes.Buffer
	w := NewWriter(&a, Limits{})
	if _, err := w.WriteTable(p, &SliceRows{Rows: intRows([]int64{1, 2})}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	w.Reset(&b)
	res, err := w.WriteTable(p, &SliceRows{Rows: intRows([]int64{3})})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "(1, ") || !strings.Contains(b.String(), "(3, N'value 3')") || res.Bytes != int64(b.Len()) {
		t.Errorf("after Reset: %q (%d bytes reported)", b.String(), res.Bytes)
	}
}

// A keyless table is ordered by every column. COLLATE Latin1_General_BIN2
// on varchar re-encodes it to code page 1252, so Japanese or UTF-8 text
// would sort as '?' and rows differing only there would tie in no fixed
// order; json, like xml, cannot be sorted at all.
func TestKeylessOrderDecodesVarcharAndConvertsJSON(t *testing.T) {
	j := col("j", "varchar", 20, 0, 0)
	j.Collation = "Japanese_CI_AS"
	tb := &model.Table{QName: model.QName{Schema: "s", Name: "t"},
		Columns: []*model.Column{j, col("c", "char", 10, 0, 0), col("m", "varchar", -1, 0, 0),
			col("x", "text", 16, 0, 0), col("d", "json", -1, 0, 0)}}
	p := NewPlan(tb, "", "Latin1_General_CI_AS")
	want := "CAST([j] AS nvarchar(20)) COLLATE Latin1_General_BIN2, DATALENGTH([j]), " +
		"CAST([c] AS nvarchar(10)) COLLATE Latin1_General_BIN2, DATALENGTH([c]), " +
		"CAST([m] AS nvarchar(max)) COLLATE Latin1_General_BIN2, DATALENGTH([m]), " +
		"CAST([x] AS nvarchar(max)) COLLATE Latin1_General_BIN2, DATALENGTH([x]), " +
		"CAST([d] AS nvarchar(max)) COLLATE Latin1_General_BIN2, DATALENGTH([d])"
	if p.OrderSource != "all columns" || p.OrderBy != want {
		t.Errorf("order by:\n got %s\nwant %s", p.OrderBy, want)
	}
	if got := p.Columns[4].Select; got != "CAST([d] AS nvarchar(max))" {
		t.Errorf("json column selected as %s", got)
	}
}
