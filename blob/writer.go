package blob

import (
	"context"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// Writer streams one object; see Bucket.NewWriter. It is an io.WriteCloser
// and, like any io.Writer, not safe for concurrent use.
//
// The first error (from Write, or the context being canceled) is sticky:
// the write is aborted at once, every later Write returns it, and Close
// returns it without committing anything.
//
// Always call Close or cancel the context: network drivers keep an upload
// goroutine (and its part buffers) until one of the two happens.
type Writer struct {
	b      *Bucket
	key    string
	ctx    context.Context
	cancel context.CancelFunc
	w      driver.Writer
	n      int64
	err    error
	closed bool
}

// Write writes p to the object being written.
func (w *Writer) Write(p []byte) (int, error) {
	if w.closed {
		return 0, ErrClosed
	}
	if w.err != nil {
		return 0, w.err
	}
	if err := w.ctx.Err(); err != nil {
		w.abort(wrap(w.b.d, "Write", w.key, err))
		return 0, w.err
	}
	n, err := w.w.Write(p)
	w.n += int64(n)
	if err != nil {
		w.abort(wrap(w.b.d, "Write", w.key, err))
		return n, w.err
	}
	return n, nil
}

// abort records err as the sticky error and makes the driver drop the
// upload: canceling the driver's context before its Close is the driver
// contract for "abort".
func (w *Writer) abort(err error) {
	w.err = err
	w.cancel()
	_ = w.w.Close() // reports the abort itself; err is what the caller sees
}

// Written returns the number of bytes accepted so far.
func (w *Writer) Written() int64 { return w.n }

// Close commits the object: it is visible at the key once Close returns nil.
// When the context was canceled, or a Write failed, Close aborts and returns
// that error. A second Close returns ErrClosed.
func (w *Writer) Close() error {
	if w.closed {
		return ErrClosed
	}
	w.closed = true
	if w.err != nil {
		return w.err
	}
	if err := w.ctx.Err(); err != nil {
		w.abort(wrap(w.b.d, "Close", w.key, err))
		return w.err
	}
	err := w.w.Close()
	w.cancel()
	if err != nil {
		w.err = wrap(w.b.d, "Close", w.key, err)
		return w.err
	}
	return nil
}
