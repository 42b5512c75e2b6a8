// Package exitcode maps the errors of the mssqldump CLI onto its documented
// process exit codes, in one switch (the shape of restic's cmd/restic/main.go),
// so that the codes cannot drift between commands.
package exitcode

import (
	"context"
	"errors"
	"fmt"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/cmd/internal/client"
	"github.com/mssqldump/mssqldump/repo"
)

// The documented exit codes.
const (
	OK          = 0
	Other       = 1
	Usage       = 2
	DumpFailed  = 3
	Timeout     = 4
	Integrity   = 5
	Unavailable = 6
	Interrupted = 130
)

// Help is the exit-code table printed by --help (and copied into README).
const Help = `EXIT CODES:
   0    success
   1    any other error
   2    usage error (bad flag, missing DATABASE, bad URL, a zip given to
        restore that is not a --format zip archive)
   3    the dump (or restore) failed on the server side: login failed,
        missing database, permission denied, SQL Server unreachable from
        the agent, the server cannot encrypt (see --encrypt), TLS
        certificate not trusted, a restore batch failed, or the agent's
        policy does not allow the server, credentials or encryption
   4    timeout: the job's deadline (--timeout) passed, or the job expired
   5    integrity: the downloaded script does not match its SHA-256, or
        the result answers another job published under the same id
        (nothing is written to --result-file), or a zip given to restore
        is damaged (a file restore-order.txt names is missing or fails
        its checksum)
   6    broker or blob store unreachable (a file:// directory that does not
        exist counts, like a missing bucket), or no agent fleet key
        published (needed to seal -u/-p for remote agents)
   130  interrupted (Ctrl-C); the remote job is canceled`

// UsageError marks an error the user can fix by changing the command line.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// ServerError is a failure SQL Server reported to this process itself (the
// restore command connects directly): exit 3 like a failed dump.
type ServerError struct{ Err error }

func (e *ServerError) Error() string { return e.Err.Error() }
func (e *ServerError) Unwrap() error { return e.Err }

// UnavailableError marks a broker or blob store that could not be reached,
// whatever the underlying error (an open that timed out included): exit 6.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string { return e.Err.Error() }
func (e *UnavailableError) Unwrap() error { return e.Err }

// IntegrityError is input that is damaged rather than wrong: a zip given
// to restore whose restore-order.txt names a missing file, or whose file
// fails its CRC. Exit 5, like a script failing its SHA-256.
type IntegrityError struct{ Err error }

func (e *IntegrityError) Error() string { return e.Err.Error() }
func (e *IntegrityError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// For returns the exit code for err (0 for nil).
func For(err error) int {
	var usage *UsageError
	var job *client.JobError
	var server *ServerError
	var integrity *IntegrityError
	var unavailable *UnavailableError
	switch {
	case err == nil:
		return OK
	case errors.As(err, &usage), errors.Is(err, protocol.ErrInvalid), errors.Is(err, repo.ErrBadSnapshotID):
		return Usage
	case errors.As(err, &unavailable):
		return Unavailable
	case errors.Is(err, client.ErrInterrupted):
		return Interrupted
	case errors.As(err, &server):
		return DumpFailed
	case errors.Is(err, client.ErrIntegrity), errors.As(err, &integrity), errors.Is(err, repo.ErrIntegrity):
		return Integrity
	case errors.As(err, &job):
		return forJobCode(job)
	case errors.Is(err, client.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return Timeout
	case errors.Is(err, client.ErrNoFleetKey),
		errors.Is(err, broker.ErrUnavailable),
		errors.Is(err, blob.ErrUnavailable):
		return Unavailable
	case errors.Is(err, context.Canceled):
		return Interrupted
	default:
		return Other
	}
}

func forJobCode(job *client.JobError) int {
	if job.Status == protocol.StatusCanceled {
		return Interrupted
	}
	switch job.Code {
	case protocol.ErrCodeDumpFailed, protocol.ErrCodeUnreachable, protocol.ErrCodeNotAllowed:
		return DumpFailed
	case protocol.ErrCodeExpired:
		return Timeout
	case protocol.ErrCodeStorage:
		return Unavailable
	default:
		return Other
	}
}
