package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/scripter"
)

// Causes of a job context's cancellation.
var (
	errLeaseLost = errors.New("lease lost: another agent may be working on the job")
	errCanceled  = errors.New("canceled by the user")
	errExpired   = errors.New("the job's deadline passed")
)

// Time limits of the steps after the dump, which must not be cut short by
// the job's own cancellation: a finished dump is worth recording.
const (
	finishTimeout = 30 * time.Second
	settleTimeout = 10 * time.Second
	replyTimeout  = 20 * time.Second
)

// handle processes one delivery and records its outcome.
func (a *Agent) handle(workCtx context.Context, d *broker.Delivery, worker int) {
	start := time.Now()
	a.metrics.inFlight.Inc()
	outcome := a.process(workCtx, d, worker)
	// The job leaves in_flight and gets its duration before it is counted,
	// so a scrape that sees it in jobs_total sees all of it.
	a.metrics.inFlight.Dec()
	a.metrics.duration.WithLabelValues(outcome).Observe(time.Since(start).Seconds())
	a.metrics.jobs.WithLabelValues(outcome).Inc()
}

// process runs the steps of one job and returns its outcome. Every path
// settles the delivery exactly once, except a lost lease, where the message
// is no longer ours to settle.
func (a *Agent) process(workCtx context.Context, d *broker.Delivery, worker int) string {
	if kind, err := protocol.Peek(d.Body()); err == nil && kind == protocol.KindPart {
		return a.processPart(workCtx, d, worker)
	}
	job, err := protocol.DecodeJob(d.Body())
	if err != nil {
		return a.reject(workCtx, d, err)
	}
	log := a.log.With("job", job.ID, "attempt", d.Attempt(), "database", job.Database, "server", ServerAddr(job.Server))
	r := &run{a: a, d: d, job: job, log: log, start: time.Now(), worker: worker, jobSHA256: protocol.JobSHA256(d.Body())}
	return r.do(workCtx)
}

// reject handles a message that is not a valid job. Retrying cannot fix it,
// so it is dead-lettered at once (the agent keeps serving). A message from a
// newer CLI (another envelope version) is different: during a rolling
// upgrade a newer agent can take it, so it is handed back until its last
// attempt.
func (a *Agent) reject(ctx context.Context, d *broker.Delivery, err error) string {
	log := a.log.With("message", d.ID(), "attempt", d.Attempt())
	if errors.Is(err, protocol.ErrUnsupportedVersion) && d.Attempt() < a.cfg.MaxAttempts {
		log.Warn("job envelope of another version; handing it back for an agent that speaks it", "err", err)
		a.settle(d, log, "nack", func(c context.Context) error { return d.Nack(c, a.retryDelay(d.Attempt())) })
		return outcomeRetried
	}
	reason := err.Error()
	log.Error("poison message: dead-lettering it", "err", reason)
	// Tell the waiting CLI, when the envelope says where it waits.
	var head struct {
		ID      string `json:"id"`
		ReplyTo string `json:"reply_to"`
	}
	if json.Unmarshal(d.Body(), &head) == nil && head.ReplyTo != "" && protocol.ValidateJobID(head.ID) == nil {
		rep := &protocol.Reply{JobID: head.ID, Attempt: d.Attempt(), Status: protocol.StatusFailed,
			Error: &protocol.Error{Code: protocol.ErrCodeInvalidJob, Message: "the agent rejected the job: " + reason}}
		if err := a.reply(ctx, head.ReplyTo, rep); err != nil {
			log.Warn("could not tell the CLI", "err", err)
		}
	}
	a.settle(d, log, "term", func(c context.Context) error { return d.Term(c, reason) })
	return outcomeDeadLetter
}

// run is one attempt at one job.
type run struct {
	a     *Agent
	d     *broker.Delivery
	job   *protocol.Job
	log   *slog.Logger
	start time.Time
	// worker is the number of the worker running the job (part of the
	// object key), jobSHA256 the digest of the envelope as received.
	worker    int
	jobSHA256 string
	// sealed is the opened sealed login, once its binding was checked.
	sealed *seal.Credentials
	// stopHeartbeat, once the heartbeat runs, is called right before the
	// delivery is settled: the lease is kept through the manifest write
	// and the reply, however long a restarting broker makes them.
	stopHeartbeat func()
}

func (r *run) do(workCtx context.Context) string {
	a, job := r.a, r.job
	r.log.Info("job received")
	if outcome := r.admit(workCtx); outcome != "" {
		return outcome
	}

	jobCtx, cancel := context.WithCancelCause(workCtx)
	defer cancel(nil)
	if !job.Deadline.IsZero() {
		var cancelDeadline context.CancelFunc
		jobCtx, cancelDeadline = context.WithDeadlineCause(jobCtx, job.Deadline, errExpired)
		defer cancelDeadline()
	}
	r.stopHeartbeat = a.heartbeat(workCtx, cancel, r.d, job, r.log)
	defer r.stopHeartbeat() // idempotent; normally stopped in settle

	m, err := r.dump(jobCtx, workCtx)
	if err != nil {
		return r.dumpFailed(workCtx, jobCtx, err)
	}
	r.log.Info("dump finished", "object", m.Object, "size", m.Size, "stored_size", m.StoredSize,
		"sha256", m.SHA256, "duration", time.Since(r.start).Round(time.Millisecond))
	return r.succeed(workCtx, m, outcomeOK)
}

// dumpFailed answers a dump that returned err: the job context's cause
// first (lease lost, canceled, expired, shutting down), then the dump's
// own final answers, else a later attempt.
func (r *run) dumpFailed(workCtx, jobCtx context.Context, err error) string {
	switch cause := context.Cause(jobCtx); {
	case errors.Is(cause, errLeaseLost):
		r.stopHeartbeat()
		r.a.metrics.leaseLost.Inc()
		r.log.Warn("lease lost; work stopped, the job is redelivered to another agent", "err", err)
		return outcomeAbandoned
	case errors.Is(cause, errCanceled):
		return r.canceled(workCtx)
	case errors.Is(cause, errExpired):
		return r.fail(workCtx, outcomeExpired, protocol.ErrCodeExpired,
			fmt.Sprintf("the job's deadline %s passed while dumping", r.job.Deadline.UTC().Format(time.RFC3339)))
	case workCtx.Err() != nil:
		r.log.Warn("agent shutting down: handing the job back", "err", err)
		r.settle("nack", func(c context.Context) error { return r.d.Nack(c, 0) })
		return outcomeDrained
	}
	var de *DumpError
	if errors.As(err, &de) {
		r.log.Warn("dump failed", "code", de.Code, "err", de.Message)
		return r.fail(workCtx, outcomeFailed, de.Code, de.Message)
	}
	var ce *CredentialError
	if errors.As(err, &ce) {
		r.log.Warn("credentials unusable", "err", ce.Error())
		return r.fail(workCtx, outcomeFailed, protocol.ErrCodeInvalidJob, ce.Error())
	}
	return r.transient(workCtx, err)
}

// login is the user and password the job runs with: the sealed login when
// the CLI sealed one (bound to this job's target, checked before), else the
// agent's own credentials for the job, else none (a sign-in with the
// agent's own identity, such as a managed identity).
func (r *run) login(ctx context.Context) (user, password string, err error) {
	job := r.job
	if r.sealed != nil {
		return r.sealed.User, r.sealed.Password, nil
	}
	if job.Credentials.Ref != "" || !protocol.UsesOwnIdentity(job.Server.Authentication) {
		return r.a.credentialsFor(ctx, job)
	}
	return "", "", nil
}

// dump resolves credentials and streams the script to the blob store. It
// returns the manifest that now stands for the job: its own, or the winner's
// when another attempt finished first.
func (r *run) dump(jobCtx, workCtx context.Context) (*protocol.Manifest, error) {
	a, job := r.a, r.job
	if job.Repo != "" {
		return r.backup(jobCtx, workCtx)
	}
	user, password, err := r.login(jobCtx)
	if err != nil {
		return nil, err
	}
	format := job.Options.Format
	if format == "" {
		format = "sql"
	}
	compress := job.CompressOrDefault()
	key := protocol.ObjectKey(job.ID, r.d.Attempt(), a.writerFor(r.worker), format, compress)
	req := &DumpRequest{Job: job, User: user, Password: password}
	if job.FleetParts {
		co := newCoordinator(r)
		req.Fleet = co
		defer co.close(workCtx)
	}
	st, err := r.store(jobCtx, workCtx, req, key, format, compress)
	if err != nil {
		return nil, err
	}
	m := &protocol.Manifest{
		JobID: job.ID, Attempt: r.d.Attempt(), AgentID: a.cfg.AgentID,
		Object: key, SHA256: st.sha256, Size: st.size, StoredSize: st.storedSize,
		Compress: compress, Format: format, Finished: time.Now().UTC(), Stats: protocol.StatsFrom(*st.stats),
		JobSHA256: r.jobSHA256,
	}
	a.metrics.bytes.Add(float64(m.Size))
	a.metrics.storedBytes.Add(float64(m.StoredSize))
	return a.recordManifest(workCtx, m, r.log)
}

// stored is what store committed.
type stored struct {
	stats            *scripter.Stats // never nil
	sha256           string          // hex digest of the uncompressed script
	size, storedSize int64
}

// store runs the Source for req into a new object at key, compressed with
// compress, reporting progress, and commits the object only when the dump
// finished whole: a failed or cut-short dump leaves nothing at key.
func (r *run) store(jobCtx, workCtx context.Context, req *DumpRequest, key, format, compress string) (*stored, error) {
	a := r.a
	// The writer has its own cancel so that a failed dump aborts the upload
	// (nothing is left at key) even when jobCtx is still alive.
	wctx, abortUpload := context.WithCancel(jobCtx)
	defer abortUpload()
	bw, err := a.cfg.Bucket.NewWriter(wctx, key, &blob.WriterOptions{ContentType: contentType(format, compress)})
	if err != nil {
		return nil, fmt.Errorf("start upload: %w", err)
	}
	p, err := newPipeline(bw, compress)
	if err != nil {
		abortUpload()
		_ = bw.Close()
		return nil, err
	}
	prog := a.startProgress(workCtx, r, p)
	req.Progress = prog.update
	stats, err := a.cfg.Source.Dump(jobCtx, req, p)
	if err == nil {
		if err = p.Close(); err != nil {
			err = fmt.Errorf("finish compression: %w", err)
		}
	} else {
		// Cancel the upload first: the pipeline's goroutines may be
		// blocked writing into it, and abort waits for them.
		abortUpload()
		p.abort()
	}
	prog.stop()
	if err == nil {
		// A canceled job context means the dump was cut short even when
		// the Source did not notice: never commit it.
		err = context.Cause(jobCtx)
	}
	if err != nil {
		abortUpload()
		_ = bw.Close()
		return nil, redactErr(err, req.Password)
	}
	if err := bw.Close(); err != nil {
		return nil, fmt.Errorf("commit %s: %w", key, err)
	}
	if stats == nil {
		stats = &scripter.Stats{}
	}
	return &stored{stats: stats, sha256: p.SHA256(), size: p.Size(), storedSize: bw.Written()}, nil
}

// recordManifest writes m create-if-absent. When another attempt won, the
// winner's manifest is returned and this attempt's object is deleted.
func (a *Agent) recordManifest(workCtx context.Context, m *protocol.Manifest, log *slog.Logger) (*protocol.Manifest, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(workCtx), finishTimeout)
	defer cancel()
	body, err := protocol.Encode(m)
	if err != nil {
		return nil, err
	}
	err = a.cfg.Bucket.WriteAll(ctx, protocol.ManifestKey(m.JobID), body,
		&blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
	if err == nil {
		return m, nil
	}
	// Either way this attempt's object is not the job's result.
	defer func() {
		if derr := a.cfg.Bucket.Delete(ctx, m.Object); derr != nil && !errors.Is(derr, blob.ErrNotFound) {
			log.Warn("could not delete this attempt's unused object", "object", m.Object, "err", derr)
		}
	}()
	if !errors.Is(err, blob.ErrExists) {
		return nil, fmt.Errorf("write manifest: %w", err)
	}
	winner, rerr := a.readManifest(ctx, m.JobID)
	if rerr != nil {
		return nil, fmt.Errorf("another attempt wrote the manifest first, and reading it failed: %w", rerr)
	}
	log.Info("another attempt finished first; answering with its manifest", "winner_attempt", winner.Attempt, "winner_agent", winner.AgentID)
	return winner, nil
}

func (a *Agent) readManifest(ctx context.Context, jobID string) (*protocol.Manifest, error) {
	b, err := a.cfg.Bucket.ReadAll(ctx, protocol.ManifestKey(jobID))
	if err != nil {
		return nil, err
	}
	return protocol.DecodeManifest(b)
}

// succeed replies ok with m and acks.
func (r *run) succeed(ctx context.Context, m *protocol.Manifest, outcome string) string {
	rep := &protocol.Reply{JobID: r.job.ID, Attempt: r.d.Attempt(), Status: protocol.StatusOK, Result: m}
	return r.finish(ctx, rep, outcome)
}

// fail replies failed and acks: the job has its answer.
func (r *run) fail(ctx context.Context, outcome, code, msg string) string {
	rep := &protocol.Reply{JobID: r.job.ID, Attempt: r.d.Attempt(), Status: protocol.StatusFailed,
		Error: &protocol.Error{Code: code, Message: msg}}
	return r.finish(ctx, rep, outcome)
}

func (r *run) canceled(ctx context.Context) string {
	r.log.Info("job canceled by the user")
	rep := &protocol.Reply{JobID: r.job.ID, Attempt: r.d.Attempt(), Status: protocol.StatusCanceled,
		Error: &protocol.Error{Code: protocol.StatusCanceled, Message: "canceled by the user"}}
	return r.finish(ctx, rep, outcomeCanceled)
}

// finish sends the final reply, then acks. When the reply cannot be sent
// the job is handed back: the next attempt answers again (from the manifest
// when there is one).
//
// A reply the broker refuses for good (the inbox was deleted because the CLI
// went away, a malformed address) is not retried: the job is acked, and its
// result stays in the blob store for `mssqldump wait JOBID`.
func (r *run) finish(ctx context.Context, rep *protocol.Reply, outcome string) string {
	r.a.recordFailure(ctx, rep, r.log)
	if err := r.a.reply(ctx, r.job.ReplyTo, rep); err != nil {
		if errors.Is(err, broker.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
			r.log.Warn("final reply not sent; handing the job back", "err", err)
			r.settle("nack", func(c context.Context) error { return r.d.Nack(c, r.a.retryDelay(r.d.Attempt())) })
			return outcomeRetried
		}
		r.log.Warn("final reply cannot be delivered (is the CLI gone?); the result stays in the blob store", "err", err)
	}
	r.settle("ack", r.d.Ack)
	return outcome
}

// transient handles a failure that another attempt may not have: the job
// is handed back with a growing delay, or, on its last attempt, answered
// "failed" and dead-lettered.
func (r *run) transient(ctx context.Context, err error) string {
	code := protocol.ErrCodeInternal
	if isStorageErr(err) {
		code = protocol.ErrCodeStorage
	}
	if r.d.Attempt() >= r.a.cfg.MaxAttempts {
		r.log.Error("job failed on its last attempt", "code", code, "err", err)
		msg := fmt.Sprintf("failed after %d attempts: %v", r.d.Attempt(), err)
		rep := &protocol.Reply{JobID: r.job.ID, Attempt: r.d.Attempt(), Status: protocol.StatusFailed,
			Error: &protocol.Error{Code: code, Message: msg}}
		r.a.recordFailure(ctx, rep, r.log)
		if rerr := r.a.reply(ctx, r.job.ReplyTo, rep); rerr != nil {
			r.log.Warn("final reply not sent", "err", rerr)
		}
		r.settle("term", func(c context.Context) error { return r.d.Term(c, msg) })
		return outcomeFailed
	}
	delay := r.a.retryDelay(r.d.Attempt())
	r.log.Warn("transient failure; the job will be retried", "code", code, "err", err, "retry_in", delay)
	r.settle("nack", func(c context.Context) error { return r.d.Nack(c, delay) })
	return outcomeRetried
}

func (r *run) settle(op string, fn func(context.Context) error) {
	if r.stopHeartbeat != nil {
		r.stopHeartbeat()
	}
	r.a.settle(r.d, r.log, op, fn)
}

// settle acks, nacks or terms a delivery, with a few quick retries while
// the broker is unavailable (a restarting server). When it still fails the
// lease runs out and the message is redelivered, which every step tolerates.
func (a *Agent) settle(d *broker.Delivery, log *slog.Logger, op string, fn func(context.Context) error) {
	var err error
	for i := range 5 {
		ctx, cancel := context.WithTimeout(context.Background(), settleTimeout)
		err = fn(ctx)
		cancel()
		if err == nil || !errors.Is(err, broker.ErrUnavailable) {
			break
		}
		time.Sleep(time.Duration(i+1) * 500 * time.Millisecond)
	}
	if err != nil {
		log.Warn(op+" failed; the message will be redelivered when its lease runs out", "err", err)
	}
}

// retryDelay is the Nack delay after a failed attempt: RetryDelay doubled
// per attempt, at most MaxRetryDelay.
func (a *Agent) retryDelay(attempt int) time.Duration {
	d := a.cfg.RetryDelay
	for i := 1; i < attempt && d < MaxRetryDelay; i++ {
		d *= 2
	}
	return min(d, MaxRetryDelay)
}

// recordFailure stores a final non-ok reply at protocol.FailureKey, where
// `mssqldump wait` finds it once the submitting CLI and its inbox are gone.
// It is best effort: the reply itself is the primary channel, and the
// first recorded outcome wins.
func (a *Agent) recordFailure(ctx context.Context, rep *protocol.Reply, log *slog.Logger) {
	if rep.Status == protocol.StatusOK {
		return
	}
	body, err := protocol.Encode(rep)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
		defer cancel()
		err = a.cfg.Bucket.WriteAll(ctx, protocol.FailureKey(rep.JobID), body,
			&blob.WriterOptions{IfNotExists: true, ContentType: "application/json"})
	}
	if err != nil && !errors.Is(err, blob.ErrExists) {
		log.Warn("failure record not stored; `mssqldump wait` will not see this outcome", "err", err)
	}
}

// reply sends an envelope to a reply inbox, retrying while the broker is
// unavailable. An empty address (a job nobody waits for) sends nothing.
func (a *Agent) reply(ctx context.Context, address string, rep *protocol.Reply) error {
	if address == "" {
		return nil
	}
	body, err := protocol.Encode(rep)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), replyTimeout)
	defer cancel()
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		err = a.cfg.Queue.Reply(ctx, address, body)
		if err == nil {
			a.metrics.replies.WithLabelValues("reply", "ok").Inc()
			return nil
		}
		if !errors.Is(err, broker.ErrUnavailable) {
			break
		}
		select {
		case <-ctx.Done():
			a.metrics.replies.WithLabelValues("reply", "error").Inc()
			return err
		case <-time.After(wait):
		}
	}
	a.metrics.replies.WithLabelValues("reply", "error").Inc()
	return err
}

func isStorageErr(err error) bool {
	for _, s := range []error{blob.ErrUnavailable, blob.ErrPermission, blob.ErrNotFound, blob.ErrClosed, blob.ErrInvalidKey} {
		if errors.Is(err, s) {
			return true
		}
	}
	var be *blob.Error
	return errors.As(err, &be)
}

func contentType(format, compress string) string {
	switch {
	case compress == protocol.CompressZstd:
		return "application/zstd"
	case compress == protocol.CompressGzip:
		return "application/gzip"
	case format == "zip":
		return "application/zip"
	default:
		return "application/sql; charset=utf-8"
	}
}

// redactErr keeps err's chain (errors.Is/As still work) while making sure
// its text does not carry the password.
func redactErr(err error, password string) error {
	if password == "" || err == nil {
		return err
	}
	msg := err.Error()
	if red := redactPassword(msg, password); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
