package agent

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

func TestPipelineHashesCountsAndCompressesTheScript(t *testing.T) {
	script := bytes.Repeat([]byte("INSERT INTO t VALUES (1, N'abc');\n"), 100000)
	sum := sha256.Sum256(script)
	for _, compress := range []string{protocol.CompressZstd, protocol.CompressGzip, protocol.CompressNone} {
		for round := range 2 { // the second zstd round reuses a pooled encoder
			var stored bytes.Buffer
			p, err := newPipeline(&stored, compress)
			if err != nil {
				t.Fatal(err)
			}
			for chunk := script; len(chunk) > 0; {
				n := min(len(chunk), 1000+round)
				if _, err := p.Write(chunk[:n]); err != nil {
					t.Fatal(err)
				}
				chunk = chunk[n:]
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if p.Size() != int64(len(script)) || p.SHA256() != hex.EncodeToString(sum[:]) {
				t.Fatalf("%s: size %d digest %s", compress, p.Size(), p.SHA256())
			}
			var r io.Reader = &stored
			switch compress {
			case protocol.CompressZstd:
				d, err := zstd.NewReader(&stored)
				if err != nil {
					t.Fatal(err)
				}
				defer d.Close()
				r = d
			case protocol.CompressGzip:
				g, err := gzip.NewReader(&stored)
				if err != nil {
					t.Fatal(err)
				}
				r = g
			}
			got, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(got, script) {
				t.Fatalf("%s round %d: decompressed %d bytes, %v", compress, round, len(got), err)
			}
		}
	}
}

// BenchmarkPipeline is the agent's per-byte work without storage: synthetic
// script → SHA-256 → zstd, into io.Discard.
func BenchmarkPipeline(b *testing.B) {
	const size = 256 << 20
	for _, compress := range []string{protocol.CompressZstd, protocol.CompressGzip, protocol.CompressNone} {
		b.Run(compress, func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				p, err := newPipeline(io.Discard, compress)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := NewSyntheticSource(size).Dump(context.Background(), &DumpRequest{}, p); err != nil {
					b.Fatal(err)
				}
				if err := p.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
