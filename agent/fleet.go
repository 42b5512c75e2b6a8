package agent

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/scripter"
)

// fleetPoll is how often the coordinator looks for a part's result.
const fleetPoll = 200 * time.Millisecond

// coordinator is the scripter.Fleet of a job with FleetParts: it plans
// and publishes the parts, then hands the dump each part's verified
// records, or nothing (the dump reads the part itself) for a part nobody
// took, or nobody recorded by the plan's deadline.
type coordinator struct {
	r         *run
	token     string
	plan      *protocol.PartPlan
	planSHA   string
	published []bool
	columns   []string // scripter.FleetPart.Columns of each part

	mu      sync.Mutex
	cleanup []string     // keys to delete once the dump ends
	fetched map[int]bool // parts whose result Records read
}

func newCoordinator(r *run) *coordinator {
	return &coordinator{r: r, token: protocol.NewPartToken()}
}

// Share writes the plan and publishes one part job per part. It declines
// (the dump reads alone) when the parts could not share one point in
// time under the job's consistency, or when there is nothing to share.
func (c *coordinator) Share(ctx context.Context, fp *scripter.FleetPlan) (bool, error) {
	job, log := c.r.job, c.r.log
	if fp.Snapshot == "" && job.Options.Consistency != scripter.ConsistencyNone {
		log.Info("fleet parts need a database snapshot (or --consistency none); reading alone")
		return false, nil
	}
	if len(fp.Parts) < 2 || len(fp.Parts) > protocol.MaxParts {
		return false, nil
	}
	now := time.Now().UTC()
	plan := &protocol.PartPlan{ParentID: job.ID, ParentSHA256: c.r.jobSHA256, Token: c.token,
		Attempt: c.r.d.Attempt(), AgentID: c.r.a.cfg.AgentID, Snapshot: fp.Snapshot, Collation: fp.Collation,
		Created: now, Deadline: protocol.PartDeadline(now, job.Deadline)}
	c.columns = nil
	for _, p := range fp.Parts {
		plan.Parts = append(plan.Parts, protocol.PartSpec{Schema: p.Schema, Table: p.Table,
			Range: protocol.KeyRange{Lo: p.Range.Lo, Hi: p.Range.Hi}})
		c.columns = append(c.columns, p.Columns)
	}
	body, err := protocol.Encode(plan)
	if err != nil {
		return false, err
	}
	key := protocol.PlanKey(job.ID, c.token)
	if err := c.r.a.cfg.Bucket.WriteAll(ctx, key, body, &blob.WriterOptions{IfNotExists: true, ContentType: "application/json"}); err != nil {
		log.Warn("fleet plan not stored; reading alone", "err", err)
		return false, nil
	}
	c.plan, c.planSHA = plan, protocol.JobSHA256(body)
	c.publish(ctx)
	log.Info("fleet parts published", "parts", len(plan.Parts), "snapshot", plan.Snapshot, "deadline", plan.Deadline)
	return true, nil
}

// publish sends the part jobs. A part that could not be sent is read by
// the dump itself, without waiting for its deadline.
func (c *coordinator) publish(ctx context.Context) {
	plan := c.plan
	c.published = make([]bool, len(plan.Parts))
	for i, spec := range plan.Parts {
		p := &protocol.PartJob{ParentID: plan.ParentID, Parent: c.r.d.Body(), Token: c.token, PlanSHA256: c.planSHA,
			Part: i, Parts: len(plan.Parts), Spec: spec, Deadline: plan.Deadline}
		body, err := protocol.Encode(p)
		if err == nil {
			err = c.r.a.cfg.Queue.Send(ctx, &broker.Message{ID: protocol.PartMessageID(plan.ParentID, c.token, i), Body: body})
		}
		if err != nil {
			c.r.log.Warn("part job not published; the coordinator reads it", "part", i, "err", err)
			continue
		}
		c.published[i] = true
	}
}

// Records returns part i's records when another reader recorded them.
// A part nobody took yet the coordinator takes (the dump reads it at
// once); for a part another reader took it waits until the plan's
// deadline. Any doubt (a result that does not check out, records whose
// digest differs) leaves the part to the dump.
func (c *coordinator) Records(ctx context.Context, i int) (*os.File, int64, error) {
	if !c.published[i] {
		return nil, 0, nil
	}
	log := c.r.log.With("part", i)
	b := c.r.a.cfg.Bucket
	key := protocol.PartResultKey(c.plan.ParentID, c.token, i)
	// tried is set only once take ran: a failed first read must not
	// leave an untaken part waiting for the plan's deadline. Later, a
	// part whose reader failed for good is untaken again (it released its
	// marker): take it rather than wait for the deadline.
	for tried := false; ; {
		body, err := b.ReadAll(ctx, key)
		switch {
		case err == nil:
			return c.fetch(ctx, body, i, log)
		case !errors.Is(err, blob.ErrNotFound):
			log.Warn("reading a part result failed; retrying", "err", err)
		case !tried || c.released(ctx, i):
			tried = true
			if c.take(ctx, i, log) {
				return nil, 0, nil // nobody took it: read it here, now
			}
		}
		if time.Now().After(c.plan.Deadline) {
			log.Info("no result for the part by the plan's deadline; the coordinator reads it")
			return nil, 0, nil
		}
		select {
		case <-ctx.Done():
			return nil, 0, context.Cause(ctx)
		case <-time.After(fleetPoll):
		}
	}
}

// Take takes part i for the dump to read here, now, when no agent has
// (see scripter.Fleet); a part never published is the dump's anyway.
func (c *coordinator) Take(ctx context.Context, i int) (bool, error) {
	if !c.published[i] {
		return true, nil
	}
	return c.take(ctx, i, c.r.log.With("part", i)), nil
}

// released reports whether part i's taken marker is gone: its reader
// failed for good and released it (partRun.release).
func (c *coordinator) released(ctx context.Context, i int) bool {
	ok, err := c.r.a.cfg.Bucket.Exists(ctx, protocol.PartTakenKey(c.plan.ParentID, c.token, i))
	return err == nil && !ok
}

// take writes part i's taken marker create-if-absent: true when it was
// absent, so the part is the coordinator's to read. A store error counts
// as taken elsewhere: Records then waits for a result, or the deadline.
func (c *coordinator) take(ctx context.Context, i int, log *slog.Logger) bool {
	err := c.r.a.cfg.Bucket.WriteAll(ctx, protocol.PartTakenKey(c.plan.ParentID, c.token, i), []byte("coordinator "+c.r.a.writerFor(c.r.worker)+"\n"),
		&blob.WriterOptions{IfNotExists: true, ContentType: "text/plain"})
	if err != nil && !errors.Is(err, blob.ErrExists) {
		log.Warn("could not take a part; waiting for its result", "err", err)
	}
	return err == nil
}

// fetch downloads a recorded part into a temporary file, checking its
// result against the plan and its records against the result's digest.
func (c *coordinator) fetch(ctx context.Context, body []byte, i int, log *slog.Logger) (*os.File, int64, error) {
	res, err := protocol.DecodePartResult(body)
	if err == nil {
		err = res.CheckFor(c.plan.ParentID, c.token, i, c.planSHA)
	}
	if err == nil && i < len(c.columns) && res.ColumnsSHA256 != c.columns[i] {
		err = fmt.Errorf("its rows were encoded with other columns (digest %.12s, the dump's %.12s): the table changed since the plan",
			res.ColumnsSHA256, c.columns[i])
	}
	if err != nil {
		log.Warn("part result refused; the coordinator reads the part", "err", err)
		return nil, 0, nil
	}
	c.remember(i, res.Object)
	f, err := os.CreateTemp("", "mssqldump-fleet-part-*")
	if err != nil {
		return nil, 0, fmt.Errorf("temporary file for a fleet part: %w", err)
	}
	if err := c.download(ctx, res, f); err != nil {
		f.Close()
		os.Remove(f.Name())
		if ctx.Err() != nil {
			return nil, 0, context.Cause(ctx)
		}
		log.Warn("part records refused; the coordinator reads the part", "object", res.Object, "err", err)
		return nil, 0, nil
	}
	return f, res.Rows, nil
}

// download copies res's records, decompressed, into f and checks their
// size and SHA-256.
func (c *coordinator) download(ctx context.Context, res *protocol.PartResult, f *os.File) error {
	br, err := c.r.a.cfg.Bucket.NewReader(ctx, res.Object)
	if err != nil {
		return err
	}
	defer br.Close()
	var src io.Reader = br
	if res.Compress == protocol.CompressZstd {
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return err
		}
		defer zr.Close()
		src = zr
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), src)
	switch {
	case err != nil:
		return err
	case n != res.Size:
		return fmt.Errorf("%d bytes of records, the result says %d", n, res.Size)
	case hex.EncodeToString(h.Sum(nil)) != res.SHA256:
		return errors.New("the records' SHA-256 differs from the result's")
	}
	return nil
}

func (c *coordinator) remember(i int, key string) {
	c.mu.Lock()
	c.cleanup = append(c.cleanup, key)
	if c.fetched == nil {
		c.fetched = map[int]bool{}
	}
	c.fetched[i] = true
	c.mu.Unlock()
}

// close deletes the records the dump took from the fleet once the dump
// ended: the script holds their rows now. The plan and the results stay
// (small), so that a part job delivered late finds its part recorded and
// is acked unread.
func (c *coordinator) close(workCtx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(workCtx), finishTimeout)
	defer cancel()
	c.mu.Lock()
	keys := c.cleanup
	fetched := c.fetched
	c.mu.Unlock()
	keys = append(keys, c.unfetched(ctx, fetched)...)
	for _, k := range keys {
		if err := c.r.a.cfg.Bucket.Delete(ctx, k); err != nil && !errors.Is(err, blob.ErrNotFound) {
			c.r.log.Warn("could not delete a fleet part object", "key", k, "err", err)
		}
	}
}

// unfetched returns the records of published parts that were recorded
// but whose result the dump never read: a dump that failed or was
// canceled before it reached them, or a part the coordinator read itself
// at the deadline. Nothing else deletes them, and they hold table rows.
// Only records inside their part's prefix (CheckFor) are returned.
func (c *coordinator) unfetched(ctx context.Context, fetched map[int]bool) []string {
	var keys []string
	for i, pub := range c.published {
		if !pub || fetched[i] {
			continue
		}
		body, err := c.r.a.cfg.Bucket.ReadAll(ctx, protocol.PartResultKey(c.plan.ParentID, c.token, i))
		if err != nil {
			if !errors.Is(err, blob.ErrNotFound) {
				c.r.log.Warn("could not read a part result to delete its records", "part", i, "err", err)
			}
			continue
		}
		res, err := protocol.DecodePartResult(body)
		if err == nil {
			err = res.CheckFor(c.plan.ParentID, c.token, i, c.planSHA)
		}
		if err == nil {
			keys = append(keys, res.Object)
		}
	}
	return keys
}
