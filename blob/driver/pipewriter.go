package driver

import (
	"context"
	"io"
)

// NewPipeWriter returns a Writer whose bytes are the body of upload, which
// runs in its own goroutine reading from an io.Pipe (the shape of go-cloud's
// s3blob writer). It serves drivers whose SDK uploads from an io.Reader:
//
//   - Write blocks until upload has taken the bytes, so memory stays bounded
//     by the SDK's part buffers.
//   - Close ends the body: EOF lets upload commit the object, and Close
//     returns upload's result.
//   - Canceling ctx, even while nobody writes, closes the body with the
//     context's error, so upload fails (and aborts) instead of committing on
//     EOF or waiting for data. upload must abort on a body read error.
func NewPipeWriter(ctx context.Context, upload func(ctx context.Context, body io.Reader) error) Writer {
	pr, pw := io.Pipe()
	w := &pipeWriter{ctx: ctx, pw: pw, done: make(chan struct{})}
	go func() {
		err := upload(ctx, pr)
		w.err = err
		if err == nil {
			err = io.ErrClosedPipe // the upload ended: further writes fail
		}
		pr.CloseWithError(err)
		close(w.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			pw.CloseWithError(ctx.Err())
		case <-w.done:
		}
	}()
	return w
}

type pipeWriter struct {
	ctx  context.Context
	pw   *io.PipeWriter
	done chan struct{}
	err  error // upload's result; read after done is closed
}

func (w *pipeWriter) Write(p []byte) (int, error) { return w.pw.Write(p) }

func (w *pipeWriter) Close() error {
	if err := w.ctx.Err(); err != nil {
		w.pw.CloseWithError(err)
	} else {
		w.pw.Close()
	}
	<-w.done
	return w.err
}
