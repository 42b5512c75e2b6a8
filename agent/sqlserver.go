package agent

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

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
	db := sql.OpenDB(connector)
	defer db.Close()
	// A bound on the connections one job holds on the customer's server:
	// the job's --jobs (one connection each), at least 4.
	db.SetMaxOpenConns(max(4, job.Options.Jobs+1))
	pingCtx, cancel := context.WithTimeout(ctx, sqlLoginTimeout)
	err = db.PingContext(pingCtx)
	cancel()
	if err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	opts := job.Options
	opts.Progress = req.Progress
	stats, err := scriptDatabase(ctx, db, w, opts)
	if err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	return stats, nil
}

// connDefaults are the agent's connection parameters where a job sets none.
var connDefaults = map[string]string{
	"dial timeout":       strconv.Itoa(int(sqlDialTimeout / time.Second)),
	"connection timeout": strconv.Itoa(int(sqlLoginTimeout / time.Second)),
	"app name":           "mssqldump",
	// TDS packets of 32,767 bytes (go-mssqldb's "packet size", the most
	// TDS allows; the server may answer with less) instead of 4,096: a
	// dump's rows then arrive in an eighth of the reads. On Babelfish this
	// cut the client CPU of a 1,000,000-row data dump by 40%.
	"packet size": "32767",
}

// connString builds the sqlserver:// URL of a job for go-mssqldb.
func connString(job *protocol.Job, user, password string) string {
	dsn, _ := ConnectionURL(job.Server, job.Database, user, password, connDefaults)
	return dsn
}

// SQLServerURL builds the go-mssqldb sqlserver:// URL of database on s,
// logging in as user (none: no user in the URL). defaults are connection
// parameters used where s.Params does not set them.
func SQLServerURL(s protocol.Server, database, user, password string, defaults map[string]string) string {
	host := s.Host
	if s.Port > 0 {
		host = net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	}
	u := &url.URL{Scheme: "sqlserver", Host: host}
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	if s.Instance != "" && s.Port == 0 {
		u.Path = "/" + s.Instance // resolved through the SQL Browser service
	}
	q := url.Values{}
	for k, v := range s.Params {
		if protocol.TLSParamKey(k) == "" && !isFedAuthParam(k) {
			q.Set(k, v)
		}
	}
	// TLS is always explicit: go-mssqldb without an encrypt parameter
	// would send the login in clear to a server that cannot encrypt.
	// s was validated, so EffectiveTLS cannot fail here; should it, the
	// default (mandatory, verified) stands.
	tls, _ := s.EffectiveTLS()
	if tls.Encrypt == "" {
		tls.Encrypt = protocol.DefaultEncrypt
	}
	q.Set("encrypt", tls.Encrypt)
	q.Set("TrustServerCertificate", strconv.FormatBool(tls.TrustServerCertificate))
	if tls.HostNameInCertificate != "" {
		q.Set("hostNameInCertificate", tls.HostNameInCertificate)
	}
	q.Set("database", database)
	for k, v := range defaults {
		if q.Get(k) == "" {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
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

// SQL Server error numbers that are the database's final answer.
var sqlErrorKinds = map[int32]string{
	18456: "login failed",
	18452: "login failed (untrusted domain or Windows authentication not allowed)",
	18486: "login failed: account locked out",
	18487: "login failed: password expired",
	18488: "login failed: password must be changed",
	4060:  "cannot open database",
	911:   "database does not exist",
	4064:  "cannot open the login's default database",
	229:   "permission denied",
	297:   "permission denied",
	300:   "permission denied",
	916:   "permission denied: the login cannot access the database",
	262:   "permission denied",
}

// classifySQLError turns the driver's answer into a *DumpError when retrying
// would give the same answer. Other errors (a dropped connection mid-dump,
// a deadlock) are returned unchanged and the job is retried.
func classifySQLError(ctx context.Context, job *protocol.Job, err error, password string) error {
	addr := ServerAddr(job.Server)
	if ctx.Err() != nil {
		return err // canceled or lease lost: the agent decides
	}
	// Before anything else: scripter files TLS failures under
	// "unreachable", but they need their own advice.
	if msg, ok := TLSProblem(job.Server, err); ok {
		return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err, Message: redactPassword(msg, password)}
	}
	var se *scripter.ServerError
	if errors.As(err, &se) {
		msg := redactPassword(se.Message, password)
		switch se.Kind {
		case scripter.KindUnreachable:
			return &DumpError{Code: protocol.ErrCodeUnreachable, Err: err,
				Message: fmt.Sprintf("cannot reach SQL Server at %s: %s", addr, msg)}
		case scripter.KindLogin, scripter.KindDatabase, scripter.KindPermission:
			kind := string(se.Kind)
			if k, ok := sqlErrorKinds[se.Number]; ok {
				kind = k
			}
			return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err,
				Message: fmt.Sprintf("SQL Server at %s, database %q: %s: %s", addr, job.Database, kind, msg)}
		}
		return err // another server error (deadlock, timeout): retried
	}
	var oe *scripter.OptionError
	if errors.As(err, &oe) {
		return &DumpError{Code: protocol.ErrCodeInvalidJob, Err: err, Message: redactPassword(oe.Error(), password)}
	}
	if errors.Is(err, scripter.ErrSnapshotUnavailable) {
		return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err,
			Message: fmt.Sprintf("SQL Server at %s, database %q: %v", addr, job.Database, err)}
	}
	var me mssql.Error
	if errors.As(err, &me) {
		if kind, ok := sqlErrorKinds[me.Number]; ok {
			return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err,
				Message: fmt.Sprintf("SQL Server at %s, database %q: %s: %s", addr, job.Database, kind, redactPassword(me.Message, password))}
		}
		return err
	}
	var pme *mssql.Error
	if errors.As(err, &pme) {
		return classifySQLError(ctx, job, *pme, password)
	}
	if isUnreachable(err) {
		return &DumpError{Code: protocol.ErrCodeUnreachable, Err: err,
			Message: fmt.Sprintf("cannot reach SQL Server at %s: %s", addr, redactPassword(unreachableReason(err), password))}
	}
	msg := err.Error()
	if strings.Contains(msg, "login error") {
		return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err,
			Message: fmt.Sprintf("SQL Server at %s: %s", addr, redactPassword(msg, password))}
	}
	return err
}

// isUnreachable reports a failure to open a connection: refused, DNS, no
// route, dial timeout, or the SQL Browser not answering for an instance.
func isUnreachable(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "unable to open tcp connection") ||
		strings.Contains(msg, "unable to get instances from Sql Server Browser") ||
		strings.Contains(msg, "no instance matching")
}

// unreachableReason is the innermost useful text of a dial error, without
// the driver's repetition of the address.
func unreachableReason(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.Error()
	}
	return err.Error()
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
