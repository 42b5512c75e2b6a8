package client

import (
	"errors"
	"fmt"
)

// Errors the client returns. cmd/internal/exitcode maps them onto exit codes;
// nothing else should interpret them.
var (
	// ErrIntegrity: the downloaded script does not match the manifest's
	// SHA-256 (or size). Nothing was written to the result file.
	ErrIntegrity = errors.New("integrity check failed")
	// ErrTimeout: the job's deadline passed before a result arrived.
	ErrTimeout = errors.New("timed out")
	// ErrInterrupted: the user interrupted the CLI (Ctrl-C); the remote job
	// was asked to cancel.
	ErrInterrupted = errors.New("interrupted")
	// ErrNoFleetKey: -u/-p were given but no agent has published the fleet
	// public key, so the password cannot be sealed for the agents.
	ErrNoFleetKey = errors.New("no agent fleet public key published")
)

// JobError is a job that an agent answered with status "failed" (or
// "canceled"). Code is one of the protocol.ErrCode* values.
type JobError struct {
	JobID   string
	Status  string
	Code    string
	Message string
}

func (e *JobError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("job %s %s: %s", e.JobID, e.Status, e.Code)
	}
	return fmt.Sprintf("job %s %s (%s): %s", e.JobID, e.Status, e.Code, e.Message)
}
