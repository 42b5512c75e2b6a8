package scripter

import (
	"context"
	"io"

	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// dumpRun is the writing half of one DumpFrom: the sink, the byte count
// and the running Stats and Progress every step adds to.
type dumpRun struct {
	opts     *Options
	cw       *countingWriter
	s        sink
	st       *Stats
	progress Progress
}

func newDumpRun(w io.Writer, opts *Options) *dumpRun {
	d := &dumpRun{opts: opts, cw: &countingWriter{w: w}, st: &Stats{Rows: map[string]int64{}}}
	if opts.Format == FormatZip {
		d.s = newZipSink(d.cw)
	} else {
		d.s = newSQLSink(d.cw)
		if opts.Layout != nil {
			d.s = newLayoutSink(d.s, opts.Layout)
		}
	}
	return d
}

// report calls Options.Progress, if set, with the bytes written so far.
func (d *dumpRun) report() {
	if d.opts.Progress != nil {
		p := d.progress
		p.Bytes = d.cw.n
		d.opts.Progress(p)
	}
}

func (d *dumpRun) limits() data.Limits {
	return data.Limits{RowsPerInsert: d.opts.RowsPerInsert, MaxInsertBytes: d.opts.MaxInsertBytes}
}

// writeSection writes the script's objects of one section (only the
// data-only ones with NoCreateInfo), counting all but the settings and
// drops as objects.
func (d *dumpRun) writeSection(script *ddl.Script, sec ddl.Section) error {
	for _, o := range script.Objects {
		if o.Section != sec {
			continue
		}
		if d.opts.NoCreateInfo && !dataOnlyObject(o) {
			continue
		}
		if err := d.s.object(o); err != nil {
			return err
		}
		if o.Type != ddl.TypeSettings && o.Type != ddl.TypeDrop {
			d.st.Objects++
			d.progress.Objects = d.st.Objects
			d.progress.Object = objectLabel(o)
		}
	}
	d.report()
	return nil
}

// writeTables writes the data of tables one after the other, on r's one
// connection.
func (d *dumpRun) writeTables(ctx context.Context, r Reader, tables []*model.Table, collation string) error {
	dw := data.NewWriter(nil, d.limits()) // one buffer for every table
	for _, t := range tables {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := dumpTable(ctx, r, d.s, dw, t, collation, d.opts, &d.progress, d.report)
		if err != nil {
			return err
		}
		d.tableDone(t, n)
	}
	return nil
}

// tableDone counts t, written with n rows, in the Stats and the progress.
func (d *dumpRun) tableDone(t *model.Table, n int64) {
	d.st.Rows[key(t.QName)] = n
	d.progress.Tables++
	d.report()
}

// finish writes the trailer and closes the sink, then reports the totals.
func (d *dumpRun) finish(warnings []Warning) (*Stats, error) {
	trailer := ""
	if d.opts.DumpDate {
		trailer = "-- Dump completed on " + now().UTC().Format("2006-01-02 15:04:05") + " UTC\n"
	}
	if err := d.s.finish(trailer); err != nil {
		return nil, err
	}
	d.st.Bytes = d.cw.n
	d.st.Warnings = warnings
	d.progress.Object = ""
	d.report()
	return d.st, nil
}
