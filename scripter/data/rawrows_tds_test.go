package data

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"

	_ "github.com/microsoft/go-mssqldb"
	"github.com/mssqldump/mssqldump/internal/faketds"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// These tests read a result set through the real driver (the go-mssqldb
// fork) from a fake server that answers every query with rows of the
// test's making, once raw (QueryRaw) and once as before (Query through
// database/sql), and want the same script.

func rawMixedTable() *model.Table {
	return &model.Table{QName: model.QName{Schema: "dbo", Name: "mixed"},
		Columns: []*model.Column{col("Id", "int", 4, 10, 0), col("Name", "nvarchar", 80, 0, 0),
			col("Code", "varchar", 20, 0, 0), col("Amount", "decimal", 9, 18, 4), col("Created", "datetime2", 8, 27, 7),
			col("Flag", "bit", 1, 1, 0), col("Ratio", "float", 8, 53, 0), col("Blob", "varbinary", 16, 0, 0),
			col("Big", "bigint", 8, 19, 0), col("Wide", "decimal", 17, 38, 2)},
		PrimaryKey: &model.Index{Name: "PK", Kind: "CLUSTERED", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id"}}}}
}

// mixedReply is n rows of rawMixedTable, Name sent as nvarchar (Babelfish's
// plan) or, asVarbinary, as its UTF-16 in a varbinary (SQL Server's).
func mixedReply(n int, asVarbinary bool) []byte {
	name := faketds.NVarChar(80)
	if asVarbinary {
		name = faketds.VarBinary(80)
	}
	b := faketds.ColMetadata(
		faketds.Column{Name: "Id", TypeInfo: faketds.IntN(4)}, faketds.Column{Name: "Name", TypeInfo: name},
		faketds.Column{Name: "Code", TypeInfo: faketds.VarChar(20)}, faketds.Column{Name: "Amount", TypeInfo: faketds.DecimalN(18, 4)},
		faketds.Column{Name: "Created", TypeInfo: faketds.DateTime2N(7)}, faketds.Column{Name: "Flag", TypeInfo: faketds.BitN()},
		faketds.Column{Name: "Ratio", TypeInfo: faketds.FltN()}, faketds.Column{Name: "Blob", TypeInfo: faketds.VarBinary(16)},
		faketds.Column{Name: "Big", TypeInfo: faketds.IntN(8)}, faketds.Column{Name: "Wide", TypeInfo: faketds.DecimalN(38, 2)})
	for i := range n {
		text := []byte(nil)
		if i%13 != 0 {
			text = faketds.UTF16(strings.Repeat("Zoë's ", i%4) + "東京")
		}
		code := []byte("code-" + strings.Repeat("x", i%3))
		if i%17 == 0 {
			code = []byte{} // empty, not NULL
		}
		amount := wireDecimal(i%5 == 0, big.NewInt(int64(i)*7919))[:9]
		created := append(wireTime(7, uint64(i)*10_000_019), wireDate(daysSince0001(2020, 1, 1)+i%400)...)
		wide := wireDecimal(i%2 == 0, new(big.Int).Lsh(big.NewInt(int64(i+1)), uint(i%100)))
		b = append(b, faketds.Row(
			faketds.ByteLen(binary.LittleEndian.AppendUint32(nil, uint32(i))),
			faketds.ShortLen(text),
			faketds.ShortLen(code),
			faketds.ByteLen(amount),
			faketds.ByteLen(created),
			faketds.ByteLen([]byte{byte(i % 2)}),
			faketds.ByteLen(binary.LittleEndian.AppendUint64(nil, math.Float64bits(float64(i)/3))),
			faketds.ShortLen([]byte{byte(i), 0, 0xff}),
			faketds.ByteLen(binary.LittleEndian.AppendUint64(nil, uint64(-int64(i)<<40))),
			faketds.ByteLen(wide),
		)...)
	}
	return append(b, faketds.Done(uint64(n))...)
}

// scriptOf writes the table of src.
func scriptOf(t *testing.T, p *Plan, src RowSource) []byte {
	t.Helper()
	var out bytes.Buffer
	w := NewWriter(&out, Limits{RowsPerInsert: 100})
	if _, err := w.WriteTable(p, src); err != nil {
		t.Fatal(err)
	}
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func fakeServerConn(t *testing.T, reply []byte) *sql.Conn {
	t.Helper()
	srv := faketds.StartAnswering(t, func(string) []byte { return reply })
	db, err := sql.Open("sqlserver", srv.DSN())
	if err != nil {
		t.Fatal(err)
	}
	return connOf(t, db)
}

func TestRawRowsThroughTheDriverScriptTheBytesOfDatabaseSQLRows(t *testing.T) {
	for _, tc := range []struct {
		engine      string
		asVarbinary bool
	}{{"Babelfish", false}, {"SQL Server", true}} {
		t.Run(tc.engine, func(t *testing.T) {
			p := NewPlan(rawMixedTable(), "", "")
			if !tc.asVarbinary {
				p = p.ForBabelfish()
			}
			conn := fakeServerConn(t, mixedReply(3000, tc.asVarbinary))
			raw, err := QueryRaw(context.Background(), conn, p)
			if err != nil {
				t.Fatal(err)
			}
			if raw.cols == nil {
				t.Fatal("the driver did not read the result set raw")
			}
			rawScript := scriptOf(t, p, raw)
			boxed, err := Query(context.Background(), conn, p)
			if err != nil {
				t.Fatal(err)
			}
			boxedScript := scriptOf(t, p, boxed)
			if len(rawScript) == 0 || !bytes.Equal(rawScript, boxedScript) {
				t.Fatalf("raw script (%d bytes) differs from the database/sql one (%d bytes):\n%s", len(rawScript), len(boxedScript), firstDiff(rawScript, boxedScript))
			}
			for _, want := range []string{"N'Zoë''s 東京'", "NULL", "''", "-3.9595", "0x0100FF", "N''"} {
				if !bytes.Contains(rawScript, []byte(want)) {
					t.Errorf("script lacks %s", want)
				}
			}
		})
	}
}

func TestRawRowsDecodedOneByOneAreTheRowsOfDatabaseSQL(t *testing.T) {
	p := NewPlan(rawMixedTable(), "", "").ForBabelfish()
	conn := fakeServerConn(t, mixedReply(500, false))
	raw, err := QueryRaw(context.Background(), conn, p)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	var decoded [][]any
	for raw.Next() {
		decoded = append(decoded, append([]any(nil), raw.Row()...))
		n++
	}
	if err := raw.Close(); err != nil || n != 500 {
		t.Fatalf("%d rows, %v", n, err)
	}
	boxed, err := Query(context.Background(), conn, p)
	if err != nil {
		t.Fatal(err)
	}
	defer boxed.Close()
	for i := 0; boxed.Next(); i++ {
		for j, v := range boxed.Row() {
			if b, ok := v.(*[]byte); ok {
				v = bytes.Clone(*b)
			}
			if !equalValues(v, decoded[i][j]) {
				t.Fatalf("row %d column %d: raw decoded %#v, database/sql %#v", i, j, decoded[i][j], v)
			}
		}
	}
}

func equalValues(a, b any) bool {
	ab, aok := a.([]byte)
	bb, bok := b.([]byte)
	if aok || bok {
		return aok && bok && bytes.Equal(ab, bb)
	}
	return a == b
}

// firstDiff shows where two scripts part.
func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := max(0, i-80)
	return "raw:   " + string(a[lo:min(len(a), i+80)]) + "\nboxed: " + string(b[lo:min(len(b), i+80)])
}

// BenchmarkDriverRows reads 20,000 rows of rawMixedTable through the real
// driver from the fake server and writes their INSERTs to a discarding
// writer: raw rows (QueryRaw) against database/sql rows (Query), the
// client's whole share of a data dump. MB/s is of T-SQL produced.
func BenchmarkDriverRows(b *testing.B) {
	const n = 20000
	p := NewPlan(rawMixedTable(), "", "").ForBabelfish()
	reply := mixedReply(n, false)
	srv := faketds.StartAnswering(b, func(string) []byte { return reply })
	for _, mode := range []string{"raw", "database-sql"} {
		b.Run(mode, func(b *testing.B) {
			db, err := sql.Open("sqlserver", srv.DSN())
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			conn, err := db.Conn(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			var sink countingDiscard
			w := NewWriter(&sink, Limits{})
			b.ReportAllocs()
			for b.Loop() {
				var src RowSource
				if mode == "raw" {
					src, err = QueryRaw(context.Background(), conn, p)
				} else {
					src, err = Query(context.Background(), conn, p)
				}
				if err != nil {
					b.Fatal(err)
				}
				before := sink.n
				if _, err := w.WriteTable(p, src); err != nil {
					b.Fatal(err)
				}
				if err := errors.Join(src.Close(), w.Flush()); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(sink.n - before)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
