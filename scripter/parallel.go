package scripter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// ParallelReader is a Reader that several connections read at once
// (Options.Jobs, mydumper's --threads).
type ParallelReader interface {
	Reader
	// Parallel readies n connections: afterwards Rows and KeyStats may be
	// called from n goroutines at once. The warnings say what consistency
	// the connections have together; with Options.Consistency "snapshot"
	// and no one point in time across them, it fails with
	// ErrSnapshotUnavailable instead.
	Parallel(ctx context.Context, n int) ([]Warning, error)
	// KeyStats returns the smallest and largest value of p's split column
	// and the number of rows p reads (rows 0: lo and hi mean nothing).
	KeyStats(ctx context.Context, p *data.Plan) (lo, hi, rows int64, err error)
}

// Limits and defaults of the parallel dump.
const (
	// maxJobs caps Options.Jobs: each job is a connection to the server.
	maxJobs          = 64
	defaultChunkRows = 100_000
	// maxChunks bounds the ranges of one table, whatever its size: each
	// costs a query and a temporary file.
	maxChunks = 256
)

// tablePart is one query's worth of a table's rows: all of them, or one key
// range. A worker encodes its rows as records into a temporary file.
type tablePart struct {
	plan *data.Plan
	file *os.File
	rows int64
	err  error
	done chan struct{}
}

// tableJob is one table of a parallel dump: its parts, in key order.
type tableJob struct {
	table *model.Table
	plan  *data.Plan
	parts []*tablePart
	err   error // from planning the parts
}

// writeTablesParallel writes the data of tables as writeTables does, read by
// opts.Jobs connections at once. A table whose key allows it and that holds
// more than opts.ChunkRows rows is read in key ranges on several
// connections. Parts are encoded into temporary files (memory does not grow
// with the data) and written out table by table, range by range, in
// restore order whatever order they finish in; the statement cuts come from
// one TableStatements per table, so the script is byte-identical to
// opts.Jobs 1.
func (d *dumpRun) writeTablesParallel(ctx context.Context, r ParallelReader, tables []*model.Table, collation string) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	opts, limits := d.opts, d.limits()

	jobs := make(chan *tableJob, len(tables)) // planned tables, in order, for the writer below
	parts := make(chan *tablePart)            // work for the readers
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		planTables(ctx, r, tables, collation, opts, jobs, parts)
	}()
	for range max(opts.Jobs, 1) { // one reader per connection
		wg.Add(1)
		go func() {
			defer wg.Done()
			readParts(ctx, r, limits, parts)
		}()
	}
	// Whatever happens below, stop the planner and readers and remove
	// every temporary file before returning.
	var planned []*tableJob
	defer func() {
		cancel()
		for tj := range jobs { // the tables not written yet hold files too
			planned = append(planned, tj)
		}
		wg.Wait()
		for _, tj := range planned {
			for _, p := range tj.parts {
				p.release()
			}
		}
	}()

	dw := data.NewWriter(nil, limits) // one buffer for every table
	for tj := range jobs {
		planned = append(planned, tj)
		if tj.err != nil {
			return tj.err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := writeTableParts(ctx, d.s, dw, tj, &d.progress, d.report)
		if err != nil {
			return err
		}
		d.tableDone(tj.table, n)
	}
	return ctx.Err()
}

// planTables is the planner of a parallel dump: it splits tables into
// parts and hands the parts out in restore order, so the writer's next
// part is usually the first done. Every table planned goes to jobs, in
// order; it closes both channels when done.
func planTables(ctx context.Context, r ParallelReader, tables []*model.Table, collation string, opts *Options,
	jobs chan<- *tableJob, parts chan<- *tablePart) {
	defer close(parts)
	defer close(jobs)
	for _, t := range tables {
		tj := planTable(ctx, r, t, collation, opts)
		jobs <- tj
		if tj.err != nil {
			return
		}
		for _, p := range tj.parts {
			select {
			case parts <- p:
			case <-ctx.Done():
				return
			}
		}
	}
}

// planTable plans one table's data and splits it into parts (tj.err
// when the split failed): the one way a parallel and a fleet dump plan.
func planTable(ctx context.Context, r ParallelReader, t *model.Table, collation string, opts *Options) *tableJob {
	tj := &tableJob{table: t, plan: data.NewPlan(t, opts.Where, collation)}
	tj.parts, tj.err = splitTable(ctx, r, tj.plan, opts.ChunkRows, max(opts.Jobs, 1))
	return tj
}

// readParts is one reader of a parallel dump, on one connection: it
// encodes each part it is handed into the part's file and marks it done.
func readParts(ctx context.Context, r ParallelReader, limits data.Limits, parts <-chan *tablePart) {
	w := data.NewWriter(nil, limits) // this reader's encode buffers
	for p := range parts {
		p.rows, p.err = readPart(ctx, r, w, p)
		close(p.done)
	}
}

// splitTable makes the parts of one table: key ranges of about chunkRows
// rows when the plan has a split column and the table is bigger than that,
// else the whole table. The first range is open below and the last open
// above, so no row is missed whatever the statistics said.
//
// chunkRows 0 means one range per job, of at least defaultChunkRows rows:
// an engine that does not seek its key for a range (Babelfish measured a
// whole-table scan's time per range query) then pays one scan per job,
// not one per 100,000 rows.
func splitTable(ctx context.Context, r ParallelReader, p *data.Plan, chunkRows int64, jobs int) ([]*tablePart, error) {
	whole := []*tablePart{{plan: p, done: make(chan struct{})}}
	if _, ok := p.SplitColumn(); !ok {
		return whole, nil
	}
	lo, hi, rows, err := r.KeyStats(ctx, p)
	if err != nil {
		return nil, err
	}
	if chunkRows <= 0 {
		chunkRows = max(defaultChunkRows, (rows+int64(jobs)-1)/int64(jobs))
	}
	bounds := splitBounds(lo, hi, min((rows+chunkRows-1)/chunkRows, maxChunks))
	if len(bounds) == 0 {
		return whole, nil
	}
	var out []*tablePart
	for i := 0; i <= len(bounds); i++ {
		var kr data.KeyRange
		if i > 0 {
			kr.Lo = &bounds[i-1]
		}
		if i < len(bounds) {
			kr.Hi = &bounds[i]
		}
		out = append(out, &tablePart{plan: p.WithRange(kr), done: make(chan struct{})})
	}
	return out, nil
}

// splitBounds cuts [lo, hi] into n ranges of equal key span and returns the
// n-1 inner boundaries (each the first key of its range), none when n < 2
// or the span is too narrow.
func splitBounds(lo, hi int64, n int64) []int64 {
	if n < 2 || hi <= lo {
		return nil
	}
	span := uint64(hi) - uint64(lo) // no overflow: hi > lo
	if span < uint64(n) {
		n = int64(span)
	}
	var out []int64
	for i := int64(1); i < n; i++ {
		// span/n*i + span%n*i/n without overflowing uint64.
		off := span/uint64(n)*uint64(i) + (span%uint64(n))*uint64(i)/uint64(n)
		b := int64(uint64(lo) + off)
		if len(out) == 0 || b > out[len(out)-1] {
			out = append(out, b)
		}
	}
	return out
}

// readPart reads one part's rows into a new temporary file as records.
func readPart(ctx context.Context, r ParallelReader, w *data.Writer, p *tablePart) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	f, err := os.CreateTemp("", "mssqldump-part-*")
	if err != nil {
		return 0, fmt.Errorf("scripter: temporary file for a table part: %w", err)
	}
	p.file = f
	rows, err := r.Rows(ctx, p.plan)
	if err != nil {
		return 0, err
	}
	n, err := w.EncodeRecords(p.plan, rows, f)
	if cerr := rows.Close(); err == nil && cerr != nil {
		err = wrapServerError(cerr)
	}
	return n, err
}

// release closes and removes the part's temporary file.
func (p *tablePart) release() {
	if p.file != nil {
		_ = p.file.Close()
		_ = os.Remove(p.file.Name())
		p.file = nil
	}
}

// writeTableParts writes one table's statements from its parts, in order,
// as each part is done, then its identity reseed.
func writeTableParts(ctx context.Context, s sink, dw *data.Writer, tj *tableJob, progress *Progress, report func()) (int64, error) {
	base := startTable(s, dw, tj.table, progress, report)
	var ts *data.TableStatements
	if len(tj.plan.Columns) > 0 {
		ts = dw.BeginTable(tj.plan)
	}
	var n int64
	for _, p := range tj.parts {
		select {
		case <-p.done:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		if p.err != nil {
			return 0, p.err
		}
		n += p.rows
		if ts != nil && p.rows > 0 {
			if _, err := p.file.Seek(0, io.SeekStart); err != nil {
				return 0, fmt.Errorf("scripter: rereading a table part: %w", err)
			}
			if err := ts.AddRecords(p.file); err != nil {
				return 0, err
			}
		}
		p.release()
	}
	if ts != nil {
		res, err := ts.End()
		if err != nil {
			return 0, err
		}
		if res.Rows != n {
			return 0, errors.New("scripter: a table's parts and its statements disagree on the row count")
		}
	}
	progress.Rows = base + n
	return n, endTable(dw, tj.table)
}
