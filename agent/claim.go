package agent

import (
	"context"
	"errors"
	"strings"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
)

// claim records the envelope's digest as the owner of its job id
// (create-if-absent) and reports whether the id already belongs to a
// different envelope. A redelivery or a byte-identical replay of the same
// job finds its own digest and goes on.
func (r *run) claim(ctx context.Context) (reused bool, err error) {
	b := r.a.cfg.Bucket
	key := protocol.ClaimKey(r.job.ID)
	err = b.WriteAll(ctx, key, []byte(r.jobSHA256+"\n"), &blob.WriterOptions{IfNotExists: true, ContentType: "text/plain"})
	if err == nil {
		return false, nil
	}
	if !errors.Is(err, blob.ErrExists) {
		return false, err
	}
	owner, err := b.ReadAll(ctx, key)
	if err != nil {
		return false, err
	}
	return strings.TrimSpace(string(owner)) != r.jobSHA256, nil
}

// deadLetter ends a job that must not run at all (altered or reused),
// before any network contact: it tells the envelope's reply address why,
// records nothing under the job id (the id may be someone else's), and
// terms the message so an operator finds it with its reason.
func (r *run) deadLetter(ctx context.Context, reason string) string {
	r.log.Error("job dead-lettered", "reason", reason)
	rep := &protocol.Reply{JobID: r.job.ID, Attempt: r.d.Attempt(), Status: protocol.StatusFailed,
		Error: &protocol.Error{Code: protocol.ErrCodeInvalidJob, Message: "the agent rejected the job: " + reason}}
	if err := r.a.reply(ctx, r.job.ReplyTo, rep); err != nil {
		r.log.Warn("could not tell the CLI", "err", err)
	}
	r.settle("term", func(c context.Context) error { return r.d.Term(c, reason) })
	return outcomeDeadLetter
}
