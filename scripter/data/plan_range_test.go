package data

import (
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

func TestATableWithAnAscendingIntegerKeyIsReadInRangesOfItsFirstKeyColumn(t *testing.T) {
	lo, hi := int64(-5), int64(1000)
	p := NewPlan(mixedTable(), "amount > 0", "")
	c, ok := p.SplitColumn()
	if !ok || c.Name != "id" {
		t.Fatalf("split column %v %v, want id", c, ok)
	}
	for _, tc := range []struct {
		r    KeyRange
		want string
	}{
		{KeyRange{Lo: &lo, Hi: &hi}, " WHERE (amount > 0) AND [id] >= -5 AND [id] < 1000 ORDER BY [id]"},
		{KeyRange{Hi: &lo}, " WHERE (amount > 0) AND [id] < -5 ORDER BY [id]"},
		{KeyRange{Lo: &hi}, " WHERE (amount > 0) AND [id] >= 1000 ORDER BY [id]"},
	} {
		if q := p.WithRange(tc.r).Query(); !strings.HasSuffix(q, tc.want) {
			t.Errorf("query %s\nwant it to end in %s", q, tc.want)
		}
	}
	if p.Range != nil {
		t.Error("WithRange changed the plan it copied")
	}
}

// A key column that allows NULL (a unique index's may) puts its NULL rows,
// which sort first, in the first range. A NOT NULL key gets no IS NULL term:
// on Babelfish it turned the first range's index seek into a scan and sort
// of the whole table, silent for minutes on 70,000,000 rows.
func TestOnlyANullableSplitKeyAddsIsNullToTheFirstRange(t *testing.T) {
	lo := int64(-5)
	nullable := mixedTable()
	nullable.Columns[0].Nullable = true
	want := map[*model.Table]string{
		mixedTable(): " WHERE [id] < -5 ORDER BY [id]",
		nullable:     " WHERE ([id] < -5 OR [id] IS NULL) ORDER BY [id]",
	}
	for tb, w := range want {
		if q := NewPlan(tb, "", "").WithRange(KeyRange{Hi: &lo}).Query(); !strings.HasSuffix(q, w) {
			t.Errorf("nullable=%v: query %s\nwant it to end in %s", tb.Columns[0].Nullable, q, w)
		}
	}
}

func TestATableIsNotSplitOnADescendingTextOrMissingKey(t *testing.T) {
	desc := mixedTable()
	desc.PrimaryKey.Columns[0].Descending = true
	text := mixedTable()
	text.PrimaryKey.Columns[0].Name = "code"
	none := mixedTable()
	none.PrimaryKey = nil
	for name, tb := range map[string]*model.Table{"descending": desc, "varchar key": text, "no key": none} {
		if c, ok := NewPlan(tb, "", "").SplitColumn(); ok {
			t.Errorf("%s: split on %s", name, c.Name)
		}
	}
}

// The key statistics read the table as the rows are read (WITH (SNAPSHOT)
// on a memory-optimized table, the dump's WHERE) but not one range of it.
func TestKeyStatsReadTheWholeFilteredTableAsTheRowsAre(t *testing.T) {
	lo := int64(7)
	tb := mixedTable()
	tb.MemoryOptimized = true
	p := NewPlan(tb, "amount > 0", "").WithRange(KeyRange{Lo: &lo})
	from := " FROM " + tsql.QuoteName(tb.Schema, tb.Name) + " WITH (SNAPSHOT) WHERE (amount > 0)"
	if q, want := p.KeyBoundsQuery(), "SELECT MIN([id]), MAX([id])"+from; q != want {
		t.Errorf("key bounds query\n%s\nwant\n%s", q, want)
	}
	if q, want := p.RowCountQuery(), "SELECT COUNT_BIG(*)"+from; q != want {
		t.Errorf("row count query\n%s\nwant\n%s", q, want)
	}
	if q, want := p.KeyStatsQuery(), "SELECT MIN([id]), MAX([id]), COUNT_BIG(*)"+from; q != want {
		t.Errorf("key stats query\n%s\nwant\n%s", q, want)
	}
	if q := p.Query(); !strings.Contains(q, " FROM "+tsql.QuoteName(tb.Schema, tb.Name)+" WITH (SNAPSHOT) WHERE (amount > 0) AND [id] >= 7 ") {
		t.Errorf("rows query %s reads the table differently", q)
	}
}

// The estimate is the server's count for the table itself, its heap or
// clustered index, named as a quoted string whatever the name holds.
func TestTheRowEstimateIsTheTablesOwnPartitionCount(t *testing.T) {
	tb := mixedTable()
	tb.Schema, tb.Name = "sales", "O'Brien]s"
	want := "SELECT SUM(p.rows) FROM sys.partitions AS p WHERE p.object_id = OBJECT_ID(N'[sales].[O''Brien]]s]') AND p.index_id < 2"
	if q := NewPlan(tb, "", "").RowEstimateQuery(); q != want {
		t.Errorf("row estimate query\n%s\nwant\n%s", q, want)
	}
}
