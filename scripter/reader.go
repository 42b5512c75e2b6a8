package scripter

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

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

// sqlReader reads through one connection and one transaction, or, after
// Parallel, through a pool of them.
type sqlReader struct {
	conn        *sql.Conn
	tx          *sql.Tx
	permissions bool
	dataOnly    bool // Options.NoCreateInfo: the catalog a data-only script needs
	warnings    []Warning
	// server is what Catalog found: data reads adapt to the engine.
	server *catalog.Server

	db          *sql.DB
	name        string // the database dumped
	level       sql.IsolationLevel
	consistency string
	// snapshotDB is the database snapshot every connection reads when
	// Jobs > 1 made one ("" otherwise); why says why there is none.
	snapshotDB, why string
	pool            chan *sqlSession // nil until Parallel
	sessions        []*sqlSession    // every session Parallel opened, to close
	ahead           *sessionsAhead   // sessions opened during the catalog read
	// partitions is partitionRows' one read of sys.partitions on Babelfish.
	partitions   map[int64]int64
	partitionsMu sync.Mutex
}

// openSQLReader takes one connection and starts the dump's transaction:
// SNAPSHOT when the database allows it, else read committed as
// Options.Consistency permits.
func openSQLReader(ctx context.Context, db *sql.DB, opts *Options) (*sqlReader, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, wrapServerError(err)
	}
	r := &sqlReader{conn: conn, permissions: opts.Permissions, dataOnly: opts.NoCreateInfo, db: db, consistency: opts.Consistency}
	state, name, memoryOptimized, babelfish, err := readIsolationState(ctx, conn)
	if err != nil {
		conn.Close()
		return nil, wrapServerError(err)
	}
	r.name = name
	if (opts.Jobs > 1 || opts.Fleet != nil) && !opts.NoData && opts.Consistency != ConsistencyNone {
		// Several connections (or a fleet's) see one point in time only in
		// a database snapshot; the catalog is read there too.
		if babelfish {
			// Not even tried: each statement a new Babelfish connection
			// parses costs it (see catalog/babelfish_plain.go).
			r.why = "Babelfish has no database snapshots"
		} else if r.snapshotDB, r.why = createDatabaseSnapshot(ctx, conn, name); r.snapshotDB != "" {
			r.level = sql.LevelReadCommitted // a database snapshot is read-only: nothing changes under any level
			if err := r.begin(ctx); err != nil {
				r.Close()
				return nil, err
			}
			r.openAhead(ctx, opts.Jobs-1)
			return r, nil
		}
	}
	level, why := snapshotLevel(state, memoryOptimized)
	if level != sql.LevelSnapshot || opts.Consistency == ConsistencyNone {
		switch opts.Consistency {
		case ConsistencySnapshot:
			conn.Close()
			return nil, fmt.Errorf("%w: database %q: %s", ErrSnapshotUnavailable, name, why)
		case ConsistencyNone:
		default:
			r.warnings = append(r.warnings, Warning{Code: WarnSnapshotUnavailable, Object: name,
				Message: why + ": the dump was read under READ COMMITTED, so tables changed while it ran may not match each other"})
		}
		level = sql.LevelReadCommitted
	}
	r.level = level
	if err := r.begin(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	if opts.Jobs > 1 && !opts.NoData && opts.Consistency != ConsistencySnapshot {
		// (Consistency snapshot without a database snapshot: Parallel
		// refuses, so no session is opened for it.)
		r.openAhead(ctx, opts.Jobs-1)
	}
	return r, nil
}

// readIsolationState reads the database's name, its
// snapshot_isolation_state and how many memory-optimized tables it has.
// On Babelfish both numbers are constants of its sys.databases and
// sys.tables views (1 and 0), and reading them cost a new connection 0.4 s
// of server CPU (each view's first use in a backend), so they are not read
// there: one cheap query tells the engine first.
func readIsolationState(ctx context.Context, conn *sql.Conn) (state int, name string, memoryOptimized int, babelfish bool, err error) {
	var engine sql.NullInt64
	if err = conn.QueryRowContext(ctx, `SELECT CAST(SERVERPROPERTY('Babelfish') AS int), DB_NAME()`).Scan(&engine, &name); err != nil {
		return 0, "", 0, false, err
	}
	if engine.Int64 == 1 {
		return babelfishSnapshotIsolationState, name, 0, true, nil
	}
	err = conn.QueryRowContext(ctx, `SELECT CONVERT(int, d.snapshot_isolation_state), d.name,
  (SELECT COUNT(*) FROM sys.tables AS t WHERE t.is_memory_optimized = 1)
FROM sys.databases AS d WHERE d.database_id = DB_ID()`).Scan(&state, &name, &memoryOptimized)
	return state, name, memoryOptimized, false, err
}

// babelfishSnapshotIsolationState is what Babelfish's sys.databases says
// of every database (a constant in the view's definition, 4.x): ON.
const babelfishSnapshotIsolationState = 1

// begin starts the main connection's transaction, in the database snapshot
// when there is one.
func (r *sqlReader) begin(ctx context.Context) error {
	s, err := r.startSession(ctx, r.conn)
	if err != nil {
		return err
	}
	r.tx = s.tx
	return nil
}

func (r *sqlReader) Catalog(ctx context.Context) (*model.Database, []Warning, error) {
	db, server, cw, err := catalog.ReadScope(ctx, r.tx, catalog.Scope{Permissions: r.permissions, DataOnly: r.dataOnly})
	if err != nil {
		return nil, nil, wrapServerError(err)
	}
	r.server = server
	// Read in the database snapshot, the catalog names the snapshot;
	// three-part names in modules name the database dumped.
	db.Name = r.name
	ws := append([]Warning(nil), r.warnings...)
	for _, w := range cw {
		ws = append(ws, Warning(w))
	}
	return db, ws, nil
}

func (r *sqlReader) Rows(ctx context.Context, p *data.Plan) (data.RowSource, error) {
	if r.server != nil && r.server.Babelfish {
		p = p.ForBabelfish()
	}
	s, release, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	var rows data.RowSource
	if data.RawReadable(p) {
		// The raw read runs on the session's connection, in its open
		// transaction.
		rows, err = data.QueryRaw(ctx, s.conn, p)
	} else {
		rows, err = data.Query(ctx, s.tx, p)
	}
	if err != nil {
		release()
		return nil, wrapServerError(err)
	}
	return &wrappedRows{RowSource: rows, release: release}, nil
}

// wrappedRows maps a read error mid-table to *ServerError too, and gives
// its session back to the pool when closed.
type wrappedRows struct {
	data.RowSource
	release func()
}

func (w *wrappedRows) Err() error { return wrapServerError(w.RowSource.Err()) }

// Unwrap lets the Writer read the rows' wire values (data.RawRows).
func (w *wrappedRows) Unwrap() data.RowSource { return w.RowSource }

func (w *wrappedRows) Close() error {
	err := w.RowSource.Close()
	if w.release != nil {
		w.release()
		w.release = nil
	}
	return err
}

// snapshotLevel picks the isolation level the database allows and, when it
// is not SNAPSHOT, says why. A SNAPSHOT transaction cannot read
// memory-optimized tables at all (error 41332), so a database with any
// reads under READ COMMITTED, those tables WITH (SNAPSHOT).
func snapshotLevel(state, memoryOptimized int) (sql.IsolationLevel, string) {
	switch {
	case state != 1: // 1 = ON; 0 OFF, 2/3 in transition
		return sql.LevelReadCommitted, "ALLOW_SNAPSHOT_ISOLATION is OFF (ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION ON gives a consistent snapshot)"
	case memoryOptimized > 0:
		return sql.LevelReadCommitted, fmt.Sprintf("the database has %d memory-optimized tables, which SNAPSHOT transactions cannot read", memoryOptimized)
	}
	return sql.LevelSnapshot, ""
}

// Close ends the read-only transactions, returns the connections and drops
// the database snapshot.
func (r *sqlReader) Close() error {
	var err error
	if r.tx != nil {
		err = r.tx.Rollback()
	}
	r.closeAhead()
	for _, s := range r.sessions {
		r.leaveSnapshot(s)
	}
	if r.snapshotDB != "" {
		if derr := dropDatabaseSnapshot(r.conn, r.name, r.snapshotDB); err == nil {
			err = derr
		}
	}
	if cerr := r.conn.Close(); err == nil {
		err = cerr
	}
	return err
}
