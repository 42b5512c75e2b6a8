package sqlbatch

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// BenchmarkSplitter measures splitting a dump-shaped script: multi-row
// INSERT batches of mixed literals, one row per line, GO after each.
func BenchmarkSplitter(b *testing.B) {
	var script []byte
	nv := tsql.Type{Name: "nvarchar", MaxLength: 200}
	for batch := 0; batch < 20; batch++ {
		script = append(script, "INSERT INTO [dbo].[T] ([id], [name], [note]) VALUES\n"...)
		for i := 0; i < 1000; i++ {
			if i > 0 {
				script = append(script, ",\n"...)
			}
			script = fmt.Appendf(script, "(%d, ", batch*1000+i)
			script, _ = tsql.AppendLiteral(script, fmt.Sprintf("name %d O'Brien [x]", i), nv)
			script = append(script, ", "...)
			script, _ = tsql.AppendLiteral(script, "line one\r\nline two -- not a comment /* nor this */", nv)
			script = append(script, ')')
		}
		script = append(script, ";\nGO\n"...)
	}
	b.SetBytes(int64(len(script)))
	b.ReportAllocs()
	for b.Loop() {
		sp := NewSplitter(bytes.NewReader(script))
		n := 0
		for {
			_, err := sp.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 20 {
			b.Fatalf("%d batches", n)
		}
	}
}
