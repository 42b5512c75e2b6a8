package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// recordingDriver records every query's text and answers it with one row
// of zeros, one per item of the query's SELECT list: every scan target
// (string, integer, bool, float, nullable) accepts an int64 0, so a
// mismatch between the SELECT list and its rows.Scan call ("expected N
// destination arguments") fails ReadRows, as it would on a real server.
type recordingDriver struct {
	mu      sync.Mutex
	queries []string
}

func (d *recordingDriver) Open(string) (driver.Conn, error) { return &recordingConn{d: d}, nil }

type recordingConn struct{ d *recordingDriver }

func (c *recordingConn) Prepare(string) (driver.Stmt, error) { return nil, driver.ErrSkip }
func (c *recordingConn) Close() error                        { return nil }
func (c *recordingConn) Begin() (driver.Tx, error)           { return nil, driver.ErrSkip }
func (c *recordingConn) QueryContext(_ context.Context, q string, _ []driver.NamedValue) (driver.Rows, error) {
	c.d.mu.Lock()
	c.d.queries = append(c.d.queries, q)
	c.d.mu.Unlock()
	n, err := selectListLen(q)
	if err != nil {
		return nil, err
	}
	return &zeroRow{n: n}, nil
}

type zeroRow struct {
	n    int
	done bool
}

func (r *zeroRow) Columns() []string {
	cols := make([]string, r.n)
	for i := range cols {
		cols[i] = fmt.Sprintf("c%d", i+1)
	}
	return cols
}
func (r *zeroRow) Close() error { return nil }
func (r *zeroRow) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	for i := range dest {
		dest[i] = int64(0)
	}
	return nil
}

// selectListLen counts the items of a query's outermost SELECT list: the
// commas at parenthesis depth 0 between the first SELECT and the FROM at
// depth 0 (or the end of a query without FROM), outside string literals
// and [bracketed] names.
func selectListLen(q string) (int, error) {
	i := strings.Index(q, "SELECT")
	if i < 0 {
		return 0, fmt.Errorf("no SELECT in %q", q)
	}
	depth, items := 0, 1
	for j := i + len("SELECT"); j < len(q); j++ {
		switch c := q[j]; {
		case c == '\'':
			k := strings.IndexByte(q[j+1:], '\'')
			for k >= 0 && j+1+k+1 < len(q) && q[j+1+k+1] == '\'' { // '' inside a literal
				j += k + 2
				k = strings.IndexByte(q[j+1:], '\'')
			}
			if k < 0 {
				return 0, fmt.Errorf("unterminated literal in %q", q)
			}
			j += k + 1
		case c == '[':
			k := strings.IndexByte(q[j:], ']')
			if k < 0 {
				return 0, fmt.Errorf("unterminated [name] in %q", q)
			}
			j += k
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			items++
		case depth == 0 && (c == '\n' || c == ' ') && strings.HasPrefix(q[j+1:], "FROM "):
			return items, nil
		}
	}
	if depth != 0 {
		return 0, fmt.Errorf("unbalanced parentheses in %q", q)
	}
	return items, nil
}

func TestSelectListLenCountsTopLevelItems(t *testing.T) {
	for q, want := range map[string]int{
		"SELECT a FROM t": 1,
		"SELECT a, CONVERT(int, b), 'x, y', [c,d] FROM t":        4,
		"SELECT (SELECT x, y FROM u), N'it''s, fine', z\nFROM t": 3,
		"SELECT CASE WHEN a IN (1, 2) THEN 1 END, b FROM t":      2,
		"SELECT CAST(f('x') AS int), g()":                        2,
	} {
		if got, err := selectListLen(q); err != nil || got != want {
			t.Errorf("selectListLen(%q) = %d, %v; want %d", q, got, err, want)
		}
	}
}

var registerOnce sync.Once
var recorder = &recordingDriver{}

func recordQueries(t *testing.T, s *Server) []string {
	t.Helper()
	qs, _, err := readWithRecorder(t, s)
	if err != nil {
		t.Fatal(err)
	}
	return qs
}

// newer lists columns and views that exist only in newer releases.
var newer = []struct{ view, col, text string }{
	{"tables", "ledger_type_desc", "t.ledger_type_desc"},
	{"tables", "is_dropped_ledger_table", "t.is_dropped_ledger_table"},
	{"tables", "is_node", "t.is_node"},
	{"tables", "history_retention_period", "t.history_retention_period"},
	{"columns", "graph_type_desc", "c.graph_type_desc"},
	{"columns", "generated_always_type_desc", "c.generated_always_type_desc"},
	{"sequences", "last_used_value", "s.last_used_value"},
	{"views", "ledger_view_type", "lv.ledger_view_type <> 0"},
	{"views", "is_dropped_ledger_view", "lv.is_dropped_ledger_view = 1"},
	{"table_types", "is_memory_optimized", "tt.is_memory_optimized"},
	{"xml_indexes", "xml_index_type", "xi.xml_index_type"},
	{"columns", "is_dropped_ledger_column", "c.is_dropped_ledger_column"},
	{"tables", "ledger_view_id", "OBJECT_NAME(t.ledger_view_id)"},
	{"columns", "ledger_view_column_type", "lc.ledger_view_column_type = 4"},
}

func TestQueriesSelectOnlyColumnsTheServerHas(t *testing.T) {
	old := NewServer(12, 3, nil, []string{"tables", "columns", "sequences"})
	var cols []string
	for _, n := range newer {
		cols = append(cols, n.view+"."+n.col)
	}
	current := NewServer(16, 3, cols, []string{"tables", "columns", "sequences", "masked_columns", "hash_indexes",
		"xml_indexes", "spatial_index_tessellations", "change_tracking_tables"})

	oldQ := strings.Join(recordQueries(t, old), "\n")
	for _, n := range newer {
		if strings.Contains(oldQ, n.text) {
			t.Errorf("an old server's queries select %s", n.text)
		}
	}
	for _, v := range []string{"sys.masked_columns", "sys.hash_indexes", "sys.spatial_index_tessellations"} {
		if strings.Contains(oldQ, v) {
			t.Errorf("an old server's queries read %s", v)
		}
	}
	curQs := recordQueries(t, current)
	curQ := strings.Join(curQs, "\n")
	for _, n := range newer {
		if !strings.Contains(curQ, n.text) {
			t.Errorf("a current server's queries miss %s", n.text)
		}
	}
	if len(curQs) != 21 {
		t.Errorf("%d catalog queries ran, want 21", len(curQs))
	}
	for _, q := range curQs {
		if !strings.Contains(q, "ORDER BY") {
			t.Errorf("query without ORDER BY:\n%s", q)
		}
	}
}

func queryReading(t *testing.T, qs []string, view string) string {
	t.Helper()
	for _, q := range qs {
		if strings.Contains(q, "FROM "+view+" ") {
			return q
		}
	}
	t.Fatalf("no query reads %s", view)
	return ""
}

// CONVERT's default style keeps 6 digits of a float, 2 decimals of money and
// whole minutes of a datetime; a property value must survive the round trip.
func TestExtendedPropertyValuesAreReadWithLosslessStyles(t *testing.T) {
	for _, tc := range []struct {
		name       string
		s          *Server
		floatStyle string
	}{
		{"SQL Server 2014", NewServer(12, 3, nil, nil), "2"},
		{"SQL Server 2022", NewServer(16, 3, nil, nil), "3"},
		{"Azure SQL Database", NewServer(12, EngineEditionAzureSQLDatabase, nil, nil), "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := queryReading(t, recordQueries(t, tc.s), "sys.extended_properties")
			for _, want := range []string{
				"WHEN 'float' THEN CONVERT(nvarchar(max), CONVERT(float, ep.value), " + tc.floatStyle + ")",
				"WHEN 'real' THEN CONVERT(nvarchar(max), CONVERT(real, ep.value), " + tc.floatStyle + ")",
				"WHEN 'money' THEN CONVERT(nvarchar(max), CONVERT(money, ep.value), 2)",
				"WHEN 'smallmoney' THEN CONVERT(nvarchar(max), CONVERT(smallmoney, ep.value), 2)",
				"WHEN 'datetime' THEN CONVERT(nvarchar(max), CONVERT(datetime, ep.value), 126)",
				"WHEN 'smalldatetime' THEN CONVERT(nvarchar(max), CONVERT(smalldatetime, ep.value), 126)",
				// Style 1: 0x-prefixed hex (style 0 would read the bytes as UTF-16 text).
				"WHEN 'varbinary' THEN CONVERT(nvarchar(max), CONVERT(varbinary(8000), ep.value), 1)",
				"WHEN 'binary' THEN CONVERT(nvarchar(max), CONVERT(varbinary(8000), ep.value), 1)",
				"ELSE CONVERT(nvarchar(max), ep.value)",
			} {
				if !strings.Contains(q, want) {
					t.Errorf("extended property query lacks %q:\n%s", want, q)
				}
			}
		})
	}
}

func TestDetectServerScansEveryItemItSelects(t *testing.T) {
	registerOnce.Do(func() { sql.Register("catalog-recorder", recorder) })
	db, err := sql.Open("catalog-recorder", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := DetectServer(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}
