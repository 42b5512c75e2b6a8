// Package agent is the job-processing side of mssqldump: an Agent takes one
// job at a time from the broker, keeps its lease alive with heartbeats,
// scripts the database through a Source, streams the script (hashed,
// compressed) to the blob store under an attempt-scoped key, records the
// manifest create-if-absent, replies to the CLI's inbox and acks.
//
// Delivery is at least once, so every step is safe to repeat: a redelivered
// job whose manifest exists is answered from the manifest; two attempts
// racing on one job write different objects and only the first manifest
// wins; a lost lease stops the work at once.
package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
)

// Defaults of Config.
const (
	DefaultConcurrency      = 1
	DefaultDrainTimeout     = 5 * time.Minute
	DefaultMaxAttempts      = 5
	DefaultProgressInterval = 500 * time.Millisecond
	// DefaultRetryDelay is the first Nack delay of a transient failure; it
	// doubles with each attempt up to MaxRetryDelay.
	DefaultRetryDelay = 5 * time.Second
	MaxRetryDelay     = 2 * time.Minute
	// DefaultInboxMaxAge: reply inboxes older than this belong to CLIs that
	// are gone (the CLI's default --timeout is 6 h) and are swept. It
	// matches the deploy stack's ReplyQueueMaxAgeHours default.
	DefaultInboxMaxAge = 12 * time.Hour
	// DefaultSweepInterval is how often an agent sweeps abandoned inboxes.
	DefaultSweepInterval = 15 * time.Minute
)

// Config configures an Agent. Queue, Bucket and Source are required.
type Config struct {
	Queue  *broker.Queue
	Bucket *blob.Bucket
	Source Source

	// Concurrency is the number of workers, each holding at most one job.
	Concurrency int
	// Heartbeat is the lease extension interval; 0 means the queue's lease/3.
	// The cancel marker is checked at the same interval.
	Heartbeat time.Duration
	// DrainTimeout bounds how long Run waits for jobs in flight after its
	// context is canceled before handing them back to the queue.
	DrainTimeout time.Duration
	// MaxAttempts: a job that fails transiently on this attempt is answered
	// "failed" instead of being retried again. Keep it equal to the queue's
	// maximum deliveries (max_deliver, maxReceiveCount) so the CLI always
	// hears why a job ended. 0 means DefaultMaxAttempts.
	MaxAttempts int
	// RetryDelay is the first Nack delay after a transient failure.
	RetryDelay time.Duration
	// ProgressInterval is the minimum time between progress messages.
	ProgressInterval time.Duration
	// InboxMaxAge and SweepInterval drive the sweeper of reply inboxes left
	// by crashed CLIs (SQS reply queues; a no-op on JetStream). Zero means
	// the defaults; a negative InboxMaxAge turns the sweeper off.
	InboxMaxAge   time.Duration
	SweepInterval time.Duration

	// Key opens sealed credentials; its public half is published at
	// protocol.FleetPublicKeyKey when Run starts. Nil: sealed credentials
	// are refused and nothing is published.
	Key *seal.PrivateKey
	// Credentials resolves Credentials.Ref (and DefaultCredentials for jobs
	// that carry none). Nil means a RefResolver with DefaultAllowedRefs.
	Credentials CredentialResolver
	// DefaultCredentials is the reference used by jobs without credentials.
	DefaultCredentials string
	// AllowServers limits the SQL Servers of every job (ServerPattern
	// forms: host, host:port, *.domain, CIDR); empty means any. Agent-side
	// credentials (references, DefaultCredentials) are only ever used for
	// servers in CredentialServers[ref], or, for a reference without an
	// entry, in AllowServers: with neither, such jobs are refused.
	AllowServers      []string
	CredentialServers map[string][]string
	// MinEncrypt is the weakest connection encryption a job may ask for:
	// strict, mandatory (the default), optional or disable.
	MinEncrypt string

	Logger *slog.Logger
	// Metrics registers the agent's collectors; nil means a new registry
	// served by Handler.
	Metrics prometheus.Registerer
	// AgentID names this agent in logs and manifests; default host-pid.
	AgentID string
	// OpenRepoBucket opens the bucket of a backup job's repository URL
	// (Job.Repo). Nil: this agent refuses backup jobs.
	OpenRepoBucket func(ctx context.Context, url string) (*blob.Bucket, error)
	// AllowRepos are the backup repository URLs this agent writes, matched
	// exactly: a job naming any other is refused before the agent connects
	// anywhere, so a publisher cannot have a database it may dump sent to a
	// store of its own (a URL's parameters may name another endpoint).
	AllowRepos []string
}

// Agent processes jobs. Create it with New and start it with Run.
type Agent struct {
	cfg      Config
	policy   *policy
	writer   string // this process's part of object keys (protocol.WriterToken)
	log      *slog.Logger
	metrics  *metrics
	gatherer prometheus.Gatherer

	running     atomic.Bool
	brokerError atomic.Pointer[string] // last Receive failure, nil when healthy
}

// New checks cfg and returns an Agent.
func New(cfg Config) (*Agent, error) {
	if cfg.Queue == nil || cfg.Bucket == nil || cfg.Source == nil {
		return nil, errors.New("agent: Config needs Queue, Bucket and Source")
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = DefaultRetryDelay
	}
	if cfg.ProgressInterval <= 0 {
		cfg.ProgressInterval = DefaultProgressInterval
	}
	if cfg.InboxMaxAge == 0 {
		cfg.InboxMaxAge = DefaultInboxMaxAge
	}
	if cfg.SweepInterval <= 0 {
		cfg.SweepInterval = DefaultSweepInterval
	}
	lease := cfg.Queue.Lease()
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = lease / 3
	}
	if lease > 0 && cfg.Heartbeat >= lease {
		return nil, fmt.Errorf("agent: heartbeat %v must be shorter than the queue's lease %v", cfg.Heartbeat, lease)
	}
	if cfg.Credentials == nil {
		cfg.Credentials = &RefResolver{Default: cfg.DefaultCredentials}
	}
	if cfg.AgentID == "" {
		host, _ := os.Hostname()
		if host == "" {
			host = "agent"
		}
		cfg.AgentID = fmt.Sprintf("%s-%d", host, os.Getpid())
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	pol, err := newPolicy(&cfg)
	if err != nil {
		return nil, err
	}
	a := &Agent{cfg: cfg, policy: pol, writer: protocol.WriterToken(cfg.AgentID), log: cfg.Logger.With("agent", cfg.AgentID)}
	reg := cfg.Metrics
	if reg == nil {
		r := prometheus.NewRegistry()
		reg, a.gatherer = r, r
	} else if g, ok := reg.(prometheus.Gatherer); ok {
		a.gatherer = g
	} else {
		a.gatherer = prometheus.DefaultGatherer
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, fmt.Errorf("agent: metrics: %w", err)
	}
	a.metrics = m
	return a, nil
}

// ID is the agent's ID.
func (a *Agent) ID() string { return a.cfg.AgentID }

// Run receives and processes jobs until ctx is canceled, then drains: it
// stops receiving, lets the jobs in flight finish for up to DrainTimeout,
// and hands back (Nack) those still running. It returns nil after a clean
// drain, or an error when the agent could not start.
func (a *Agent) Run(ctx context.Context) error {
	if err := a.publishKey(ctx); err != nil {
		return err
	}
	a.running.Store(true)
	defer a.running.Store(false)
	a.log.Info("agent started", "concurrency", a.cfg.Concurrency, "lease", a.cfg.Queue.Lease(),
		"heartbeat", a.cfg.Heartbeat, "sealing_key", keyID(a.cfg.Key))

	if a.cfg.InboxMaxAge > 0 {
		go a.sweepInboxes(ctx)
	}

	// Jobs run under workCtx, which outlives ctx by the drain timeout.
	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	for i := range a.cfg.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.worker(ctx, workCtx, i)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-ctx.Done():
	case <-done:
		// Every worker stopped on its own: the queue was closed under us.
		return fmt.Errorf("agent: %w: all workers stopped", broker.ErrClosed)
	}
	a.log.Info("draining: no new jobs; waiting for jobs in flight", "timeout", a.cfg.DrainTimeout)
	select {
	case <-done:
	case <-time.After(a.cfg.DrainTimeout):
		a.log.Warn("drain timeout: handing jobs in flight back to the queue")
		cancelWork()
		<-done
	}
	a.log.Info("agent stopped")
	return nil
}

// sweepInboxes deletes reply inboxes abandoned by crashed CLIs, now and
// every SweepInterval until ctx is canceled. Every agent sweeps; deleting
// an inbox twice is harmless, and a sweep failure only costs a leftover
// queue, so it is logged, not fatal.
func (a *Agent) sweepInboxes(ctx context.Context) {
	t := time.NewTicker(a.cfg.SweepInterval)
	defer t.Stop()
	for {
		n, err := a.cfg.Queue.SweepInboxes(ctx, a.cfg.InboxMaxAge)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			a.log.Warn("sweeping abandoned reply inboxes failed", "err", err)
		case n > 0:
			a.log.Info("swept abandoned reply inboxes", "deleted", n, "older_than", a.cfg.InboxMaxAge)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func keyID(k *seal.PrivateKey) string {
	if k == nil {
		return "none"
	}
	return k.Public().ID()
}

// worker receives one delivery at a time until ctx is canceled.
func (a *Agent) worker(ctx, workCtx context.Context, n int) {
	backoff := time.Duration(0)
	for {
		d, err := a.cfg.Queue.Receive(ctx)
		if ctx.Err() != nil {
			if d != nil {
				// Received as we were told to stop: give it straight back.
				a.settle(d, a.log, "nack", func(c context.Context) error { return d.Nack(c, 0) })
			}
			return
		}
		if err != nil {
			msg := err.Error()
			a.brokerError.Store(&msg)
			if errors.Is(err, broker.ErrClosed) {
				a.log.Error("broker closed; worker stops", "worker", n)
				return
			}
			backoff = min(max(2*backoff, 100*time.Millisecond), 10*time.Second)
			a.log.Warn("receive failed; retrying", "worker", n, "err", err, "retry_in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		a.brokerError.Store(nil)
		a.handle(workCtx, d, n)
	}
}

// writerFor is the writer part of the object keys of one worker: unique
// per agent process and worker, so no two attempts anywhere share a key.
func (a *Agent) writerFor(worker int) string {
	return fmt.Sprintf("%s-w%d", a.writer, worker)
}

// WriterPrefix is this agent's part of the object keys it writes
// (followed by "-w" and the worker number); tests use it to look for
// objects an attempt left behind.
func (a *Agent) WriterPrefix() string { return a.writer }
