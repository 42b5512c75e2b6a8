package protocol

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// ErrUnsupportedVersion is returned by the Decode functions for an envelope
// whose "v" is not Version: a newer CLI talking to an older agent (or the
// reverse) fails loudly instead of misreading a field.
var ErrUnsupportedVersion = errors.New("protocol: unsupported envelope version")

// ErrMalformed is returned for bytes that are not an envelope at all (not
// JSON, or JSON without "v" and "kind").
var ErrMalformed = errors.New("protocol: malformed envelope")

// JobSHA256 is the digest Manifest.JobSHA256 records: the hex SHA-256 of
// a job envelope's bytes as sent (the CLI) and as received (the agent).
func JobSHA256(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// header is the part every envelope shares.
type header struct {
	V    int    `json:"v"`
	Kind string `json:"kind"`
}

// Peek reads the version and kind of an envelope without decoding the rest.
// It checks the version.
func Peek(b []byte) (kind string, err error) {
	var h header
	if err := json.Unmarshal(b, &h); err != nil {
		return "", fmt.Errorf("%w: %v", ErrMalformed, jsonErr(err))
	}
	if h.V == 0 && h.Kind == "" {
		return "", fmt.Errorf("%w: no \"v\" or \"kind\" field", ErrMalformed)
	}
	if h.V != Version {
		return h.Kind, fmt.Errorf("%w: got v=%d, this build speaks v=%d", ErrUnsupportedVersion, h.V, Version)
	}
	return h.Kind, nil
}

// Decode decodes any envelope and returns *Job, *Progress, *Reply,
// *Manifest, *PartJob, *PartPlan or *PartResult according to its kind. The result is validated.
func Decode(b []byte) (any, error) {
	kind, err := Peek(b)
	if err != nil {
		return nil, err
	}
	switch kind {
	case KindJob:
		return DecodeJob(b)
	case KindProgress:
		return DecodeProgress(b)
	case KindReply:
		return DecodeReply(b)
	case KindManifest:
		return DecodeManifest(b)
	case KindPart:
		p, _, err := DecodePartJob(b)
		return p, err
	case KindPartPlan:
		return DecodePartPlan(b)
	case KindPartResult:
		return DecodePartResult(b)
	}
	return nil, fmt.Errorf("%w: unknown kind %q", ErrMalformed, kind)
}

// DecodeJob decodes and validates a job envelope.
func DecodeJob(b []byte) (*Job, error) {
	var j Job
	if err := decode(b, KindJob, &j); err != nil {
		return nil, err
	}
	if err := j.Validate(); err != nil {
		return nil, err
	}
	return &j, nil
}

// DecodeProgress decodes and validates a progress envelope.
func DecodeProgress(b []byte) (*Progress, error) {
	var p Progress
	if err := decode(b, KindProgress, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// DecodeReply decodes and validates a reply envelope.
func DecodeReply(b []byte) (*Reply, error) {
	var r Reply
	if err := decode(b, KindReply, &r); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// DecodeManifest decodes and validates a manifest.
func DecodeManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := decode(b, KindManifest, &m); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

func decode(b []byte, kind string, v any) error {
	got, err := Peek(b)
	if err != nil {
		return err
	}
	if got != kind {
		return fmt.Errorf("%w: kind %q, want %q", ErrMalformed, got, kind)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, kind, jsonErr(err))
	}
	return nil
}

// jsonErr shortens a JSON error to its description. encoding/json errors do
// not quote the input's values, but a SyntaxError's offset is all a reader
// needs.
func jsonErr(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d: %v", se.Offset, se)
	}
	return err.Error()
}

// Encode sets the version and kind of an envelope (any type Decode
// returns) and marshals it.
func Encode(v any) ([]byte, error) {
	switch e := v.(type) {
	case *Job:
		e.V, e.Kind = Version, KindJob
	case *Progress:
		e.V, e.Kind = Version, KindProgress
	case *Reply:
		e.V, e.Kind = Version, KindReply
	case *Manifest:
		e.V, e.Kind = Version, KindManifest
	case *PartJob:
		e.V, e.Kind = Version, KindPart
	case *PartPlan:
		e.V, e.Kind = Version, KindPartPlan
	case *PartResult:
		e.V, e.Kind = Version, KindPartResult
	default:
		return nil, fmt.Errorf("protocol: Encode: %T is not an envelope", v)
	}
	return json.Marshal(v)
}
