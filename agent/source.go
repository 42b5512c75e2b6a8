package agent

import (
	"context"
	"fmt"
	"io"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
)

// Source writes a job's script. It is the one seam between the agent and the
// database: production uses NewSQLServerSource (go-mssqldb + scripter.Dump);
// benchmarks and pipeline tests use NewSyntheticSource, which writes known
// bytes at this boundary while the broker and blob store stay real.
type Source interface {
	// Dump writes the job's script to w. Errors that are the database's
	// answer (login failed, missing database, permission denied, SQL Server
	// unreachable) are returned as *DumpError so the agent replies "failed"
	// and acks instead of retrying. Any other error is treated as transient:
	// the job is retried.
	Dump(ctx context.Context, req *DumpRequest, w io.Writer) (*scripter.Stats, error)
}

// DumpRequest is one job as a Source sees it: the envelope plus the
// credentials the agent resolved or unsealed for it.
type DumpRequest struct {
	Job      *protocol.Job
	User     string
	Password string
	// Progress, when set, receives running counts; the agent forwards them
	// to the job's reply inbox, rate-limited.
	Progress func(scripter.Progress)
	// Layout, when set, receives the sql script's layout (a backup stores
	// it, so that cat --format zip can rebuild the zip); a source that
	// cannot record it leaves it empty.
	Layout *scripter.Layout
	// Fleet, set for a job with FleetParts, shares the job's table parts
	// with the fleet (scripter.Options.Fleet); a source that cannot share
	// them ignores it and reads alone.
	Fleet scripter.Fleet
}

// String never shows the password, so a request logged by mistake leaks
// nothing.
func (r *DumpRequest) String() string {
	id := ""
	if r.Job != nil {
		id = r.Job.ID
	}
	return fmt.Sprintf("DumpRequest{Job:%s User:%q Password:<hidden>}", id, r.User)
}

// GoString hides the password from %#v too.
func (r *DumpRequest) GoString() string { return r.String() }

// DumpError is a dump that failed because of the database's answer. Retrying
// would give the same answer, so the agent replies "failed" with Code and
// Message and acks the job.
type DumpError struct {
	// Code is protocol.ErrCodeDumpFailed, protocol.ErrCodeUnreachable, or
	// protocol.ErrCodeInvalidJob (options the scripter rejects).
	Code string
	// Message names the server (host:port) and the problem, never a secret.
	Message string
	// Err is the driver's error, for logs and errors.As.
	Err error
}

func (e *DumpError) Error() string { return e.Message }
func (e *DumpError) Unwrap() error { return e.Err }
