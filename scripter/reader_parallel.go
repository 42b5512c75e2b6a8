package scripter

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// sqlSession is one connection of a parallel dump and its transaction.
type sqlSession struct {
	conn *sql.Conn
	tx   *sql.Tx
}

// startSession begins conn's read transaction, inside the database snapshot
// when there is one.
func (r *sqlReader) startSession(ctx context.Context, conn *sql.Conn) (*sqlSession, error) {
	if r.snapshotDB != "" {
		if _, err := conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(r.snapshotDB)); err != nil {
			return nil, wrapServerError(err)
		}
	}
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{Isolation: r.level})
	if err != nil {
		return nil, wrapServerError(err)
	}
	return &sqlSession{conn: conn, tx: tx}, nil
}

// Parallel opens n-1 more connections; with the main one they form the
// pool Rows and KeyStats draw from. In a database snapshot they all read
// one point in time. Without one, each connection's transaction starts a
// moment apart: Consistency "snapshot" refuses that, "auto" warns.
func (r *sqlReader) Parallel(ctx context.Context, n int) ([]Warning, error) {
	var warnings []Warning
	if r.snapshotDB == "" {
		why := r.why
		if why == "" {
			why = "Consistency none reads no database snapshot"
		}
		switch r.consistency {
		case ConsistencySnapshot:
			return nil, fmt.Errorf("%w: database %q with %d jobs: the connections share one point in time only in a database snapshot, and %s (use --jobs 1, or --consistency auto to accept one snapshot per connection)",
				ErrSnapshotUnavailable, r.name, n, why)
		case ConsistencyNone:
		default:
			warnings = append(warnings, Warning{Code: WarnJobsNotOnePointInTime, Object: r.name,
				Message: fmt.Sprintf("%s: each of the %d connections read its own transaction, started moments apart, so tables changed meanwhile may not match each other", why, n)})
		}
	}
	r.pool = make(chan *sqlSession, n)
	r.pool <- &sqlSession{conn: r.conn, tx: r.tx}
	for range n - 1 {
		s, err := r.takeSession(ctx)
		if err != nil {
			return nil, err
		}
		r.pool <- s
	}
	return warnings, nil
}

// acquire returns the session to read in and the func that gives it back:
// the main one before Parallel, else a free session of the pool, waited
// for.
func (r *sqlReader) acquire(ctx context.Context) (*sqlSession, func(), error) {
	if r.pool == nil {
		return &sqlSession{conn: r.conn, tx: r.tx}, func() {}, nil
	}
	select {
	case s := <-r.pool:
		return s, func() { r.pool <- s }, nil
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
}

// KeyStats reads the bounds of p's split column and p's row count: the
// server's own count when p reads the whole table (see
// data.Plan.RowEstimateQuery), else, or when the server keeps none, a
// count of the rows p reads.
func (r *sqlReader) KeyStats(ctx context.Context, p *data.Plan) (lo, hi, rows int64, err error) {
	s, release, err := r.acquire(ctx)
	if err != nil {
		return 0, 0, 0, err
	}
	defer release()
	q := s.tx
	var min, max, estimate sql.NullInt64
	if p.Where != "" {
		// One read of the rows the Where selects, not one for the bounds
		// and another for the count.
		if err := q.QueryRowContext(ctx, p.KeyStatsQuery()).Scan(&min, &max, &rows); err != nil {
			return 0, 0, 0, wrapServerError(err)
		}
		return min.Int64, max.Int64, rows, nil
	}
	if err := q.QueryRowContext(ctx, p.KeyBoundsQuery()).Scan(&min, &max); err != nil {
		return 0, 0, 0, wrapServerError(err)
	}
	if estimate, err = r.rowEstimate(ctx, q, p); err != nil {
		return 0, 0, 0, wrapServerError(err)
	}
	if estimate.Int64 > 0 {
		return min.Int64, max.Int64, estimate.Int64, nil
	}
	if err := q.QueryRowContext(ctx, p.RowCountQuery()).Scan(&rows); err != nil {
		return 0, 0, 0, wrapServerError(err)
	}
	return min.Int64, max.Int64, rows, nil
}

// rowEstimate reads the row count the server keeps for p's table
// (data.Plan.RowEstimateQuery). On Babelfish it takes it from a plain read
// of sys.partitions instead (partitionRows): the estimate query's alias,
// SUM, WHERE and OBJECT_ID cost a new Babelfish connection 0.15-0.25 s of
// parsing, on the way to the first row (see catalog/babelfish_plain.go).
func (r *sqlReader) rowEstimate(ctx context.Context, q *sql.Tx, p *data.Plan) (sql.NullInt64, error) {
	var estimate sql.NullInt64
	if r.server == nil || !r.server.Babelfish || p.ObjectID == 0 {
		err := q.QueryRowContext(ctx, p.RowEstimateQuery()).Scan(&estimate)
		return estimate, err
	}
	counts, err := r.partitionRows(ctx, q)
	if err != nil {
		return estimate, err
	}
	estimate.Int64, estimate.Valid = counts[p.ObjectID]
	return estimate, nil
}

// partitionRows sums sys.partitions' rows per table as RowEstimateQuery
// does (the heap or clustered index, index_id < 2; NULLs ignored; a table
// with no counted row has no entry), from one plain read of the view per
// dump: KeyStats asks for every table it splits, and the view lists them
// all.
func (r *sqlReader) partitionRows(ctx context.Context, q *sql.Tx) (map[int64]int64, error) {
	r.partitionsMu.Lock()
	defer r.partitionsMu.Unlock()
	if r.partitions != nil {
		return r.partitions, nil
	}
	rows, err := q.QueryContext(ctx, plainPartitionsQuery)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[int64]int64{}
	for rows.Next() {
		var objectID, indexID int64
		var n sql.NullInt64
		if err := rows.Scan(&objectID, &indexID, &n); err != nil {
			return nil, err
		}
		if indexID < 2 && n.Valid {
			counts[objectID] += n.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	r.partitions = counts
	return counts, nil
}

// plainPartitionsQuery reads sys.partitions whole: one row per partition
// of every heap and index, a few per table.
const plainPartitionsQuery = `SELECT [object_id], [index_id], [rows] FROM sys.[partitions]`

// snapshotSuffix marks the database snapshots a dump creates, so that one
// left behind by a killed agent is recognizable.
const snapshotSuffix = "_mssqldump_"

// createDatabaseSnapshot creates a database snapshot of name (CREATE
// DATABASE ... AS SNAPSHOT OF), its sparse files next to the data files,
// and returns its name; or "" and why it could not (the edition, the
// permission, memory-optimized or FILESTREAM filegroups, an engine without
// database snapshots).
func createDatabaseSnapshot(ctx context.Context, conn *sql.Conn, name string) (snapshot, why string) {
	rows, err := conn.QueryContext(ctx, `SELECT name, physical_name FROM sys.database_files WHERE type = 0`)
	if err != nil {
		return "", "the data files could not be listed for a database snapshot: " + wrapServerError(err).Error()
	}
	var files []string
	var id [6]byte
	_, _ = rand.Read(id[:])
	tag := hex.EncodeToString(id[:])
	for rows.Next() {
		var logical, physical string
		if err := rows.Scan(&logical, &physical); err != nil {
			rows.Close()
			return "", "the data files could not be listed for a database snapshot: " + err.Error()
		}
		files = append(files, "(NAME = "+tsql.QuoteIdent(logical)+", FILENAME = "+tsql.QuoteString(physical+"."+tag+".ss")+")")
	}
	if err := rows.Close(); err != nil || len(files) == 0 {
		return "", "the data files could not be listed for a database snapshot"
	}
	base := name
	if len(base) > 100 {
		base = base[:100]
	}
	snapshot = base + snapshotSuffix + tag
	stmt := "CREATE DATABASE " + tsql.QuoteIdent(snapshot) + " ON " + strings.Join(files, ", ") + " AS SNAPSHOT OF " + tsql.QuoteIdent(name)
	if _, err := conn.ExecContext(ctx, stmt); err != nil {
		return "", "CREATE DATABASE ... AS SNAPSHOT OF failed: " + wrapServerError(err).Error()
	}
	return snapshot, ""
}

// dropDatabaseSnapshot leaves the snapshot on conn and drops it. It runs
// even when the dump's context is canceled: a snapshot left behind keeps
// growing as the database changes.
func dropDatabaseSnapshot(conn *sql.Conn, name, snapshot string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(name)); err != nil {
		return wrapServerError(err)
	}
	if _, err := conn.ExecContext(ctx, "DROP DATABASE "+tsql.QuoteIdent(snapshot)); err != nil {
		return wrapServerError(fmt.Errorf("dropping database snapshot %s: %w", tsql.QuoteIdent(snapshot), err))
	}
	return nil
}

// leaveSnapshot ends a parallel session and moves its connection out of
// the database snapshot, which cannot be dropped while a pooled connection
// still uses it.
func (r *sqlReader) leaveSnapshot(s *sqlSession) {
	_ = s.tx.Rollback()
	r.releaseConn(s.conn)
}

// releaseConn moves conn out of the database snapshot, if any, and gives
// it back to the pool.
func (r *sqlReader) releaseConn(conn *sql.Conn) {
	if r.snapshotDB != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, _ = conn.ExecContext(ctx, "USE "+tsql.QuoteIdent(r.name))
		cancel()
	}
	_ = conn.Close()
}
