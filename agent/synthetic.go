package agent

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/mssqldump/mssqldump/scripter"
)

// NewSyntheticSource returns a Source that writes exactly size bytes of
// deterministic, valid T-SQL (a CREATE TABLE followed by one INSERT per row,
// from a PRNG with a fixed seed) whatever the job says. The same size always
// gives the same bytes, so its SHA-256 can be checked end to end. It is for
// benchmarks and pipeline tests: it exercises broker, heartbeats,
// compression and blob upload without a SQL Server. Its rows do not repeat,
// so compression costs what it costs on real data.
func NewSyntheticSource(size int64) Source { return &syntheticSource{size: size} }

type syntheticSource struct{ size int64 }

const syntheticHeader = "SET NOCOUNT ON;\nGO\nCREATE TABLE [dbo].[synthetic] (\n" +
	"    [id] bigint NOT NULL PRIMARY KEY,\n    [n] bigint NOT NULL,\n    [s] nvarchar(32) NOT NULL\n);\nGO\n"

// syntheticChunk is how many bytes are generated before each Write and
// context check.
const syntheticChunk = 256 << 10

// maxSyntheticLine bounds one INSERT line: the fixed text plus three numbers
// and a 20-character string.
const maxSyntheticLine = 128

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

func (s *syntheticSource) Dump(ctx context.Context, req *DumpRequest, w io.Writer) (*scripter.Stats, error) {
	g := syntheticGen{rng: rand.New(rand.NewPCG(0x6d7373716c64756d, 0x70))}
	buf := make([]byte, 0, syntheticChunk+maxSyntheticLine)
	remaining := s.size
	var written int64
	header := syntheticHeader
	if int64(len(header)) > remaining {
		header = header[:remaining] // tiny sizes: a prefix, still exact
	}
	buf = append(buf, header...)
	remaining -= int64(len(header))
	for {
		for remaining > maxSyntheticLine && len(buf) < syntheticChunk {
			before := len(buf)
			buf = g.appendRow(buf)
			remaining -= int64(len(buf) - before)
		}
		if remaining <= maxSyntheticLine {
			buf = appendPadding(buf, remaining)
			remaining = 0
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := w.Write(buf)
		written += int64(n)
		if err != nil {
			return nil, err
		}
		buf = buf[:0]
		if req != nil && req.Progress != nil {
			req.Progress(scripter.Progress{Objects: 1, Tables: 1, Rows: g.id, Bytes: written, Object: "dbo.synthetic"})
		}
		if remaining == 0 {
			break
		}
	}
	return &scripter.Stats{Objects: 1, Tables: 1, Rows: map[string]int64{"dbo.synthetic": g.id}, Bytes: written}, nil
}

// appendPadding ends the script with exactly n bytes: a comment line
// (or bare newlines when n is too small for one).
func appendPadding(buf []byte, n int64) []byte {
	if n >= 4 {
		buf = append(buf, "-- "...)
		for i := int64(0); i < n-4; i++ {
			buf = append(buf, '.')
		}
		return append(buf, '\n')
	}
	for i := int64(0); i < n; i++ {
		buf = append(buf, '\n')
	}
	return buf
}

type syntheticGen struct {
	rng *rand.Rand
	id  int64
}

// appendRow appends one INSERT line without allocating.
func (g *syntheticGen) appendRow(buf []byte) []byte {
	g.id++
	r := g.rng.Uint64()
	buf = append(buf, "INSERT INTO [dbo].[synthetic] ([id], [n], [s]) VALUES ("...)
	buf = strconv.AppendInt(buf, g.id, 10)
	buf = append(buf, ", "...)
	buf = strconv.AppendInt(buf, int64(r>>20), 10)
	buf = append(buf, ", N'"...)
	// 20 characters from 120 random bits: 6 bits each.
	r2 := g.rng.Uint64()
	for i := 0; i < 10; i++ {
		buf = append(buf, alphabet[r&63])
		r >>= 6
	}
	for i := 0; i < 10; i++ {
		buf = append(buf, alphabet[r2&63])
		r2 >>= 6
	}
	return append(buf, "');\n"...)
}

// String is for logs.
func (s *syntheticSource) String() string { return fmt.Sprintf("synthetic:%d", s.size) }
