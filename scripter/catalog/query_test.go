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
