package scripter

import (
	"context"
	"database/sql/driver"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/catalog"
	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// keyStatsConn answers the key statistics queries of one table: bounds 1
// and 1000, the server's row estimate (nil: it keeps none) and a count of
// 990, and records the queries it was asked.
type keyStatsConn struct {
	countingConn
	estimate driver.Value
	mu       sync.Mutex
	asked    []string
}

func (c *keyStatsConn) QueryContext(_ context.Context, query string, _ []driver.NamedValue) (driver.Rows, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case strings.HasPrefix(query, "SELECT MIN(") && strings.Contains(query, "COUNT_BIG(*)"):
		c.asked = append(c.asked, "bounds+count")
		return &oneRow{vals: []driver.Value{int64(1), int64(1000), int64(990)}}, nil
	case strings.HasPrefix(query, "SELECT MIN("):
		c.asked = append(c.asked, "bounds")
		return &oneRow{vals: []driver.Value{int64(1), int64(1000)}}, nil
	case query == plainPartitionsQuery:
		c.asked = append(c.asked, "partitions")
		// Table 7: a heap of 600 rows and a nonclustered index; table 8.
		return &manyRows{rows: [][]driver.Value{{int64(7), int64(0), int64(600)}, {int64(7), int64(2), int64(600)},
			{int64(8), int64(1), int64(50)}}}, nil
	case strings.Contains(query, "FROM sys.partitions"):
		c.asked = append(c.asked, "estimate")
		return &oneRow{vals: []driver.Value{c.estimate}}, nil
	case strings.HasPrefix(query, "SELECT COUNT_BIG(*)"):
		c.asked = append(c.asked, "count")
		return &oneRow{vals: []driver.Value{int64(990)}}, nil
	}
	return c.countingConn.QueryContext(context.Background(), query, nil)
}

type keyStatsDriver struct{ conn *keyStatsConn }

func (d keyStatsDriver) Open(string) (driver.Conn, error) { return d.conn, nil }

// manyRows are driver rows of three columns.
type manyRows struct{ rows [][]driver.Value }

func (r *manyRows) Columns() []string { return []string{"a", "b", "c"} }
func (r *manyRows) Close() error      { return nil }
func (r *manyRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

func keyStatsPlan(where string) *data.Plan {
	id := &model.Column{Name: "id", Type: model.Type{Name: "int", System: "int", MaxLength: 4, Precision: 10}}
	t := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, ObjectID: 7, Columns: []*model.Column{id},
		PrimaryKey: &model.Index{Name: "pk", Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "id"}}}}
	return data.NewPlan(t, where, "")
}

func TestKeyStatsTakeTheServersRowCountAndReadNoRowToCountThem(t *testing.T) {
	for _, c := range []struct {
		name     string
		estimate driver.Value
		where    string
		rows     int64
		asked    string
	}{
		{"the server keeps a count", int64(1200), "", 1200, "bounds estimate"},
		{"the server keeps none", nil, "", 990, "bounds estimate count"},
		{"the server says zero rows", int64(0), "", 990, "bounds estimate count"},
		// The rows of a WHERE are read once, for the bounds and the count.
		{"a WHERE reads part of the table", int64(1200), "id > 5", 990, "bounds+count"},
	} {
		t.Run(c.name, func(t *testing.T) {
			conn := &keyStatsConn{countingConn: countingConn{d: &countingDriver{}}, estimate: c.estimate}
			db := openWith(t, keyStatsDriver{conn})
			r, err := openSQLReader(context.Background(), db, &Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			conn.asked = nil
			lo, hi, rows, err := r.KeyStats(context.Background(), keyStatsPlan(c.where))
			if err != nil {
				t.Fatal(err)
			}
			if lo != 1 || hi != 1000 || rows != c.rows || strings.Join(conn.asked, " ") != c.asked {
				t.Errorf("got %d..%d, %d rows, asked %q; want 1..1000, %d rows, asked %q", lo, hi, rows, conn.asked, c.rows, c.asked)
			}
		})
	}
}

// On Babelfish the server's row count comes from a plain read of
// sys.partitions (the estimate query costs a new connection 0.15-0.25 s of
// parsing there): the rows of the table's heap or clustered index.
func TestOnBabelfishKeyStatsSumThePlainPartitionsOfTheTable(t *testing.T) {
	r, conn := babelfishKeyStatsReader(t)
	lo, hi, rows, err := r.KeyStats(context.Background(), keyStatsPlan(""))
	if err != nil {
		t.Fatal(err)
	}
	if lo != 1 || hi != 1000 || rows != 600 || strings.Join(conn.asked, " ") != "bounds partitions" {
		t.Errorf("got %d..%d, %d rows, asked %q; want 1..1000, 600 rows, asked \"bounds partitions\"", lo, hi, rows, conn.asked)
	}
}

// sys.partitions lists every table: a dump that splits many tables reads
// it once, not once per table.
func TestOnBabelfishKeyStatsReadSysPartitionsOncePerDump(t *testing.T) {
	r, conn := babelfishKeyStatsReader(t)
	for range 3 {
		if _, _, rows, err := r.KeyStats(context.Background(), keyStatsPlan("")); err != nil || rows != 600 {
			t.Fatalf("KeyStats: %d rows, %v", rows, err)
		}
	}
	if got := strings.Join(conn.asked, " "); got != "bounds partitions bounds bounds" {
		t.Errorf("asked %q, want the bounds each time and sys.partitions once", got)
	}
}

// babelfishKeyStatsReader is a reader of the key-stats fake that takes the
// server for Babelfish, with nothing asked yet.
func babelfishKeyStatsReader(t *testing.T) (*sqlReader, *keyStatsConn) {
	t.Helper()
	conn := &keyStatsConn{countingConn: countingConn{d: &countingDriver{}}}
	db := openWith(t, keyStatsDriver{conn})
	r, err := openSQLReader(context.Background(), db, &Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	r.server = &catalog.Server{Babelfish: true}
	conn.asked = nil
	return r, conn
}
