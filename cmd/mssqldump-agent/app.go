package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/agent/service"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/cmd/internal/exitcode"
)

// serviceName is the Windows service name and the event log source.
const serviceName = "mssqldump-agent"

// exitHelp is the agent's own page of the exit-code table: the numbers are
// exitcode's (one table for both binaries), the meanings the agent's.
const exitHelp = `EXIT CODES:
   0    stopped cleanly (SIGTERM/SIGINT or service stop, after the drain)
   1    any other error
   2    usage or configuration error (bad flag, config file, key file, URL)
   6    the broker or the blob store is unreachable at start (a file://
        directory that does not exist counts, like a missing bucket)`

// version is set by the release build (-ldflags "-X main.version=...").
var version = "dev"

// usagef is a mistake in the command line, environment or config file.
func usagef(format string, args ...any) error { return exitcode.Usagef(format, args...) }

func run(args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.Run(args)
	code := exitCode(err)
	if err != nil {
		fmt.Fprintf(stderr, "mssqldump-agent: %v\n", err)
	}
	return code
}

// exitCode is exitcode.For narrowed to the codes the agent documents. The
// agent runs no job of its own, so a timeout or cancellation that reaches
// here (one the agent did not turn into a clean stop) is any other error.
func exitCode(err error) int {
	switch c := exitcode.For(err); c {
	case exitcode.OK, exitcode.Usage, exitcode.Unavailable:
		return c
	}
	return exitcode.Other
}

// agentFlags are the run flags. They are built afresh for each command that
// takes them (urfave/cli keeps state in flag values).
func agentFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", EnvVars: []string{"MSSQLDUMP_CONFIG"},
			Usage: "config `FILE`: key=value lines, or YAML when the name ends in .yaml/.yml; keys are flag names (or MSSQLDUMP_* names)"},
		&cli.StringFlag{Name: "broker", EnvVars: []string{"MSSQLDUMP_BROKER"},
			Usage: "broker `URL`: nats://host:4222?stream=MSSQLDUMP&consumer=agents&lease=30s or sqs://..."},
		&cli.StringFlag{Name: "blob", EnvVars: []string{"MSSQLDUMP_BLOB"},
			Usage: "blob store `URL`: file:///var/lib/mssqldump/blobs, s3://bucket?region=..., minio://host:9000/bucket"},
		&cli.IntFlag{Name: "concurrency", EnvVars: []string{"MSSQLDUMP_CONCURRENCY"}, Value: agent.DefaultConcurrency,
			Usage: "jobs worked on at the same time, each by its own worker"},
		&cli.StringFlag{Name: "listen", EnvVars: []string{"MSSQLDUMP_LISTEN"}, Value: "127.0.0.1:9090",
			Usage: "`ADDRESS` serving /healthz and /metrics (empty: none)"},
		&cli.StringFlag{Name: "seal-key-file", EnvVars: []string{"MSSQLDUMP_SEAL_KEY_FILE"},
			Usage: "the fleet's private sealing key `FILE` (created when missing); its public half is published for the CLI"},
		&cli.StringFlag{Name: "seal-key", EnvVars: []string{"MSSQLDUMP_SEAL_KEY"},
			Usage: "the fleet's private sealing key as text (mssqldump-seal-private-1:...), instead of --seal-key-file"},
		&cli.StringFlag{Name: "credentials", EnvVars: []string{"MSSQLDUMP_CREDENTIALS"},
			Usage: "default SQL Server login for jobs without one: env:NAME, file:/path or secretsmanager:ARN " +
				"(value: {\"username\":..,\"password\":..} or user:password)"},
		&cli.StringSliceFlag{Name: "allow-credentials", EnvVars: []string{"MSSQLDUMP_ALLOW_CREDENTIALS"},
			Value: cli.NewStringSlice(agent.DefaultAllowedRefs...),
			Usage: "`PATTERN`s of credential references a job may name (path.Match; repeat or comma-separate)"},
		&cli.StringSliceFlag{Name: "allow-servers", EnvVars: []string{"MSSQLDUMP_ALLOW_SERVERS"},
			Usage: "SQL Servers jobs may name: host, host:port, *.domain or CIDR `PATTERN`s (repeat or comma-separate; " +
				"empty: any server for sealed -u/-p); the agent's own credentials are used only for these"},
		&cli.StringSliceFlag{Name: "allow-repos", EnvVars: []string{"MSSQLDUMP_ALLOW_REPOS"},
			Usage: "backup repository `URL`s this agent writes for `mssqldump backup` (exact match; repeat or comma-separate; empty: no backups)"},
		&cli.StringSliceFlag{Name: "credential-servers", EnvVars: []string{"MSSQLDUMP_CREDENTIAL_SERVERS"},
			Usage: "bind one agent-side credential to its servers: `REF=PATTERN[;PATTERN...]` (repeatable), " +
				"e.g. env:MSSQLDUMP_DB_SALES=sql01.corp;10.1.0.0/16 (overrides --allow-servers for that credential)"},
		&cli.StringFlag{Name: "encrypt", EnvVars: []string{"MSSQLDUMP_ENCRYPT"}, Value: "mandatory",
			Usage: "the weakest TLS a job may ask for: strict, mandatory (certificate verified), optional or disable"},
		&cli.DurationFlag{Name: "heartbeat", EnvVars: []string{"MSSQLDUMP_HEARTBEAT"},
			Usage: "lease extension and cancel check interval (0: a third of the broker's lease)"},
		&cli.DurationFlag{Name: "drain-timeout", EnvVars: []string{"MSSQLDUMP_DRAIN_TIMEOUT"}, Value: agent.DefaultDrainTimeout,
			Usage: "on SIGTERM, how long jobs in flight may finish before they are handed back"},
		&cli.DurationFlag{Name: "inbox-max-age", EnvVars: []string{"MSSQLDUMP_INBOX_MAX_AGE"}, Value: agent.DefaultInboxMaxAge,
			Usage: "delete SQS reply queues of crashed CLIs once they are this old (above the CLI's --timeout; negative: never)"},
		&cli.IntFlag{Name: "max-attempts", EnvVars: []string{"MSSQLDUMP_MAX_ATTEMPTS"}, Value: agent.DefaultMaxAttempts,
			Usage: "answer a transiently failing job \"failed\" on this attempt (keep equal to the broker's max deliveries)"},
		&cli.StringFlag{Name: "agent-id", EnvVars: []string{"MSSQLDUMP_AGENT_ID"},
			Usage: "name of this agent in logs and manifests (default: host-pid)"},
		&cli.StringFlag{Name: "log-format", EnvVars: []string{"MSSQLDUMP_LOG_FORMAT"}, Value: "json",
			Usage: "log format on stderr: json or text"},
		&cli.StringFlag{Name: "log-level", EnvVars: []string{"MSSQLDUMP_LOG_LEVEL"}, Value: "info",
			Usage: "debug, info, warn or error"},
		&cli.StringFlag{Name: "source", EnvVars: []string{"MSSQLDUMP_SOURCE"}, Value: "sqlserver", Hidden: true,
			Usage: "sqlserver, or synthetic:SIZE (benchmarks and tests: SIZE bytes of generated T-SQL per job)"},
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:    "mssqldump-agent",
		Usage:   "take mssqldump jobs from the broker, script SQL Server databases, store the scripts",
		Version: version,
		Description: "Runs until SIGTERM/SIGINT (or a Windows service stop), then drains: no new jobs, jobs in flight\n" +
			"finish within --drain-timeout or are handed back to the queue. Flags beat MSSQLDUMP_* variables,\n" +
			"which beat the --config file.",
		CustomAppHelpTemplate: cli.AppHelpTemplate + "\n" + exitHelp + "\n",
		Writer:                stdout,
		ErrWriter:             stderr,
		Flags:                 agentFlags(),
		Action:                runCommand,
		ExitErrHandler:        func(*cli.Context, error) {}, // run() reports and maps errors
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return &exitcode.UsageError{Err: err}
		},
		Commands: []*cli.Command{
			{
				Name: "run", Usage: "process jobs (the default)", Flags: agentFlags(), Action: runCommand,
				OnUsageError: func(c *cli.Context, err error, _ bool) error { return &exitcode.UsageError{Err: err} },
			},
			{
				Name: "config", Usage: "print the effective configuration (secrets hidden) and exit",
				Flags: agentFlags(), Action: configCommand,
				OnUsageError: func(c *cli.Context, err error, _ bool) error { return &exitcode.UsageError{Err: err} },
			},
			{
				Name:  "keygen",
				Usage: "create the fleet's sealing key file and print its public key",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "out", Aliases: []string{"o"}, EnvVars: []string{"MSSQLDUMP_SEAL_KEY_FILE"},
						Usage: "key `FILE` to create (never overwritten)"},
				},
				Action: keygenCommand,
			},
			{
				Name:      "install",
				Usage:     "install as a Windows service running `run` with the given flags (Windows only)",
				ArgsUsage: " ",
				Flags:     agentFlags(),
				Action:    installCommand,
			},
			{
				Name: "uninstall", Usage: "remove the Windows service (Windows only)",
				Action: func(c *cli.Context) error { return service.Uninstall(serviceName) },
			},
		},
	}
}

// settings is the effective configuration of one run.
type settings struct {
	Broker, Blob        string
	Concurrency         int
	Listen              string
	SealKeyFile         string
	SealKey             string
	Credentials         string
	AllowCredentials    []string
	AllowServers        []string
	AllowRepos          []string
	CredentialServers   map[string][]string
	Encrypt             string
	Heartbeat           time.Duration
	DrainTimeout        time.Duration
	InboxMaxAge         time.Duration
	MaxAttempts         int
	AgentID             string
	LogFormat, LogLevel string
	Source              string
}

// load applies the config file (for flags set neither on the command line
// nor in the environment) and checks the result.
func load(c *cli.Context) (*settings, error) {
	if path := c.String("config"); path != "" {
		if err := applyConfigFile(c, path); err != nil {
			return nil, err
		}
	}
	s := &settings{
		Broker: c.String("broker"), Blob: c.String("blob"), Concurrency: c.Int("concurrency"),
		Listen: c.String("listen"), SealKeyFile: c.String("seal-key-file"), SealKey: c.String("seal-key"),
		Credentials: c.String("credentials"), AllowCredentials: splitList(c.StringSlice("allow-credentials")),
		Heartbeat: c.Duration("heartbeat"), DrainTimeout: c.Duration("drain-timeout"), MaxAttempts: c.Int("max-attempts"),
		InboxMaxAge: c.Duration("inbox-max-age"),
		AgentID:     c.String("agent-id"), LogFormat: c.String("log-format"), LogLevel: c.String("log-level"),
		Source: c.String("source"), AllowServers: splitList(c.StringSlice("allow-servers")),
		Encrypt: c.String("encrypt"), AllowRepos: splitList(c.StringSlice("allow-repos")),
	}
	if _, err := agent.ParseServerPatterns(s.AllowServers); err != nil {
		return nil, usagef("--allow-servers: %v", err)
	}
	cs, err := parseCredentialServers(c.StringSlice("credential-servers"))
	if err != nil {
		return nil, err
	}
	s.CredentialServers = cs
	if enc, err := protocol.NormalizeEncrypt(s.Encrypt); err != nil || enc == "" {
		return nil, usagef("--encrypt %q: want strict, mandatory, optional or disable", s.Encrypt)
	}
	var missing []string
	if s.Broker == "" {
		missing = append(missing, "--broker (MSSQLDUMP_BROKER)")
	}
	if s.Blob == "" {
		missing = append(missing, "--blob (MSSQLDUMP_BLOB)")
	}
	if len(missing) > 0 {
		return nil, usagef("missing %s", strings.Join(missing, " and "))
	}
	if s.Concurrency < 1 {
		return nil, usagef("--concurrency must be at least 1, got %d", s.Concurrency)
	}
	if s.Heartbeat < 0 || s.DrainTimeout < 0 {
		return nil, usagef("--heartbeat and --drain-timeout must not be negative")
	}
	if s.SealKey != "" && s.SealKeyFile != "" {
		return nil, usagef("give --seal-key or --seal-key-file, not both")
	}
	switch s.LogFormat {
	case "json", "text":
	default:
		return nil, usagef("--log-format %q: want json or text", s.LogFormat)
	}
	if _, err := parseLevel(s.LogLevel); err != nil {
		return nil, err
	}
	if _, err := newSource(s.Source); err != nil {
		return nil, err
	}
	return s, nil
}

// splitList accepts both repeated flags and comma-separated values (the
// form environment variables and key=value files use).
func splitList(in []string) []string {
	var out []string
	for _, v := range in {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, usagef("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

func newSource(spec string) (agent.Source, error) {
	switch {
	case spec == "sqlserver":
		return agent.NewSQLServerSource(), nil
	case strings.HasPrefix(spec, "synthetic:"):
		n, err := humanize.ParseBytes(strings.TrimPrefix(spec, "synthetic:"))
		if err != nil {
			return nil, usagef("--source %q: bad size: %v", spec, err)
		}
		return agent.NewSyntheticSource(int64(n)), nil
	}
	return nil, usagef("--source %q: want sqlserver or synthetic:SIZE", spec)
}

func (s *settings) logger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(s.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if s.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// sealKey loads the sealing key: from --seal-key, or from --seal-key-file,
// which is created (0600) when it does not exist so that a single agent or
// a compose stack with a shared volume needs no set-up step.
func (s *settings) sealKey(log *slog.Logger) (*seal.PrivateKey, error) {
	switch {
	case s.SealKey != "":
		k, err := seal.ParsePrivateKey(s.SealKey)
		if err != nil {
			return nil, usagef("--seal-key: %v", err)
		}
		return k, nil
	case s.SealKeyFile == "":
		return nil, nil
	}
	k, err := seal.LoadPrivateKeyFile(s.SealKeyFile)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, usagef("--seal-key-file: %v", err)
	}
	k, err = seal.GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(s.SealKeyFile), 0o700); err != nil {
		return nil, fmt.Errorf("create the sealing key's directory: %w", err)
	}
	if err := seal.WritePrivateKeyFile(s.SealKeyFile, k); err != nil {
		if errors.Is(err, os.ErrExist) {
			// Another replica sharing the volume created it first.
			return seal.LoadPrivateKeyFile(s.SealKeyFile)
		}
		return nil, err
	}
	log.Info("created a new fleet sealing key", "file", s.SealKeyFile, "key_id", k.Public().ID())
	return k, nil
}

func runCommand(c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("unexpected argument %q (see --help)", c.Args().First())
	}
	s, err := load(c)
	if err != nil {
		return err
	}
	return service.Run(serviceName, func(ctx context.Context) error { return s.run(ctx, c.App.ErrWriter) })
}

// run opens the broker and blob store, starts the health/metrics server and
// runs the agent until ctx is canceled.
func (s *settings) run(ctx context.Context, stderr io.Writer) error {
	log := s.logger(stderr)
	key, err := s.sealKey(log)
	if err != nil {
		return err
	}
	source, _ := newSource(s.Source)

	openCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	q, err := drivers.OpenQueue(openCtx, s.Broker)
	if err != nil {
		return openError("broker", err)
	}
	defer q.Close()
	b, err := drivers.OpenBucket(openCtx, s.Blob)
	if err != nil {
		return openError("blob store", err)
	}
	defer b.Close()

	a, err := agent.New(agent.Config{
		Queue: q, Bucket: b, Source: source,
		Concurrency: s.Concurrency, Heartbeat: s.Heartbeat, DrainTimeout: s.DrainTimeout, MaxAttempts: s.MaxAttempts,
		InboxMaxAge: s.InboxMaxAge,
		Key:         key, DefaultCredentials: s.Credentials,
		AllowServers: s.AllowServers, CredentialServers: s.CredentialServers, MinEncrypt: s.Encrypt,
		Credentials: &agent.RefResolver{Allow: s.AllowCredentials, Default: s.Credentials},
		Logger:      log, AgentID: s.AgentID,
		OpenRepoBucket: drivers.OpenBucket, AllowRepos: s.AllowRepos,
	})
	if err != nil {
		return usagef("%v", err)
	}
	if s.Listen != "" {
		ln, err := net.Listen("tcp", s.Listen)
		if err != nil {
			return usagef("--listen %s: %v", s.Listen, err)
		}
		srv := &http.Server{Handler: a.Handler(), ReadHeaderTimeout: 5 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("health/metrics server stopped", "err", err)
			}
		}()
		log.Info("serving /healthz and /metrics", "address", ln.Addr().String())
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
	}
	return a.Run(ctx)
}

// openError classifies a failure to open the broker or the blob store: a
// bad URL is a usage error (exit 2), anything else means unreachable (6).
func openError(what string, err error) error {
	if drivers.IsConfigError(err) {
		return usagef("%s URL: %v", what, err)
	}
	return &exitcode.UnavailableError{Err: fmt.Errorf("%s unreachable: %w", what, err)}
}

func configCommand(c *cli.Context) error {
	s, err := load(c)
	if err != nil {
		return err
	}
	w := c.App.Writer
	hidden := func(v string) string {
		if v == "" {
			return ""
		}
		return "<set>"
	}
	fmt.Fprintf(w, "broker=%s\nblob=%s\nconcurrency=%d\nlisten=%s\nseal-key-file=%s\nseal-key=%s\n",
		s.Broker, s.Blob, s.Concurrency, s.Listen, s.SealKeyFile, hidden(s.SealKey))
	fmt.Fprintf(w, "credentials=%s\nallow-credentials=%s\nheartbeat=%s\ndrain-timeout=%s\nmax-attempts=%d\n",
		s.Credentials, strings.Join(s.AllowCredentials, ","), s.Heartbeat, s.DrainTimeout, s.MaxAttempts)
	fmt.Fprintf(w, "inbox-max-age=%s\n", s.InboxMaxAge)
	fmt.Fprintf(w, "allow-servers=%s\nencrypt=%s\n", strings.Join(s.AllowServers, ","), s.Encrypt)
	for _, ref := range slices.Sorted(maps.Keys(s.CredentialServers)) {
		fmt.Fprintf(w, "credential-servers=%s=%s\n", ref, strings.Join(s.CredentialServers[ref], ";"))
	}
	fmt.Fprintf(w, "agent-id=%s\nlog-format=%s\nlog-level=%s\n", s.AgentID, s.LogFormat, s.LogLevel)
	return nil
}

func keygenCommand(c *cli.Context) error {
	out := c.String("out")
	if out == "" {
		return usagef("keygen needs --out FILE (or MSSQLDUMP_SEAL_KEY_FILE)")
	}
	k, err := seal.GenerateKey()
	if err != nil {
		return err
	}
	if err := seal.WritePrivateKeyFile(out, k); err != nil {
		if errors.Is(err, os.ErrExist) {
			return usagef("%s exists; a fleet key is never overwritten (remove it first to rotate)", out)
		}
		return err
	}
	fmt.Fprintf(c.App.Writer, "%s\n", k.Public())
	fmt.Fprintf(c.App.ErrWriter, "wrote the private key to %s (key id %s); give every agent of the fleet this file\n", out, k.Public().ID())
	return nil
}

func installCommand(c *cli.Context) error {
	// The service runs "run" with the flags given here on the command line
	// (a --config path made absolute); MSSQLDUMP_* variables are not copied:
	// set them on the service (its Environment registry value) instead.
	args := []string{"run"}
	for _, name := range c.LocalFlagNames() {
		switch name {
		case "config":
			p, err := filepath.Abs(c.String("config"))
			if err != nil {
				return err
			}
			args = append(args, "--config", p)
		case "allow-credentials", "allow-servers", "credential-servers":
			for _, v := range c.StringSlice(name) {
				args = append(args, "--"+name, v)
			}
		default:
			args = append(args, "--"+name, fmt.Sprint(c.Value(name)))
		}
	}
	// Check the configuration now rather than at the first service start.
	if _, err := load(c); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	if err := service.Install(serviceName, exe, args); err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "installed the %s service: %s %s\n", serviceName, exe, strings.Join(args, " "))
	return nil
}

// parseCredentialServers reads --credential-servers entries,
// REF=PATTERN[;PATTERN...]. The patterns are separated by ';' because a
// comma already separates list entries in environment variables and
// key=value files.
func parseCredentialServers(entries []string) (map[string][]string, error) {
	out := map[string][]string{}
	for _, e := range splitList(entries) {
		ref, list, ok := strings.Cut(e, "=")
		ref = strings.TrimSpace(ref)
		if !ok || ref == "" || strings.TrimSpace(list) == "" {
			return nil, usagef("--credential-servers %q: want REF=PATTERN[;PATTERN...]", e)
		}
		var pats []string
		for _, p := range strings.Split(list, ";") {
			if p = strings.TrimSpace(p); p != "" {
				pats = append(pats, p)
			}
		}
		if _, err := agent.ParseServerPatterns(pats); err != nil {
			return nil, usagef("--credential-servers %s: %v", ref, err)
		}
		out[ref] = append(out[ref], pats...)
	}
	return out, nil
}
