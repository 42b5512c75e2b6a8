package s3blob

import (
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// NewTypedWriter implements driver.Bucket: the body of a transfer-manager
// upload running in its own goroutine (driver.NewPipeWriter). Write blocks
// until the upload has taken the bytes into a part buffer, which is what
// bounds memory.
func (b *Bucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	in := &transfermanager.UploadObjectInput{
		Bucket:      aws.String(b.name),
		Key:         b.key(key),
		ContentType: aws.String(opts.ContentType),
		Metadata:    opts.Metadata,
	}
	if opts.IfNotExists {
		// Checked by S3 (and MinIO) at PutObject or CompleteMultipartUpload:
		// of concurrent creators exactly one succeeds, the others get 412.
		in.IfNoneMatch = aws.String("*")
	}
	return driver.NewPipeWriter(ctx, func(ctx context.Context, body io.Reader) error {
		in.Body = body
		_, err := b.tm.UploadObject(ctx, in)
		return err
	}), nil
}
