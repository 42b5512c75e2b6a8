package repo

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Self-describing deltas (format 2). A delta object begins with a zstd
// skippable frame holding its header (the keys of its bases and its depth),
// followed by the zstd frame compressed against those bases (appendHeader
// gives the header's bytes). The index then
// names only each part's own object; the chain behind it is read from the
// objects themselves, so an index no longer grows with chain depth (in
// format 1 it listed every part's whole chain, which at depth 30 was about
// as large as the day's new parts). Format-1 objects carry no header: their
// chains stay in the indexes that list them, and a format-2 index that
// reuses such an object lists its chain as format 1 did.

// skippableMagic starts a zstd skippable frame (0x184D2A50-0x184D2A5F;
// decoders skip it), followed by its length.
const skippableMagic = 0x184D2A5E

// maxHeader bounds a header: a few keys.
const maxHeader = 1 << 10

type deltaHeader struct {
	Bases []string
	Depth int
}

// The header is binary, because every delta carries one (a day's new
// objects are mostly deltas of a few KiB): uvarint depth, uvarint count,
// then per base a kind byte (0 full, 1 delta), the 32 bytes of its content
// hash and, for a delta, the 8 bytes of its bases' hash (objectKey).
const (
	baseFull  = 0
	baseDelta = 1
)

// appendHeader appends h as a skippable frame to dst.
func appendHeader(dst []byte, h deltaHeader) ([]byte, error) {
	p := binary.AppendUvarint(nil, uint64(h.Depth))
	p = binary.AppendUvarint(p, uint64(len(h.Bases)))
	for _, k := range h.Bases {
		hash := hashOfKey(k)
		hb, err := hex.DecodeString(hash)
		if err != nil || len(hb) != 32 || !strings.HasPrefix(k, objectKey(hash, nil)) {
			return nil, fmt.Errorf("repo: %q is not an object key", k)
		}
		full := objectKey(hash, nil)
		if k == full {
			p = append(append(p, baseFull), hb...)
			continue
		}
		rb, err := hex.DecodeString(strings.TrimPrefix(k, full+"-"))
		if err != nil || len(rb) != 8 || len(k) != len(full)+17 {
			return nil, fmt.Errorf("repo: %q is not an object key", k)
		}
		p = append(append(append(p, baseDelta), hb...), rb...)
	}
	dst = binary.LittleEndian.AppendUint32(dst, skippableMagic)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p)))
	return append(dst, p...), nil
}

// splitHeader returns the header stored objects begin with (nil for an
// object without one) and the rest.
func splitHeader(stored []byte) (*deltaHeader, []byte, error) {
	if len(stored) < 8 || binary.LittleEndian.Uint32(stored) != skippableMagic {
		return nil, stored, nil
	}
	n := binary.LittleEndian.Uint32(stored[4:])
	if n > maxHeader || int(n) > len(stored)-8 {
		return nil, nil, errors.New("delta header is truncated")
	}
	h, err := parseHeader(stored[8 : 8+n])
	if err != nil {
		return nil, nil, err
	}
	return h, stored[8+n:], nil
}

func parseHeader(p []byte) (*deltaHeader, error) {
	bad := errors.New("unreadable delta header")
	depth, n := binary.Uvarint(p)
	if n <= 0 || depth > 1<<20 {
		return nil, bad
	}
	p = p[n:]
	count, n := binary.Uvarint(p)
	if n <= 0 || count == 0 || count > 16 {
		return nil, bad
	}
	p = p[n:]
	h := &deltaHeader{Depth: int(depth)}
	for range count {
		if len(p) < 33 || p[0] > baseDelta {
			return nil, bad
		}
		key := objectKey(hex.EncodeToString(p[1:33]), nil)
		if p[0] == baseDelta {
			if len(p) < 41 {
				return nil, bad
			}
			key += "-" + hex.EncodeToString(p[33:41])
			p = p[41:]
		} else {
			p = p[33:]
		}
		h.Bases = append(h.Bases, key)
	}
	if len(p) != 0 {
		return nil, bad
	}
	return h, nil
}

// readHeader reads only the header of the object at key (nil when it has
// none) and returns the object's stored size, which the read tells anyway.
func (r *Repository) readHeader(ctx context.Context, key string) (*deltaHeader, int64, error) {
	rd, err := r.b.NewReader(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	defer rd.Close()
	size := rd.Size()
	var pre [8]byte
	if _, err := io.ReadFull(rd, pre[:]); err != nil {
		return nil, size, &IntegrityError{Key: key, Problem: "object too short"}
	}
	if binary.LittleEndian.Uint32(pre[:]) != skippableMagic {
		return nil, size, nil
	}
	n := binary.LittleEndian.Uint32(pre[4:])
	if n > maxHeader {
		return nil, size, &IntegrityError{Key: key, Problem: "delta header too long"}
	}
	buf := make([]byte, 8+n)
	copy(buf, pre[:])
	if _, err := io.ReadFull(rd, buf[8:]); err != nil {
		return nil, size, &IntegrityError{Key: key, Problem: "delta header is truncated"}
	}
	h, _, err := splitHeader(buf)
	if err != nil {
		return nil, size, &IntegrityError{Key: key, Problem: err.Error()}
	}
	return h, size, nil
}

// isDeltaKey: a delta's key ends in "-" and a hash of its bases' keys.
func isDeltaKey(key string) bool {
	return strings.IndexByte(key[min(len(key), len("data/hh/")):], '-') >= 0
}

// chainWalker finds every object a set of objects needs: the objects, their
// bases, theirs, and so on. Bases come from the indexes (format 1) or from
// the delta objects' headers (format 2), read in parallel a level at a time.
// One walker remembers what it reached, so walking from many snapshots
// reads each header once.
type chainWalker struct {
	r       *Repository
	known   map[string]objectInfo // infos from the indexes read
	reached map[string]int        // key -> depth
	// stored: the stored size of each object whose header was read, so
	// that check need not ask for it again.
	stored map[string]int64
}

func newChainWalker(r *Repository) *chainWalker {
	return &chainWalker{r: r, known: map[string]objectInfo{}, reached: map[string]int{}, stored: map[string]int64{}}
}

// learn adds an index's object infos.
func (w *chainWalker) learn(idx *index) {
	for k, info := range idx.Objects {
		if old, ok := w.known[k]; !ok || len(old.Bases) == 0 {
			w.known[k] = info
		}
	}
}

// walkIndex learns idx's object infos and walks from every object it lists:
// what a snapshot needs.
func (w *chainWalker) walkIndex(ctx context.Context, idx *index) (fresh, missing []string, err error) {
	w.learn(idx)
	return w.walk(ctx, slices.Collect(maps.Keys(idx.Objects)))
}

// walk reaches every object roots need and returns those it reached for
// the first time and those that are missing.
func (w *chainWalker) walk(ctx context.Context, roots []string) (fresh, missing []string, err error) {
	var frontier []string
	for _, k := range roots {
		if _, ok := w.reached[k]; !ok {
			w.reached[k] = w.known[k].Depth
			frontier = append(frontier, k)
		}
	}
	for len(frontier) > 0 {
		fresh = append(fresh, frontier...)
		var mu sync.Mutex
		var next []string
		err := parallel(ctx, len(frontier), deleters, func(ctx context.Context, i int) error {
			key := frontier[i]
			bases, depth, stored, err := w.basesOf(ctx, key)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case isNotFound(err):
				missing = append(missing, key)
				return nil
			case err != nil:
				return err
			}
			w.reached[key] = depth
			if stored >= 0 {
				w.stored[key] = stored
			}
			for _, b := range bases {
				if _, ok := w.reached[b]; !ok {
					w.reached[b] = w.known[b].Depth
					next = append(next, b)
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		frontier = next
	}
	return fresh, missing, nil
}

// basesOf returns the bases and depth of the object at key, and its stored
// size when its header had to be read for them (else -1).
func (w *chainWalker) basesOf(ctx context.Context, key string) ([]string, int, int64, error) {
	info, known := w.known[key]
	if len(info.Bases) > 0 || !isDeltaKey(key) {
		return info.Bases, info.Depth, -1, nil
	}
	h, stored, err := w.r.readHeader(ctx, key)
	if err != nil {
		return nil, 0, -1, err
	}
	if h == nil {
		if !known {
			return nil, 0, -1, &IntegrityError{Key: key, Problem: "a format-1 delta that no index describes"}
		}
		return nil, 0, -1, &IntegrityError{Key: key, Problem: "delta object has no header and the index names no bases"}
	}
	return h.Bases, h.Depth, stored, nil
}
