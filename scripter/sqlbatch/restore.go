package sqlbatch

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// ContinueOnError runs the remaining batches after a failed one (like
	// sqlcmd without -b). Restore still returns an error when any failed.
	ContinueOnError bool
	// RetryPasses bounds the passes over batches set aside because an
	// object they name did not exist yet (see Restore): 0 means
	// DefaultRetryPasses, a negative number sets nothing aside.
	RetryPasses int
	// Progress, when set, is called after each batch, retries included.
	Progress func(RestoreProgress)
}

// RestoreProgress is reported after each batch.
type RestoreProgress struct {
	Batches int   // batches run so far (a GO n batch counts once; a retry does not count again)
	Failed  int   // of which failed
	Retried int   // of which were set aside and run again after the rest
	Line    int   // script lines read so far
	Bytes   int64 // batch text bytes run so far
}

// RestoreStats summarise a Restore.
type RestoreStats struct {
	Batches int
	Failed  int
	// Retried counts the batches set aside because an object they name
	// did not exist yet and run again after the rest of the script; those
	// that still failed are also in Failed.
	Retried int
	Lines   int
	Bytes   int64
	// Errors holds the first MaxRecordedErrors batch errors
	// (ContinueOnError), in script order.
	Errors []*BatchError
	// VariableBatches counts batches with $(name) references that sqlcmd
	// would have substituted (Restore runs them verbatim).
	VariableBatches int
}

// MaxRecordedErrors caps RestoreStats.Errors.
const MaxRecordedErrors = 100

// BatchError is a failed batch: its number (1-based, counting run batches),
// the script line where it starts, the script line the server pointed at
// (when it did) and a short excerpt of that line.
type BatchError struct {
	Batch      int
	Line       int
	ErrorLine  int
	Excerpt    string
	Err        error
	Repetition int // which run of a GO n batch failed (1-based)
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "batch %d (line %d): %v", e.Batch, e.Line, e.Err)
	if e.Repetition > 1 {
		fmt.Fprintf(&b, " (run %d of GO n)", e.Repetition)
	}
	if e.Excerpt != "" {
		at := e.Line
		if e.ErrorLine > 0 {
			at = e.ErrorLine
		}
		fmt.Fprintf(&b, " [line %d: %s]", at, e.Excerpt)
	}
	return b.String()
}

func (e *BatchError) Unwrap() error { return e.Err }

// ErrBatchesFailed is returned (wrapped) when ContinueOnError let some
// batches fail.
var ErrBatchesFailed = errors.New("sqlbatch: batches failed")

// Restore runs the script read from r against db, batch by batch, on ONE
// connection, so session state (SET options, SET IDENTITY_INSERT, USE, temp
// tables) carries from batch to batch as it does under sqlcmd. Each batch is
// sent verbatim as a plain SQL batch (no parameters, no $(var) substitution).
// The first failing batch stops the restore unless opts.ContinueOnError.
//
// A batch that creates a view, procedure, function or trigger and fails
// only because an object it names does not exist yet (SQL Server error 208
// and the others in retry.go) is set aside, and so is any later batch that
// fails the same way while batches are set aside (an extended property, an
// index or a permission on a view set aside). After the rest of the script
// they run again, in script order and each under the SET options it first
// ran under, pass after pass until a pass creates nothing or
// opts.RetryPasses passes have run; what still fails is reported as a
// BatchError naming the batch's own number and line. So a script whose
// order the catalog got wrong (sys.sql_expression_dependencies is
// incomplete, and empty on Babelfish) still restores.
//
// db must come from go-mssqldb's "sqlserver" driver name or its
// NewConnector: the legacy "mssql" name rewrites ?, $1 and :1 in query text.
func Restore(ctx context.Context, db *sql.DB, r io.Reader, opts RestoreOptions) (RestoreStats, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return RestoreStats{}, fmt.Errorf("sqlbatch: connect: %w", err)
	}
	defer discard(conn)
	return restore(ctx, conn, r, opts)
}

// execer runs one batch on the restore's connection; *sql.Conn is one.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// setAside is a batch that failed because an object did not exist yet.
type setAside struct {
	number  int    // its batch number
	batch   Batch  // as split
	text    string // as sent
	session string // the session settings it first ran under
	err     error  // its latest error
}

// restorer is the state of one restore.
type restorer struct {
	ex      execer
	opts    RestoreOptions
	st      RestoreStats
	session session
	aside   []*setAside
}

func restore(ctx context.Context, ex execer, r io.Reader, opts RestoreOptions) (RestoreStats, error) {
	rs := &restorer{ex: ex, opts: opts}
	sp := NewSplitter(r)
	for {
		if err := ctx.Err(); err != nil {
			return rs.st, err
		}
		b, err := sp.Next()
		rs.st.Lines = sp.Line()
		if err == io.EOF {
			break
		}
		if err != nil {
			return rs.st, err
		}
		rs.st.Batches++
		rs.st.Bytes += int64(len(b.Text))
		if len(b.Variables) > 0 {
			rs.st.VariableBatches++
		}
		text := b.Text
		if bareName(text) {
			// go-mssqldb sends a query that is only a name as an RPC call,
			// not as a batch; a newline keeps it a batch, as sqlcmd sends it.
			text += "\n"
		}
		run, err := rs.run(ctx, text, b.Repeat)
		switch {
		case err == nil:
			rs.session.observe(b.Text)
		case ctx.Err() != nil:
			return rs.st, ctx.Err()
		case run == 1 && opts.RetryPasses >= 0 && (len(rs.aside) > 0 || createsModule(b.Text)) && sqlerr.MissingObject(err):
			rs.aside = append(rs.aside, &setAside{number: rs.st.Batches, batch: b, text: text, session: rs.session.batch(), err: err})
		default:
			if be := rs.fail(newBatchError(rs.st.Batches, b, run, err)); be != nil {
				return rs.st, be
			}
		}
		rs.progress()
	}
	if err := rs.retry(ctx); err != nil {
		return rs.st, err
	}
	if len(rs.st.Errors) > 0 {
		// Errors is in script order: its first is the failed batch with the
		// lowest number.
		return rs.st, fmt.Errorf("%w: %d of %d; first: %w", ErrBatchesFailed, rs.st.Failed, rs.st.Batches, rs.st.Errors[0])
	}
	return rs.st, nil
}

// run runs text repeat times (GO n) and returns the run that failed.
func (rs *restorer) run(ctx context.Context, text string, repeat int) (int, error) {
	for run := 1; run <= repeat; run++ {
		if _, err := rs.ex.ExecContext(ctx, text); err != nil {
			return run, err
		}
	}
	return 0, nil
}

// fail records a failed batch; it returns be when the restore stops there.
func (rs *restorer) fail(be *BatchError) *BatchError {
	rs.st.Failed++
	if !rs.opts.ContinueOnError {
		return be
	}
	// Batches set aside fail after later ones: keep Errors in script order.
	i := sort.Search(len(rs.st.Errors), func(i int) bool { return rs.st.Errors[i].Batch > be.Batch })
	rs.st.Errors = slices.Insert(rs.st.Errors, i, be)
	if len(rs.st.Errors) > MaxRecordedErrors {
		rs.st.Errors = rs.st.Errors[:MaxRecordedErrors]
	}
	return nil
}

func (rs *restorer) progress() {
	if rs.opts.Progress != nil {
		rs.opts.Progress(RestoreProgress{Batches: rs.st.Batches, Failed: rs.st.Failed, Retried: rs.st.Retried, Line: rs.st.Lines, Bytes: rs.st.Bytes})
	}
}

// retry runs the batches set aside again, in script order, pass after pass
// while a pass gets at least one through, then reports the rest as failed.
func (rs *restorer) retry(ctx context.Context) error {
	if len(rs.aside) == 0 {
		return nil
	}
	rs.st.Retried = len(rs.aside)
	passes := rs.opts.RetryPasses
	if passes == 0 {
		passes = DefaultRetryPasses
	}
	current := rs.session.batch() // the settings the connection has now
	for pass := 1; pass <= passes && len(rs.aside) > 0; pass++ {
		var still []*setAside
		for _, a := range rs.aside {
			if err := ctx.Err(); err != nil {
				return err
			}
			run, err := rs.rerun(ctx, a, &current)
			switch {
			case err == nil:
			case ctx.Err() != nil:
				return ctx.Err()
			case sqlerr.MissingObject(err):
				a.err = err
				still = append(still, a)
			default:
				// It got past the missing object and failed on
				// something else: a real failure.
				if be := rs.fail(newBatchError(a.number, a.batch, run, err)); be != nil {
					return be
				}
			}
			rs.progress()
		}
		progressed := len(still) < len(rs.aside)
		rs.aside = still
		if !progressed {
			break
		}
	}
	for _, a := range rs.aside {
		if be := rs.fail(newBatchError(a.number, a.batch, 1, a.err)); be != nil {
			return be
		}
	}
	rs.aside = nil
	return nil
}

// rerun runs a set-aside batch under the session settings it first ran
// under, restoring them first when the connection has others. It returns
// the run (GO n) that failed.
func (rs *restorer) rerun(ctx context.Context, a *setAside, current *string) (int, error) {
	if a.session != *current && a.session != "" {
		if _, err := rs.ex.ExecContext(ctx, a.session); err != nil {
			return 1, err
		}
		*current = a.session
	}
	return rs.run(ctx, a.text, a.batch.Repeat)
}

// lineNoError is implemented by go-mssqldb's Error (SQLErrorLineNo): the
// line of the batch the server complained about.
type lineNoError interface{ SQLErrorLineNo() int32 }

func newBatchError(n int, b Batch, run int, err error) *BatchError {
	be := &BatchError{Batch: n, Line: b.StartLine, Err: err, Repetition: run}
	rel := 1
	var le lineNoError
	if errors.As(err, &le) && le.SQLErrorLineNo() > 0 {
		rel = int(le.SQLErrorLineNo())
		be.ErrorLine = b.StartLine + rel - 1
	}
	be.Excerpt = excerpt(b.Text, rel)
	return be
}

// excerpt returns line rel (1-based) of text, trimmed to a short prefix.
func excerpt(text string, rel int) string {
	for i := 1; i < rel; i++ {
		j := strings.IndexByte(text, '\n')
		if j < 0 {
			return ""
		}
		text = text[j+1:]
	}
	if j := strings.IndexByte(text, '\n'); j >= 0 {
		text = text[:j]
	}
	text = strings.TrimSpace(text)
	const max = 80
	if len(text) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "..."
	}
	return text
}

// bareName reports whether go-mssqldb would take text for a stored
// procedure name and send it as an RPC (its isProc): one run of letters,
// digits, _, #, dots and [bracketed] parts, with no space, quote, ';' or
// line break outside brackets.
func bareName(text string) bool {
	if text == "" {
		return false
	}
	inBracket := false
	for _, r := range text {
		switch {
		case inBracket:
			if r == ']' {
				inBracket = false
			}
		case r == '[':
			inBracket = true
		case r == '.' || r == '_' || r == '#' || r == '@' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r):
		default:
			return false
		}
	}
	return true
}

// discard closes the restore's connection for good instead of returning it
// to db's pool: the script changed its session (USE, SET options,
// IDENTITY_INSERT), and not every engine undoes that when the pool hands
// the connection out again (Babelfish keeps the database a USE chose).
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
