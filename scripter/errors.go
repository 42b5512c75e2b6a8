package scripter

import (
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

// ErrorKind says whose problem a failed dump is, so that callers (the agent)
// can answer "failed" for the database's own refusals instead of retrying.
// It is sqlerr.Kind: the scripter, sqlbatch and the agent read the driver's
// errors with one classifier.
type ErrorKind = sqlerr.Kind

// The kinds a *ServerError carries (see package sqlerr for each).
const (
	KindLogin       = sqlerr.Login
	KindDatabase    = sqlerr.Database
	KindPermission  = sqlerr.Permission
	KindUnreachable = sqlerr.Unreachable
	// KindEncryption: the server cannot encrypt and the connection requires it.
	KindEncryption = sqlerr.Encryption
	// KindCertificate: the TLS handshake failed (certificate not trusted,
	// or issued to another name).
	KindCertificate = sqlerr.Certificate
	KindServer      = sqlerr.Server
)

// ServerError is an error SQL Server returned (Number > 0) or a failure to
// reach it, encrypt or trust it (Number 0; Kind KindUnreachable,
// KindEncryption, KindCertificate or KindLogin). Every error Dump gets from the
// database is wrapped in one; errors.As(err, &*ServerError) finds it.
type ServerError struct {
	Kind    ErrorKind
	Number  int32 // SQL Server error number (sys.messages), 0 if not from the server
	State   uint8
	Class   uint8 // severity
	Message string
	Err     error // the driver's error
}

func (e *ServerError) Error() string {
	if e.Number != 0 {
		return fmt.Sprintf("SQL Server error %d (%s): %s", e.Number, e.Kind, e.Message)
	}
	return fmt.Sprintf("SQL Server %s: %s", e.Kind, e.Message)
}

func (e *ServerError) Unwrap() error { return e.Err }

// ErrSnapshotUnavailable is returned when Options.Consistency is "snapshot"
// and the database cannot be read in one SNAPSHOT transaction: SNAPSHOT
// isolation is not allowed (ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION
// ON fixes it), or it has memory-optimized tables, which SNAPSHOT
// transactions cannot read. The wrapping error says which.
var ErrSnapshotUnavailable = errors.New("scripter: the database cannot be read in one SNAPSHOT transaction")

// OptionError reports invalid Options (a bad regular expression, an unknown
// object type, a table that does not exist). Dump returns it before writing
// anything.
type OptionError struct {
	Option  string // the Options field, e.g. "IncludeObjects"
	Message string
	Err     error
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("scripter: invalid %s: %s", e.Option, e.Message)
}

func (e *OptionError) Unwrap() error { return e.Err }

// wrapServerError turns a driver error into a *ServerError when it comes
// from SQL Server or from failing to reach it, encrypt or trust it; other
// errors (context cancellation, our own) pass through.
func wrapServerError(err error) error {
	if err == nil {
		return nil
	}
	var se *ServerError
	if errors.As(err, &se) {
		return err
	}
	switch kind := sqlerr.Classify(err); kind {
	case sqlerr.Other, sqlerr.Canceled:
		return err
	default:
		if me, ok := sqlerr.ServerError(err); ok {
			return &ServerError{Kind: kind, Number: me.Number, State: me.State, Class: me.Class, Message: me.Message, Err: err}
		}
		return &ServerError{Kind: kind, Message: err.Error(), Err: err}
	}
}
