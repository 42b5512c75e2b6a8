package scripter

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// memReader is a Reader over a golden catalog fixture and synthetic rows:
// Dump's whole orchestration runs without a server.
type memReader struct {
	catalog  []byte // the fixture's JSON; each Catalog call decodes a fresh copy
	rows     map[string]int
	warnings []Warning
	// override gives a table's rows verbatim (SELECT-list shaped).
	override map[string][][]any
	// parallelWarnings is what Parallel answers; parallelErr fails it.
	parallelWarnings []Warning
	parallelErr      error
	parallel         int // connections Parallel readied (0: it was not called)

	mu      sync.Mutex // Rows and KeyStats run on several goroutines with Jobs > 1
	queries []string
	made    map[string][][]any // synthetic rows by table, made on first use
}

func loadFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newMemReader(t testing.TB, fixture string, rowsPerTable int) *memReader {
	r := &memReader{catalog: loadFixture(t, fixture), rows: map[string]int{}, override: map[string][][]any{}}
	var db model.Database
	if err := json.Unmarshal(r.catalog, &db); err != nil {
		t.Fatal(err)
	}
	for _, tb := range db.Tables {
		r.rows[key(tb.QName)] = rowsPerTable
	}
	return r
}

func (r *memReader) Catalog(context.Context) (*model.Database, []Warning, error) {
	var db model.Database
	if err := json.Unmarshal(r.catalog, &db); err != nil {
		return nil, nil, err
	}
	return &db, append([]Warning(nil), r.warnings...), nil
}

func (r *memReader) Rows(_ context.Context, p *data.Plan) (data.RowSource, error) {
	r.mu.Lock()
	r.queries = append(r.queries, p.Query())
	r.mu.Unlock()
	var out [][]any
	for _, row := range r.tableRows(p) {
		if inRange(p, row) {
			out = append(out, row)
		}
	}
	return &data.SliceRows{Rows: out}, nil
}

// tableRows is every row of p's table, whatever p's range. Synthetic rows
// are made once per table: a table read in key ranges asks for them once
// per range.
func (r *memReader) tableRows(p *data.Plan) [][]any {
	k := key(p.Table)
	if rows, ok := r.override[k]; ok {
		return rows
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if rows, ok := r.made[k]; ok && len(rows) == r.rows[k] {
		return rows
	}
	out := make([][]any, r.rows[k])
	for i := range out {
		out[i] = syntheticRow(p, i)
	}
	if r.made == nil {
		r.made = map[string][][]any{}
	}
	r.made[k] = out
	return out
}

// splitValue is the row's value of p's split column.
func splitValue(p *data.Plan, row []any) (int64, bool) {
	c, ok := p.SplitColumn()
	if !ok {
		return 0, false
	}
	item := 0
	for i := range p.Columns {
		if &p.Columns[i] == c {
			break
		}
		item += p.Columns[i].Width
	}
	v, ok := row[item].(int64)
	return v, ok
}

// inRange is what the plan's WHERE on its key range keeps.
func inRange(p *data.Plan, row []any) bool {
	if p.Range == nil {
		return true
	}
	v, ok := splitValue(p, row)
	if !ok {
		return p.Range.Lo == nil // NULL sorts first: the first range holds it
	}
	return (p.Range.Lo == nil || v >= *p.Range.Lo) && (p.Range.Hi == nil || v < *p.Range.Hi)
}

func (r *memReader) Parallel(_ context.Context, n int) ([]Warning, error) {
	r.parallel = n
	return r.parallelWarnings, r.parallelErr
}

func (r *memReader) KeyStats(_ context.Context, p *data.Plan) (lo, hi, rows int64, err error) {
	for _, row := range r.tableRows(p) {
		v, ok := splitValue(p, row)
		if !ok {
			continue
		}
		if rows == 0 || v < lo {
			lo = v
		}
		if rows == 0 || v > hi {
			hi = v
		}
		rows++
	}
	return lo, hi, rows, nil
}

// syntheticRow gives row i of a plan: every column unique per row and in
// ascending order with i, in the shapes go-mssqldb scans.
func syntheticRow(p *data.Plan, i int) []any {
	var row []any
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range p.Columns {
		var v any
		switch c.Type.Name {
		case "int", "bigint", "smallint":
			v = int64(i + 1)
		case "tinyint":
			v = int64(i % 256)
		case "bit":
			v = i%2 == 0
		case "decimal", "numeric", "money", "smallmoney":
			v = []byte(fmt.Sprintf("%d", i))
			if c.Type.Scale > 0 {
				v = []byte(fmt.Sprintf("%d.%0*d", i, c.Type.Scale, i%10))
			}
		case "float", "real":
			v = float64(i) + 0.5
		case "char", "varchar", "nchar", "nvarchar", "text", "ntext", "sysname":
			s := fmt.Sprintf("v%05d it's", i)
			if c.Type.MaxLength > 0 && c.Type.MaxLength < 20 {
				s = fmt.Sprintf("%0*d", max(1, min(c.Type.MaxLength/2, 5)), i%10)
			}
			v = s
		case "binary", "varbinary", "image", "hierarchyid", "geometry", "geography":
			v = []byte{byte(i >> 8), byte(i)}
		case "uniqueidentifier":
			v = []byte{byte(i >> 8), byte(i), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
		case "date":
			v = base.AddDate(0, 0, i)
		case "datetime", "smalldatetime", "datetime2", "datetimeoffset":
			v = base.Add(time.Duration(i) * time.Minute)
		case "time":
			v = time.Date(1, 1, 1, 0, 0, i%60, 0, time.UTC)
		case "xml":
			v = fmt.Sprintf("<r n=\"%d\"/>", i)
		case "sql_variant":
			row = append(row, int64(i), "int", int64(10), int64(0), int64(4), nil)
			continue
		default:
			v = []byte{byte(i)}
			if !c.Type.IsUserDefinedCLR {
				v = nil
			}
		}
		row = append(row, v)
	}
	return row
}

// nil2plan returns the data plan Dump would use for dbo.<name>.
func nil2plan(t testing.TB, r *memReader, name string) *data.Plan {
	t.Helper()
	db, _, _ := r.Catalog(context.Background())
	for _, tb := range db.Tables {
		if tb.Schema == "dbo" && tb.Name == name {
			return data.NewPlan(tb, "", db.Collation)
		}
	}
	t.Fatalf("no table dbo.%s", name)
	return nil
}
