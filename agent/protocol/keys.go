package protocol

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
)

// Blob keys shared by the CLI and the agents. One place defines them so the
// two sides cannot drift apart.

// FleetPublicKeyKey is where agents publish the public key the CLI seals
// credentials to.
const FleetPublicKeyKey = "fleet/public-key"

// ManifestKey is the manifest of job id; written create-if-absent.
func ManifestKey(jobID string) string { return "jobs/" + jobID + "/manifest.json" }

// FailureKey holds the final reply of a job that ended without a script
// (failed or canceled), written create-if-absent, so that `mssqldump wait
// JOBID` learns the outcome after the CLI that submitted the job is gone.
// A manifest, when there is one, takes precedence.
func FailureKey(jobID string) string { return "jobs/" + jobID + "/failure.json" }

// CancelKey exists once the user canceled job id (first Ctrl-C).
func CancelKey(jobID string) string { return "jobs/" + jobID + "/cancel" }

// ClaimKey holds the SHA-256 of the first job envelope seen with this id,
// written create-if-absent before any work. A different envelope with the
// same id finds it and is dead-lettered ("job id reused"), so it can
// neither replace nor race the first job's result.
func ClaimKey(jobID string) string { return "jobs/" + jobID + "/claim" }

// ObjectKey is the key of the stored script of one attempt by one agent:
// attempt and writer (an agent id plus a random token, see WriterToken)
// both appear, so no two agents ever write, or delete, the same object.
func ObjectKey(jobID string, attempt int, writer, format, compress string) string {
	ext := "sql"
	if format == "zip" {
		ext = "zip"
	}
	switch compress {
	case "zstd":
		ext += ".zst"
	case "gzip":
		ext += ".gz"
	}
	return fmt.Sprintf("jobs/%s/attempt-%d-%s/dump.%s", jobID, attempt, writer, ext)
}

// WriterToken names one agent process for ObjectKey: its id reduced to
// key-safe characters (at most 40) and 8 random hex digits, so that two
// agents configured with the same id still never share a key. The agent
// appends its worker number.
func WriterToken(agentID string) string {
	var b strings.Builder
	for _, r := range agentID {
		if b.Len() >= 40 {
			break
		}
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		b.WriteString("agent")
	}
	var rnd [4]byte
	_, _ = rand.Read(rnd[:])
	return b.String() + "-" + hex.EncodeToString(rnd[:])
}
