package protocol

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A fleet dump (Job.FleetParts) splits one job's table data into parts
// that any agent of the fleet reads. The agent that got the job (the
// coordinator) writes a PartPlan to the blob store, then publishes one
// PartJob per part on the job queue; an agent that reads a part stores its
// records and a PartResult next to the plan. The coordinator assembles the
// one script from the parts in plan order.
//
// The blob store is the authority, not the queue: whoever can publish to
// the queue can forge a PartJob, but only agents write plans, so an agent
// reads a part only as its plan (found under the parent's prefix at the
// coordinator's random token) says, for a parent job an agent claimed with
// exactly the envelope the PartJob carries.

// Kinds of the fleet envelopes.
const (
	KindPart       = "part"
	KindPartPlan   = "part-plan"
	KindPartResult = "part-result"
)

// MaxParts bounds a plan: every part is a message, an object and a
// manifest, and the plan is read whole by every part's agent.
const MaxParts = 100_000

// ErrOutsidePlan is matched (errors.Is) when a PartJob or PartResult does
// not match the plan it names: forged, altered or meant for another plan.
var ErrOutsidePlan = errors.New("protocol: part is not in its plan")

// PartJob asks any agent to read one part of a parent job's dump.
type PartJob struct {
	V    int    `json:"v"`
	Kind string `json:"kind"`
	// ParentID is the parent job's id (Parent's "id", repeated so that a
	// log or dead letter names the job without decoding Parent).
	ParentID string `json:"parent_id"`
	// Parent is the parent job's envelope byte for byte as the coordinator
	// received it: its sealed credentials are checked against its own
	// binding, and its digest against the parent's claim, so a part runs
	// with exactly the login, target and policy of a job an agent accepted.
	Parent []byte `json:"parent"`
	// Token is the coordinator's random plan token (NewPartToken): the
	// plan, the part's records and its result live under PartsPrefix.
	Token string `json:"token"`
	// PlanSHA256 is the hex SHA-256 of the plan object's bytes.
	PlanSHA256 string `json:"plan_sha256"`
	// Part indexes the plan's Parts (0-based); Parts is their number.
	Part  int `json:"part"`
	Parts int `json:"parts"`
	// Spec repeats the plan's entry, for logs; it must equal it.
	Spec PartSpec `json:"spec"`
	// Deadline is the plan's: after it the coordinator reads the part
	// itself, so an agent no longer starts it.
	Deadline time.Time `json:"deadline"`
}

// PartSpec is one part: the rows of one table in one key range of its
// split column (no bounds: the whole table).
type PartSpec struct {
	Schema string   `json:"schema"`
	Table  string   `json:"table"`
	Range  KeyRange `json:"range"`
}

// KeyRange is the wire form of the scripter's key range: split column ≥ Lo
// (when set) and < Hi (when set); a range without Lo also holds NULL.
type KeyRange struct {
	Lo *int64 `json:"lo,omitempty"`
	Hi *int64 `json:"hi,omitempty"`
}

// PartPlan is the coordinator's record of a fleet dump, written
// create-if-absent at PlanKey before any PartJob is published.
type PartPlan struct {
	V        int    `json:"v"`
	Kind     string `json:"kind"`
	ParentID string `json:"parent_id"`
	// ParentSHA256 is the parent envelope's digest, as in its claim.
	ParentSHA256 string `json:"parent_sha256"`
	Token        string `json:"token"`
	// Attempt and AgentID are the coordinator's.
	Attempt int    `json:"attempt"`
	AgentID string `json:"agent_id"`
	// Snapshot is the database snapshot every part reads (one point in
	// time); empty when the job's consistency is none.
	Snapshot string `json:"snapshot,omitempty"`
	// Collation is the database's, which the part readers' data plans use.
	Collation string     `json:"collation,omitempty"`
	Created   time.Time  `json:"created"`
	Deadline  time.Time  `json:"deadline"`
	Parts     []PartSpec `json:"parts"`
}

// PartResult records one part read: written create-if-absent at
// PartResultKey, the first finished reader wins.
type PartResult struct {
	V          int    `json:"v"`
	Kind       string `json:"kind"`
	ParentID   string `json:"parent_id"`
	Token      string `json:"token"`
	Part       int    `json:"part"`
	PlanSHA256 string `json:"plan_sha256"`
	Attempt    int    `json:"attempt"`
	AgentID    string `json:"agent_id"`
	// Object is the key of the part's records (PartObjectKey).
	Object string `json:"object"`
	// SHA256 and Size are of the uncompressed records, StoredSize of the
	// object; Compress is zstd or none.
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	StoredSize int64  `json:"stored_size"`
	Compress   string `json:"compress"`
	Rows       int64  `json:"rows"`
	// ColumnsSHA256 is the digest of the column list and types the rows
	// were encoded with; the coordinator reads a part itself when its own
	// differs (the table changed between two reads without a snapshot).
	ColumnsSHA256 string    `json:"columns_sha256,omitempty"`
	Counts        Counts    `json:"counts"`
	Finished      time.Time `json:"finished"`
}

// NewPartToken returns a plan token: 128 random bits, so that a publisher
// who does not read the blob store cannot name a plan.
func NewPartToken() string { return randomHex(16) }

// PartsPrefix is where one plan's objects live, under the parent's prefix.
func PartsPrefix(parentID, token string) string { return "jobs/" + parentID + "/parts-" + token + "/" }

// PlanKey is the plan of a fleet dump.
func PlanKey(parentID, token string) string { return PartsPrefix(parentID, token) + "plan.json" }

// PartResultKey is the result of part n.
func PartResultKey(parentID, token string, n int) string {
	return fmt.Sprintf("%spart-%d.json", PartsPrefix(parentID, token), n)
}

// PartTakenKey marks part n as taken by one reader (an agent, or the
// coordinator itself), written create-if-absent before reading: each part
// is read once, and a coordinator never waits for a part nobody took.
func PartTakenKey(parentID, token string, n int) string {
	return fmt.Sprintf("%spart-%d.taken", PartsPrefix(parentID, token), n)
}

// PartObjectPrefix is where the records of part n's attempts live.
func PartObjectPrefix(parentID, token string, n int) string {
	return fmt.Sprintf("%spart-%d/", PartsPrefix(parentID, token), n)
}

// PartObjectKey is the records of one attempt at part n by one writer
// (WriterToken): like ObjectKey, no two readers share a key.
func PartObjectKey(parentID, token string, n, attempt int, writer, compress string) string {
	k := fmt.Sprintf("%sattempt-%d-%s.rec", PartObjectPrefix(parentID, token, n), attempt, writer)
	if compress == CompressZstd {
		k += ".zst"
	}
	return k
}

// PartMessageID is the broker message id of part n, so that the broker's
// duplicate detection drops a coordinator's second publication of it.
func PartMessageID(parentID, token string, n int) string {
	return fmt.Sprintf("%s.part-%s-%d", parentID, token, n)
}

// ValidatePartToken checks a plan token: 32 lower-case hex digits.
func ValidatePartToken(token string) error {
	if !isHex(token, 32) {
		return invalid("part token must be 32 lower-case hex digits")
	}
	return nil
}

func isHex(s string, n int) bool {
	return len(s) == n && strings.Trim(s, "0123456789abcdef") == ""
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}
