package scripter

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mssqldump/mssqldump/scripter/catalog"
	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// Reader is everything Dump reads from a database: the catalog and each
// table's rows, all from one consistent point in time. The SQL Server
// reader runs inside one SNAPSHOT transaction; tests use an in-memory one.
type Reader interface {
	// Catalog returns the database's model and any warnings about it.
	Catalog(ctx context.Context) (*model.Database, []Warning, error)
	// Rows streams the rows of p.Table as p.Query() selects them, in
	// p.OrderBy order. The caller closes the source.
	Rows(ctx context.Context, p *data.Plan) (data.RowSource, error)
}

// Consistency modes (Options.Consistency).
const (
	ConsistencySnapshot = "snapshot"
	ConsistencyAuto     = "auto"
	ConsistencyNone     = "none"
)

// sqlReader reads through one connection and one transaction.
type sqlReader struct {
	conn        *sql.Conn
	tx          *sql.Tx
	permissions bool
	warnings    []Warning
}

// openSQLReader takes one connection and starts the dump's transaction:
// SNAPSHOT when the database allows it, else read committed as
// Options.Consistency permits.
func openSQLReader(ctx context.Context, db *sql.DB, opts *Options) (*sqlReader, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, wrapServerError(err)
	}
	r := &sqlReader{conn: conn, permissions: opts.Permissions}
	var state int
	var name string
	err = conn.QueryRowContext(ctx,
		`SELECT CONVERT(int, snapshot_isolation_state), name FROM sys.databases WHERE database_id = DB_ID()`).Scan(&state, &name)
	if err != nil {
		conn.Close()
		return nil, wrapServerError(err)
	}
	level := sql.LevelSnapshot
	if state != 1 { // 1 = ON; 2/3 are transitions, 0 OFF
		switch opts.Consistency {
		case ConsistencySnapshot:
			conn.Close()
			return nil, fmt.Errorf("%w: database %q", ErrSnapshotUnavailable, name)
		case ConsistencyNone:
		default:
			r.warnings = append(r.warnings, Warning{Code: WarnSnapshotUnavailable, Object: name,
				Message: "ALLOW_SNAPSHOT_ISOLATION is OFF: the dump was read under READ COMMITTED, so tables changed while it ran may not match each other " +
					"(ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION ON gives a consistent snapshot)"})
		}
		level = sql.LevelReadCommitted
	} else if opts.Consistency == ConsistencyNone {
		level = sql.LevelReadCommitted
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: level})
	if err != nil {
		conn.Close()
		return nil, wrapServerError(err)
	}
	r.tx = tx
	return r, nil
}

func (r *sqlReader) Catalog(ctx context.Context) (*model.Database, []Warning, error) {
	db, _, cw, err := catalog.Read(ctx, r.tx, r.permissions)
	if err != nil {
		return nil, nil, wrapServerError(err)
	}
	ws := append([]Warning(nil), r.warnings...)
	for _, w := range cw {
		ws = append(ws, Warning(w))
	}
	return db, ws, nil
}

func (r *sqlReader) Rows(ctx context.Context, p *data.Plan) (data.RowSource, error) {
	rows, err := data.Query(ctx, r.tx, p)
	if err != nil {
		return nil, wrapServerError(err)
	}
	return &wrappedRows{rows}, nil
}

// wrappedRows maps a read error mid-table to *ServerError too.
type wrappedRows struct{ *data.SQLRows }

func (w *wrappedRows) Err() error { return wrapServerError(w.SQLRows.Err()) }

// Close ends the read-only transaction and returns the connection.
func (r *sqlReader) Close() error {
	err := r.tx.Rollback()
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	return err
}
