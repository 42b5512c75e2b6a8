package scripter

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/filter"
	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Warning codes Dump itself reports (the DDL writer and the catalog reader
// add their own: encrypted_module, clr_module, fk_target_not_dumped, ...).
const (
	WarnSnapshotUnavailable = "snapshot_unavailable"
	// WarnJobsNotOnePointInTime: with Jobs > 1 the connections could not
	// share one database snapshot, so each read its own point in time.
	WarnJobsNotOnePointInTime = "jobs_not_one_point_in_time"
)

// Formats (Options.Format).
const (
	FormatSQL = "sql"
	FormatZip = "zip"
)

// now is the clock behind Options.DumpDate; tests replace it.
var now = time.Now

// Dump writes a T-SQL script of the database db is connected to. Catalog and
// data are read on one connection inside one transaction (SNAPSHOT when the
// database allows it, see Options.Consistency), so the script is one
// consistent point in time. Errors from SQL Server, or from failing to reach
// it, are *ServerError; invalid options are *OptionError and are reported
// before anything is written or any connection is made.
func Dump(ctx context.Context, db *sql.DB, w io.Writer, opts Options) (*Stats, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r, err := openSQLReader(ctx, db, &opts)
	if err != nil {
		return nil, err
	}
	stats, err := DumpFrom(ctx, r, w, opts)
	if cerr := r.Close(); err == nil && cerr != nil {
		err = wrapServerError(cerr)
	}
	return stats, err
}

// Validate checks opts without touching a database: formats, modes, caps
// and every filter (regular expressions, object type names).
func (o *Options) Validate() error {
	_, err := o.validate()
	return err
}

// validate is Validate, returning the compiled filter.
func (o *Options) validate() (*filter.Filter, error) {
	switch o.Format {
	case "", FormatSQL, FormatZip:
	default:
		return nil, &OptionError{Option: "Format", Message: fmt.Sprintf("unknown format %q (want sql or zip)", o.Format)}
	}
	switch o.Consistency {
	case "", ConsistencySnapshot, ConsistencyAuto, ConsistencyNone:
	default:
		return nil, &OptionError{Option: "Consistency", Message: fmt.Sprintf("unknown consistency %q (want snapshot, auto or none)", o.Consistency)}
	}
	if o.RowsPerInsert < 0 || o.RowsPerInsert > 1000 {
		return nil, &OptionError{Option: "RowsPerInsert", Message: fmt.Sprintf("%d is outside 1..1000 (0 means 1000)", o.RowsPerInsert)}
	}
	if o.Jobs < 0 || o.Jobs > maxJobs {
		return nil, &OptionError{Option: "Jobs", Message: fmt.Sprintf("%d is outside 1..%d (0 means 1)", o.Jobs, maxJobs)}
	}
	if o.ChunkRows < 0 {
		return nil, &OptionError{Option: "ChunkRows", Message: fmt.Sprintf("%d is negative (0 means one key range per job, of at least 100,000 rows)", o.ChunkRows)}
	}
	if o.MaxInsertBytes < 0 {
		return nil, &OptionError{Option: "MaxInsertBytes", Message: fmt.Sprintf("%d is negative (0 means 1 MiB)", o.MaxInsertBytes)}
	}
	if o.NoData && o.NoCreateInfo {
		return nil, &OptionError{Option: "NoData", Message: "NoData and NoCreateInfo together leave nothing to dump"}
	}
	if strings.Contains(o.Where, "\x00") {
		return nil, &OptionError{Option: "Where", Message: "contains a NUL character"}
	}
	return compileFilter(o)
}

func (o *Options) ddlOptions() ddl.Options {
	return ddl.Options{
		AddDropTable: o.AddDropTable,
		IfNotExists:  o.IfNotExists,
		Permissions:  o.Permissions,
		DataOnly:     o.NoCreateInfo,
	}
}

// sink is where the script goes: one stream (sql) or one file per object (zip).
type sink interface {
	header(text string) error
	object(o ddl.Object) error
	// table returns the writer for one table's data.
	table(t *model.Table) io.Writer
	finish(trailer string) error
}

// DumpFrom is Dump over any Reader: the SQL Server reader in production, an
// in-memory one in tests. It writes nothing until the catalog is read and
// the filters are applied, so a bad table name fails with no output.
func DumpFrom(ctx context.Context, r Reader, w io.Writer, opts Options) (*Stats, error) {
	db, script, warnings, err := scriptCatalog(ctx, r, &opts)
	if err != nil {
		return nil, err
	}
	// Ready the connections of a parallel dump before writing anything: a
	// consistency it cannot give fails the dump with no output.
	pr, parallel := r.(ParallelReader)
	parallel = parallel && opts.Jobs > 1 && !opts.NoData && len(script.Tables) > 0
	if parallel {
		pw, err := pr.Parallel(ctx, opts.Jobs)
		if err != nil {
			return nil, err
		}
		warnings = append(warnings, pw...)
	}

	d := newDumpRun(w, &opts)
	if err := d.s.header(header(db, &opts)); err != nil {
		return nil, err
	}
	if err := d.writeSection(script, ddl.PreData); err != nil {
		return nil, err
	}
	d.st.Tables = len(script.Tables)
	switch {
	case opts.Fleet != nil && pr != nil && !opts.NoData && len(script.Tables) > 0:
		var fw []Warning
		fw, err = d.writeTablesFleet(ctx, pr, script.Tables, db.Collation)
		warnings = append(warnings, fw...)
	case parallel:
		err = d.writeTablesParallel(ctx, pr, script.Tables, db.Collation)
	case !opts.NoData:
		err = d.writeTables(ctx, r, script.Tables, db.Collation)
	}
	if err != nil {
		return nil, err
	}
	if err := d.writeSection(script, ddl.PostData); err != nil {
		return nil, err
	}
	return d.finish(warnings)
}

// scriptCatalog reads the catalog, applies the filter and builds the DDL,
// with the warnings of each step that describe the script.
func scriptCatalog(ctx context.Context, r Reader, opts *Options) (*model.Database, *ddl.Script, []Warning, error) {
	f, err := opts.validate()
	if err != nil {
		return nil, nil, nil, err
	}
	db, warnings, err := r.Catalog(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := applyFilter(f, db); err != nil {
		return nil, nil, nil, err
	}
	script := ddl.Build(db, opts.ddlOptions())
	if !opts.NoCreateInfo {
		// Without DDL in the script, the DDL writer's warnings (encrypted
		// modules, omitted owners) describe nothing the script contains.
		for _, dw := range script.Warnings {
			warnings = append(warnings, Warning(dw))
		}
	}
	return db, script, warnings, nil
}

// dataOnlyObject reports the objects a NoCreateInfo script keeps: the
// session settings, the batches that switch system versioning off around
// the data of temporal tables (which SQL Server would otherwise refuse:
// GENERATED ALWAYS period columns and the history table take no inserts
// while versioning is on) and back on after it, and those that NOCHECK FK
// and CHECK constraints and disable DML triggers before the rows and put
// them back, trust included, after them (mysqldump's data-only dumps turn
// key checks off the same way; rows in key order cannot satisfy cyclic
// FKs).
func dataOnlyObject(o ddl.Object) bool {
	switch o.Type {
	case ddl.TypeSettings, ddl.TypeVersioningOff, ddl.TypeSystemVersioning,
		ddl.TypeConstraintsOff, ddl.TypeConstraintsOn, ddl.TypeTriggersOff, ddl.TypeTriggersOn:
		return true
	}
	return false
}

// dumpTable streams one table's rows and its identity reseed.
func dumpTable(ctx context.Context, r Reader, s sink, dw *data.Writer, t *model.Table, collation string, opts *Options,
	progress *Progress, report func()) (int64, error) {
	plan := data.NewPlan(t, opts.Where, collation)
	rows, err := r.Rows(ctx, plan)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	base := startTable(s, dw, t, progress, report)
	res, err := dw.WriteTable(plan, rows)
	if err != nil {
		return 0, err
	}
	progress.Rows = base + res.Rows
	if err := endTable(dw, t); err != nil {
		return 0, err
	}
	if err := rows.Close(); err != nil {
		return 0, wrapServerError(err)
	}
	return res.Rows, nil
}

// startTable points dw at t's stream in s and has it report t's rows, on
// top of the rows of the tables before (the base it returns), as it writes
// them.
func startTable(s sink, dw *data.Writer, t *model.Table, progress *Progress, report func()) (base int64) {
	dw.Reset(s.table(t))
	label := tsql.QuoteName(t.Schema, t.Name)
	base = progress.Rows
	dw.OnBatch = func(res data.TableResult) {
		progress.Rows = base + res.Rows
		progress.Object = label
		report()
	}
	return base
}

// endTable writes t's identity reseed after its rows and flushes dw.
func endTable(dw *data.Writer, t *model.Table) error {
	if reseed := ddl.ReseedStatements(t); reseed != "" {
		if _, err := io.WriteString(dw, reseed); err != nil {
			return err
		}
	}
	return dw.Flush()
}

// header is the script's opening comment: the database name and nothing
// that changes between two dumps of the same database.
func header(db *model.Database, opts *Options) string {
	var b strings.Builder
	b.WriteString("-- mssqldump T-SQL script\n")
	b.WriteString("-- Database: ")
	b.WriteString(commentSafe(db.Name))
	b.WriteString("\n")
	if opts.Where != "" {
		b.WriteString("-- Rows filtered by: ")
		b.WriteString(commentSafe(opts.Where))
		b.WriteString("\n")
	}
	b.WriteString("-- Restore with: sqlcmd -f 65001 -b -i <this file> (the script is UTF-8)\n\n")
	return b.String()
}

// commentSafe keeps a value on its comment line.
func commentSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
}

func objectLabel(o ddl.Object) string {
	if o.Parent.Name != "" {
		return tsql.QuoteName(o.Parent.Schema, o.Parent.Name) + "." + tsql.QuoteIdent(o.QName.Name)
	}
	if o.QName.Schema == "" {
		return o.QName.Name
	}
	return tsql.QuoteName(o.QName.Schema, o.QName.Name)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// sqlSink writes one script stream, buffered: DDL objects are many small
// writes, and w may be a file or a pipe.
type sqlSink struct{ w *bufio.Writer }

func newSQLSink(w io.Writer) *sqlSink { return &sqlSink{w: bufio.NewWriterSize(w, 64<<10)} }

func (s *sqlSink) header(text string) error { _, err := io.WriteString(s.w, text); return err }

func (s *sqlSink) object(o ddl.Object) error {
	if _, err := io.WriteString(s.w, o.Text); err != nil {
		return err
	}
	_, err := io.WriteString(s.w, "\n")
	return err
}

func (s *sqlSink) table(*model.Table) io.Writer { return s.w }

func (s *sqlSink) finish(trailer string) error {
	if _, err := io.WriteString(s.w, trailer); err != nil {
		return err
	}
	return s.w.Flush()
}
