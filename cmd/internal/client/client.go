// Package client is the CLI side of a dump: it publishes a job, follows the
// agent's progress, and downloads, verifies and writes the script. The dump,
// wait and fetch commands and the embedded default all go through it, so
// the local and the remote path are the same code.
package client

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/scripter"
)

// Client talks to one broker queue and one blob bucket.
type Client struct {
	Queue  *broker.Queue
	Bucket *blob.Bucket
	Logger *slog.Logger
	// OnProgress, when set, receives every progress report of the job.
	OnProgress func(protocol.Progress)
	// CancelGrace is how long an interrupted client waits for the agent's
	// "canceled" reply after creating the cancel marker (default 5s).
	CancelGrace time.Duration
	// PollInterval is how often WaitManifest looks for the manifest
	// (default 1s).
	PollInterval time.Duration
}

// Request describes the dump the user asked for.
type Request struct {
	// JobID is used as the job id and the broker's deduplication id; empty
	// means a fresh random id (NewJobID).
	JobID    string
	Server   protocol.Server
	Database string
	// User and Password, when User or Password is set, are sealed to the
	// fleet public key; they never travel in plaintext.
	User, Password string
	// CredentialsRef names credentials in the agents' own configuration
	// (env:NAME, file:/path, secretsmanager:ARN). Exclusive with User/Password.
	CredentialsRef string
	Options        scripter.Options
	Compress       string
	// Timeout bounds the whole job: it sets the job's deadline.
	Timeout time.Duration
	// Repo makes the job a backup into the repository at this URL.
	Repo string
	// FleetParts lets the agents share the job's table parts.
	FleetParts bool
}

// NewJobID returns a random job id (a UUIDv4: 122 random bits).
func NewJobID() string { return uuid.NewString() }

func (c *Client) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// Pending is a job that was sent and whose reply is awaited.
type Pending struct {
	c   *Client
	Job *protocol.Job
	// JobSHA256 is the digest of the envelope as sent: only a manifest
	// that names it is this job's result.
	JobSHA256 string
	inbox     *broker.Inbox
}

// Submit opens a reply inbox, then sends the job, so no reply can be
// missed (the request/reply shape of watermill's requestreply).
func (c *Client) Submit(ctx context.Context, req *Request) (*Pending, error) {
	if req.Timeout <= 0 {
		return nil, errors.New("client: the job needs a positive timeout")
	}
	id := req.JobID
	if id == "" {
		id = NewJobID()
	}
	compress := req.Compress
	if compress == "" {
		compress = "zstd"
	}
	now := time.Now().UTC()
	job := &protocol.Job{
		V: protocol.Version, Kind: protocol.KindJob, ID: id,
		Created: now, Deadline: now.Add(req.Timeout),
		Server: req.Server, Database: req.Database,
		Options: protocol.OptionsFrom(req.Options), Compress: compress, Repo: req.Repo,
		FleetParts: req.FleetParts,
	}
	if err := job.Validate(); err != nil {
		return nil, err
	}
	// The fleet key first: without it there is nothing to open an inbox for.
	var pub *seal.PublicKey
	if req.User != "" || req.Password != "" {
		if req.CredentialsRef != "" {
			return nil, errors.New("client: give either a user/password or a credentials reference, not both")
		}
		k, err := c.FleetKey(ctx)
		if err != nil {
			return nil, err
		}
		pub = &k
	}

	inbox, err := c.Queue.OpenInbox(ctx)
	if err != nil {
		return nil, fmt.Errorf("open reply inbox: %w", err)
	}
	// The login is sealed with the job's binding, which includes the reply
	// address, so it is sealed once the inbox exists.
	job.ReplyTo = inbox.Address()
	creds, err := credentials(job, req, pub)
	if err != nil {
		_ = inbox.Close()
		return nil, err
	}
	job.Credentials = creds
	body, err := protocol.Encode(job)
	if err != nil {
		_ = inbox.Close()
		return nil, err
	}
	if err := c.Queue.Send(ctx, &broker.Message{ID: id, Body: body}); err != nil {
		_ = inbox.Close()
		return nil, fmt.Errorf("send job %s: %w", id, err)
	}
	c.logger().Info("job sent", "job", id, "database", req.Database, "deadline", job.Deadline)
	return &Pending{c: c, Job: job, JobSHA256: protocol.JobSHA256(body), inbox: inbox}, nil
}

// credentials seals -u/-p with job's binding to pub, or passes the
// reference.
func credentials(job *protocol.Job, req *Request, pub *seal.PublicKey) (protocol.Credentials, error) {
	switch {
	case req.CredentialsRef != "":
		return protocol.Credentials{Ref: req.CredentialsRef}, nil
	case pub == nil:
		return protocol.Credentials{}, nil
	}
	box, err := seal.SealCredentials(*pub, seal.Credentials{User: req.User, Password: req.Password, Binding: job.Binding()})
	if err != nil {
		return protocol.Credentials{}, fmt.Errorf("seal credentials: %w", err)
	}
	return protocol.Credentials{Sealed: box, KeyID: pub.ID()}, nil
}

// FleetKey reads the agents' sealing public key from the bucket.
func (c *Client) FleetKey(ctx context.Context) (seal.PublicKey, error) {
	b, err := c.Bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
	if errors.Is(err, blob.ErrNotFound) {
		return seal.PublicKey{}, fmt.Errorf("%w at %q in the blob store: start an agent "+
			"(it publishes its key there) or use --credentials-ref", ErrNoFleetKey, protocol.FleetPublicKeyKey)
	}
	if err != nil {
		return seal.PublicKey{}, fmt.Errorf("read fleet public key: %w", err)
	}
	pub, err := seal.ParsePublicKey(strings.TrimSpace(string(b)))
	if err != nil {
		return seal.PublicKey{}, fmt.Errorf("fleet public key at %q: %w", protocol.FleetPublicKeyKey, err)
	}
	return pub, nil
}

// Close deletes the reply inbox.
func (p *Pending) Close() error {
	err := p.inbox.Close()
	if errors.Is(err, broker.ErrClosed) {
		return nil
	}
	return err
}

// Wait follows progress reports until the final reply arrives, the job's
// deadline passes (ErrTimeout) or ctx is canceled (the user interrupted:
// the job is canceled and ErrInterrupted returned). On success it returns
// the manifest of the stored script.
func (p *Pending) Wait(ctx context.Context) (*protocol.Manifest, error) {
	waitCtx, cancel := context.WithDeadline(ctx, p.Job.Deadline)
	defer cancel()
	for {
		msg, err := p.inbox.Receive(waitCtx)
		if err != nil {
			switch {
			case ctx.Err() != nil:
				p.c.logger().Info("interrupted: canceling the job", "job", p.Job.ID)
				p.cancelAndDrain()
				return nil, fmt.Errorf("job %s: %w", p.Job.ID, ErrInterrupted)
			case waitCtx.Err() != nil:
				p.c.cancelJob(p.Job.ID)
				return nil, fmt.Errorf("job %s: no result before its deadline %s: %w",
					p.Job.ID, p.Job.Deadline.Format(time.RFC3339), ErrTimeout)
			}
			return nil, fmt.Errorf("job %s: wait for reply: %w", p.Job.ID, err)
		}
		m, done, err := p.handle(ctx, msg)
		if done {
			return m, err
		}
	}
}

// handle processes one inbox message; done reports the final reply.
func (p *Pending) handle(ctx context.Context, msg []byte) (*protocol.Manifest, bool, error) {
	v, err := protocol.Decode(msg)
	if err != nil {
		p.c.logger().Warn("ignoring an undecodable reply", "job", p.Job.ID, "err", err)
		return nil, false, nil
	}
	switch e := v.(type) {
	case *protocol.Progress:
		if e.JobID == p.Job.ID && p.c.OnProgress != nil {
			p.c.OnProgress(*e)
		}
		return nil, false, nil
	case *protocol.Reply:
		if e.JobID != p.Job.ID {
			p.c.logger().Warn("ignoring a reply for another job", "job", p.Job.ID, "reply_job", e.JobID)
			return nil, false, nil
		}
		m, err := p.c.resultOf(ctx, e)
		if err == nil {
			err = p.owns(m)
		}
		return m, true, err
	default:
		p.c.logger().Warn("ignoring an unexpected envelope in the reply inbox", "job", p.Job.ID)
		return nil, false, nil
	}
}

// resultOf turns a final reply into a manifest or a *JobError.
func (c *Client) resultOf(ctx context.Context, r *protocol.Reply) (*protocol.Manifest, error) {
	if r.Status != protocol.StatusOK {
		je := &JobError{JobID: r.JobID, Status: r.Status}
		if r.Error != nil {
			je.Code, je.Message = r.Error.Code, r.Error.Message
		}
		if je.Code == "" {
			je.Code = protocol.ErrCodeInternal
		}
		return nil, je
	}
	if r.Result != nil && r.Result.Object != "" {
		return r.Result, nil
	}
	return c.ReadManifest(ctx, r.JobID)
}

// cancelAndDrain creates the cancel marker and waits up to CancelGrace for
// the agent's "canceled" reply, so that the job is known to have stopped.
func (p *Pending) cancelAndDrain() {
	grace := p.c.CancelGrace
	if grace <= 0 {
		grace = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := p.c.Cancel(ctx, p.Job.ID); err != nil {
		p.c.logger().Warn("could not create the cancel marker", "job", p.Job.ID, "err", err)
		return
	}
	for {
		msg, err := p.inbox.Receive(ctx)
		if err != nil {
			p.c.logger().Info("no cancel confirmation from the agent", "job", p.Job.ID)
			return
		}
		if _, done, _ := p.handle(ctx, msg); done {
			p.c.logger().Info("job stopped", "job", p.Job.ID)
			return
		}
	}
}

// cancelJob creates the cancel marker on a short budget, best effort.
func (c *Client) cancelJob(id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Cancel(ctx, id); err != nil {
		c.logger().Warn("could not create the cancel marker", "job", id, "err", err)
	}
}

// Cancel creates the job's cancel marker; agents stop the job within one
// heartbeat. Canceling twice is not an error.
func (c *Client) Cancel(ctx context.Context, jobID string) error {
	err := c.Bucket.WriteAll(ctx, protocol.CancelKey(jobID), []byte("canceled\n"),
		&blob.WriterOptions{IfNotExists: true, ContentType: "text/plain"})
	if errors.Is(err, blob.ErrExists) {
		return nil
	}
	return err
}

// ReadManifest reads the manifest of a finished job (blob.ErrNotFound while
// no attempt has finished).
func (c *Client) ReadManifest(ctx context.Context, jobID string) (*protocol.Manifest, error) {
	if err := protocol.ValidateJobID(jobID); err != nil {
		return nil, err
	}
	b, err := c.Bucket.ReadAll(ctx, protocol.ManifestKey(jobID))
	if err != nil {
		return nil, err
	}
	m, err := protocol.DecodeManifest(b)
	if err != nil {
		// A manifest that does not decode is damaged, not a usage error.
		return nil, fmt.Errorf("manifest of job %s: %w: %v", jobID, ErrIntegrity, err)
	}
	return m, nil
}

// readFailure reads the failure record an agent leaves for a job that
// ended without a script, as the *JobError its reply would have given
// (blob.ErrNotFound while there is none).
func (c *Client) readFailure(ctx context.Context, jobID string) (*protocol.Manifest, error) {
	b, err := c.Bucket.ReadAll(ctx, protocol.FailureKey(jobID))
	if err != nil {
		return nil, err
	}
	r, err := protocol.DecodeReply(b)
	if err != nil {
		return nil, fmt.Errorf("failure record of job %s: %w: %v", jobID, ErrIntegrity, err)
	}
	return c.resultOf(ctx, r)
}

// WaitManifest polls for the manifest of jobID until it exists, the job's
// failure record shows it ended without a script (*JobError), deadline
// passes (ErrTimeout) or ctx is canceled (ErrInterrupted). It is how a CLI
// reattaches to a job whose reply inbox is gone.
func (c *Client) WaitManifest(ctx context.Context, jobID string, deadline time.Time) (*protocol.Manifest, error) {
	every := c.PollInterval
	if every <= 0 {
		every = time.Second
	}
	waitCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m, err := c.ReadManifest(waitCtx, jobID)
		if err == nil {
			return m, nil
		}
		if errors.Is(err, blob.ErrNotFound) {
			if m, err = c.readFailure(waitCtx, jobID); !errors.Is(err, blob.ErrNotFound) {
				return m, err
			}
		}
		if !errors.Is(err, blob.ErrNotFound) && waitCtx.Err() == nil {
			return nil, err
		}
		select {
		case <-t.C:
		case <-waitCtx.Done():
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("job %s: %w", jobID, ErrInterrupted)
		}
		if waitCtx.Err() != nil {
			return nil, fmt.Errorf("job %s: no manifest by %s: %w", jobID, deadline.Format(time.RFC3339), ErrTimeout)
		}
	}
}

// Dump runs a whole job: submit, wait, fetch into out. out is aborted on
// any failure.
func (c *Client) Dump(ctx context.Context, req *Request, out Output) (*protocol.Manifest, error) {
	p, err := c.Submit(ctx, req)
	if err != nil {
		out.Abort()
		return nil, err
	}
	defer p.Close()
	m, err := p.Wait(ctx)
	if err != nil {
		out.Abort()
		return nil, err
	}
	if err := c.Fetch(ctx, m, out); err != nil {
		return m, err
	}
	return m, nil
}

// owns checks that m answers the job this client sent, not another job
// published under the same id: a script from someone else's job must never
// reach the output. A manifest without the digest (an agent older than
// this CLI) cannot prove it and is refused too: upgrade agents first.
func (p *Pending) owns(m *protocol.Manifest) error {
	if m.JobSHA256 == p.JobSHA256 {
		return nil
	}
	return fmt.Errorf("job %s: %w: the result answers a different job published under the same id "+
		"(job envelope SHA-256 %s, this CLI sent %s); nothing was written", p.Job.ID, ErrIntegrity, m.JobSHA256, p.JobSHA256)
}
