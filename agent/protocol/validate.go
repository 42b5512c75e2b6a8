package protocol

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is matched (errors.Is) by every Validate error.
var ErrInvalid = errors.New("protocol: invalid envelope")

// Compression formats of stored scripts.
const (
	CompressZstd = "zstd"
	CompressGzip = "gzip"
	CompressNone = "none"
	// DefaultCompress is used when a job leaves Compress empty.
	DefaultCompress = CompressZstd
)

// MaxJobIDLen bounds job IDs, which become part of blob keys.
const MaxJobIDLen = 128

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// ValidateJobID checks that id is usable inside a blob key on every backend:
// 1..MaxJobIDLen characters of ASCII letters, digits, '-', '_' and '.', not
// starting with '.'.
func ValidateJobID(id string) error {
	if id == "" {
		return invalid("empty job id")
	}
	if len(id) > MaxJobIDLen {
		return invalid("job id is %d characters, at most %d allowed", len(id), MaxJobIDLen)
	}
	if id[0] == '.' {
		return invalid("job id %q starts with '.'", id)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return invalid("job id %q: only ASCII letters, digits, '-', '_' and '.' are allowed", id)
		}
	}
	return nil
}

// CompressOrDefault returns j.Compress, or DefaultCompress when it is empty.
func (j *Job) CompressOrDefault() string {
	if j.Compress == "" {
		return DefaultCompress
	}
	return j.Compress
}

// Validate checks a job envelope. The agent dead-letters a job that fails
// it: retrying cannot fix a malformed envelope.
func (j *Job) Validate() error {
	if j.V != Version {
		return fmt.Errorf("%w: got v=%d, this build speaks v=%d", ErrUnsupportedVersion, j.V, Version)
	}
	if j.Kind != KindJob {
		return invalid("kind %q, want %q", j.Kind, KindJob)
	}
	if err := ValidateJobID(j.ID); err != nil {
		return err
	}
	if strings.TrimSpace(j.Server.Host) == "" {
		return invalid("job %s: server.host is empty", j.ID)
	}
	if j.Server.Port < 0 || j.Server.Port > 65535 {
		return invalid("job %s: server.port %d is out of range", j.ID, j.Server.Port)
	}
	for k := range j.Server.Params {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "password", "pwd":
			// Never echo the value.
			return invalid("job %s: server.params may not carry a password (%q); use sealed credentials or a reference", j.ID, k)
		}
	}
	if _, err := j.Server.EffectiveTLS(); err != nil {
		return invalid("job %s: server: %v", j.ID, err)
	}
	if a, err := NormalizeAuthentication(j.Server.Authentication); err != nil || a != j.Server.Authentication {
		return invalid("job %s: server.authentication %q: want one of %s", j.ID, j.Server.Authentication, strings.Join(AuthMethods, ", "))
	}
	if strings.TrimSpace(j.Database) == "" {
		return invalid("job %s: database is empty", j.ID)
	}
	if j.Credentials.Ref != "" && len(j.Credentials.Sealed) > 0 {
		return invalid("job %s: credentials have both ref and sealed; set one", j.ID)
	}
	if len(j.Credentials.Sealed) > 0 && j.Credentials.KeyID == "" {
		return invalid("job %s: sealed credentials without key_id", j.ID)
	}
	switch j.Compress {
	case "", CompressZstd, CompressGzip, CompressNone:
	default:
		return invalid("job %s: compress %q: want zstd, gzip or none", j.ID, j.Compress)
	}
	switch j.Options.Format {
	case "", "sql", "zip":
	default:
		return invalid("job %s: options.format %q: want sql or zip", j.ID, j.Options.Format)
	}
	if !j.Deadline.IsZero() && !j.Created.IsZero() && j.Deadline.Before(j.Created) {
		return invalid("job %s: deadline is before created", j.ID)
	}
	return nil
}

// Validate checks a progress envelope.
func (p *Progress) Validate() error {
	if p.V != Version {
		return fmt.Errorf("%w: got v=%d", ErrUnsupportedVersion, p.V)
	}
	if p.Kind != KindProgress {
		return invalid("kind %q, want %q", p.Kind, KindProgress)
	}
	if err := ValidateJobID(p.JobID); err != nil {
		return err
	}
	if p.Attempt < 1 {
		return invalid("progress for job %s: attempt %d < 1", p.JobID, p.Attempt)
	}
	return nil
}

// Validate checks a reply envelope: an ok reply carries its manifest, a
// failed one its error.
func (r *Reply) Validate() error {
	if r.V != Version {
		return fmt.Errorf("%w: got v=%d", ErrUnsupportedVersion, r.V)
	}
	if r.Kind != KindReply {
		return invalid("kind %q, want %q", r.Kind, KindReply)
	}
	if err := ValidateJobID(r.JobID); err != nil {
		return err
	}
	switch r.Status {
	case StatusOK:
		if r.Result == nil {
			return invalid("reply for job %s: status ok without result", r.JobID)
		}
		if err := r.Result.Validate(); err != nil {
			return err
		}
	case StatusFailed:
		if r.Error == nil || r.Error.Code == "" {
			return invalid("reply for job %s: status failed without error code", r.JobID)
		}
	case StatusCanceled:
	default:
		return invalid("reply for job %s: status %q: want ok, failed or canceled", r.JobID, r.Status)
	}
	return nil
}

// Validate checks a manifest.
func (m *Manifest) Validate() error {
	if m.V != Version {
		return fmt.Errorf("%w: got v=%d", ErrUnsupportedVersion, m.V)
	}
	if m.Kind != KindManifest {
		return invalid("kind %q, want %q", m.Kind, KindManifest)
	}
	if err := ValidateJobID(m.JobID); err != nil {
		return err
	}
	if m.Object == "" {
		return invalid("manifest of job %s: empty object key", m.JobID)
	}
	if len(m.SHA256) != 64 || strings.Trim(m.SHA256, "0123456789abcdef") != "" {
		return invalid("manifest of job %s: sha256 must be 64 lower-case hex digits", m.JobID)
	}
	if m.Size < 0 || m.StoredSize < 0 {
		return invalid("manifest of job %s: negative size", m.JobID)
	}
	switch m.Compress {
	case CompressZstd, CompressGzip, CompressNone:
	default:
		return invalid("manifest of job %s: compress %q", m.JobID, m.Compress)
	}
	if m.JobSHA256 != "" && (len(m.JobSHA256) != 64 || strings.Trim(m.JobSHA256, "0123456789abcdef") != "") {
		return invalid("manifest of job %s: job_sha256 must be 64 lower-case hex digits", m.JobID)
	}
	return nil
}
