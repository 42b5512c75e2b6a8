package agent

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

// replyCodes is all the agent decides about a SQL Server failure: the reply
// code of each kind that retrying cannot change (sqlerr classifies). Kinds
// not listed (another server error such as a deadlock, a cancellation,
// anything else) are returned unchanged and the job is retried.
var replyCodes = map[sqlerr.Kind]string{
	sqlerr.Login:       protocol.ErrCodeDumpFailed,
	sqlerr.Database:    protocol.ErrCodeDumpFailed,
	sqlerr.Permission:  protocol.ErrCodeDumpFailed,
	sqlerr.Encryption:  protocol.ErrCodeDumpFailed,
	sqlerr.Certificate: protocol.ErrCodeDumpFailed,
	sqlerr.Unreachable: protocol.ErrCodeUnreachable,
}

// classifySQLError turns the driver's answer into a *DumpError when retrying
// would give the same answer. Other errors (a dropped connection mid-dump,
// a deadlock) are returned unchanged and the job is retried.
func classifySQLError(ctx context.Context, job *protocol.Job, err error, password string) error {
	if ctx.Err() != nil {
		return err // canceled or lease lost: the agent decides
	}
	var oe *scripter.OptionError
	if errors.As(err, &oe) {
		return &DumpError{Code: protocol.ErrCodeInvalidJob, Err: err, Message: redactPassword(oe.Error(), password)}
	}
	if errors.Is(err, scripter.ErrSnapshotUnavailable) {
		return &DumpError{Code: protocol.ErrCodeDumpFailed, Err: err,
			Message: fmt.Sprintf("SQL Server at %s, database %q: %v", ServerAddr(job.Server), job.Database, err)}
	}
	f := readSQLFailure(err)
	code, ok := replyCodes[f.kind]
	if !ok {
		return err
	}
	return &DumpError{Code: code, Err: err, Message: redactPassword(f.describe(job), password)}
}

// sqlFailure is what a reply says about a failed connection or query.
type sqlFailure struct {
	kind    sqlerr.Kind
	number  int32  // SQL Server error number, 0 if not from the server
	message string // the server's or the driver's text
}

// readSQLFailure reads err as the scripter reported it (*ServerError) or,
// for the agent's own ping, as the driver returned it.
func readSQLFailure(err error) sqlFailure {
	var se *scripter.ServerError
	if errors.As(err, &se) {
		return sqlFailure{kind: se.Kind, number: se.Number, message: se.Message}
	}
	f := sqlFailure{kind: sqlerr.Classify(err), message: err.Error()}
	if me, ok := sqlerr.ServerError(err); ok {
		f.number, f.message = me.Number, me.Message
	} else if f.kind == sqlerr.Unreachable {
		f.message = unreachableReason(err)
	}
	return f
}

// describe names the server, the database and the problem, with the advice
// that would change the outcome for TLS failures.
func (f sqlFailure) describe(job *protocol.Job) string {
	addr := ServerAddr(job.Server)
	switch f.kind {
	case sqlerr.Unreachable:
		return fmt.Sprintf("cannot reach SQL Server at %s: %s", addr, f.message)
	case sqlerr.Encryption, sqlerr.Certificate:
		return tlsAdvice(addr, f.kind, f.message)
	}
	if f.number == 0 {
		// go-mssqldb's text-only "login error: ...", which says it all.
		return fmt.Sprintf("SQL Server at %s: %s", addr, f.message)
	}
	says := sqlerr.Says(f.number)
	if says == "" {
		says = string(f.kind)
	}
	return fmt.Sprintf("SQL Server at %s, database %q: %s: %s", addr, job.Database, says, f.message)
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
