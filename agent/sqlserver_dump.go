package agent

import (
	"context"
	"database/sql"
	"io"

	"github.com/mssqldump/mssqldump/scripter"
)

// scriptDatabase is the one call into the scripter library.
func scriptDatabase(ctx context.Context, db *sql.DB, w io.Writer, opts scripter.Options) (*scripter.Stats, error) {
	return scripter.Dump(ctx, db, w, opts)
}
