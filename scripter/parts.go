package scripter

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// Fleet lets other processes read a dump's table parts (package agent's
// coordinator shares them with a fleet of agents). The dump still writes
// the one script: it takes each part's records from the fleet, or reads
// the part itself, and cuts statements as a parallel dump does, so the
// script is byte-identical to Jobs 1.
type Fleet interface {
	// Share is called once, before any part is read, with every part of
	// the dump in script order. It returns false to read every part here
	// (no fleet, or a consistency the fleet cannot give).
	Share(ctx context.Context, plan *FleetPlan) (bool, error)
	// Records returns part i's records (as DumpPart writes them) in a file
	// positioned anywhere, and their row count; the dump closes and
	// removes the file. A nil file means the dump reads the part itself.
	Records(ctx context.Context, i int) (*os.File, int64, error)
	// Take claims part i for the dump to read now when no other reader
	// has taken it, without waiting; false: another has, and Records
	// gives its records. While it waits for the first parts, the dump
	// takes and reads the last ones, so that it reads too rather than idle.
	Take(ctx context.Context, i int) (bool, error)
}

// FleetPlan is what a fleet reads: the parts, in the database snapshot
// when the reader made one.
type FleetPlan struct {
	// Snapshot is the database snapshot the dump reads, "" without one:
	// then parts read by others are not one point in time with the rest.
	Snapshot  string
	Collation string
	Parts     []FleetPart
}

// FleetPart is one part: a table's rows in a key range of its split
// column; no bounds is the whole table.
type FleetPart struct {
	Schema, Table string
	Range         data.KeyRange
	// Columns is PartStats.Columns of the dump's own plan of the table:
	// records another reader encoded with other columns (the table was
	// altered between the plan and its read, possible without a database
	// snapshot) do not belong in the script, and the fleet must not hand
	// them over.
	Columns string
}

// WarnFleetNotOnePointInTime: parts read by a fleet without a database
// snapshot (Consistency none) each saw their own moment.
const WarnFleetNotOnePointInTime = "fleet_not_one_point_in_time"

// snapshotNamer is a reader that reads inside a database snapshot it made.
type snapshotNamer interface{ SnapshotName() string }

// PartStats is what DumpPart read.
type PartStats struct {
	Rows int64
	// Columns is the hex SHA-256 of the columns and types the rows were
	// encoded with: a part read against another definition of the table
	// is recognizable.
	Columns string
}

// DumpPart writes the rows of one part to w as row records, encoded with
// opts' Where and statement caps: what a dump with a Fleet takes from
// Fleet.Records. collation is the plan's (the database's).
func DumpPart(ctx context.Context, r Reader, w io.Writer, opts Options, part FleetPart, collation string) (*PartStats, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	db, _, err := r.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var t *model.Table
	for _, c := range db.Tables {
		if c.Schema == part.Schema && c.Name == part.Table {
			t = c
		}
	}
	if t == nil {
		return nil, fmt.Errorf("scripter: part of table %s.%s: no such table", part.Schema, part.Table)
	}
	p := data.NewPlan(t, opts.Where, collation)
	if part.Range.Lo != nil || part.Range.Hi != nil {
		p = p.WithRange(part.Range)
	}
	rows, err := r.Rows(ctx, p)
	if err != nil {
		return nil, err
	}
	n, err := data.NewWriter(nil, newDumpRun(io.Discard, &opts).limits()).EncodeRecords(p, rows, w)
	if cerr := rows.Close(); err == nil && cerr != nil {
		err = wrapServerError(cerr)
	}
	if err != nil {
		return nil, err
	}
	return &PartStats{Rows: n, Columns: columnsDigest(p)}, nil
}

// columnsDigest is PartStats.Columns of p.
func columnsDigest(p *data.Plan) string {
	h := sha256.New()
	for _, c := range p.Columns {
		fmt.Fprintf(h, "%q %q %+v\n", c.Name, c.Select, c.Type)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// writeTablesFleet writes the data of tables as writeTablesParallel does,
// with the parts shared through opts.Fleet: all tables are split first,
// the plan is shared, then one fetcher takes the parts in order from the
// fleet (or reads them itself) while the writer cuts statements.
func (d *dumpRun) writeTablesFleet(ctx context.Context, r ParallelReader, tables []*model.Table, collation string) ([]Warning, error) {
	jobs, plan, err := planFleet(ctx, r, tables, collation, d.opts)
	if err != nil {
		return nil, err
	}
	if sn, ok := r.(snapshotNamer); ok {
		plan.Snapshot = sn.SnapshotName()
	}
	shared, err := d.opts.Fleet.Share(ctx, plan)
	if err != nil {
		return nil, err
	}
	if !shared && d.opts.Jobs > 1 {
		// Declined: read as --jobs alone would, on its Jobs connections
		// (planning the tables again costs one KeyStats query each).
		return nil, d.writeTablesParallel(ctx, r, tables, collation)
	}
	var warnings []Warning
	if shared && plan.Snapshot == "" {
		warnings = append(warnings, Warning{Code: WarnFleetNotOnePointInTime,
			Message: "the parts other agents read had no database snapshot to share, so tables changed meanwhile may not match each other"})
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		for _, tj := range jobs {
			for _, p := range tj.parts {
				p.release()
			}
		}
	}()
	wg.Go(func() { fetchParts(ctx, r, d.limits(), d.opts.Fleet, shared, jobs, max(d.opts.Jobs, 1)) })
	dw := data.NewWriter(nil, d.limits())
	for _, tj := range jobs {
		n, err := writeTableParts(ctx, d.s, dw, tj, &d.progress, d.report)
		if err != nil {
			return nil, err
		}
		d.tableDone(tj.table, n)
	}
	return warnings, ctx.Err()
}

// planFleet splits every table as a parallel dump does and lists the
// parts in script order.
func planFleet(ctx context.Context, r ParallelReader, tables []*model.Table, collation string, opts *Options) ([]*tableJob, *FleetPlan, error) {
	plan := &FleetPlan{Collation: collation}
	var jobs []*tableJob
	for _, t := range tables {
		tj := planTable(ctx, r, t, collation, opts)
		if tj.err != nil {
			return nil, nil, tj.err
		}
		columns := columnsDigest(tj.plan)
		for _, p := range tj.parts {
			fp := FleetPart{Schema: t.Schema, Table: t.Name, Columns: columns}
			if p.plan.Range != nil {
				fp.Range = *p.plan.Range
			}
			plan.Parts = append(plan.Parts, fp)
		}
		jobs = append(jobs, tj)
	}
	return jobs, plan, nil
}

// fetchParts readies every part once. A forward fetcher takes the parts in
// script order, from the fleet when another reader took them (waiting for
// their records) or read here. When the fleet shares the parts, a backward
// fetcher meanwhile takes the last parts nobody took and reads them here,
// until it meets a part taken elsewhere or by the forward one: without it
// the dump would idle while the first parts are read elsewhere. Parts read
// here share slots connections (one with Jobs 1, where there is no pool).
// A fetcher stops at its first error, which the writer meets at that part.
func fetchParts(ctx context.Context, r ParallelReader, limits data.Limits, fleet Fleet, shared bool, jobs []*tableJob, slots int) {
	var parts []*tablePart // in script order: part i of the plan
	for _, tj := range jobs {
		parts = append(parts, tj.parts...)
	}
	f := &partFetcher{ctx: ctx, r: r, limits: limits, fleet: fleet, parts: parts,
		claimed: make([]atomic.Bool, len(parts)), slots: make(chan struct{}, slots)}
	var wg sync.WaitGroup
	if shared {
		wg.Go(f.backward)
	}
	f.forward(shared)
	wg.Wait()
}

// partFetcher is the state fetchParts' two fetchers share: a part is
// fetched by whichever claims it first.
type partFetcher struct {
	ctx     context.Context
	r       ParallelReader
	limits  data.Limits
	fleet   Fleet
	parts   []*tablePart
	claimed []atomic.Bool
	slots   chan struct{} // connections for the parts read here
}

// forward fetches every part the backward fetcher has not claimed, in
// order: the fleet's records when shared, else read here.
func (f *partFetcher) forward(shared bool) {
	w := data.NewWriter(nil, f.limits)
	for i, p := range f.parts {
		if !f.claimed[i].CompareAndSwap(false, true) {
			continue
		}
		var file *os.File
		if shared {
			file, p.rows, p.err = f.fleet.Records(f.ctx, i)
		}
		if !f.finish(p, file, w) {
			return
		}
	}
}

// backward takes the last parts nobody took and reads them here. At the
// first part the forward fetcher claimed, or that another reader took
// (whose records it then waits for, as the forward one would), it stops.
func (f *partFetcher) backward() {
	w := data.NewWriter(nil, f.limits)
	for i := len(f.parts) - 1; i >= 0; i-- {
		if !f.claimed[i].CompareAndSwap(false, true) {
			return
		}
		p := f.parts[i]
		took, err := f.fleet.Take(f.ctx, i)
		var file *os.File
		switch {
		case err != nil:
			p.err = err
		case !took:
			file, p.rows, p.err = f.fleet.Records(f.ctx, i)
		}
		if !f.finish(p, file, w) || !took {
			return
		}
	}
}

// finish readies p from the fleet's file, or reads it here when there is
// none, and marks it done; false when it failed.
func (f *partFetcher) finish(p *tablePart, file *os.File, w *data.Writer) bool {
	switch {
	case p.err != nil:
	case file != nil:
		p.file = file
		_, p.err = file.Seek(0, io.SeekStart)
	default:
		select {
		case f.slots <- struct{}{}:
			p.rows, p.err = readPart(f.ctx, f.r, w, p)
			<-f.slots
		case <-f.ctx.Done():
			p.err = context.Cause(f.ctx)
		}
	}
	close(p.done)
	return p.err == nil
}

// SnapshotName is the database snapshot the reader made, "" without one.
func (r *sqlReader) SnapshotName() string { return r.snapshotDB }

// DumpPartDB is DumpPart over a SQL Server connection to the database
// snapshot the plan names (or, under consistency none, the database): one
// connection, read committed, which in a read-only database snapshot is
// the snapshot's one point in time.
func DumpPartDB(ctx context.Context, db *sql.DB, w io.Writer, opts Options, part FleetPart, collation string) (*PartStats, error) {
	opts.Jobs, opts.Fleet, opts.Consistency = 1, nil, ConsistencyNone
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r, err := openSQLReader(ctx, db, &opts)
	if err != nil {
		return nil, err
	}
	st, err := DumpPart(ctx, r, w, opts, part, collation)
	if cerr := r.Close(); err == nil && cerr != nil {
		err = wrapServerError(cerr)
	}
	return st, err
}
