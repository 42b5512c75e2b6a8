package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/repo"
)

// The backup repository commands (package repo): backup goes through the
// broker and an agent like a dump; the others read and maintain the
// repository directly from this machine, as restic does.

const catRepo = "Backup repository"

func repoFlags() []cli.Flag {
	keep := func(name, usage string) cli.Flag {
		return &cli.IntFlag{Name: name, EnvVars: env(name), Category: catRepo, Usage: usage}
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "repo", EnvVars: env("repo"), Category: catRepo,
			Usage: "backup repository URL (same forms as --blob; created by the first backup)"},
		&cli.StringFlag{Name: "snapshot", EnvVars: env("snapshot"), Category: catRepo,
			Usage: "cat/restore: snapshot id (or unique prefix) or latest"},
		&cli.StringFlag{Name: "as-of", EnvVars: env("as-of"), Category: catRepo,
			Usage: "cat/restore: the latest snapshot taken on or before this UTC date (2006-01-02) or time (RFC 3339)"},
		keep("keep-last", "forget: keep the N latest snapshots of each database"),
		keep("keep-hourly", "forget: keep the latest snapshot of each of the N latest hours with one"),
		keep("keep-daily", "forget: keep the latest snapshot of each of the N latest days with one (UTC)"),
		keep("keep-weekly", "forget: keep the latest snapshot of each of the N latest ISO weeks with one"),
		keep("keep-monthly", "forget: keep the latest snapshot of each of the N latest months with one"),
		keep("keep-yearly", "forget: keep the latest snapshot of each of the N latest years with one"),
		&cli.BoolFlag{Name: "prune", EnvVars: env("prune"), Category: catRepo, Usage: "forget: prune right after"},
		&cli.BoolFlag{Name: "dry-run", EnvVars: env("dry-run"), Category: catRepo, Usage: "forget: only list what would be removed"},
		&cli.BoolFlag{Name: "read-data", EnvVars: env("read-data"), Category: catRepo,
			Usage: "check: rebuild every snapshot and verify its SHA-256 (reads everything)"},
	}
}

func (e *cliEnv) repoCommands() []*cli.Command {
	cmd := func(name, args, usage string, action cli.ActionFunc) *cli.Command {
		return &cli.Command{Name: name, ArgsUsage: args, Usage: usage, Action: action, OnUsageError: usageError}
	}
	return []*cli.Command{
		cmd("backup", "DATABASE", "dump DATABASE into the backup repository (--repo) as a new snapshot; prints its id", e.backup),
		cmd("snapshots", "[DATABASE]", "list the snapshots in the repository", e.snapshots),
		cmd("cat", "[latest|ID] [DATABASE]", "write a snapshot's script (--format zip: the zip), byte-identical to the dump it was, verified", e.cat),
		cmd("forget", "[DATABASE]", "remove the snapshots the --keep-* policy does not keep (data stays until prune)", e.forget),
		cmd("prune", "", "delete the data no kept snapshot needs", e.prune),
		cmd("check", "", "verify that every snapshot can be rebuilt (--read-data: rebuild and hash them)", e.check),
	}
}

// openRepo opens --repo for the commands that read it from this machine.
func openRepo(ctx context.Context, c *cli.Context) (*repo.Repository, func(), error) {
	url := c.String("repo")
	if url == "" {
		return nil, nil, errUsage("%s needs --repo URL", c.Command.Name)
	}
	b, err := drivers.OpenBucket(ctx, url)
	if err != nil {
		return nil, nil, classifyOpen(err)
	}
	r, err := repo.Open(ctx, b, repo.Options{})
	if err != nil {
		_ = b.Close()
		if errors.Is(err, repo.ErrNoRepository) {
			return nil, nil, fmt.Errorf("%w at %s (a first 'mssqldump backup --repo' creates it)", err, redactedURL(url))
		}
		return nil, nil, err
	}
	return r, func() { _ = b.Close() }, nil
}

// backup dumps through the broker and an agent (the embedded default
// included), which writes the snapshot; stdout gets the snapshot id.
func (e *cliEnv) backup(c *cli.Context) error {
	ctx := c.Context
	url := c.String("repo")
	if url == "" {
		return errUsage("backup needs --repo URL")
	}
	if c.String("result-file") != "" {
		return errUsage("backup writes into --repo; -r/--result-file is for dump and cat")
	}
	req, err := e.dumpRequest(c)
	if err != nil {
		return err
	}
	if req.Options.Format != "" && req.Options.Format != "sql" {
		return errUsage("backup stores the sql format; 'mssqldump cat --format zip' makes the zip")
	}
	// The agent opens the URL; opening it here too turns a mistyped or
	// unreachable repository into exit 2 or 6 before any job is sent.
	b, err := drivers.OpenBucket(ctx, url)
	if err != nil {
		return classifyOpen(err)
	}
	if _, err := b.Exists(ctx, "config"); err != nil {
		_ = b.Close()
		return fmt.Errorf("repository %s: %w", url, err)
	}
	_ = b.Close()
	req.Repo = url
	remote, err := isRemote(c)
	if err != nil {
		return err
	}
	log := e.logger(c)
	var be *backend
	if remote {
		be, err = openRemote(ctx, c, false)
	} else {
		be, err = startEmbedded(ctx, c, req, log, e.agentLogger(c))
	}
	if err != nil {
		return err
	}
	// Nothing is left to fetch: the embedded job directory always goes.
	defer be.finish(true)
	prog := newProgress(e.stderr, !c.Bool("quiet"))
	defer prog.finish()
	cl := newClient(be, log, prog)
	log.Info("backup started", "job", req.JobID, "database", req.Database, "repo", redactedURL(url))
	p, err := cl.Submit(ctx, req)
	if err != nil {
		return err
	}
	defer p.Close()
	m, err := p.Wait(ctx)
	if err != nil {
		return err
	}
	prog.finish()
	if m.Snapshot == nil {
		return fmt.Errorf("job %s: the agent answered without a snapshot (an agent too old for backups?)", req.JobID)
	}
	s := m.Snapshot
	fmt.Fprintln(e.stdout, s.ID)
	fmt.Fprintf(e.stderr, "snapshot %s of %s: %d parts, %d new; read %s, added %s to the repository\n",
		s.ID, req.Database, s.Parts, s.NewParts, humanBytes(m.Size), humanBytes(s.BytesAdded))
	return nil
}

func (e *cliEnv) snapshots(c *cli.Context) error {
	if c.NArg() > 1 {
		return errUsage("snapshots takes at most one DATABASE")
	}
	r, done, err := openRepo(c.Context, c)
	if err != nil {
		return err
	}
	defer done()
	list, err := r.Snapshots(c.Context, c.Args().First())
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIME\tDATABASE\tSERVER\tSIZE\tADDED")
	for _, s := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.Time.UTC().Format("2006-01-02 15:04:05"), s.Database, s.Server,
			humanBytes(s.ScriptSize), humanBytes(s.BytesAdded))
	}
	return tw.Flush()
}

// chooseSnapshot resolves [REF] [DATABASE], --snapshot and --as-of.
func chooseSnapshot(ctx context.Context, c *cli.Context, r *repo.Repository, args []string) (repo.Summary, error) {
	ref, database := c.String("snapshot"), ""
	asOf := c.String("as-of")
	switch {
	case len(args) == 2 && ref == "" && asOf == "":
		ref, database = args[0], args[1]
	case len(args) == 1 && (ref != "" || asOf != ""):
		database = args[0]
	case len(args) == 1:
		ref = args[0]
	case len(args) == 0 && ref != "":
	default:
		return repo.Summary{}, errUsage("%s needs latest, a snapshot ID, or --as-of DATE with a DATABASE", c.Command.Name)
	}
	if asOf != "" {
		if database == "" {
			return repo.Summary{}, errUsage("--as-of needs a DATABASE")
		}
		t, err := parseAsOf(asOf)
		if err != nil {
			return repo.Summary{}, err
		}
		return r.FindAsOf(ctx, database, t)
	}
	return r.Find(ctx, database, ref)
}

// parseAsOf takes a UTC date (the whole day counts) or an RFC 3339 time.
func parseAsOf(s string) (time.Time, error) {
	if d, err := time.Parse("2006-01-02", s); err == nil {
		return d.Add(24*time.Hour - time.Nanosecond), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, errUsage("--as-of %q: want a date (2006-01-02) or an RFC 3339 time", s)
}

// cat writes a snapshot's script to stdout or -r FILE. FILE appears only
// when every part and the whole script verified (else exit 5, no FILE).
func (e *cliEnv) cat(c *cli.Context) error {
	ctx := c.Context
	format := c.String("format")
	if format != "" && format != "sql" && format != "zip" {
		return errUsage("cat --format %q: want sql or zip", format)
	}
	r, done, err := openRepo(ctx, c)
	if err != nil {
		return err
	}
	defer done()
	s, err := chooseSnapshot(ctx, c, r, c.Args().Slice())
	if err != nil {
		return err
	}
	out, removeCleanup, err := e.output(c)
	if err != nil {
		return err
	}
	defer removeCleanup()
	if format == "zip" {
		err = catZip(ctx, r, s.ID, out)
	} else {
		_, err = r.Cat(ctx, s.ID, out)
	}
	if err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}

// repoScript is restore's input from --repo: the snapshot is rebuilt and
// verified into a temporary file first, so that a damaged repository never
// runs half a script against the server.
func (e *cliEnv) repoScript(c *cli.Context, database string) (io.Reader, func(), error) {
	ctx := c.Context
	r, done, err := openRepo(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	defer done()
	args := []string{}
	if c.String("snapshot") == "" && c.String("as-of") == "" {
		return nil, nil, errUsage("restore --repo needs --snapshot ID (or latest) or --as-of DATE")
	}
	if c.String("as-of") != "" || c.String("snapshot") == "latest" {
		args = []string{database}
	}
	s, err := chooseSnapshot(ctx, c, r, args)
	if err != nil {
		return nil, nil, err
	}
	return catToTemp(ctx, r, s.ID, "mssqldump-restore-*.sql")
}

// catToTemp rebuilds and verifies snapshot id into a new temporary file
// (see tempFile) and returns it positioned at its start, with the function
// that closes and deletes it.
func catToTemp(ctx context.Context, r *repo.Repository, id, pattern string) (*os.File, func(), error) {
	f, remove, err := tempFile(pattern)
	if err != nil {
		return nil, nil, err
	}
	if _, err := r.Cat(ctx, id, f); err != nil {
		remove()
		return nil, nil, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		remove()
		return nil, nil, err
	}
	return f, remove, nil
}

func (e *cliEnv) forget(c *cli.Context) error {
	if c.NArg() > 1 {
		return errUsage("forget takes at most one DATABASE")
	}
	p := repo.Policy{Last: c.Int("keep-last"), Hourly: c.Int("keep-hourly"), Daily: c.Int("keep-daily"),
		Weekly: c.Int("keep-weekly"), Monthly: c.Int("keep-monthly"), Yearly: c.Int("keep-yearly")}
	if p.Empty() {
		return errUsage("forget needs at least one --keep-* rule (none would remove every snapshot)")
	}
	r, done, err := openRepo(c.Context, c)
	if err != nil {
		return err
	}
	defer done()
	keep, remove, err := r.ForgetPolicy(c.Context, c.Args().First(), p, c.Bool("dry-run"))
	if err != nil {
		return err
	}
	verb := "removed"
	if c.Bool("dry-run") {
		verb = "would remove"
	}
	for _, s := range remove {
		fmt.Fprintf(e.stdout, "%s %s %s %s\n", verb, s.ID, s.Time.UTC().Format(time.RFC3339), s.Database)
	}
	fmt.Fprintf(e.stderr, "%d snapshots kept, %d %s\n", len(keep), len(remove), verb)
	if c.Bool("prune") && !c.Bool("dry-run") {
		return e.runPrune(c, r)
	}
	return nil
}

func (e *cliEnv) prune(c *cli.Context) error {
	r, done, err := openRepo(c.Context, c)
	if err != nil {
		return err
	}
	defer done()
	return e.runPrune(c, r)
}

func (e *cliEnv) runPrune(c *cli.Context, r *repo.Repository) error {
	st, err := r.Prune(c.Context)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "pruned %d forgotten snapshots and %d interrupted backups: %d objects, %s freed\n",
		st.Snapshots, st.Interrupted, st.ObjectsDeleted, humanBytes(st.BytesFreed))
	return nil
}

func (e *cliEnv) check(c *cli.Context) error {
	r, done, err := openRepo(c.Context, c)
	if err != nil {
		return err
	}
	defer done()
	rep, err := r.Check(c.Context, c.Bool("read-data"))
	if rep != nil {
		for _, p := range rep.Problems {
			fmt.Fprintln(e.stdout, p.String())
		}
		fmt.Fprintf(e.stderr, "%d snapshots checked, %d problems", rep.Snapshots, len(rep.Problems))
		if rep.Interrupted > 0 {
			fmt.Fprintf(e.stderr, "; %d interrupted backups (prune removes their data)", rep.Interrupted)
		}
		fmt.Fprintln(e.stderr)
	}
	return err
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// redactedURL is a --repo URL fit for a message or a log line: a password
// written into it (user:password@host) shows as xxxxx, as the blob layer's
// own errors show it.
func redactedURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
