package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/cmd/internal/embedded"
)

// backend is a broker queue and a blob bucket for the client: remote ones
// opened from --broker/--blob, or the embedded default.
type backend struct {
	queue  *broker.Queue // nil for wait/fetch, which need only the bucket
	bucket *blob.Bucket
	// finish releases everything; delivered says the script reached its
	// output, so the embedded default may delete its copy.
	finish func(delivered bool)
}

func isRemote(c *cli.Context) (bool, error) {
	b, o := c.String("broker") != "", c.String("blob") != ""
	if b != o {
		return false, errUsage("--broker and --blob go together (the agents store the script where the CLI can read it); give both, or neither for the embedded default")
	}
	if b && c.String("source") != "" {
		return false, errUsage("--source works only with the embedded default (no --broker/--blob)")
	}
	return b, nil
}

// openRemote opens --broker (unless bucketOnly) and --blob.
func openRemote(ctx context.Context, c *cli.Context, bucketOnly bool) (*backend, error) {
	bucket, err := drivers.OpenBucket(ctx, c.String("blob"))
	if err != nil {
		return nil, classifyOpen(err)
	}
	be := &backend{bucket: bucket}
	if !bucketOnly {
		q, err := drivers.OpenQueue(ctx, c.String("broker"))
		if err != nil {
			_ = bucket.Close()
			return nil, classifyOpen(err)
		}
		be.queue = q
	}
	be.finish = func(bool) {
		if be.queue != nil {
			_ = be.queue.Close()
		}
		_ = be.bucket.Close()
	}
	return be, nil
}

// classifyOpen turns an open error that is not about reachability (unknown
// scheme, bad parameter) into a usage error.
func classifyOpen(err error) error {
	if drivers.IsConfigError(err) {
		return errUsage("%v", err)
	}
	return err
}

// stateDir is the embedded default's working directory.
func stateDir(c *cli.Context) (string, error) {
	if d := c.String("state-dir"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "mssqldump"), nil
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		return filepath.Join(home, ".local", "state", "mssqldump"), nil
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("mssqldump-%d", os.Getuid())), nil
}

// jobDir is where the embedded default keeps one run: a private JetStream
// store and blob directory per job, so concurrent runs never share state,
// and 'fetch JOBID' finds a kept script by its id alone.
func jobDir(c *cli.Context, jobID string) (string, error) {
	if err := protocol.ValidateJobID(jobID); err != nil {
		return "", errUsage("%v", err)
	}
	d, err := stateDir(c)
	if err != nil {
		return "", err
	}
	// The blob directory becomes a file:// URL, which must be absolute.
	if d, err = filepath.Abs(d); err != nil {
		return "", err
	}
	return filepath.Join(d, "jobs", jobID), nil
}

// embeddedSource picks the agent's Source: SQL Server, or --source synthetic:SIZE.
func embeddedSource(spec string) (agent.Source, error) {
	if spec == "" {
		return agent.NewSQLServerSource(), nil
	}
	kind, arg, _ := strings.Cut(spec, ":")
	if kind != "synthetic" {
		return nil, errUsage("--source %q: want synthetic:SIZE", spec)
	}
	n, err := humanize.ParseBytes(arg)
	if err != nil {
		return nil, errUsage("--source %q: %v", spec, err)
	}
	return agent.NewSyntheticSource(int64(n)), nil
}

// embeddedCompress is the stored compression of an embedded run: none
// unless --compress was given. The embedded default's object never leaves
// this machine and is deleted once delivered, so compressing it only to
// decompress it in the same process costs CPU and saves nothing. The
// manifest records the choice, so a kept script still fetches and restores.
func embeddedCompress(c *cli.Context, asked string) string {
	if c.IsSet("compress") {
		return asked
	}
	return protocol.CompressNone
}

// startEmbedded runs the embedded default for one job: an in-process
// JetStream server, an in-process agent with an ephemeral sealing key, and a
// local blob directory, all under the job's directory. The client talks to
// them over the same broker and blob APIs as to a remote fleet.
func startEmbedded(ctx context.Context, c *cli.Context, req *client.Request, log, agentLog *slog.Logger) (*backend, error) {
	src, err := embeddedSource(c.String("source"))
	if err != nil {
		return nil, err
	}
	dir, err := jobDir(c, req.JobID)
	if err != nil {
		return nil, err
	}
	sweepStaleJobs(filepath.Dir(dir), log)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded default: %w", err)
	}
	// A second interrupt exits at once: take the job's state with it.
	stack := &embedded.Stack{Dir: dir, Lease: c.Duration("embedded-lease")}
	unregister := addCleanup(func() { stack.Halt(); removeSettled(dir) })
	stack.OnClose(func() error { unregister(); return nil })
	err = stack.Start(ctx)
	if err == nil {
		err = startEmbeddedAgent(ctx, stack, src, req, log, agentLog)
	}
	if err != nil {
		_ = stack.Close()
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("embedded default: %w", err)
	}
	return &backend{queue: stack.Queue, bucket: stack.Bucket, finish: func(delivered bool) {
		finishEmbedded(stack, dir, req.JobID, delivered, log)
	}}, nil
}

// startEmbeddedAgent publishes an ephemeral sealing key and runs an agent on
// the stack's queue and bucket until the stack closes.
func startEmbeddedAgent(ctx context.Context, stack *embedded.Stack, src agent.Source, req *client.Request, log, agentLog *slog.Logger) error {
	key, err := seal.GenerateKey()
	if err != nil {
		return err
	}
	// Publish the key before the agent starts, so the client never races
	// the agent's own (create-if-absent) publication of the same key.
	if err := stack.Bucket.WriteAll(ctx, protocol.FleetPublicKeyKey, []byte(key.Public().String()+"\n"),
		&blob.WriterOptions{IfNotExists: true, ContentType: "text/plain; charset=utf-8"}); err != nil {
		return fmt.Errorf("publish sealing key: %w", err)
	}
	a, err := agent.New(agent.Config{
		Queue: stack.Queue, Bucket: stack.Bucket, Source: src, Key: key,
		// A reference given on this command line names this user's own
		// secret, read in this process: allow exactly it, for exactly the
		// server on the same command line. The user's --encrypt is this
		// agent's floor (an explicit encrypt=disable included).
		Credentials:       &agent.RefResolver{Default: req.CredentialsRef},
		CredentialServers: embeddedCredentialServers(req),
		MinEncrypt:        req.Server.Encrypt,
		MaxAttempts:       1, DrainTimeout: 10 * time.Second,
		Logger: agentLog, Metrics: prometheus.NewRegistry(), AgentID: "embedded",
		OpenRepoBucket: drivers.OpenBucket,
		// The repository the user named on this command line, only.
		AllowRepos: nonEmpty(req.Repo),
	})
	if err != nil {
		return err
	}
	agentCtx, stopAgent := context.WithCancel(context.WithoutCancel(ctx))
	agentDone := make(chan struct{})
	go func() {
		defer close(agentDone)
		if err := a.Run(agentCtx); err != nil {
			log.Error("embedded agent stopped", "err", err)
		}
	}()
	// Added last, so Close stops the agent before the queue and bucket it uses.
	stack.OnClose(func() error { stopAgent(); <-agentDone; return nil })
	return nil
}

// finishEmbedded closes the stack and removes the job's directory, unless
// the script is stored there but did not reach its output: then it stays
// for 'mssqldump fetch JOBID'.
func finishEmbedded(stack *embedded.Stack, dir, jobID string, delivered bool, log *slog.Logger) {
	keep := false
	if !delivered {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		keep, _ = stack.Bucket.Exists(ctx, protocol.ManifestKey(jobID))
		cancel()
	}
	if err := stack.Close(); err != nil {
		log.Debug("embedded default: close", "err", err)
	}
	if keep {
		if err := stack.SyncBlobs(); err != nil {
			log.Warn("embedded default: could not fsync the kept script", "dir", dir, "err", err)
		}
		log.Warn("the script is stored but was not delivered; write it with 'mssqldump fetch "+jobID+"'", "dir", dir)
		return
	}
	_ = os.RemoveAll(dir)
}

// openEmbeddedBucket opens a kept job directory for wait/fetch.
func openEmbeddedBucket(ctx context.Context, c *cli.Context, jobID string) (*backend, error) {
	dir, err := jobDir(c, jobID)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(dir, "blob")); err != nil {
		return nil, fmt.Errorf("job %s: nothing kept in %s (the embedded default keeps a script only when it was stored but not delivered; give --broker/--blob for a remote job): %w",
			jobID, dir, blob.ErrNotFound)
	}
	b, err := drivers.OpenBucket(ctx, "file://"+filepath.Join(dir, "blob"))
	if err != nil {
		return nil, err
	}
	return &backend{bucket: b, finish: func(delivered bool) {
		_ = b.Close()
		if delivered {
			_ = os.RemoveAll(dir)
		}
	}}, nil
}

// staleJobAge is how long a kept job directory (a script stored but not
// delivered, or the remains of a killed run) stays for 'fetch' before a
// later embedded run removes it.
const staleJobAge = 7 * 24 * time.Hour

// sweepStaleJobs removes job directories older than staleJobAge, so that
// runs killed outright (SIGKILL, SIGPIPE) do not pile up under the state
// directory of a daily cron job.
func sweepStaleJobs(jobsDir string, log *slog.Logger) {
	entries, err := os.ReadDir(jobsDir)
	if err != nil {
		return
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil || !e.IsDir() || time.Since(fi.ModTime()) < staleJobAge {
			continue
		}
		if err := os.RemoveAll(filepath.Join(jobsDir, e.Name())); err == nil {
			log.Info("removed a stale embedded job directory", "job", e.Name(), "modified", fi.ModTime())
		}
	}
}

// embeddedCredentialServers binds the command line's credentials reference
// to the command line's server.
func embeddedCredentialServers(req *client.Request) map[string][]string {
	if req.CredentialsRef == "" {
		return nil
	}
	p := req.Server.Host
	if req.Server.Port > 0 {
		p = net.JoinHostPort(req.Server.Host, strconv.Itoa(req.Server.Port))
	}
	return map[string][]string{req.CredentialsRef: {p}}
}

// nonEmpty is a list of s, or none when s is empty.
func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// removeSettled removes dir, again while something still running (the
// agent finishing a canceled job, the JetStream store) writes into it:
// one RemoveAll racing a writer fails with "directory not empty" or is
// undone, and a second interrupt left a job's state behind under load.
func removeSettled(dir string) {
	for range 20 {
		if err := os.RemoveAll(dir); err == nil {
			if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
}
