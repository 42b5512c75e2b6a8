package sqlbatch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// ContinueOnError runs the remaining batches after a failed one (like
	// sqlcmd without -b). Restore still returns an error when any failed.
	ContinueOnError bool
	// Progress, when set, is called after each batch.
	Progress func(RestoreProgress)
}

// RestoreProgress is reported after each batch.
type RestoreProgress struct {
	Batches int   // batches run so far (a GO n batch counts once)
	Failed  int   // of which failed
	Line    int   // script lines read so far
	Bytes   int64 // batch text bytes run so far
}

// RestoreStats summarise a Restore.
type RestoreStats struct {
	Batches int
	Failed  int
	Lines   int
	Bytes   int64
	// Errors holds the first MaxRecordedErrors batch errors (ContinueOnError).
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
// db must come from go-mssqldb's "sqlserver" driver name or its
// NewConnector: the legacy "mssql" name rewrites ?, $1 and :1 in query text.
func Restore(ctx context.Context, db *sql.DB, r io.Reader, opts RestoreOptions) (RestoreStats, error) {
	var st RestoreStats
	conn, err := db.Conn(ctx)
	if err != nil {
		return st, fmt.Errorf("sqlbatch: connect: %w", err)
	}
	defer conn.Close()
	sp := NewSplitter(r)
	var firstErr *BatchError
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		b, err := sp.Next()
		st.Lines = sp.Line()
		if err == io.EOF {
			break
		}
		if err != nil {
			return st, err
		}
		st.Batches++
		st.Bytes += int64(len(b.Text))
		if len(b.Variables) > 0 {
			st.VariableBatches++
		}
		text := b.Text
		if bareName(text) {
			// go-mssqldb sends a query that is only a name as an RPC call,
			// not as a batch; a newline keeps it a batch, as sqlcmd sends it.
			text += "\n"
		}
		for run := 1; run <= b.Repeat; run++ {
			if _, err := conn.ExecContext(ctx, text); err != nil {
				if ctx.Err() != nil {
					return st, ctx.Err()
				}
				be := newBatchError(st.Batches, b, run, err)
				st.Failed++
				if !opts.ContinueOnError {
					return st, be
				}
				if firstErr == nil {
					firstErr = be
				}
				if len(st.Errors) < MaxRecordedErrors {
					st.Errors = append(st.Errors, be)
				}
				break
			}
		}
		if opts.Progress != nil {
			opts.Progress(RestoreProgress{Batches: st.Batches, Failed: st.Failed, Line: st.Lines, Bytes: st.Bytes})
		}
	}
	if firstErr != nil {
		return st, fmt.Errorf("%w: %d of %d; first: %w", ErrBatchesFailed, st.Failed, st.Batches, firstErr)
	}
	return st, nil
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
