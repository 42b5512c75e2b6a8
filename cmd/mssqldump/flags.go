package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// env names the environment variable of a flag: MSSQLDUMP_ + the flag name
// in upper snake case (--result-file reads MSSQLDUMP_RESULT_FILE).
func env(name string, extra ...string) []string {
	return append([]string{"MSSQLDUMP_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}, extra...)
}

// Flag categories shown by --help.
const (
	catConn      = "Connection"
	catTransport = "Broker, blob store and output"
	catScript    = "What to script"
)

// Defaults that users see in --help.
const (
	defaultTimeout = "6h"
	defaultLease   = "9s" // embedded queue lease: the agent heartbeats (and sees a cancel) every 3s
)

func connectionFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "host", Aliases: []string{"h"}, Value: "localhost", EnvVars: env("host"), Category: catConn,
			Usage: "SQL Server host, as the agent reaches it (host or host\\instance)"},
		&cli.IntFlag{Name: "port", Aliases: []string{"P"}, EnvVars: env("port"), Category: catConn,
			Usage: "SQL Server TCP port (default 1433, or the SQL Browser's answer for a named instance)"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, EnvVars: env("user", "SQLCMDUSER"), Category: catConn,
			Usage: "SQL Server login; sealed with the password to the agent fleet's public key"},
		&cli.StringFlag{Name: "password", Aliases: []string{"p"}, EnvVars: env("password", "SQLCMDPASSWORD"), Category: catConn,
			Usage: "password; -p alone prompts on the terminal, -pSECRET or --password=SECRET inline (visible to ps: prefer the prompt or $MSSQLDUMP_PASSWORD)"},
		&cli.BoolFlag{Name: "password-prompt", Hidden: true},
		&cli.BoolFlag{Name: "password-on-command-line", Hidden: true}, // set by normalizeArgs
		&cli.StringFlag{Name: "credentials-ref", EnvVars: env("credentials-ref"), Category: catConn,
			Usage: "credentials in the agents' own configuration: env:NAME, file:/path or secretsmanager:ARN (instead of -u/-p)"},
		&cli.StringFlag{Name: "dsn", EnvVars: env("dsn"), Category: catConn,
			Usage: "sqlserver://user:password@host:port/instance?database=DB&encrypt=strict&TrustServerCertificate=false&hostNameInCertificate=N&fedauth=METHOD " +
				"(go-mssqldb form; encrypt=disable here is an explicit, warned opt-out); flags given explicitly override its parts"},
		&cli.StringFlag{Name: "database", EnvVars: env("database"), Category: catConn,
			Usage: "database to dump (instead of the DATABASE argument; then every argument is a table)"},
	}
}

func transportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "broker", EnvVars: env("broker"), Category: catTransport,
			Usage: "job queue URL: nats://host:4222?stream=MSSQLDUMP, sqs://sqs.REGION.amazonaws.com/ACCOUNT/QUEUE (none: embedded default)"},
		&cli.StringFlag{Name: "blob", EnvVars: env("blob"), Category: catTransport,
			Usage: "blob store URL: s3://bucket?region=R, minio://host:9000/bucket?secure=false, file:///dir (none: embedded default)"},
		&cli.StringFlag{Name: "state-dir", EnvVars: env("state-dir"), Category: catTransport,
			Usage: "embedded default's working directory (default $XDG_STATE_HOME/mssqldump, else ~/.local/state/mssqldump)"},
		&cli.StringFlag{Name: "compress", Value: "zstd", EnvVars: env("compress"), Category: catTransport,
			Usage: "compression of the stored script: zstd, gzip or none (output is always plain; the embedded default stores none unless this is given)"},
		&cli.DurationFlag{Name: "timeout", Value: mustDuration(defaultTimeout), EnvVars: env("timeout"), Category: catTransport,
			Usage: "the job's deadline: give up (exit 4) when no result has arrived by then"},
		&cli.StringFlag{Name: "result-file", Aliases: []string{"r"}, EnvVars: env("result-file"), Category: catTransport, TakesFile: true,
			Usage: "write to FILE instead of stdout; FILE appears only once complete and verified"},
		&cli.BoolFlag{Name: "continue-on-error", EnvVars: env("continue-on-error"), Category: catTransport,
			Usage: "restore: run the remaining batches after a failed one (sqlcmd without -b); still exits 3"},
		&cli.IntFlag{Name: "retry-passes", Value: sqlbatch.DefaultRetryPasses, EnvVars: env("retry-passes"), Category: catTransport,
			Usage: "restore: passes over the views, routines and triggers that failed only because an object they name did not exist yet (0: none)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, EnvVars: env("verbose"), Category: catTransport,
			Usage: "log what happens on stderr (-v -v for debug)"},
		&cli.BoolFlag{Name: "quiet", EnvVars: env("quiet"), Category: catTransport,
			Usage: "no progress bar and only errors on stderr"},
		// Benchmarks and pipeline tests: a deterministic script of SIZE
		// bytes instead of a SQL Server (embedded default only).
		&cli.StringFlag{Name: "source", EnvVars: env("source"), Hidden: true},
		&cli.DurationFlag{Name: "embedded-lease", Value: mustDuration(defaultLease), EnvVars: env("embedded-lease"), Hidden: true},
	}
}

func scriptFlags() []cli.Flag {
	list := func(name, usage string, aliases ...string) cli.Flag {
		return &cli.StringSliceFlag{Name: name, Aliases: aliases, EnvVars: env(name), Category: catScript, Usage: usage}
	}
	boolean := func(name, usage string, aliases ...string) cli.Flag {
		return &cli.BoolFlag{Name: name, Aliases: aliases, EnvVars: env(name), Category: catScript, Usage: usage}
	}
	return []cli.Flag{
		boolean("no-data", "schema only, no rows", "d"),
		boolean("no-create-info", "rows only, no CREATE statements", "t"),
		&cli.StringFlag{Name: "where", Aliases: []string{"w"}, EnvVars: env("where"), Category: catScript,
			Usage: "dump only the rows of every table selected by this WHERE condition"},
		list("tables", "dump only this table (schema.table or table = dbo.table; repeatable; same as TABLE arguments)"),
		list("ignore-table", "skip this table: schema.table, table, or DATABASE.table / DATABASE.schema.table like mysqldump (repeatable)"),
		list("include-schema", "only these schemas (exact name or /regexp/; repeatable)"),
		list("exclude-schema", "skip these schemas (exact name or /regexp/; repeatable)"),
		list("include-type", "only these object types: table, view, procedure, function, trigger, sequence, synonym, type, xml_schema_collection, schema, role, user, default, rule (or /regexp/; repeatable)"),
		list("exclude-type", "skip these object types (repeatable)"),
		list("include-object", "only these objects, schema.name or /regexp/ (repeatable)"),
		list("exclude-object", "skip these objects, schema.name or /regexp/ (repeatable)"),
		boolean("add-drop-table", "precede each CREATE with DROP ... IF EXISTS"),
		boolean("if-not-exists", "guard each CREATE so the script runs over an existing schema"),
		&cli.IntFlag{Name: "rows-per-insert", EnvVars: env("rows-per-insert"), Category: catScript,
			Usage: "rows per INSERT statement, 1..1000 (default 1000)"},
		boolean("routines", "script procedures and functions (the default)"),
		boolean("skip-routines", "leave out procedures and functions"),
		boolean("triggers", "script triggers (the default)"),
		boolean("skip-triggers", "leave out triggers"),
		boolean("skip-extended-properties", "leave out extended properties"),
		boolean("permissions", "script roles, users, memberships and GRANT/DENY"),
		&cli.StringFlag{Name: "format", Value: "sql", EnvVars: env("format"), Category: catScript,
			Usage: "sql (one script) or zip (one file per object plus the restore order)"},
		&cli.StringFlag{Name: "consistency", Value: "auto", EnvVars: env("consistency"), Category: catScript,
			Usage: "snapshot (fail without SNAPSHOT isolation), auto (snapshot when allowed, else warn) or none"},
		&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, EnvVars: env("jobs"), Category: catScript,
			Usage: "connections reading table data at once, 1..64, default 1 (mydumper's --threads); the script is the same bytes whatever N is. " +
				"N > 1 reads a database snapshot (CREATE DATABASE ... AS SNAPSHOT OF) where the server allows one; else --consistency snapshot fails and auto warns"},
		&cli.Int64Flag{Name: "chunk-rows", EnvVars: env("chunk-rows"), Category: catScript,
			Usage: "with --jobs > 1, read a table of more rows than this in key ranges of about this many rows (mydumper's --rows; default: one range per job, of at least 100000 rows)"},
		boolean("fleet", "through a broker: let the agent fleet share this dump's table parts (--jobs and --chunk-rows cut them); "+
			"needs a database snapshot, or --consistency none (then parts are not one point in time); the script is the same bytes"),
		boolean("dump-date", "add a \"-- Dump completed on\" line (off: unchanged databases give identical dumps)"),
		boolean("skip-dump-date", "no dump date line (the default)"),
	}
}

// valueFlagNames lists the names and aliases of flags that take a value.
func valueFlagNames(flags []cli.Flag) map[string]bool {
	m := map[string]bool{}
	for _, f := range flags {
		if _, isBool := f.(*cli.BoolFlag); isBool {
			continue
		}
		for _, n := range f.Names() {
			m[n] = true
		}
	}
	return m
}
