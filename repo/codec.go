package repo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/klauspost/compress/zstd"
)

// dictID is the id a delta frame names its dictionary by: derived from the
// dictionary's bytes, because klauspost/compress keeps the match tables of a
// dictionary by id and reuses them while the id stays the same. One fixed id
// for every base made each delta search the first base's tables (still
// correct, since matches are verified, but three times larger). Never 0: a
// frame without an id has no dictionary.
func dictID(base []byte) uint32 { return uint32(xxhash.Sum64(base)) | 1 }

// codec compresses parts, alone or against a base part used as a raw zstd
// dictionary (delta compression: what the base already holds costs a few
// bytes per match). One codec is used by one goroutine at a time.
type codec struct {
	// Two encoders: switching one encoder between having a dictionary and
	// not makes klauspost/compress rebuild it (megabytes of tables) on
	// every switch.
	full, delta *zstd.Encoder
	dec         *zstd.Decoder
}

// Encoders are made on first use: cat's codecs only decode.
func newCodec() (*codec, error) {
	dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(maxPartSize*4),
		zstd.WithDecoderMaxMemory(maxPartSize*4))
	if err != nil {
		return nil, err
	}
	return &codec{dec: dec}, nil
}

func (c *codec) encoders() error {
	if c.full != nil {
		return nil
	}
	// Windows: a group of batches is at most about 1 MiB, and a delta
	// reaches back over its dictionary (a few parent parts). Each MiB of
	// window costs several MiB of encoder tables, and the agent's memory
	// must not depend on the database's size.
	full, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithWindowSize(1<<20), zstd.WithLowerEncoderMem(true))
	if err != nil {
		return err
	}
	delta, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithWindowSize(4<<20), zstd.WithLowerEncoderMem(true), zstd.WithEncoderDictRaw(1, []byte{0}))
	if err != nil {
		return err
	}
	c.full, c.delta = full, delta
	return nil
}

var codecPool = sync.Pool{New: func() any {
	c, err := newCodec()
	if err != nil {
		panic(err) // only invalid constant options can fail
	}
	return c
}}

func getCodec() *codec  { return codecPool.Get().(*codec) }
func putCodec(c *codec) { codecPool.Put(c) }

// compress appends the compressed form of plain to dst; base (may be nil)
// is the raw dictionary.
func (c *codec) compress(dst, plain, base []byte) ([]byte, error) {
	if err := c.encoders(); err != nil {
		return nil, err
	}
	if base == nil {
		return c.full.EncodeAll(plain, dst), nil
	}
	if err := c.delta.ResetWithOptions(nil, zstd.WithEncoderDictRaw(dictID(base), base)); err != nil {
		return nil, err
	}
	return c.delta.EncodeAll(plain, dst), nil
}

// decompress appends the plain form of stored to dst; base must be the
// dictionary the object was compressed with.
func (c *codec) decompress(dst, stored, base []byte) ([]byte, error) {
	// The decoder keeps every dictionary registered with it, by id: drop
	// the previous one, or a long backup would hold every base it read.
	opts := []zstd.DOption{zstd.WithDecoderDictDelete()}
	if base != nil {
		opts = append(opts, zstd.WithDecoderDictRaw(dictID(base), base))
	}
	if err := c.dec.ResetWithOptions(nil, opts...); err != nil {
		return nil, err
	}
	out, err := c.dec.DecodeAll(stored, dst)
	if err != nil {
		return nil, fmt.Errorf("zstd: %w", err)
	}
	return out, nil
}

// hashOf is the content address of a part: hex SHA-256 of its bytes.
func hashOf(p []byte) string {
	s := sha256.Sum256(p)
	return hex.EncodeToString(s[:])
}
