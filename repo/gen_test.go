package repo

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// genDB is a generated database as it is on a given day: day 1 has keys
// 0, 2, 4, ... (rows of them); each later day updates about 1% of the rows
// at random, deletes 0.5% and inserts 0.5% (at odd keys, between existing
// rows). Its script is written through the real INSERT writer
// (scripter/data), so batch boundaries are the scripter's own, and rows are
// produced one at a time, so any size streams in flat memory.
type genDB struct {
	name string
	rows int
	day  int
}

// Per-mille chances per row and day.
const (
	genDelete = 5
	genUpdate = 10
	genInsert = 5
)

func genHash(k int64, day int) uint64 {
	x := uint64(k)*0x9E3779B97F4A7C15 ^ uint64(day)*0xBF58476D1CE4E5B9
	x ^= x >> 31
	x *= 0x94D049BB133111EB
	return x ^ x>>29
}

// state of base key k (even) on day d: present, the day of its last
// update (its content's version), and the day its odd neighbour k+1 was
// inserted (0: not yet).
func (g genDB) state(k int64) (present bool, version, inserted int) {
	present, version = true, 1
	for d := 2; d <= g.day; d++ {
		switch h := genHash(k, d) % 1000; {
		case h < genDelete:
			present = false
		case h < genDelete+genUpdate:
			version = d
		case h < genDelete+genUpdate+genInsert && inserted == 0:
			inserted = d
		}
	}
	return present, version, inserted
}

func genColumn(name, typ string, ml, prec, scale int) *model.Column {
	return &model.Column{Name: name, Type: model.Type{Name: typ, System: typ, MaxLength: ml, Precision: prec, Scale: scale}}
}

func genTable(name string) *model.Table {
	return &model.Table{QName: model.QName{Schema: "dbo", Name: name},
		Columns: []*model.Column{
			genColumn("id", "bigint", 8, 19, 0), genColumn("name", "nvarchar", 200, 0, 0), genColumn("code", "varchar", 20, 0, 0),
			genColumn("amount", "decimal", 9, 18, 4), genColumn("ratio", "float", 8, 53, 0),
			genColumn("created", "datetime2", 8, 27, 7), genColumn("guid", "uniqueidentifier", 16, 0, 0),
			genColumn("active", "bit", 1, 1, 0), genColumn("note", "nvarchar", -1, 0, 0),
		},
		PrimaryKey: &model.Index{Name: "pk_" + name, Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "id"}}}}
}

var genWords = []string{"order", "delivered", "late", "customer", "invoice", "paid", "returned", "Ünïcödé", "O'Brien", "warehouse", "north", "south", "priority", "gift", "wrapped"}

// genRows yields the table's rows for one day, in key order.
type genRows struct {
	g    genDB
	base int64 // next base key
	odd  bool  // the odd neighbour of base-2 is due
	row  []any
}

func (r *genRows) Next() bool {
	for {
		if r.odd {
			r.odd = false
			k := r.base - 2
			if _, _, ins := r.g.state(k); ins != 0 {
				r.fill(k+1, ins)
				return true
			}
		}
		if r.base >= int64(r.g.rows)*2 {
			return false
		}
		k := r.base
		r.base += 2
		r.odd = true
		if ok, v, _ := r.g.state(k); ok {
			r.fill(k, v)
			return true
		}
	}
}

func utf16le(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for _, c := range s {
		if c > 0xffff {
			c = '?'
		}
		b = append(b, byte(c), byte(c>>8))
	}
	return b
}

func (r *genRows) fill(k int64, version int) {
	rng := rand.New(rand.NewPCG(uint64(k), uint64(version)))
	word := func() string { return genWords[rng.IntN(len(genWords))] }
	var note any
	if rng.IntN(3) != 0 {
		note = utf16le(fmt.Sprintf("%s %s %d: %s %s, %s", word(), word(), rng.IntN(100000), word(), word(), word()))
	}
	guid := make([]byte, 16)
	for i := range guid {
		guid[i] = byte(rng.Uint32())
	}
	r.row = []any{
		k, utf16le(fmt.Sprintf("%s %s %d", word(), word(), rng.IntN(1000))), fmt.Sprintf("C%08d", rng.IntN(1e8)),
		[]byte(fmt.Sprintf("%d.%04d", rng.IntN(1e6), rng.IntN(10000))), rng.Float64() * 1000,
		time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(rng.Int64N(int64(365*24*time.Hour))) / 100 * 100),
		guid, rng.IntN(2) == 0, note,
	}
}

func (r *genRows) Row() []any   { return r.row }
func (r *genRows) Err() error   { return nil }
func (r *genRows) Close() error { return nil }

// script writes the day's dump: a header, DDL batches, two tables' data.
func (g genDB) script(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "-- mssqldump T-SQL script\n-- Database: %s\n\nSET NOCOUNT ON;\nGO\n", g.name); err != nil {
		return err
	}
	tables := []*model.Table{genTable("Orders"), genTable("Customers")}
	for _, t := range tables {
		if _, err := fmt.Fprintf(w, "\nCREATE TABLE [dbo].[%s] (\n    [id] bigint NOT NULL,\n    [name] nvarchar(100) NULL\n);\nGO\n", t.QName.Name); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nCREATE PROCEDURE [dbo].[report] AS SELECT COUNT(*) FROM [dbo].[Orders] -- day-independent\nGO\n")
	dw := data.NewWriter(w, data.Limits{})
	for i, t := range tables {
		sub := g
		sub.rows = g.rows / (i*2 + 1) // Orders holds 3/4 of the rows
		if _, err := dw.WriteTable(data.NewPlan(t, "", ""), &genRows{g: sub}); err != nil {
			return err
		}
		if err := dw.Flush(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "-- end of script\n")
	return err
}

// bytes returns the day's script in memory (tests use small databases).
func (g genDB) bytes() []byte {
	var b bytesWriter
	if err := g.script(&b); err != nil {
		panic(err)
	}
	return b
}

type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }
