package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"io"
	"strings"
	"sync"
	"testing"
)

// recordingDriver answers every query with zero rows and records its text:
// enough to check which columns each catalog query selects on a given
// server version, without a server.
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
	return emptyRows{}, nil
}

type emptyRows struct{}

func (emptyRows) Columns() []string              { return nil }
func (emptyRows) Close() error                   { return nil }
func (emptyRows) Next(dest []driver.Value) error { return io.EOF }

var registerOnce sync.Once
var recorder = &recordingDriver{}

func recordQueries(t *testing.T, s *Server) []string {
	t.Helper()
	registerOnce.Do(func() { sql.Register("catalog-recorder", recorder) })
	db, err := sql.Open("catalog-recorder", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	recorder.mu.Lock()
	recorder.queries = nil
	recorder.mu.Unlock()
	if _, err := ReadRows(context.Background(), db, s, true); err != nil {
		t.Fatal(err)
	}
	recorder.mu.Lock()
	defer recorder.mu.Unlock()
	return append([]string(nil), recorder.queries...)
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
				"ELSE CONVERT(nvarchar(max), ep.value)",
			} {
				if !strings.Contains(q, want) {
					t.Errorf("extended property query lacks %q:\n%s", want, q)
				}
			}
		})
	}
}
