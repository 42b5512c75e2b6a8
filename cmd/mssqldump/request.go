package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
	"github.com/mssqldump/mssqldump/internal/sqlserverurl"
	"github.com/mssqldump/mssqldump/scripter"
)

// login is where the SQL Server is and how to log in, from --dsn and the
// connection flags (explicit flags win over the DSN's parts).
type login struct {
	Server protocol.Server
	// Database is the one the command works on, once resolveDatabase has
	// weighed --database, the DSN's database and the positional arguments.
	Database string
	// dsnDatabase is the DSN's database=... (or initial catalog=...).
	dsnDatabase    string
	User, Password string
	CredentialsRef string
}

func (e *cliEnv) login(c *cli.Context) (*login, error) {
	l := &login{}
	if dsn := c.String("dsn"); dsn != "" {
		if err := parseDSN(dsn, l); err != nil {
			return nil, err
		}
	}
	if c.IsSet("host") || l.Server.Host == "" {
		host := c.String("host")
		// sqlcmd's forms: host\instance and host,port.
		if h, inst, ok := strings.Cut(host, `\`); ok {
			host, l.Server.Instance = h, inst
		}
		if h, p, ok := strings.Cut(host, ","); ok {
			port, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil {
				return nil, errUsage("--host %q: the port after ',' is not a number", host)
			}
			host, l.Server.Port = h, port
		}
		l.Server.Host = host
	}
	if c.IsSet("port") {
		l.Server.Port = c.Int("port")
	}
	if l.Server.Port < 0 || l.Server.Port > 65535 {
		return nil, errUsage("--port %d is out of range", l.Server.Port)
	}
	if c.IsSet("user") {
		l.User = c.String("user")
	}
	switch {
	case c.Bool("password-prompt"):
		pw, err := e.promptPassword()
		if err != nil {
			return nil, err
		}
		l.Password = pw
	case c.IsSet("password"):
		l.Password = c.String("password")
		if c.Bool("password-on-command-line") {
			warn(e.stderr, "Using a password on the command line interface can be insecure (other users see it in the process list); prefer -p alone or MSSQLDUMP_PASSWORD")
		}
	}
	if err := e.applyAuthentication(c, &l.Server); err != nil {
		return nil, err
	}
	w, err := applyTLS(c, &l.Server)
	if err != nil {
		return nil, err
	}
	if w != "" {
		warn(e.stderr, w)
	}
	l.CredentialsRef = c.String("credentials-ref")
	if l.CredentialsRef != "" && (l.User != "" || l.Password != "") {
		return nil, errUsage("--credentials-ref and -u/-p both name a login; give one")
	}
	return l, nil
}

// resolveDatabase sets l.Database from --database, the positional
// arguments and the DSN (see databaseArgs) and returns the remaining
// arguments.
func (l *login) resolveDatabase(c *cli.Context, usage string) ([]string, error) {
	db, rest, err := databaseArgs(c.String("database"), c.IsSet("database"), l.dsnDatabase, c.Args().Slice(), usage)
	if err != nil {
		return nil, err
	}
	l.Database = db
	return rest, nil
}

// parseDSN reads a go-mssqldb URL: sqlserver://user:pass@host:port/instance?database=DB&k=v.
// The password goes into the login (to be sealed), never into the
// job's server parameters.
func parseDSN(dsn string, l *login) error {
	u, err := sqlserverurl.Parse(dsn)
	if err != nil {
		return errUsage("--dsn: %v", err) // the error never quotes the DSN
	}
	l.Server.Host, l.Server.Port, l.Server.Instance = u.Host, u.Port, u.Instance
	l.User, l.Password = u.User, u.Password
	for k, v := range u.Params {
		switch strings.ToLower(k) {
		case "database", "initial catalog":
			l.dsnDatabase = v
		case "user id", "uid", "user":
			l.User = v
		case "password", "pwd":
			l.Password = v
		default:
			if l.Server.Params == nil {
				l.Server.Params = map[string]string{}
			}
			l.Server.Params[k] = v
		}
	}
	return nil
}

// promptPassword reads the password from the terminal without echo, like
// mysqldump's -p. The terminal is stdin when it is one (dump), else
// /dev/tty (restore reads the script from stdin).
func (e *cliEnv) promptPassword() (string, error) {
	in := e.stdin
	if !term.IsTerminal(int(in.Fd())) {
		tty, err := os.Open("/dev/tty")
		if err != nil {
			return "", errUsage("-p without a value prompts for the password, but there is no terminal; " +
				"set MSSQLDUMP_PASSWORD or use --credentials-ref")
		}
		defer tty.Close()
		in = tty
	}
	restore, err := echoOff(int(in.Fd()))
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	defer restore()
	fmt.Fprint(e.stderr, "Enter password: ")
	pw, err := term.ReadPassword(int(in.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(pw), nil
}

// scriptOptions maps the script flags onto scripter.Options.
func scriptOptions(c *cli.Context, database string, tables []string) (scripter.Options, error) {
	o := scripter.Options{
		NoData:                 c.Bool("no-data"),
		NoCreateInfo:           c.Bool("no-create-info"),
		Where:                  c.String("where"),
		Tables:                 append(append([]string{}, c.StringSlice("tables")...), tables...),
		IncludeSchemas:         c.StringSlice("include-schema"),
		ExcludeSchemas:         c.StringSlice("exclude-schema"),
		IncludeTypes:           c.StringSlice("include-type"),
		ExcludeTypes:           c.StringSlice("exclude-type"),
		IncludeObjects:         c.StringSlice("include-object"),
		ExcludeObjects:         c.StringSlice("exclude-object"),
		AddDropTable:           c.Bool("add-drop-table"),
		IfNotExists:            c.Bool("if-not-exists"),
		RowsPerInsert:          c.Int("rows-per-insert"),
		SkipRoutines:           c.Bool("skip-routines"),
		SkipTriggers:           c.Bool("skip-triggers"),
		SkipExtendedProperties: c.Bool("skip-extended-properties"),
		Permissions:            c.Bool("permissions"),
		Format:                 c.String("format"),
		Consistency:            c.String("consistency"),
		DumpDate:               c.Bool("dump-date"),
		Jobs:                   c.Int("jobs"),
		ChunkRows:              c.Int64("chunk-rows"),
	}
	for _, pair := range [][2]string{{"routines", "skip-routines"}, {"triggers", "skip-triggers"}, {"dump-date", "skip-dump-date"}} {
		if c.Bool(pair[0]) && c.Bool(pair[1]) {
			return o, errUsage("--%s and --%s contradict each other", pair[0], pair[1])
		}
	}
	if o.NoData && o.NoCreateInfo {
		return o, errUsage("--no-data and --no-create-info together leave nothing to dump")
	}
	if o.Jobs < 0 || o.Jobs > 64 || o.ChunkRows < 0 {
		return o, errUsage("--jobs %d --chunk-rows %d: want jobs 1..64 and chunk rows ≥ 1", o.Jobs, o.ChunkRows)
	}
	if o.RowsPerInsert < 0 || o.RowsPerInsert > 1000 {
		return o, errUsage("--rows-per-insert %d: want 1..1000", o.RowsPerInsert)
	}
	if err := oneOf("format", o.Format, "sql", "zip"); err != nil {
		return o, err
	}
	if err := oneOf("consistency", o.Consistency, "snapshot", "auto", "none"); err != nil {
		return o, err
	}
	for _, t := range c.StringSlice("ignore-table") {
		name, err := ignoredTable(t, database)
		if err != nil {
			return o, err
		}
		o.IgnoreTables = append(o.IgnoreTables, name)
	}
	return o, nil
}

// ignoredTable accepts mysqldump's DATABASE.table as well as schema.table,
// table and DATABASE.schema.table, and returns the form the scripter takes.
func ignoredTable(t, database string) (string, error) {
	parts := strings.Split(t, ".")
	switch {
	case len(parts) == 3:
		if !strings.EqualFold(parts[0], database) {
			return "", errUsage("--ignore-table %q names database %q, but the dump is of %q", t, parts[0], database)
		}
		return parts[1] + "." + parts[2], nil
	case len(parts) == 2 && strings.EqualFold(parts[0], database):
		return parts[1], nil // mysqldump's DATABASE.table: the default schema
	case len(parts) <= 2 && t != "" && !strings.HasSuffix(t, "."):
		return t, nil
	}
	return "", errUsage("--ignore-table %q: want table, schema.table or %s.table", t, database)
}

func oneOf(flag, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return errUsage("--%s %q: want %s", flag, v, strings.Join(allowed, ", "))
}

// dumpRequest builds the client request of the dump command.
func (e *cliEnv) dumpRequest(c *cli.Context) (*client.Request, error) {
	l, err := e.login(c)
	if err != nil {
		return nil, err
	}
	tables, err := l.resolveDatabase(c, "mssqldump [options] DATABASE [TABLE...]")
	if err != nil {
		return nil, err
	}
	opts, err := scriptOptions(c, l.Database, tables)
	if err != nil {
		return nil, err
	}
	compress := c.String("compress")
	if err := oneOf("compress", compress, "zstd", "gzip", "none"); err != nil {
		return nil, err
	}
	if c.Duration("timeout") <= 0 {
		return nil, errUsage("--timeout must be positive")
	}
	return &client.Request{
		JobID:  client.NewJobID(),
		Server: l.Server, Database: l.Database,
		User: l.User, Password: l.Password, CredentialsRef: l.CredentialsRef,
		Options: opts, Compress: compress, Timeout: c.Duration("timeout"),
		FleetParts: c.Bool("fleet"),
	}, nil
}
