package agent

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
)

// Connection timeouts of the SQL Server source. An unreachable server must
// fail the job in seconds, not after the driver's default of minutes.
const (
	sqlDialTimeout  = 10 * time.Second
	sqlLoginTimeout = 30 * time.Second
)

// NewSQLServerSource returns the production Source: it connects to the
// job's SQL Server with go-mssqldb and scripts the database with
// scripter.Dump.
func NewSQLServerSource() Source { return sqlServerSource{} }

type sqlServerSource struct{}

func (sqlServerSource) Dump(ctx context.Context, req *DumpRequest, w io.Writer) (*scripter.Stats, error) {
	job := req.Job
	connector, err := NewConnector(job.Server, job.Database, req.User, req.Password, connDefaults)
	if err != nil {
		// The connection string is built from validated fields; an error
		// here is a bad parameter in job.Server.Params (NewConnector's
		// errors never quote the string, which holds the password).
		return nil, &DumpError{Code: protocol.ErrCodeDumpFailed,
			Message: fmt.Sprintf("invalid connection parameters for SQL Server at %s: %v", ServerAddr(job.Server), err), Err: err}
	}
	db := sql.OpenDB(boundLogin(connector, sqlLoginTimeout))
	defer db.Close()
	// A bound on the connections one job holds on the customer's server:
	// the job's --jobs (one connection each), at least 4.
	db.SetMaxOpenConns(max(4, job.Options.Jobs+1))
	if err := logIn(ctx, db); err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	opts := job.Options.Scripter()
	opts.Progress = req.Progress
	opts.Layout = req.Layout
	if req.Fleet != nil {
		opts.Fleet = req.Fleet
	}
	stats, err := scriptDatabase(ctx, db, w, opts)
	if err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	return stats, nil
}

// logIn opens the job's first connection, so that a refused login is told
// apart from a failed dump, and leaves it in db's pool for the dump. It runs
// no statement: database/sql's Ping would have go-mssqldb send
// "select 1;", and on Babelfish every new connection's first statement
// costs a cold parse (50-100 ms of server CPU, see
// scripter/catalog/babelfish_plain.go) that the dump's own first query
// pays anyway.
func logIn(ctx context.Context, db *sql.DB) error {
	ctx, cancel := context.WithTimeout(ctx, sqlLoginTimeout)
	defer cancel()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	return conn.Close()
}

// connDefaults are the agent's connection parameters where a job sets none.
var connDefaults = map[string]string{
	"dial timeout": strconv.Itoa(int(sqlDialTimeout / time.Second)),
	// No idle limit on reads: the login is bounded by boundLogin instead
	// (see logindeadline.go); a job's own value still wins.
	"connection timeout": "0",
	"app name":           "mssqldump",
	// TDS packets of 32,767 bytes (go-mssqldb's "packet size", the most
	// TDS allows; the server may answer with less) instead of 4,096: a
	// dump's rows then arrive in an eighth of the reads. On Babelfish this
	// cut the client CPU of a 1,000,000-row data dump by 40%.
	"packet size": "32767",
}

// ServerAddr names the server the way users wrote it: host:port, or
// host\instance.
func ServerAddr(s protocol.Server) string {
	switch {
	case s.Port > 0:
		return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	case s.Instance != "":
		return s.Host + `\` + s.Instance
	default:
		return net.JoinHostPort(s.Host, "1433")
	}
}

// redactPassword removes the password from a message, as a last line of
// defence: no driver message is known to quote it, but a log line or reply
// must never carry it.
func redactPassword(msg, password string) string {
	if password == "" {
		return msg
	}
	return strings.ReplaceAll(msg, password, "<redacted>")
}
