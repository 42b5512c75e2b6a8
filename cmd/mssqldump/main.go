// Command mssqldump dumps a Microsoft SQL Server database as a T-SQL script,
// the way mysqldump dumps MySQL:
//
//	mssqldump [options] DATABASE [TABLE...] > db.sql
//
// It publishes the job to a broker and lets an agent script the database
// into a blob store, then downloads, verifies and writes the script. With
// no --broker/--blob it runs the same pipeline in-process (the embedded
// default). See --help for the options and exit codes.
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is main without the exit, for clarity: it wires signals, parses the
// command line, runs the command and maps its error to the exit code.
func run(args []string, stdin *os.File, stdout, stderr *os.File) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopSignals := handleSignals(cancel, stderr)
	defer stopSignals()

	app := newApp(stdin, stdout, stderr)
	argv := append([]string{args[0]}, normalizeArgs(args[1:], valueFlagNames(allFlags()), commandNames(app))...)
	err := app.RunContext(ctx, argv)
	code := exitcode.For(err)
	if err != nil {
		fmt.Fprintf(stderr, "mssqldump: %v\n", err)
		if code == exitcode.Usage {
			fmt.Fprintln(stderr, "Try 'mssqldump --help' for more information.")
		}
	}
	return code
}

func allFlags() []cli.Flag {
	var f []cli.Flag
	f = append(f, connectionFlags()...)
	f = append(f, tlsFlags()...)
	f = append(f, authFlags()...)
	f = append(f, transportFlags()...)
	f = append(f, scriptFlags()...)
	f = append(f, repoFlags()...)
	return f
}

func commandNames(app *cli.App) map[string]bool {
	m := map[string]bool{}
	for _, c := range app.Commands {
		for _, n := range c.Names() {
			m[n] = true
		}
	}
	return m
}

const appHelpTail = `
URL FORMS:
   --broker nats://host:4222?stream=MSSQLDUMP&consumer=agents&lease=30s
   --broker sqs://sqs.eu-west-1.amazonaws.com/123456789012/mssqldump-jobs
   --blob   s3://bucket?region=eu-west-1&prefix=dumps/
   --blob   minio://host:9000/bucket?secure=false
   --blob   file:///var/lib/mssqldump/blobs
   Without --broker and --blob, mssqldump runs the embedded default: an
   in-process NATS JetStream server, agent and blob directory, under
   --state-dir/jobs/JOBID (removed after the run; kept for
   'mssqldump fetch JOBID' when the script was stored but not delivered,
   and swept by a later run after 7 days).

`

func newApp(stdin *os.File, stdout, stderr *os.File) *cli.App {
	// mysqldump habits: -h is the host, -? the help, -V the version.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"?"}, Usage: "show help"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"V"}, Usage: "print the version"}
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	app := &cli.App{
		Name:      "mssqldump",
		Usage:     "dump a Microsoft SQL Server database as a T-SQL script",
		UsageText: "mssqldump [options] DATABASE [TABLE...]\nmssqldump [options] wait|fetch JOBID\nmssqldump [options] restore DATABASE [FILE]\nmssqldump [options] -- wait   (a database named like a command)",
		Version:   buildVersion(),
		Flags:     allFlags(),
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// Slice values are taken whole: a /regexp/ may contain commas.
		DisableSliceFlagSeparator: true,
		// No "help" command: a database may be named "help" or "h";
		// subcommand help is "mssqldump wait --help".
		HideHelpCommand: true,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return &exitcode.UsageError{Err: err}
		},
		// Errors are printed and mapped to exit codes in run, in one place.
		ExitErrHandler: func(*cli.Context, error) {},
		Action:         env.dump,
		Commands: []*cli.Command{
			{
				Name: "wait", ArgsUsage: "JOBID",
				Usage:        "reattach to a job (after a lost CLI): wait for its manifest, then write the script",
				Action:       env.wait,
				OnUsageError: usageError,
			},
			{
				Name: "fetch", ArgsUsage: "JOBID",
				Usage:        "write the script of a finished job",
				Action:       env.fetch,
				OnUsageError: usageError,
			},
			{
				Name: "restore", ArgsUsage: "DATABASE [FILE]",
				Usage:        "run a script (FILE or stdin: .sql, .zst, .gz, or a --format zip archive in its restore-order.txt order) against DATABASE, batch by batch (GO-aware, like sqlcmd -i)",
				Action:       env.restore,
				OnUsageError: usageError,
			},
		},
	}
	app.Commands = append(app.Commands, env.repoCommands()...)
	app.CustomAppHelpTemplate = cli.AppHelpTemplate + appHelpTail + exitcode.Help + "\n"
	return app
}

func usageError(_ *cli.Context, err error, _ bool) error { return &exitcode.UsageError{Err: err} }

// cliEnv carries the process's streams into the commands.
type cliEnv struct {
	stdin          *os.File
	stdout, stderr *os.File
}

// logger builds the stderr logger from -v/--quiet.
func (e *cliEnv) logger(c *cli.Context) *slog.Logger {
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: logLevel(c)}))
}

// agentLogger is the embedded agent's logger: its failures reach the user
// as the command's error, so without -v it logs only errors.
func (e *cliEnv) agentLogger(c *cli.Context) *slog.Logger {
	level := logLevel(c)
	if verbosity(c) == 0 && level < slog.LevelError {
		level = slog.LevelError
	}
	return slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level})).With("component", "agent")
}

// verbosity counts -v flags; MSSQLDUMP_VERBOSE=true counts as one.
func verbosity(c *cli.Context) int {
	n := c.Count("verbose")
	if n == 0 && c.Bool("verbose") {
		n = 1
	}
	return n
}

func logLevel(c *cli.Context) slog.Level {
	level := slog.LevelWarn
	switch n := verbosity(c); {
	case c.Bool("quiet"):
		level = slog.LevelError
	case n >= 2:
		level = slog.LevelDebug
	case n == 1:
		level = slog.LevelInfo
	}
	return level
}

// Interrupt handling, the shape of restic's cmd/restic/cleanup.go: the first
// SIGINT/SIGTERM cancels the context (the command cancels its job and exits
// 130); the second runs the cleanup hooks and exits at once.
var (
	cleanupMu    sync.Mutex
	cleanupHooks = map[int]func(){}
	cleanupNext  int
)

// addCleanup registers f to run if the process is killed by a second
// interrupt; the returned func unregisters it.
func addCleanup(f func()) (remove func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	id := cleanupNext
	cleanupNext++
	cleanupHooks[id] = f
	return func() {
		cleanupMu.Lock()
		defer cleanupMu.Unlock()
		delete(cleanupHooks, id)
	}
}

func runCleanups() {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	for _, f := range cleanupHooks {
		f()
	}
}

func handleSignals(cancel context.CancelFunc, stderr io.Writer) (stop func()) {
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ch:
		case <-done:
			return
		}
		fmt.Fprintln(stderr, "mssqldump: interrupted: canceling the job (interrupt again to quit at once)")
		cancel()
		select {
		case <-ch:
		case <-done:
			return
		}
		runCleanups()
		os.Exit(exitcode.Interrupted)
	}()
	return func() { signal.Stop(ch); close(done) }
}

func mustDuration(s string) time.Duration {
	d, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// errUsage is a shorthand for the usage errors the commands return.
func errUsage(format string, args ...any) error { return exitcode.Usagef(format, args...) }
