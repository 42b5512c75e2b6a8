package agent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
)

// admit runs the checks a job passes before the agent connects anywhere,
// in this order: its sealed credentials are for this very job, its id is
// not reused, its deadline has not passed, it is not already done or
// canceled, and this agent's policy allows it. It returns the outcome
// when the job ends here, "" when the dump may start.
func (r *run) admit(workCtx context.Context) string {
	job := r.job
	// Nothing below may touch the network for a job that is not what its
	// sealed credentials were made for, or that reuses another job's id.
	if len(job.Credentials.Sealed) > 0 {
		if outcome := r.openCredentials(workCtx); outcome != "" {
			return outcome
		}
	}
	if reused, err := r.claim(workCtx); err != nil {
		return r.transient(workCtx, fmt.Errorf("claim job id: %w", err))
	} else if reused {
		return r.deadLetter(workCtx, "job id reused: another, different job was already submitted with id "+job.ID)
	}
	if !job.Deadline.IsZero() && time.Now().After(job.Deadline) {
		return r.fail(workCtx, outcomeExpired, protocol.ErrCodeExpired,
			fmt.Sprintf("the job's deadline %s passed before an agent started it", job.Deadline.UTC().Format(time.RFC3339)))
	}
	if outcome := r.answeredBefore(workCtx); outcome != "" {
		return outcome
	}
	if reason := r.a.refusal(job); reason != "" {
		r.log.Warn("job refused by this agent's policy", "reason", reason)
		return r.fail(workCtx, outcomeFailed, protocol.ErrCodeNotAllowed, reason)
	}
	return ""
}

// openCredentials opens the job's sealed login and checks it was sealed
// for this job. It returns the outcome when the job ends here.
func (r *run) openCredentials(workCtx context.Context) string {
	job := r.job
	creds, err := r.a.openSealed(job)
	var ce *CredentialError
	switch {
	case errors.Is(err, protocol.ErrBindingMismatch):
		return r.deadLetter(workCtx, err.Error())
	case errors.As(err, &ce):
		r.log.Warn("credentials unusable", "err", ce.Error())
		return r.fail(workCtx, outcomeFailed, protocol.ErrCodeInvalidJob, ce.Error())
	case err != nil:
		return r.transient(workCtx, err)
	}
	r.sealed = creds
	// Connect to the target sealed by the user, not the envelope's
	// copy of it (they are equal up to the case of names).
	b := creds.Binding
	job.Server.Host, job.Server.Port, job.Server.Instance, job.Database = b.Host, b.Port, b.Instance, b.Database
	return ""
}

// answeredBefore answers a job another attempt already finished (from its
// manifest) or the user canceled. It returns the outcome when the job
// ends here.
func (r *run) answeredBefore(workCtx context.Context) string {
	job := r.job
	if m, err := r.a.readManifest(workCtx, job.ID); err == nil {
		if m.JobSHA256 != "" && m.JobSHA256 != r.jobSHA256 {
			return r.deadLetter(workCtx, "job id reused: the stored result of job "+job.ID+" answers a different job")
		}
		r.log.Info("job already done; answering from its manifest", "object", m.Object, "by_attempt", m.Attempt)
		return r.succeed(workCtx, m, outcomeAlreadyDone)
	} else if !errors.Is(err, blob.ErrNotFound) {
		return r.transient(workCtx, fmt.Errorf("read manifest: %w", err))
	}
	if canceled, err := r.a.cfg.Bucket.Exists(workCtx, protocol.CancelKey(job.ID)); err != nil {
		return r.transient(workCtx, fmt.Errorf("check cancel marker: %w", err))
	} else if canceled {
		return r.canceled(workCtx)
	}
	return ""
}
