package protocol

import "fmt"

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

// ObjectKey is the attempt-scoped key of the stored script, so that two
// attempts racing on one job never overwrite each other's object.
func ObjectKey(jobID string, attempt int, format, compress string) string {
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
	return fmt.Sprintf("jobs/%s/attempt-%d/dump.%s", jobID, attempt, ext)
}
