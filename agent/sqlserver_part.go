package agent

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/data"
)

// DumpPart reads one part of a fleet dump: it connects with the parent's
// login to the plan's database snapshot (checked to be one of the
// parent's database), or to the database itself under consistency none.
func (sqlServerSource) DumpPart(ctx context.Context, req *PartRequest, w io.Writer) (*PartStats, error) {
	job, plan := req.Job, req.Plan
	database := job.Database
	if plan.Snapshot != "" {
		database = plan.Snapshot
	}
	connector, err := NewConnector(job.Server, database, req.User, req.Password, connDefaults)
	if err != nil {
		return nil, &DumpError{Code: protocol.ErrCodeDumpFailed,
			Message: fmt.Sprintf("invalid connection parameters for SQL Server at %s: %v", ServerAddr(job.Server), err), Err: err}
	}
	db := sql.OpenDB(boundLogin(connector, sqlLoginTimeout))
	defer db.Close()
	db.SetMaxOpenConns(2)
	if err := logIn(ctx, db); err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	st, err := scripter.DumpPartDB(ctx, db, w, job.Options.Scripter(), partOf(plan, req.Part), plan.Collation)
	if err != nil {
		return nil, classifySQLError(ctx, job, err, req.Password)
	}
	return &PartStats{Rows: st.Rows, ColumnsSHA256: st.Columns}, nil
}

// partOf is part n of plan as the scripter names it.
func partOf(plan *protocol.PartPlan, n int) scripter.FleetPart {
	s := plan.Parts[n]
	return scripter.FleetPart{Schema: s.Schema, Table: s.Table, Range: data.KeyRange{Lo: s.Range.Lo, Hi: s.Range.Hi}}
}
