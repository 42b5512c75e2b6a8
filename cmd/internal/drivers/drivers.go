// Package drivers is the one place that imports concrete broker and blob
// drivers. Both binaries (mssqldump and mssqldump-agent) open their URLs
// through it, so each binary links exactly these drivers and nothing
// registers itself at init time (restic's internal/backend/all shape). The
// one exception is cmd/internal/embedded, which starts JetStream's
// in-process server for the embedded default (a server, not a URL opener).
package drivers

import (
	"context"
	"errors"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/blob/minioblob"
	"github.com/mssqldump/mssqldump/blob/s3blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
	"github.com/mssqldump/mssqldump/broker/sqsbroker"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Brokers returns a registry of every broker driver:
//
//	nats://host:4222?stream=MSSQLDUMP&consumer=agents&lease=30s   NATS JetStream
//	sqs://sqs.eu-west-1.amazonaws.com/123456789012/mssqldump-jobs  AWS SQS
//	sqs+https://HOST/ACCOUNT/QUEUE, sqs+http://127.0.0.1:PORT/ACCOUNT/QUEUE  SQS-compatible endpoints
func Brokers() *broker.Registry {
	r := broker.NewRegistry()
	r.Register(jetstreambroker.Scheme, &jetstreambroker.URLOpener{})
	sqs := &sqsbroker.URLOpener{}
	r.Register(sqsbroker.Scheme, sqs)
	r.Register(sqsbroker.SchemeHTTPS, sqs)
	r.Register(sqsbroker.SchemeHTTP, sqs)
	return r
}

// Buckets returns a registry of every blob driver:
//
//	file:///var/lib/mssqldump/blobs                         local directory
//	s3://bucket?region=eu-west-1&prefix=dumps/              AWS S3 (or compatible, endpoint=)
//	minio://host:9000/bucket?secure=false&prefix=dumps/     MinIO (minio-go)
func Buckets() *blob.Registry {
	r := blob.NewRegistry()
	r.Register(fileblob.Scheme, fileblob.URLOpener{})
	r.Register(s3blob.Scheme, s3blob.URLOpener{})
	r.Register(minioblob.Scheme, minioblob.URLOpener{})
	return r
}

// OpenTimeout bounds opening a queue or bucket when ctx has no deadline of
// its own: an unreachable endpoint must fail (ErrUnavailable), not hang.
const OpenTimeout = 15 * time.Second

// OpenQueue opens the broker queue at url with Brokers().
func OpenQueue(ctx context.Context, url string) (*broker.Queue, error) {
	ctx, cancel := withOpenTimeout(ctx)
	defer cancel()
	return broker.OpenQueue(ctx, Brokers(), url)
}

// OpenBucket opens the blob bucket at url with Buckets().
func OpenBucket(ctx context.Context, url string) (*blob.Bucket, error) {
	ctx, cancel := withOpenTimeout(ctx)
	defer cancel()
	return blob.OpenBucket(ctx, Buckets(), url)
}

// IsConfigError reports whether an error from OpenQueue or OpenBucket is
// the URL's or the configuration's fault (unknown scheme or parameter, bad
// value, a credentials file that is not there) rather than the endpoint's.
// It tests for the positive mark every opener puts on such mistakes
// (openurl.Invalid): both binaries report them as usage errors (exit 2),
// and every other open error as unreachable (exit 6).
func IsConfigError(err error) bool {
	var inv *openurl.InvalidError
	return errors.As(err, &inv)
}

func withOpenTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, OpenTimeout)
}
