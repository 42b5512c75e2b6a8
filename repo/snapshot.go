package repo

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// formatVersion is the repository format written into config and every
// manifest; readers refuse newer ones instead of misreading them. Format 2
// (chain.go): delta objects name their bases in a header, and an index
// lists only each part's own object. Format-1 repositories stay readable,
// and a backup into one writes format 2 from then on.
const formatVersion = 2

// Snapshot is the manifest of one backup: small, and enough to list,
// choose and verify it. The part list lives in the index object.
type Snapshot struct {
	V        int       `json:"v"`
	ID       string    `json:"id"`
	Database string    `json:"database"`
	Server   string    `json:"server,omitempty"`
	Time     time.Time `json:"time"`
	// Job is the id of the backup job that made the snapshot (empty for a
	// backup made outside the fleet): one job makes one snapshot.
	Job string `json:"job,omitempty"`
	// Options are the dump options, opaque to the repository (the caller's
	// JSON), so that a restore or a later backup knows what was scripted.
	Options json.RawMessage `json:"options,omitempty"`
	Parent  string          `json:"parent,omitempty"`
	// ScriptSHA256 and ScriptSize describe the whole script; cat verifies
	// the rebuilt script against them.
	ScriptSHA256 string `json:"script_sha256"`
	ScriptSize   int64  `json:"script_size"`
	Parts        int    `json:"parts"`
	// NewParts and BytesAdded say what this backup uploaded (stored,
	// compressed bytes, index and manifest included).
	NewParts   int    `json:"new_parts"`
	BytesAdded int64  `json:"bytes_added"`
	Index      string `json:"index"`
}

// Summary is a snapshot's line in the catalog: what `snapshots` lists
// without reading every manifest.
type Summary struct {
	ID         string    `json:"id"`
	Database   string    `json:"database"`
	Server     string    `json:"server,omitempty"`
	Time       time.Time `json:"time"`
	ScriptSize int64     `json:"script_size"`
	BytesAdded int64     `json:"bytes_added"`
	Job        string    `json:"job,omitempty"`
}

func (s *Snapshot) summary() Summary {
	return Summary{ID: s.ID, Database: s.Database, Server: s.Server, Time: s.Time, ScriptSize: s.ScriptSize, BytesAdded: s.BytesAdded, Job: s.Job}
}

// index is the ordered part list of one snapshot plus the stored object of
// each part. Format 1 listed every object needed to rebuild the snapshot
// (each part's object and its chain of bases); format 2 lists the chains
// only of format-1 deltas it reuses, and a format-2 delta names its bases
// in its own header (chain.go).
type index struct {
	V       int                   `json:"v,omitempty"`
	Parts   []partRef             `json:"parts"`
	Objects map[string]objectInfo `json:"objects"`
	// Layout is the script's layout (SetLayout), when the backup recorded it.
	Layout json.RawMessage `json:"layout,omitempty"`
}

type partRef struct {
	Name   string `json:"n"`
	Hash   string `json:"h"` // SHA-256 of the part's bytes
	Size   int64  `json:"s"`
	Object string `json:"o"` // key of the stored object
}

type objectInfo struct {
	// Hash is the SHA-256 of the decoded bytes. Not stored: the object's
	// key begins with it (objectKey), and the index is most of what an
	// unchanged day adds.
	Hash string `json:"-"`
	// Bases are the keys of the objects whose decoded bytes, concatenated,
	// are the dictionary of a format-1 delta (usually one parent part; two
	// when the part's batches were regrouped). Empty for a full object and
	// for a format-2 delta, whose header names them.
	Bases []string `json:"b,omitempty"`
	// Depth is how many other objects must be decoded to decode this one:
	// 0 for a full object, the sum of (base depth + 1) for a delta. It is
	// what Options.MaxDepth caps.
	Depth  int   `json:"d"`
	Stored int64 `json:"z"` // stored (compressed) size
	// Format1Below: a format-2 delta whose chain reaches a format-1 delta;
	// an index listing it also describes the format-1 deltas (carryFormat1).
	Format1Below bool `json:"f1,omitempty"`
}

// newID returns a random 16-hex-digit snapshot id.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}

// hashOfKey is the content hash an object key starts with.
func hashOfKey(key string) string {
	const prefix = len("data/hh/")
	if len(key) < prefix+64 {
		return ""
	}
	return key[prefix : prefix+64]
}

func manifestKey(id string) string { return "snapshots/" + id + ".json" }
func indexKey(id string) string    { return "index/" + id + ".json.zst" }

// objectKey addresses a stored part by its content hash and, for a delta, a
// short hash of its base's key: the same content stored against another
// base is another object, so an object's bytes never change once written and
// rewriting one (after a crash, or by a concurrent backup) is harmless.
func objectKey(hash string, bases []string) string {
	k := "data/" + hash[:2] + "/" + hash
	if len(bases) > 0 {
		k += "-" + hashOf([]byte(strings.Join(bases, "\n")))[:16]
	}
	return k
}
