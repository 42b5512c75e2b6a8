package agent

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
)

// read reads an admitted part into its records object and records its
// result. The part runs under the parent's deadline and the part's, its
// lease kept by the heartbeat, which also stops it when the parent is
// canceled.
func (r *partRun) read(workCtx context.Context) string {
	ps, ok := r.a.cfg.Source.(PartSource)
	if !ok {
		return r.deadLetter("this agent's source cannot read parts")
	}
	if outcome := r.take(workCtx); outcome != "" {
		return outcome
	}
	jobCtx, cancel := context.WithCancelCause(workCtx)
	defer cancel(nil)
	jobCtx, cancelDeadline := context.WithDeadlineCause(jobCtx, r.part.Deadline, errExpired)
	defer cancelDeadline()
	r.stop = r.a.heartbeat(workCtx, cancel, r.d, r.parent, r.log)
	defer r.stop() // idempotent; normally stopped in settle

	res, err := r.store(jobCtx, ps)
	if err != nil {
		return r.readFailed(workCtx, jobCtx, err)
	}
	return r.record(workCtx, res)
}

// take marks the part as this reader's (create-if-absent). A part
// another reader took, the coordinator included, is acked unread; if that
// reader dies, the coordinator reads the part itself at the plan's
// deadline. A later delivery of the same part job takes over from an
// earlier attempt's reader (it failed, or its lease ended).
func (r *partRun) take(ctx context.Context) string {
	p, b := r.part, r.a.cfg.Bucket
	key := protocol.PartTakenKey(p.ParentID, p.Token, p.Part)
	mark := r.mark()
	opts := &blob.WriterOptions{IfNotExists: true, ContentType: "text/plain"}
	err := b.WriteAll(ctx, key, mark, opts)
	if errors.Is(err, blob.ErrExists) {
		var holder string
		var attempt int
		old, rerr := b.ReadAll(ctx, key)
		if rerr != nil {
			return r.transient(fmt.Errorf("read the part's taken marker: %w", rerr))
		}
		if _, serr := fmt.Sscanf(string(old), "%s attempt %d", &holder, &attempt); serr != nil || attempt >= r.d.Attempt() {
			return r.done(outcomeAlreadyDone, "another reader took the part")
		}
		r.log.Info("taking the part over from an earlier attempt", "from", holder, "from_attempt", attempt)
		err = b.WriteAll(ctx, key, mark, &blob.WriterOptions{ContentType: "text/plain"})
	}
	if err != nil {
		return r.transient(fmt.Errorf("take the part: %w", err))
	}
	r.took = true
	return ""
}

// mark is this attempt's taken marker.
func (r *partRun) mark() []byte {
	return []byte(fmt.Sprintf("%s attempt %d\n", r.a.writerFor(r.worker), r.d.Attempt()))
}

// release deletes this attempt's taken marker of a part it failed for
// good: its coordinator, which looks for the marker while it waits, then
// takes and reads the part at once instead of waiting for the plan's
// deadline for records that never come. A marker another reader wrote
// since is left alone.
func (r *partRun) release(workCtx context.Context) {
	if !r.took {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(workCtx), finishTimeout)
	defer cancel()
	b, p := r.a.cfg.Bucket, r.part
	key := protocol.PartTakenKey(p.ParentID, p.Token, p.Part)
	if old, err := b.ReadAll(ctx, key); err != nil || string(old) != string(r.mark()) {
		return
	}
	if err := b.Delete(ctx, key); err != nil && !errors.Is(err, blob.ErrNotFound) {
		r.log.Warn("could not release the part; its coordinator reads it at the plan's deadline", "err", err)
	}
}

// login is the parent's login, found as run.login finds a job's.
func (r *partRun) login(ctx context.Context) (user, password string, err error) {
	if r.sealed != nil {
		return r.sealed.User, r.sealed.Password, nil
	}
	if r.parent.Credentials.Ref != "" || !protocol.UsesOwnIdentity(r.parent.Server.Authentication) {
		return r.a.credentialsFor(ctx, r.parent)
	}
	return "", "", nil
}

// store runs ps for the part into a new zstd object at the part's own key
// and commits it only when the part was read whole.
func (r *partRun) store(jobCtx context.Context, ps PartSource) (*protocol.PartResult, error) {
	user, password, err := r.login(jobCtx)
	if err != nil {
		return nil, err
	}
	p := r.part
	key := protocol.PartObjectKey(p.ParentID, p.Token, p.Part, r.d.Attempt(), r.a.writerFor(r.worker), protocol.CompressZstd)
	wctx, abortUpload := context.WithCancel(jobCtx)
	defer abortUpload()
	bw, err := r.a.cfg.Bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: "application/zstd"})
	if err != nil {
		return nil, fmt.Errorf("start upload: %w", err)
	}
	pl, err := newPipeline(bw, protocol.CompressZstd)
	if err != nil {
		abortUpload()
		_ = bw.Close()
		return nil, err
	}
	req := &PartRequest{Job: r.parent, Plan: r.plan, Part: p.Part, User: user, Password: password}
	st, err := ps.DumpPart(jobCtx, req, pl)
	if err == nil {
		err = pl.Close()
	} else {
		abortUpload()
		pl.abort()
	}
	if err == nil {
		err = context.Cause(jobCtx) // cut short without the source noticing: never commit
	}
	if err != nil {
		abortUpload()
		_ = bw.Close()
		return nil, redactErr(err, password)
	}
	if err := bw.Close(); err != nil {
		return nil, fmt.Errorf("commit %s: %w", key, err)
	}
	if st == nil {
		st = &PartStats{}
	}
	return &protocol.PartResult{ParentID: p.ParentID, Token: p.Token, Part: p.Part, PlanSHA256: p.PlanSHA256,
		Attempt: r.d.Attempt(), AgentID: r.a.cfg.AgentID, Object: key, SHA256: pl.SHA256(), Size: pl.Size(),
		StoredSize: bw.Written(), Compress: protocol.CompressZstd, Rows: st.Rows, ColumnsSHA256: st.ColumnsSHA256,
		Counts: protocol.Counts{Tables: 1, Rows: st.Rows, Bytes: pl.Size()}, Finished: time.Now().UTC()}, nil
}

// record writes the part's result create-if-absent: the first reader
// wins, and a later one deletes its own records.
func (r *partRun) record(workCtx context.Context, res *protocol.PartResult) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(workCtx), finishTimeout)
	defer cancel()
	body, err := protocol.Encode(res)
	if err == nil {
		err = r.a.cfg.Bucket.WriteAll(ctx, protocol.PartResultKey(res.ParentID, res.Token, res.Part), body,
			&blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
	}
	if err == nil {
		r.log.Info("part read", "object", res.Object, "rows", res.Rows, "size", res.Size, "sha256", res.SHA256)
		r.settle("ack", r.d.Ack)
		return outcomeOK
	}
	if derr := r.a.cfg.Bucket.Delete(ctx, res.Object); derr != nil && !errors.Is(derr, blob.ErrNotFound) {
		r.log.Warn("could not delete this attempt's unused records", "object", res.Object, "err", derr)
	}
	if errors.Is(err, blob.ErrExists) {
		return r.done(outcomeAlreadyDone, "another reader recorded the part first")
	}
	return r.transient(fmt.Errorf("write the part result: %w", err))
}

// readFailed answers a part whose reading returned err, as run.dumpFailed
// answers a job, but never replies: a final failure terms the part and
// its coordinator reads it itself (and reports what it meets).
func (r *partRun) readFailed(workCtx, jobCtx context.Context, err error) string {
	switch cause := context.Cause(jobCtx); {
	case errors.Is(cause, errLeaseLost):
		r.stop()
		r.a.metrics.leaseLost.Inc()
		r.log.Warn("lease lost; the part is redelivered to another agent", "err", err)
		return outcomeAbandoned
	case errors.Is(cause, errCanceled):
		return r.done(outcomeCanceled, "the job was canceled")
	case errors.Is(cause, errExpired):
		return r.done(outcomeExpired, "the part's deadline passed while reading: its coordinator reads it")
	case workCtx.Err() != nil:
		r.log.Warn("agent shutting down: handing the part back", "err", err)
		r.settle("nack", func(c context.Context) error { return r.d.Nack(c, 0) })
		return outcomeDrained
	}
	var de *DumpError
	var ce *CredentialError
	switch {
	case errors.As(err, &de):
		r.log.Warn("part failed", "code", de.Code, "err", de.Message)
		r.release(workCtx)
		r.settle("term", func(c context.Context) error { return r.d.Term(c, de.Message) })
		return outcomeFailed
	case errors.As(err, &ce):
		r.release(workCtx)
		r.settle("term", func(c context.Context) error { return r.d.Term(c, ce.Error()) })
		return outcomeFailed
	}
	return r.transient(err)
}
