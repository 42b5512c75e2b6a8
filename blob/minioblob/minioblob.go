// Package minioblob is the blob driver for MinIO (and other S3-compatible
// servers) built on minio-go/v7.
//
// A Writer is an io.Pipe feeding minio-go's PutObject with an unknown size
// (-1) in its own goroutine; the object is committed by Close. PartSize is
// always set: with size -1 and no PartSize, minio-go would size parts for
// the 5 TiB maximum object and buffer about 0.5 GiB per upload.
//
// Memory per upload ≈ concurrency × part size (one part buffer when
// concurrency is 1, a pool of `concurrency` buffers otherwise): 32 MiB with
// the defaults (16 MiB × 2). The 10,000-part limit caps a streamed object at
// 10,000 × part size (156 GiB with the default). A canceled context aborts
// the multipart upload; minio-go aborts with a context detached from the
// canceled one.
//
// Create-if-absent writes (WriterOptions.IfNotExists) take their own path,
// see putIfAbsent: If-None-Match: * on a single PUT, or on the completion of
// a multipart upload whose parts go up one at a time.
//
// URL form:
//
//	minio://HOST:PORT/BUCKET?secure=false&prefix=dumps/&region=us-east-1&part_size=16MiB&concurrency=2
//
// Credentials come from MINIO_ROOT_USER/MINIO_ROOT_PASSWORD,
// MINIO_ACCESS_KEY/MINIO_SECRET_KEY, or AWS_ACCESS_KEY_ID/
// AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN), in that order; never from the
// URL, so that no secret appears in a command line or a log line.
package minioblob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Scheme is the URL scheme this driver is registered under.
const Scheme = "minio"

const (
	// DefaultPartSize caps a streamed object at 10,000 × 16 MiB = 156 GiB.
	DefaultPartSize = driver.DefaultPartSize
	// DefaultConcurrency parts upload in parallel.
	DefaultConcurrency = driver.DefaultConcurrency
	// MinPartSize is S3's minimum size of every part but the last.
	MinPartSize = driver.MinPartSize
	// maxRetries bounds minio-go's own retries (default 10), so that an
	// unreachable server is reported within seconds.
	maxRetries = 5
)

// Options configures a bucket.
type Options struct {
	// Secure selects HTTPS.
	Secure bool
	// Region; empty lets minio-go ask the server.
	Region string
	// Prefix is prepended to every key (e.g. "dumps/").
	Prefix string
	// PartSize of multipart uploads (default DefaultPartSize, at least
	// MinPartSize).
	PartSize int64
	// Concurrency is the number of parts uploaded in parallel per Writer
	// (default DefaultConcurrency).
	Concurrency int
	// Creds overrides the environment credentials.
	Creds *credentials.Credentials
}

// URLOpener opens minio:// URLs.
type URLOpener struct{}

// OpenBucketURL implements blob.BucketURLOpener.
func (URLOpener) OpenBucketURL(ctx context.Context, u *url.URL) (driver.Bucket, error) {
	q := openurl.New(u)
	opts := Options{
		Secure:      q.Bool("secure", true),
		Region:      q.String("region", ""),
		Prefix:      q.String("prefix", ""),
		PartSize:    q.Size("part_size", 0),
		Concurrency: q.Int("concurrency", 0),
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("minio URL: %w", err)
	}
	if u.User != nil {
		return nil, openurl.Invalid(errors.New("minio URL: credentials in the URL are not accepted; set MINIO_ACCESS_KEY/MINIO_SECRET_KEY or the AWS variables"))
	}
	if u.Host == "" {
		return nil, openurl.Invalid(errors.New("minio URL: missing host (want minio://HOST:PORT/BUCKET)"))
	}
	bucket := strings.Trim(u.Path, "/")
	if bucket == "" || strings.Contains(bucket, "/") {
		return nil, openurl.Invalid(fmt.Errorf("minio URL: path %q must be exactly one bucket name; use ?prefix= for a key prefix", u.Path))
	}
	return OpenBucket(u.Host, bucket, &opts)
}

// Bucket is the minioblob driver.
type Bucket struct {
	client *minio.Client
	name   string
	opts   Options
}

// OpenBucket opens bucket on the server at host ("host:port").
func OpenBucket(host, bucket string, opts *Options) (*Bucket, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	var err error
	if o.PartSize, o.Concurrency, err = driver.MultipartOptions(o.Prefix, o.PartSize, o.Concurrency); err != nil {
		return nil, fmt.Errorf("minioblob: %w", err)
	}
	creds := o.Creds
	if creds == nil {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvMinio{}, &credentials.EnvAWS{},
		})
	}
	client, err := minio.New(host, &minio.Options{
		Creds:      creds,
		Secure:     o.Secure,
		Region:     o.Region,
		MaxRetries: maxRetries,
		// Trailing CRC32C checksums protect each part's payload; they let
		// the writer skip SHA-256 payload signing (DisableContentSha256),
		// which halves the upload's CPU cost on plain-HTTP endpoints.
		TrailingHeaders: true,
	})
	if err != nil {
		// minio.New only parses the endpoint: a bad host is the URL's fault.
		return nil, openurl.Invalid(fmt.Errorf("minioblob: %w", err))
	}
	return &Bucket{client: client, name: bucket, opts: o}, nil
}

// Name returns the bucket name.
func (b *Bucket) Name() string { return b.name }

// Client returns the underlying minio-go client (tests create buckets with it).
func (b *Bucket) Client() *minio.Client { return b.client }

func (b *Bucket) key(k string) string { return b.opts.Prefix + k }

// ErrorCode implements driver.Bucket.
func (b *Bucket) ErrorCode(err error) driver.ErrorCode {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		if c := driver.S3ErrorCode(er.Code, er.StatusCode); c != driver.Unknown {
			return c
		}
	}
	if driver.IsUnreachable(err) {
		return driver.Unavailable
	}
	return driver.Unknown
}

func attributes(info minio.ObjectInfo) *driver.Attributes {
	var md map[string]string
	if len(info.UserMetadata) > 0 {
		md = make(map[string]string, len(info.UserMetadata))
		for k, v := range info.UserMetadata {
			md[strings.ToLower(k)] = v
		}
	}
	return &driver.Attributes{
		Size:        info.Size,
		ModTime:     info.LastModified,
		ETag:        info.ETag,
		ContentType: info.ContentType,
		Metadata:    md,
	}
}

// Attributes implements driver.Bucket.
func (b *Bucket) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	info, err := b.client.StatObject(ctx, b.name, b.key(key), minio.StatObjectOptions{})
	if err != nil {
		return nil, err
	}
	return attributes(info), nil
}

// NewReader implements driver.Bucket. It reads through minio.Core's single
// GET: the high-level minio.Object may issue further ranged GETs, which fail
// with 412 when the key is overwritten meanwhile; one response body always
// streams one complete version.
func (b *Bucket) NewReader(ctx context.Context, key string) (driver.Reader, error) {
	body, info, _, err := minio.Core{Client: b.client}.GetObject(ctx, b.name, b.key(key), minio.GetObjectOptions{})
	if err != nil {
		return nil, err
	}
	return &reader{ReadCloser: body, attrs: attributes(info)}, nil
}

type reader struct {
	io.ReadCloser
	attrs *driver.Attributes
}

func (r *reader) Attributes() *driver.Attributes { return r.attrs }

// Delete implements driver.Bucket. S3 deletes missing keys silently, so the
// key is checked first to report NotFound as the contract asks.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if _, err := b.Attributes(ctx, key); err != nil {
		return err
	}
	return b.client.RemoveObject(ctx, b.name, b.key(key), minio.RemoveObjectOptions{})
}

// SignedURL implements driver.Bucket with a presigned GET.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	u, err := b.client.PresignedGetObject(ctx, b.name, b.key(key), expiry, nil)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// Close implements driver.Bucket.
func (b *Bucket) Close() error { return nil }

// NewTypedWriter implements driver.Bucket.
func (b *Bucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	popts := minio.PutObjectOptions{
		ContentType:  opts.ContentType,
		UserMetadata: opts.Metadata,
		// Always set: see the package comment.
		PartSize:   uint64(b.opts.PartSize),
		NumThreads: uint(b.opts.Concurrency),
		// Parallel parts for an unknown-size stream need this flag;
		// without it minio-go uploads one part at a time.
		ConcurrentStreamParts: b.opts.Concurrency > 1,
		// Integrity comes from the trailing CRC32C (see OpenBucket).
		DisableContentSha256: true,
	}
	return driver.NewPipeWriter(ctx, func(ctx context.Context, body io.Reader) error {
		if opts.IfNotExists {
			return b.putIfAbsent(ctx, b.key(key), body, popts)
		}
		_, err := b.client.PutObject(ctx, b.name, b.key(key), body, -1, popts)
		return err
	}), nil
}
