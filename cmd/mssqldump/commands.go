package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
)

// output opens -r FILE (atomically replaced on success) or stdout. The
// temporary file is registered for removal should a second interrupt kill
// the process.
func (e *cliEnv) output(c *cli.Context) (client.Output, func(), error) {
	path := c.String("result-file")
	if path == "" {
		return client.NewStreamOutput(e.stdout), func() {}, nil
	}
	f, err := client.NewFileOutput(path)
	if err != nil {
		return nil, nil, err
	}
	remove := addCleanup(f.Abort)
	return f, remove, nil
}

func newClient(be *backend, log *slog.Logger, prog *progress) *client.Client {
	cl := &client.Client{Queue: be.queue, Bucket: be.bucket, Logger: log, OnProgress: prog.update}
	if be.queue != nil {
		// Long enough to see the agent's "canceled" reply: it checks the
		// cancel marker at every heartbeat (a third of the lease).
		cl.CancelGrace = be.queue.Lease()/3 + 3*time.Second
	}
	return cl
}

// dump is the default command: mssqldump [options] DATABASE [TABLE...].
func (e *cliEnv) dump(c *cli.Context) error {
	ctx := c.Context
	req, err := e.dumpRequest(c)
	if err != nil {
		return err
	}
	remote, err := isRemote(c)
	if err != nil {
		return err
	}
	log := e.logger(c)
	out, removeCleanup, err := e.output(c)
	if err != nil {
		return err
	}
	defer removeCleanup()

	var be *backend
	if remote {
		be, err = openRemote(ctx, c, false)
	} else {
		req.Compress = embeddedCompress(c, req.Compress)
		be, err = startEmbedded(ctx, c, req, log, e.agentLogger(c))
	}
	if err != nil {
		out.Abort()
		return err
	}
	delivered := false
	defer func() { be.finish(delivered) }()

	prog := newProgress(e.stderr, !c.Bool("quiet"))
	defer prog.finish()
	cl := newClient(be, log, prog)
	// The job id goes to stderr at once: with it, 'mssqldump wait JOBID'
	// reattaches should this process be lost.
	log.Info("dump started", "job", req.JobID, "database", req.Database, "host", req.Server.Host)
	if prog.enabled {
		fmt.Fprintf(e.stderr, "mssqldump: job %s\n", req.JobID)
	}
	m, err := cl.Dump(ctx, req, prog.wrap(out))
	if err != nil {
		if m != nil && remote {
			err = fmt.Errorf("%w (the script stays stored; retry with 'mssqldump fetch %s')", err, req.JobID)
		}
		return err
	}
	delivered = true
	for _, w := range m.Stats.Warnings {
		log.Warn("dump warning", "code", w.Code, "object", w.Object, "message", w.Message)
	}
	return nil
}

func jobIDArg(c *cli.Context) (string, error) {
	if c.NArg() != 1 {
		return "", errUsage("%s needs exactly one JOBID", c.Command.Name)
	}
	return c.Args().First(), nil
}

// reattach opens the bucket a job's script is in: --blob, or the embedded
// default's kept job directory.
func reattach(ctx context.Context, c *cli.Context, jobID string) (*backend, error) {
	if c.String("blob") != "" {
		return openRemote(ctx, c, true)
	}
	return openEmbeddedBucket(ctx, c, jobID)
}

// wait reattaches to a job whose CLI was lost: the reply inbox died with
// it, so wait polls for the job's manifest until it appears or --timeout
// passes, then writes the script like a dump would.
func (e *cliEnv) wait(c *cli.Context) error {
	return e.fetchOrWait(c, true)
}

// fetch writes the script of a finished job.
func (e *cliEnv) fetch(c *cli.Context) error {
	return e.fetchOrWait(c, false)
}

func (e *cliEnv) fetchOrWait(c *cli.Context, wait bool) error {
	ctx := c.Context
	jobID, err := jobIDArg(c)
	if err != nil {
		return err
	}
	log := e.logger(c)
	out, removeCleanup, err := e.output(c)
	if err != nil {
		return err
	}
	defer removeCleanup()
	be, err := reattach(ctx, c, jobID)
	if err != nil {
		out.Abort()
		return err
	}
	delivered := false
	defer func() { be.finish(delivered) }()
	prog := newProgress(e.stderr, !c.Bool("quiet"))
	defer prog.finish()
	cl := newClient(be, log, prog)

	m, err := cl.ReadManifest(ctx, jobID)
	if err != nil && wait && isNotFound(err) {
		m, err = cl.WaitManifest(ctx, jobID, time.Now().Add(c.Duration("timeout")))
	}
	if err != nil {
		out.Abort()
		if isNotFound(err) {
			return fmt.Errorf("job %s has no manifest: it has not finished, failed, or is unknown to this blob store: %w", jobID, err)
		}
		return err
	}
	if err := cl.Fetch(ctx, m, prog.wrap(out)); err != nil {
		return err
	}
	delivered = true
	return nil
}

func isNotFound(err error) bool {
	return errors.Is(err, blob.ErrNotFound)
}
