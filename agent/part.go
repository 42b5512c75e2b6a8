package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
)

// PartSource is a Source that can also read one part of a dump the fleet
// shares (protocol.PartJob). An agent whose Source is not one terms part
// jobs; their coordinator reads them itself once their deadline passes.
type PartSource interface {
	// DumpPart writes the part's rows to w as the scripter's row records
	// (scripter/data), encoded with the parent job's options, and returns
	// how many rows it wrote and the digest of the column list it encoded
	// them with. Errors are as Dump's.
	DumpPart(ctx context.Context, req *PartRequest, w io.Writer) (*PartStats, error)
}

// PartRequest is one admitted part as a PartSource sees it.
type PartRequest struct {
	// Job is the parent job (its target as its sealed login binds it).
	Job *protocol.Job
	// Plan is the coordinator's plan, Part the index of the part to read:
	// Plan.Parts[Part] in Plan.Snapshot.
	Plan     *protocol.PartPlan
	Part     int
	User     string
	Password string
}

// String never shows the password.
func (r *PartRequest) String() string {
	id := ""
	if r.Job != nil {
		id = r.Job.ID
	}
	return fmt.Sprintf("PartRequest{Job:%s Part:%d User:%q Password:<hidden>}", id, r.Part, r.User)
}

// GoString hides the password from %#v too.
func (r *PartRequest) GoString() string { return r.String() }

// PartStats is what a PartSource read.
type PartStats struct {
	Rows          int64
	ColumnsSHA256 string
}

// partRun is one attempt at one part job. It never replies: the parent's
// reply address is the CLI's, which waits for the coordinator only.
type partRun struct {
	a         *Agent
	d         *broker.Delivery
	part      *protocol.PartJob
	parent    *protocol.Job
	plan      *protocol.PartPlan
	log       *slog.Logger
	worker    int
	parentSHA string
	sealed    *seal.Credentials
	stop      func() // the heartbeat's, once it runs
	took      bool   // this attempt wrote the part's taken marker
}

// processPart runs the steps of one part job and returns its outcome.
func (a *Agent) processPart(workCtx context.Context, d *broker.Delivery, worker int) string {
	part, parent, err := protocol.DecodePartJob(d.Body())
	if err != nil {
		return a.reject(workCtx, d, err)
	}
	log := a.log.With("job", part.ParentID, "part", part.Part, "attempt", d.Attempt(),
		"database", parent.Database, "server", ServerAddr(parent.Server))
	r := &partRun{a: a, d: d, part: part, parent: parent, log: log, worker: worker,
		parentSHA: protocol.JobSHA256(part.Parent)}
	log.Info("part job received")
	if outcome := r.admit(workCtx); outcome != "" {
		return outcome
	}
	return r.read(workCtx)
}

// admit runs the checks a part passes before the agent connects anywhere:
// those of its parent as a job (sealed login bound to the parent, the
// agent's policy), then that an agent claimed the parent with exactly the
// envelope the part carries, and that the part is in the plan stored at
// its token. It returns the outcome when the part ends here.
func (r *partRun) admit(ctx context.Context) string {
	a, parent := r.a, r.parent
	if len(parent.Credentials.Sealed) > 0 {
		creds, err := a.openSealed(parent)
		var ce *CredentialError
		switch {
		case errors.Is(err, protocol.ErrBindingMismatch), errors.As(err, &ce):
			return r.deadLetter(err.Error())
		case err != nil:
			return r.transient(err)
		}
		r.sealed = creds
		b := creds.Binding
		parent.Server.Host, parent.Server.Port, parent.Server.Instance, parent.Database = b.Host, b.Port, b.Instance, b.Database
	}
	if outcome := r.checkClaim(ctx); outcome != "" {
		return outcome
	}
	if outcome := r.checkPlan(ctx); outcome != "" {
		return outcome
	}
	if reason := a.refusal(parent); reason != "" {
		return r.deadLetter(reason)
	}
	if time.Now().After(r.part.Deadline) {
		return r.done(outcomeExpired, "the part's deadline passed: its coordinator reads it")
	}
	return r.answeredBefore(ctx)
}

// checkClaim accepts a part only of a parent an agent claimed with the
// envelope the part carries: a publisher cannot make up a parent (its
// claim is missing) nor alter a real one (its digest differs).
func (r *partRun) checkClaim(ctx context.Context) string {
	owner, err := r.a.cfg.Bucket.ReadAll(ctx, protocol.ClaimKey(r.parent.ID))
	switch {
	case errors.Is(err, blob.ErrNotFound):
		return r.deadLetter("part of job " + r.parent.ID + ", which no agent took")
	case err != nil:
		return r.transient(fmt.Errorf("read the parent's claim: %w", err))
	case strings.TrimSpace(string(owner)) != r.parentSHA:
		return r.deadLetter("part of job " + r.parent.ID + " carries another envelope than the one an agent took")
	}
	return ""
}

// checkPlan reads the plan at the part's token and checks the part is in
// it. A token nobody planned (guessed, or another job's) finds nothing.
func (r *partRun) checkPlan(ctx context.Context) string {
	body, err := r.a.cfg.Bucket.ReadAll(ctx, protocol.PlanKey(r.parent.ID, r.part.Token))
	switch {
	case errors.Is(err, blob.ErrNotFound):
		return r.deadLetter("no plan of job " + r.parent.ID + " at the part's token")
	case err != nil:
		return r.transient(fmt.Errorf("read the plan: %w", err))
	}
	plan, err := protocol.DecodePartPlan(body)
	if err != nil {
		return r.deadLetter("the plan is unreadable: " + err.Error())
	}
	if err := r.part.CheckPlan(plan, protocol.JobSHA256(body), r.parent); err != nil {
		return r.deadLetter(err.Error())
	}
	r.plan = plan
	return ""
}

// answeredBefore ends a part that needs no reading any more: read before
// (a replay or redelivery), its dump finished, or canceled.
func (r *partRun) answeredBefore(ctx context.Context) string {
	b := r.a.cfg.Bucket
	for _, c := range []struct{ key, outcome, why string }{
		{protocol.PartResultKey(r.parent.ID, r.part.Token, r.part.Part), outcomeAlreadyDone, "the part was read before"},
		{protocol.ManifestKey(r.parent.ID), outcomeAlreadyDone, "the job is done"},
		{protocol.CancelKey(r.parent.ID), outcomeCanceled, "the job was canceled"},
	} {
		ok, err := b.Exists(ctx, c.key)
		if err != nil {
			return r.transient(fmt.Errorf("check %s: %w", c.key, err))
		}
		if ok {
			return r.done(c.outcome, c.why)
		}
	}
	return ""
}

// deadLetter terms a part that must not run, before any network contact,
// and records nothing: the parent's id may be someone else's.
func (r *partRun) deadLetter(reason string) string {
	r.log.Error("part job dead-lettered", "reason", reason)
	r.settle("term", func(c context.Context) error { return r.d.Term(c, reason) })
	return outcomeDeadLetter
}

// done acks a part that needs no more work.
func (r *partRun) done(outcome, why string) string {
	r.log.Info("part job ends: "+why, "outcome", outcome)
	r.settle("ack", r.d.Ack)
	return outcome
}

// transient hands the part back for a later attempt, or on its last one
// terms it: its coordinator reads it itself.
func (r *partRun) transient(err error) string {
	if r.d.Attempt() >= r.a.cfg.MaxAttempts {
		r.log.Error("part failed on its last attempt; its coordinator reads it", "err", err)
		r.release(context.Background())
		r.settle("term", func(c context.Context) error { return r.d.Term(c, err.Error()) })
		return outcomeFailed
	}
	delay := r.a.retryDelay(r.d.Attempt())
	r.log.Warn("transient failure; the part will be retried", "err", err, "retry_in", delay)
	r.settle("nack", func(c context.Context) error { return r.d.Nack(c, delay) })
	return outcomeRetried
}

func (r *partRun) settle(op string, fn func(context.Context) error) {
	if r.stop != nil {
		r.stop()
	}
	r.a.settle(r.d, r.log, op, fn)
}
