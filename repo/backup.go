package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/mssqldump/mssqldump/blob"
)

// Upload batching: objects are uploaded in groups, each announced first in
// an intent object, so that a crash leaves only objects that prune can find
// without listing the bucket. The group bounds the backup's memory.
const (
	groupBytes   = 8 << 20
	groupObjects = 64
	uploaders    = 4
)

// BackupInfo describes the dump being backed up.
type BackupInfo struct {
	Database string
	Server   string
	// Time is the snapshot's time (default: now).
	Time    time.Time
	Options json.RawMessage
	// Job is the id of the backup job, if any: a second commit for the same
	// job returns the first one's snapshot instead of making another.
	Job string
}

// Backup receives one dump script through Write and stores it as a new
// snapshot on Commit. It is not safe for concurrent use.
type Backup struct {
	r      *Repository
	ctx    context.Context
	info   BackupInfo
	lock   Lock
	keeper *keeper

	pidx       *index
	parentName map[string]int // part name -> position in the parent
	parentHash map[string]int // part hash -> position in the parent
	lastPos    int            // parent position of the last matched part

	split  *splitter
	names  namer
	idx    index
	own    map[string]string // part hash -> object key, within this backup
	codec  *codec
	script hash.Hash
	size   int64

	carried bool // carryFormat1 ran

	pending      []pendingObject
	pendingBytes int
	intents      int
	newParts     int
	added        int64
	done         bool
}

type pendingObject struct {
	key  string
	data []byte
}

// NewBackup starts a snapshot of info.Database. It takes a backup lock,
// waiting for a running prune, and reads the parent snapshot's index.
func (r *Repository) NewBackup(ctx context.Context, info BackupInfo) (*Backup, error) {
	if info.Database == "" {
		return nil, errors.New("repo: backup needs a database name")
	}
	if info.Time.IsZero() {
		info.Time = r.opts.Now()
	}
	info.Time = info.Time.UTC()
	lock, err := r.lockBackup(ctx, info.Database)
	if err != nil {
		return nil, err
	}
	b := &Backup{
		r: r, ctx: ctx, info: info, lock: lock,
		names: namer{}, own: map[string]string{}, codec: getCodec(), script: sha256.New(),
		idx: index{V: formatVersion, Objects: map[string]objectInfo{}}, lastPos: -1,
	}
	if r.opts.format1 {
		b.idx.V = 0
	}
	b.keeper = r.keepLock(ctx, lock.ID)
	if lock.Parent != "" {
		if err := b.loadParent(lock.Parent); err != nil {
			b.Abort()
			return nil, fmt.Errorf("repo: reading parent snapshot %s: %w", lock.Parent, err)
		}
	}
	b.split = newSplitter(b.part)
	return b, nil
}

func (b *Backup) loadParent(id string) error {
	idx, err := b.r.loadSnapshotIndex(b.ctx, id)
	if err != nil {
		return err
	}
	b.pidx = idx
	b.parentName = make(map[string]int, len(idx.Parts))
	b.parentHash = make(map[string]int, len(idx.Parts))
	for i, p := range idx.Parts {
		b.parentName[p.Name] = i
		b.parentHash[p.Hash] = i
	}
	return nil
}

// ID is the id the snapshot will have.
func (b *Backup) ID() string { return b.lock.ID }

// Parent is the id of the parent snapshot, or "".
func (b *Backup) Parent() string { return b.lock.Parent }

// Write takes the next bytes of the script.
func (b *Backup) Write(p []byte) (int, error) {
	if b.done {
		return 0, errors.New("repo: write after commit or abort")
	}
	return b.split.Write(p)
}

// part stores one part: reused when this backup or the parent already has
// its bytes, else compressed against the parent's part of the same name (or
// the one after the last match) when the chain allows, else alone.
func (b *Backup) part(plain []byte) error {
	if err := b.keeper.lost(); err != nil {
		return err
	}
	name := b.names.unique(partName(plain))
	h := hashOf(plain)
	b.script.Write(plain)
	b.size += int64(len(plain))
	ref := partRef{Name: name, Hash: h, Size: int64(len(plain))}
	if key, ok := b.own[h]; ok {
		ref.Object = key
		b.idx.Parts = append(b.idx.Parts, ref)
		return nil
	}
	if i, ok := b.parentHash[h]; ok {
		ref.Object = b.pidx.Parts[i].Object
		b.adopt(ref.Object)
		b.lastPos = i
		b.own[h] = ref.Object
		b.idx.Parts = append(b.idx.Parts, ref)
		return nil
	}
	key, info, data, err := b.encode(name, h, plain)
	if err != nil {
		return err
	}
	ref.Object = key
	b.idx.Objects[key] = info
	b.own[h] = key
	b.idx.Parts = append(b.idx.Parts, ref)
	b.pending = append(b.pending, pendingObject{key: key, data: data})
	b.pendingBytes += len(data)
	if b.pendingBytes >= groupBytes || len(b.pending) >= groupObjects {
		return b.flush()
	}
	return nil
}

// adopt copies a parent object into this index, and the chain of a
// format-1 delta (which has no header naming its bases). A format-2 delta
// whose chain reaches format-1 deltas brings the parent's format-1 entries
// along (carryFormat1).
func (b *Backup) adopt(key string) {
	if _, ok := b.idx.Objects[key]; ok {
		return
	}
	info := b.pidx.Objects[key]
	b.idx.Objects[key] = info
	for _, k := range info.Bases {
		b.adopt(k)
	}
	if info.Format1Below {
		b.carryFormat1()
	}
}

// carryFormat1 copies every format-1 delta the parent's index describes
// (with its chain), once: what a format-2 chain reaches below its headers is
// described only there. Chains are cut at MaxDepth, so this stops within
// MaxDepth backups of a repository's upgrade.
func (b *Backup) carryFormat1() {
	if b.carried {
		return
	}
	b.carried = true
	for k, info := range b.pidx.Objects {
		if len(info.Bases) > 0 {
			b.adopt(k)
		}
	}
}

// basesFor chooses the parent parts a new part is compressed against. A
// part of the same name is the base. A new name (its first row was
// inserted or deleted, or a batch boundary moved) is looked up by key: the
// last parent part of the same table whose first key is not after this
// part's. Following parent parts join the dictionary while it is smaller
// than the part (batches regroup when a boundary moves), up to maxBases.
func (b *Backup) basesFor(name string, size int) []partRef {
	if b.pidx == nil {
		return nil
	}
	parts := b.pidx.Parts
	i, ok := b.parentName[name]
	if !ok {
		table, key, isInsert := insertKey(name)
		if !isInsert {
			return nil
		}
		i = -1
		for j := max(b.lastPos, 0); j < len(parts); j++ {
			t, k, ok := insertKey(parts[j].Name)
			if !ok || t != table {
				if i >= 0 {
					break
				}
				continue
			}
			if keyLess(key, k) {
				break
			}
			i = j
		}
		if i < 0 {
			return nil
		}
	}
	bases := []partRef{parts[i]}
	total := parts[i].Size
	// Sizes drift by a few percent a day; only a part clearly larger than
	// its base took in rows of the next one.
	for total*10 < int64(size)*9 && len(bases) < maxBases && i+1 < len(parts) {
		i++
		bases = append(bases, parts[i])
		total += parts[i].Size
	}
	b.lastPos = i
	return bases
}

// maxBases bounds a delta's dictionary (and the work to rebuild it).
const maxBases = 3

// insertKey splits an INSERT part name into its table and first key.
func insertKey(name string) (table, key string, ok bool) {
	rest, found := strings.CutPrefix(name, "INSERT ")
	if !found {
		return "", "", false
	}
	if i := strings.LastIndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	i := strings.LastIndexByte(rest, ' ')
	if i < 0 {
		return "", "", false
	}
	return rest[:i], rest[i+1:], true
}

// keyLess orders first-key literals: numerically when both are integers,
// else by bytes (only a heuristic for choosing a dictionary).
func keyLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return x < y
	}
	return a < b
}

func (b *Backup) encode(name, h string, plain []byte) (string, objectInfo, []byte, error) {
	full := func() (string, objectInfo, []byte, error) {
		z, err := b.codec.compress(nil, plain, nil)
		if err != nil {
			return "", objectInfo{}, nil, err
		}
		return objectKey(h, nil), objectInfo{Hash: h, Stored: int64(len(z))}, z, nil
	}
	bases := b.basesFor(name, len(plain))
	depth := 0
	keys := make([]string, len(bases))
	for i, p := range bases {
		depth += b.pidx.Objects[p.Object].Depth + 1
		keys[i] = p.Object
	}
	if len(bases) == 0 || depth > b.r.opts.MaxDepth {
		return full()
	}
	var dict []byte
	for _, k := range keys {
		p, err := b.r.readObject(b.ctx, b.codec, b.pidx.Objects, k)
		if err != nil {
			return "", objectInfo{}, nil, err
		}
		dict = append(dict, p...)
	}
	var header []byte
	if !b.r.opts.format1 {
		var err error
		if header, err = appendHeader(nil, deltaHeader{Bases: keys, Depth: depth}); err != nil {
			return "", objectInfo{}, nil, err
		}
	}
	delta, err := b.codec.compress(header, plain, dict)
	if err != nil {
		return "", objectInfo{}, nil, err
	}
	// A delta against unrelated bytes can be worse than none.
	if len(delta) > len(plain)/8 {
		if k, info, z, err := full(); err != nil || len(z) <= len(delta) {
			return k, info, z, err
		}
	}
	info := objectInfo{Hash: h, Depth: depth, Stored: int64(len(delta))}
	if header == nil {
		info.Bases = keys
	}
	for _, k := range keys {
		// A format-1 base has no header: its chain goes in the index.
		if o := b.pidx.Objects[k]; header == nil || len(o.Bases) > 0 || o.Format1Below {
			info.Format1Below = header != nil
			b.adopt(k)
		}
	}
	return objectKey(h, keys), info, delta, nil
}

func intentKey(id string, seq int) string { return fmt.Sprintf("intents/%s/%06d.json", id, seq) }

// flush announces the pending objects in an intent, then uploads them.
// Uploads overwrite: an object's key fixes its bytes, so rewriting an object
// a crashed backup left is harmless.
func (b *Backup) flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	keys := make([]string, len(b.pending))
	for i, p := range b.pending {
		keys[i] = p.key
	}
	b.intents++
	intent, _ := json.Marshal(keys)
	if err := b.r.b.WriteAll(b.ctx, intentKey(b.lock.ID, b.intents), intent, &blob.WriterOptions{ContentType: "application/json"}); err != nil {
		return err
	}
	err := parallel(b.ctx, len(b.pending), uploaders, func(ctx context.Context, i int) error {
		return b.r.b.WriteAll(ctx, b.pending[i].key, b.pending[i].data, nil)
	})
	for _, p := range b.pending {
		b.added += int64(len(p.data))
		b.newParts++
	}
	b.pending, b.pendingBytes = b.pending[:0], 0
	return err
}

// Commit stores the snapshot and returns its manifest. After a failed
// Commit nothing was committed; call Abort.
func (b *Backup) Commit() (*Snapshot, error) {
	if b.done {
		return nil, errors.New("repo: commit after commit or abort")
	}
	if err := b.split.Close(); err != nil {
		return nil, err
	}
	if err := b.flush(); err != nil {
		return nil, err
	}
	if err := b.keeper.lost(); err != nil {
		return nil, err
	}
	s := &Snapshot{
		V: formatVersion, ID: b.lock.ID, Database: b.info.Database, Server: b.info.Server, Time: b.info.Time, Job: b.info.Job,
		Options: b.info.Options, Parent: b.lock.Parent, ScriptSHA256: hex.EncodeToString(b.script.Sum(nil)),
		ScriptSize: b.size, Parts: len(b.idx.Parts), NewParts: b.newParts, Index: indexKey(b.lock.ID),
	}
	n, err := b.writeIndex(s.Index)
	if err != nil {
		return nil, err
	}
	manifest := manifestCounted(s, b.added+n)
	if err := b.r.b.WriteAll(b.ctx, manifestKey(s.ID), manifest, &blob.WriterOptions{IfNotExists: true, ContentType: "application/json"}); err != nil {
		return nil, err
	}
	b.keeper.halt()
	var earlier string
	_, err = b.r.updateCatalog(b.ctx, func(c *catalog) error {
		i, ok := c.lock(b.lock.ID)
		if !ok || !b.r.live(c.Locks[i]) {
			return fmt.Errorf("%w: backup %s ran past its lock; nothing committed", ErrLockLost, b.lock.ID)
		}
		if earlier = c.snapshotOfJob(b.info.Job); earlier != "" {
			// The job's snapshot is committed already: this attempt is
			// an interrupted backup, which the next prune removes.
			c.Locks[i].Expires = b.r.opts.Now().UTC()
			return nil
		}
		c.Locks = append(c.Locks[:i], c.Locks[i+1:]...)
		c.Snapshots = append(c.Snapshots, s.summary())
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.done = true
	putCodec(b.codec)
	if earlier != "" {
		return b.r.Snapshot(b.ctx, earlier)
	}
	// The intents were only needed while the snapshot was uncommitted.
	for i := 1; i <= b.intents; i++ {
		_ = b.r.b.Delete(b.ctx, intentKey(b.lock.ID, i))
	}
	return s, nil
}

func (b *Backup) writeIndex(key string) (int64, error) {
	w, err := b.r.b.NewWriter(b.ctx, key, &blob.WriterOptions{IfNotExists: true, ContentType: "application/zstd"})
	if err != nil {
		return 0, err
	}
	zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return 0, err
	}
	if err := json.NewEncoder(zw).Encode(&b.idx); err != nil {
		zw.Close()
		w.Close()
		return 0, err
	}
	if err := zw.Close(); err != nil {
		w.Close()
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, err
	}
	return w.Written(), nil
}

// Abort gives up the backup. The lock is expired rather than removed, so
// that the next prune finds the intents and deletes what was uploaded.
func (b *Backup) Abort() {
	if b.done {
		return
	}
	b.done = true
	b.keeper.halt()
	// A canceled ctx must not keep the lock alive for LockStale.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), time.Minute)
	defer cancel()
	_, _ = b.r.updateCatalog(ctx, func(c *catalog) error {
		i, ok := c.lock(b.lock.ID)
		if !ok {
			return errNoChange
		}
		c.Locks[i].Expires = b.r.opts.Now().UTC()
		return nil
	})
}

// Stats of a running or committed backup.
func (b *Backup) Stats() (parts, newParts int, bytesRead, bytesAdded int64) {
	return len(b.idx.Parts), b.newParts, b.size, b.added
}

// manifestCounted encodes s with BytesAdded = added plus the manifest's own
// length. That length depends on the figure's digits, so the encoding is
// repeated until the two agree (at most a few rounds: each round can only
// add a digit).
func manifestCounted(s *Snapshot, added int64) []byte {
	s.BytesAdded = added
	for {
		manifest, _ := json.MarshalIndent(s, "", "  ")
		if total := added + int64(len(manifest)); s.BytesAdded != total {
			s.BytesAdded = total
			continue
		}
		return manifest
	}
}
