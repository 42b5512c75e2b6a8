package client

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/internal/chunkpipe"
)

// copyBuffer is the size of a chunk between the decompressor and the hash
// and output, and copyChunks how many exist. The CLI's memory while
// receiving does not grow with the dump: it is these chunks, the
// decompressor's window and the blob reader's own buffers.
const (
	copyBuffer = 256 << 10
	copyChunks = 4
)

// Fetch downloads the script named by m, decompresses it, checks its size
// and SHA-256 against m, and writes it to out. On a mismatch it returns an
// error matching ErrIntegrity; on any failure out is aborted, and only on
// success committed.
func (c *Client) Fetch(ctx context.Context, m *protocol.Manifest, out Output) (err error) {
	defer func() {
		if err != nil {
			out.Abort()
			if ctx.Err() != nil && !errors.Is(err, ErrIntegrity) {
				err = fmt.Errorf("job %s: download: %w", m.JobID, ErrInterrupted)
			}
		}
	}()
	r, err := c.Bucket.NewReader(ctx, m.Object)
	if err != nil {
		return fmt.Errorf("job %s: open %s: %w", m.JobID, m.Object, err)
	}
	defer r.Close()
	plain, closeDec, err := decompressor(m.Compress, bufio.NewReaderSize(r, copyBuffer))
	if err != nil {
		return fmt.Errorf("job %s: %w", m.JobID, err)
	}
	defer closeDec()

	// Download and decompression run here; the hash and the output each
	// on their own goroutine, on a fixed budget of chunks.
	h := sha256.New()
	pipe := chunkpipe.New(copyBuffer, copyChunks, out, h)
	n, err := pipe.ReadFrom(plain)
	if err == nil {
		err = pipe.Close()
	} else {
		pipe.Abort()
	}
	if err != nil {
		var we *writeError
		if errors.As(err, &we) {
			return fmt.Errorf("job %s: write output: %w", m.JobID, we.err)
		}
		if m.Compress != "none" && ctx.Err() == nil && !isStorageError(err) {
			// A stored object that does not decompress is corrupt.
			return fmt.Errorf("job %s: %s: %w: %v", m.JobID, m.Object, ErrIntegrity, err)
		}
		return fmt.Errorf("job %s: download %s: %w", m.JobID, m.Object, err)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if n != m.Size || got != m.SHA256 {
		return fmt.Errorf("job %s: %s: %w: got %d bytes with SHA-256 %s, the manifest says %d bytes with SHA-256 %s",
			m.JobID, m.Object, ErrIntegrity, n, got, m.Size, m.SHA256)
	}
	if err := out.Commit(); err != nil {
		return fmt.Errorf("job %s: write output: %w", m.JobID, err)
	}
	c.logger().Info("script written", "job", m.JobID, "bytes", n, "sha256", got)
	return nil
}

// decompressor wraps r according to the manifest's compression.
func decompressor(compress string, r io.Reader) (io.Reader, func(), error) {
	switch compress {
	case "", "none":
		return r, func() {}, nil
	case "zstd":
		// One goroutine and low-memory mode: the CLI must stay flat in
		// memory however large the dump is.
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(64<<20))
		if err != nil {
			return nil, nil, err
		}
		return d, d.Close, nil
	case "gzip":
		g, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: gzip header: %v", ErrIntegrity, err)
		}
		return g, func() { _ = g.Close() }, nil
	default:
		return nil, nil, fmt.Errorf("unknown compression %q in the manifest", compress)
	}
}
