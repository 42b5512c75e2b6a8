package scripter

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
)

// ErrorKind says whose problem a failed dump is, so that callers (the agent)
// can answer "failed" for the database's own refusals instead of retrying.
type ErrorKind string

const (
	// KindLogin: the login was refused (wrong password, disabled, expired).
	KindLogin ErrorKind = "login"
	// KindDatabase: the database does not exist, is offline or cannot be opened.
	KindDatabase ErrorKind = "database"
	// KindPermission: the login lacks a permission the dump needs.
	KindPermission ErrorKind = "permission"
	// KindUnreachable: SQL Server could not be reached (network, DNS, TLS,
	// Azure "not currently available"); retrying later may help.
	KindUnreachable ErrorKind = "unreachable"
	// KindServer: any other error SQL Server returned.
	KindServer ErrorKind = "server"
)

// ServerError is an error SQL Server returned (Number > 0) or a failure to
// reach it (Number 0, Kind KindUnreachable). Every error Dump gets from the
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

// Error numbers by kind (sys.messages; Azure SQL Database numbers included).
var serverErrorKinds = map[int32]ErrorKind{
	18456: KindLogin, 18452: KindLogin, 18470: KindLogin, 18486: KindLogin, 18487: KindLogin, 18488: KindLogin,
	4064:  KindLogin, // cannot open user default database
	40532: KindLogin, // Azure: cannot open server requested by the login
	40615: KindLogin, // Azure: client IP not allowed by the firewall
	4060:  KindDatabase, 911: KindDatabase, 942: KindDatabase, 952: KindDatabase, 945: KindDatabase, 922: KindDatabase,
	916: KindPermission, 229: KindPermission, 230: KindPermission, 262: KindPermission, 297: KindPermission,
	300: KindPermission, 15247: KindPermission, 15151: KindPermission,
	40613: KindUnreachable, 40197: KindUnreachable, 40501: KindUnreachable, 49918: KindUnreachable,
	49919: KindUnreachable, 49920: KindUnreachable, 10928: KindUnreachable, 10929: KindUnreachable,
}

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
// from SQL Server or from failing to reach it; other errors (context
// cancellation, our own) pass through.
func wrapServerError(err error) error {
	if err == nil {
		return nil
	}
	var se *ServerError
	if errors.As(err, &se) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var me mssql.Error
	if errors.As(err, &me) {
		kind, ok := serverErrorKinds[me.Number]
		if !ok {
			kind = KindServer
		}
		return &ServerError{Kind: kind, Number: me.Number, State: me.State, Class: me.Class, Message: me.Message, Err: err}
	}
	var ne net.Error
	var oe *net.OpError
	var de *net.DNSError
	if errors.As(err, &oe) || errors.As(err, &de) || (errors.As(err, &ne) && ne.Timeout()) {
		return &ServerError{Kind: KindUnreachable, Message: err.Error(), Err: err}
	}
	// go-mssqldb formats some connection failures as text only.
	msg := err.Error()
	for _, s := range []string{"unable to open tcp connection", "TLS Handshake failed", "no instance matching"} {
		if strings.Contains(msg, s) {
			return &ServerError{Kind: KindUnreachable, Message: msg, Err: err}
		}
	}
	return err
}
