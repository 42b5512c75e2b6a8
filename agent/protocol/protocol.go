// Package protocol defines the versioned JSON envelopes that travel between
// the CLI and the agents: Job (CLI → queue → agent), Progress and Reply
// (agent → the CLI's reply inbox), and Manifest (agent → blob store); for
// a dump the fleet shares, PartPlan and PartResult (agent → blob store)
// and PartJob (agent → queue → agent).
//
// Envelopes stay small: a script never travels in a message, only its blob
// key and digest. No envelope ever carries a plaintext password: credentials
// are either a reference the agent resolves from its own configuration, or a
// box sealed to the agent fleet's public key (package agent/seal).
//
// What an envelope carries of the scripter (a job's Options, a Progress's
// Counts, a Manifest's Stats) is the protocol's own struct, converted to and
// from the scripter's field by field, so that no change in package scripter
// can change protocol v1 without a change here.
package protocol

import "time"

// Version is the envelope version this build writes. Readers reject any
// other version with ErrUnsupportedVersion so that a mixed fleet fails loudly
// instead of misreading a field.
const Version = 1

// Envelope kinds, carried in every message so a reply inbox can tell a
// progress report from the final reply.
const (
	KindJob      = "job"
	KindProgress = "progress"
	KindReply    = "reply"
	KindManifest = "manifest"
)

// Job asks an agent to dump one database.
type Job struct {
	V        int       `json:"v"`
	Kind     string    `json:"kind"`
	ID       string    `json:"id"`
	Created  time.Time `json:"created"`
	Deadline time.Time `json:"deadline"`
	// ReplyTo is the address of the CLI's reply inbox (broker.Inbox.Address).
	ReplyTo     string      `json:"reply_to"`
	Server      Server      `json:"server"`
	Database    string      `json:"database"`
	Credentials Credentials `json:"credentials"`
	Options     Options     `json:"options"`
	// Compress is how the stored object is compressed: zstd, gzip or none.
	Compress string `json:"compress"`
	// Repo, when set, makes the job a backup: the script goes into the
	// backup repository at this blob URL (package repo) as a new snapshot,
	// instead of into one object of the agent's bucket.
	Repo string `json:"repo,omitempty"`
	// FleetParts lets the agent that takes the job share its table data
	// with the fleet as part jobs (PartJob). It is a field of the job, not
	// of Options, because it changes who reads the data, never the script.
	FleetParts bool `json:"fleet_parts,omitempty"`
}

// Server says where the SQL Server is, as the agent should reach it.
type Server struct {
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Encrypt is the TLS level: strict, mandatory, optional or disable;
	// empty means mandatory (like sqlcmd 18 and ODBC Driver 18).
	Encrypt string `json:"encrypt,omitempty"`
	// TrustServerCertificate skips the certificate check (still encrypted).
	TrustServerCertificate bool `json:"trust_server_certificate,omitempty"`
	// HostNameInCertificate is the name the certificate must carry when it
	// is not Host (a server reached through an alias or an IP address).
	HostNameInCertificate string `json:"host_name_in_certificate,omitempty"`
	// Authentication is how to sign in (AuthMethods); empty: SqlPassword.
	Authentication string `json:"authentication,omitempty"`
	// Params are extra go-mssqldb connection parameters without secrets
	// (encrypt, TrustServerCertificate, app name, ...).
	Params map[string]string `json:"params,omitempty"`
}

// Credentials tell the agent how to log in. Exactly one of Ref, Sealed or
// Integrated is set.
type Credentials struct {
	// Ref names credentials in the agent's own configuration:
	// "env:NAME", "file:/path" or "secretsmanager:ARN".
	Ref string `json:"ref,omitempty"`
	// Sealed is user and password sealed to the fleet public key
	// (agent/seal), opened only by agents.
	Sealed []byte `json:"sealed,omitempty"`
	// KeyID identifies the fleet key Sealed was made for, so an agent with a
	// rotated key can say so instead of failing to decrypt.
	KeyID string `json:"key_id,omitempty"`
}

// Progress reports a running job's counters to the reply inbox.
type Progress struct {
	V       int    `json:"v"`
	Kind    string `json:"kind"`
	JobID   string `json:"job_id"`
	Attempt int    `json:"attempt"`
	Counts
}

// Reply statuses.
const (
	StatusOK       = "ok"
	StatusFailed   = "failed"
	StatusCanceled = "canceled"
)

// Error codes in a failed Reply. The CLI maps them to exit codes.
const (
	ErrCodeDumpFailed  = "dump_failed" // login, missing database, permission: exit 3
	ErrCodeUnreachable = "unreachable" // SQL Server unreachable: exit 3
	ErrCodeExpired     = "expired"     // deadline passed: exit 4
	ErrCodeInvalidJob  = "invalid_job" // the agent rejected the envelope: exit 1
	ErrCodeStorage     = "storage"     // blob store failed: exit 6
	ErrCodeInternal    = "internal"    // anything else: exit 1
	// ErrCodeNotAllowed: the agent's policy refused the job before any
	// connection (server outside the credential's or fleet's allow-list,
	// encryption weaker than the agent's floor): exit 3.
	ErrCodeNotAllowed = "not_allowed"
)

// Reply is the final answer for a job.
type Reply struct {
	V       int       `json:"v"`
	Kind    string    `json:"kind"`
	JobID   string    `json:"job_id"`
	Attempt int       `json:"attempt"`
	Status  string    `json:"status"`
	Error   *Error    `json:"error,omitempty"`
	Result  *Manifest `json:"result,omitempty"`
}

// Error describes why a job failed. Message never contains secrets.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Manifest records one finished dump. It is written create-if-absent at
// ManifestKey(jobID): the first finished attempt wins and later attempts
// reply with the winner's manifest.
type Manifest struct {
	V       int    `json:"v"`
	Kind    string `json:"kind"`
	JobID   string `json:"job_id"`
	Attempt int    `json:"attempt"`
	AgentID string `json:"agent_id"`
	// Object is the blob key of the stored script.
	Object string `json:"object"`
	// SHA256 is the hex digest of the uncompressed script.
	SHA256 string `json:"sha256"`
	// Size is the uncompressed size, StoredSize the size of the stored object.
	Size       int64     `json:"size"`
	StoredSize int64     `json:"stored_size"`
	Compress   string    `json:"compress"`
	Format     string    `json:"format"`
	Finished   time.Time `json:"finished"`
	// JobSHA256 is the hex SHA-256 of the job envelope (the message body)
	// this manifest answers. The CLI accepts a manifest only for the job
	// it sent, so another job published under the same id cannot hand it
	// a different script.
	JobSHA256 string `json:"job_sha256,omitempty"`
	Stats     Stats  `json:"stats"`
	// Snapshot describes the snapshot a backup job (Job.Repo) made; Object
	// then names no stored object.
	Snapshot *RepoSnapshot `json:"snapshot,omitempty"`
}

// RepoSnapshot is what a backup job added to its repository.
type RepoSnapshot struct {
	ID         string `json:"id"`
	Parent     string `json:"parent,omitempty"`
	Parts      int    `json:"parts"`
	NewParts   int    `json:"new_parts"`
	BytesAdded int64  `json:"bytes_added"`
}
