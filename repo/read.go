package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/mssqldump/mssqldump/blob"
)

// readAhead is how many parts cat fetches ahead of the one it writes: on S3
// a part is one GET of ~30 ms, so reading strictly in order would make a
// 10,000-part script take minutes.
const readAhead = 8

func (r *Repository) loadIndex(ctx context.Context, s *Snapshot) (*index, error) {
	rd, err := r.b.NewReader(ctx, s.Index)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, &IntegrityError{Snapshot: s.ID, Key: s.Index, Problem: "index missing"}
	}
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	zr, err := zstd.NewReader(rd, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	var idx index
	if err := json.NewDecoder(zr).Decode(&idx); err != nil {
		if ctx.Err() != nil || errors.Is(err, blob.ErrUnavailable) {
			return nil, err
		}
		return nil, &IntegrityError{Snapshot: s.ID, Key: s.Index, Problem: "unreadable index: " + err.Error()}
	}
	for key, info := range idx.Objects {
		info.Hash = hashOfKey(key)
		idx.Objects[key] = info
	}
	return &idx, nil
}

// readObject returns the verified bytes of the object at key, decoding its
// chain of bases first. Only the result is hashed: a damaged base cannot
// give the right bytes, so checking the end of the chain checks the chain
// (hashing every level made a thirty-deep chain's backup a third slower).
// When the result is wrong, the chain is decoded again with every level
// verified, so that the error names the damaged object.
func (r *Repository) readObject(ctx context.Context, c *codec, objects map[string]objectInfo, key string) ([]byte, error) {
	p, err := r.decodeObject(ctx, c, objects, key, true, false)
	var ie *IntegrityError
	if errors.As(err, &ie) {
		if _, err := r.decodeObject(ctx, c, objects, key, true, true); err != nil {
			return nil, err
		}
	}
	return p, err
}

func (r *Repository) decodeObject(ctx context.Context, c *codec, objects map[string]objectInfo, key string, verify, verifyBases bool) ([]byte, error) {
	info, ok := objects[key]
	stored, err := r.b.ReadAll(ctx, key)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, &IntegrityError{Key: key, Problem: "object missing"}
	}
	if err != nil {
		return nil, err
	}
	hdr, frame, err := splitHeader(stored)
	if err != nil {
		return nil, &IntegrityError{Key: key, Problem: err.Error()}
	}
	bases := info.Bases
	switch {
	case hdr != nil:
		bases = hdr.Bases
	case !ok && isDeltaKey(key):
		return nil, &IntegrityError{Key: key, Problem: "a format-1 delta not in the snapshot's index"}
	}
	var base []byte
	for _, k := range bases {
		b, err := r.decodeObject(ctx, c, objects, k, verifyBases, verifyBases)
		if err != nil {
			return nil, err
		}
		base = append(base, b...)
	}
	plain, err := c.decompress(nil, frame, base)
	if err != nil {
		return nil, &IntegrityError{Key: key, Problem: "undecodable: " + err.Error()}
	}
	if verify && hashOf(plain) != hashOfKey(key) {
		return nil, &IntegrityError{Key: key, Problem: "content does not match its SHA-256"}
	}
	return plain, nil
}

// Cat writes the script of snapshot id to w, byte for byte as the dump
// produced it. Every part is verified as it is read and the whole script
// against the manifest's SHA-256 at the end; a mismatch is an error matching
// ErrIntegrity. Bytes already written to w stay written, so a caller that
// must not leave a partial file writes to a temporary one.
func (r *Repository) Cat(ctx context.Context, id string, w io.Writer) (*Snapshot, error) {
	s, err := r.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	idx, err := r.loadIndex(ctx, s)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		p   []byte
		err error
	}
	slots := make(chan chan result, readAhead)
	go func() {
		defer close(slots)
		for _, p := range idx.Parts {
			ch := make(chan result, 1)
			select {
			case slots <- ch:
			case <-ctx.Done():
				return
			}
			go func() {
				c := getCodec()
				b, err := r.readObject(ctx, c, idx.Objects, p.Object)
				putCodec(c)
				if err == nil && (idx.Objects[p.Object].Hash != p.Hash || int64(len(b)) != p.Size) {
					err = &IntegrityError{Key: p.Object, Problem: "part " + p.Name + " does not match its hash"}
				}
				ch <- result{b, err}
			}()
		}
	}()
	h := sha256.New()
	var n int64
	for ch := range slots {
		res := <-ch
		if res.err != nil {
			var ie *IntegrityError
			if errors.As(res.err, &ie) {
				ie.Snapshot = s.ID
			}
			return s, res.err
		}
		h.Write(res.p)
		n += int64(len(res.p))
		if _, err := w.Write(res.p); err != nil {
			return s, err
		}
	}
	if err := ctx.Err(); err != nil {
		return s, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != s.ScriptSHA256 || n != s.ScriptSize {
		return s, &IntegrityError{Snapshot: s.ID, Key: manifestKey(s.ID),
			Problem: fmt.Sprintf("rebuilt script (%d bytes, sha256 %s) does not match the recorded one (%d bytes, %s)", n, got, s.ScriptSize, s.ScriptSHA256)}
	}
	return s, nil
}
