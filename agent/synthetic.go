package agent

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"

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
	// dec is id in decimal, right-aligned in a fixed buffer and incremented
	// in place: cheaper than formatting a number per row.
	dec   [20]byte
	start int // index of the first digit in dec
}

// digits maps a nibble to a decimal digit (skewed, which does not matter).
const digits = "0123456789012345"

// appendRow appends one INSERT line without allocating.
func (g *syntheticGen) appendRow(buf []byte) []byte {
	g.next()
	r, r2 := g.rng.Uint64(), g.rng.Uint64()
	buf = append(buf, "INSERT INTO [dbo].[synthetic] ([id], [n], [s]) VALUES ("...)
	buf = append(buf, g.dec[g.start:]...)
	buf = append(buf, ", 1"...)
	// 12 more digits from the top 48 bits of r.
	var n [12]byte
	x := r >> 16
	for i := range n {
		n[i] = digits[x&15]
		x >>= 4
	}
	buf = append(buf, n[:]...)
	buf = append(buf, ", N'"...)
	// 20 characters: 10 from the low 60 bits of r2, 10 from r2 rotated.
	var str [20]byte
	y := r2
	for i := 0; i < 10; i++ {
		str[i] = alphabet[y&63]
		y >>= 6
	}
	y = r2>>3 | r<<61
	for i := 10; i < 20; i++ {
		str[i] = alphabet[y&63]
		y >>= 6
	}
	buf = append(buf, str[:]...)
	return append(buf, "');\n"...)
}

// next increments id and its decimal form.
func (g *syntheticGen) next() {
	if g.id == 0 {
		g.start = len(g.dec)
	}
	g.id++
	i := len(g.dec) - 1
	for ; i >= g.start; i-- {
		if g.dec[i] != '9' {
			g.dec[i]++
			return
		}
		g.dec[i] = '0'
	}
	g.start--
	g.dec[g.start] = '1'
}

// String is for logs.
func (s *syntheticSource) String() string { return fmt.Sprintf("synthetic:%d", s.size) }
