package s3blob

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// NewTypedWriter implements driver.Bucket: an io.Pipe whose reading end is
// the body of a transfer-manager upload running in its own goroutine.
func (b *Bucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	pr, pw := io.Pipe()
	in := &transfermanager.UploadObjectInput{
		Bucket:      aws.String(b.name),
		Key:         b.key(key),
		Body:        pr,
		ContentType: aws.String(opts.ContentType),
		Metadata:    opts.Metadata,
	}
	if opts.IfNotExists {
		// Checked by S3 (and MinIO) at PutObject or CompleteMultipartUpload:
		// of concurrent creators exactly one succeeds, the others get 412.
		in.IfNoneMatch = aws.String("*")
	}
	w := &writer{ctx: ctx, pw: pw, done: make(chan struct{})}
	go func() {
		_, err := b.tm.UploadObject(ctx, in)
		w.err = err
		if err == nil {
			err = io.ErrClosedPipe // the upload ended: further writes fail
		}
		pr.CloseWithError(err)
		close(w.done)
	}()
	// A cancel must reach the upload even while nobody writes: closing the
	// pipe with the context's error makes the upload fail (and abort)
	// instead of waiting for data or committing on EOF.
	go func() {
		select {
		case <-ctx.Done():
			pw.CloseWithError(ctx.Err())
		case <-w.done:
		}
	}()
	return w, nil
}

type writer struct {
	ctx  context.Context
	pw   *io.PipeWriter
	done chan struct{}
	err  error // the upload's result; read after done is closed
}

// Write blocks until the upload goroutine has taken p into a part buffer,
// which is what bounds memory.
func (w *writer) Write(p []byte) (int, error) { return w.pw.Write(p) }

// Close ends the body: EOF commits the object; a canceled context aborts.
func (w *writer) Close() error {
	if err := w.ctx.Err(); err != nil {
		w.pw.CloseWithError(err)
	} else {
		w.pw.Close()
	}
	<-w.done
	return w.err
}
