// Package s3blob is the blob driver for Amazon S3 and S3-compatible servers
// (MinIO among them), built on aws-sdk-go-v2 and its transfer manager
// (feature/s3/transfermanager).
//
// A Writer is an io.Pipe feeding an upload goroutine (gocloud.dev's s3blob
// shape): bytes stream into parts as they are written, nothing is buffered
// beyond the parts in flight, and the object is committed by Close. A
// canceled context aborts the multipart upload (with a fresh context, so the
// abort itself is not canceled) and leaves nothing.
//
// Memory per upload ≈ (concurrency + 2) × part size: the transfer manager
// keeps concurrency+1 part buffers in a pool, plus the first part it reads
// before it knows whether the object is small. With the defaults (16 MiB ×
// concurrency 2) that is about 64 MiB, which leaves room in the agent's
// 128 MiB for compression; raise concurrency where bandwidth per connection
// is the limit and memory is not. S3 allows at most 10,000 parts, so
// the part size caps a streamed object at 10,000 × part size: 156 GiB with
// the 16 MiB default (the SDK's own 8 MiB default would cap it near 78 GiB).
// Raise part_size for larger dumps.
//
// URL form:
//
//	s3://BUCKET?region=eu-west-1&endpoint=http://127.0.0.1:9000&path_style=true&prefix=dumps/&part_size=16MiB&concurrency=2
//
// Credentials come from the AWS default chain (environment, shared config,
// SSO, instance or task role). The endpoint comes from ?endpoint= or
// AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3; with a custom endpoint, path-style
// addressing is the default (MinIO needs it).
package s3blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Scheme is the URL scheme this driver is registered under.
const Scheme = "s3"

const (
	// DefaultPartSize caps a streamed object at 10,000 × 16 MiB = 156 GiB.
	DefaultPartSize = driver.DefaultPartSize
	// DefaultConcurrency parts upload in parallel.
	DefaultConcurrency = driver.DefaultConcurrency
	// MinPartSize is S3's minimum size of every part but the last.
	MinPartSize = driver.MinPartSize
	// abortTimeout bounds the cleanup of a failed or canceled upload.
	abortTimeout = time.Minute
)

// Options configures a bucket.
type Options struct {
	// Region; when empty, the AWS default chain decides (AWS_REGION, ...),
	// and "us-east-1" is used for custom endpoints without one.
	Region string
	// Endpoint overrides the S3 endpoint (e.g. "http://127.0.0.1:9000").
	Endpoint string
	// PathStyle selects path-style addressing; nil means "yes for a custom
	// endpoint, no for AWS".
	PathStyle *bool
	// Prefix is prepended to every key (e.g. "dumps/").
	Prefix string
	// PartSize of multipart uploads (default DefaultPartSize, at least
	// MinPartSize).
	PartSize int64
	// Concurrency is the number of parts uploaded in parallel per Writer
	// (default DefaultConcurrency).
	Concurrency int
}

// URLOpener opens s3:// URLs.
type URLOpener struct{}

// OpenBucketURL implements blob.BucketURLOpener.
func (URLOpener) OpenBucketURL(ctx context.Context, u *url.URL) (driver.Bucket, error) {
	q := openurl.New(u)
	opts := Options{
		Region:      q.String("region", ""),
		Endpoint:    q.String("endpoint", ""),
		Prefix:      q.String("prefix", ""),
		PathStyle:   q.OptionalBool("path_style"),
		PartSize:    q.Size("part_size", 0),
		Concurrency: q.Int("concurrency", 0),
	}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("s3 URL: %w", err)
	}
	if u.Host == "" {
		return nil, openurl.Invalid(errors.New("s3 URL: missing bucket name (want s3://BUCKET?...)"))
	}
	if u.Path != "" && u.Path != "/" {
		return nil, openurl.Invalid(fmt.Errorf("s3 URL: unexpected path %q after the bucket; use ?prefix= for a key prefix", u.Path))
	}
	return OpenBucket(ctx, u.Host, &opts)
}

// Bucket is the s3blob driver.
type Bucket struct {
	name   string
	prefix string
	client *s3.Client
	tm     *transfermanager.Client
}

// OpenBucket opens bucket with credentials from the AWS default chain.
func OpenBucket(ctx context.Context, bucket string, opts *Options) (*Bucket, error) {
	if opts == nil {
		opts = &Options{}
	}
	loadOpts := []func(*config.LoadOptions) error{
		// S3-compatible servers reject the SDK's default trailing CRC32
		// checksums on streamed uploads; send checksums only when an
		// operation requires one.
		config.WithRequestChecksumCalculation(aws.RequestChecksumCalculationWhenRequired),
		config.WithResponseChecksumValidation(aws.ResponseChecksumValidationWhenRequired),
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		// A bad profile, config file or credentials setting: the user's to
		// fix (nothing has contacted S3 yet).
		return nil, openurl.Invalid(fmt.Errorf("s3blob: load AWS configuration: %w", err))
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.Endpoint != "" {
			o.BaseEndpoint = aws.String(opts.Endpoint)
		}
		custom := o.BaseEndpoint != nil
		if custom && o.Region == "" {
			o.Region = "us-east-1"
		}
		o.UsePathStyle = custom
		if opts.PathStyle != nil {
			o.UsePathStyle = *opts.PathStyle
		}
	})
	if client.Options().Region == "" {
		return nil, openurl.Invalid(errors.New("s3blob: no region: set ?region= or AWS_REGION"))
	}
	return NewBucket(client, bucket, opts)
}

// NewBucket makes a bucket from a ready S3 client (for callers that build
// their own configuration).
func NewBucket(client *s3.Client, bucket string, opts *Options) (*Bucket, error) {
	if opts == nil {
		opts = &Options{}
	}
	o := *opts
	var err error
	if o.PartSize, o.Concurrency, err = driver.MultipartOptions(o.Prefix, o.PartSize, o.Concurrency); err != nil {
		return nil, fmt.Errorf("s3blob: %w", err)
	}
	tm := transfermanager.New(client, func(t *transfermanager.Options) {
		t.PartSizeBytes = o.PartSize
		// Decide single PUT vs multipart after reading one part: the
		// transfer manager buffers up to this threshold before its first
		// request, so a threshold above the part size would cost memory.
		t.MultipartUploadThreshold = o.PartSize
		t.Concurrency = o.Concurrency
		t.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		// Abort a failed upload with a fresh context: after a cancel, the
		// caller's context can no longer carry the AbortMultipartUpload.
		t.FailTimeout = abortTimeout
	})
	return &Bucket{name: bucket, prefix: o.Prefix, client: client, tm: tm}, nil
}

// Name returns the S3 bucket name.
func (b *Bucket) Name() string { return b.name }

// Client returns the underlying S3 client (tests create buckets with it).
func (b *Bucket) Client() *s3.Client { return b.client }

func (b *Bucket) key(k string) *string { return aws.String(b.prefix + k) }

// ErrorCode implements driver.Bucket.
func (b *Bucket) ErrorCode(err error) driver.ErrorCode {
	var code string
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var status int
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	if c := driver.S3ErrorCode(code, status); c != driver.Unknown {
		return c
	}
	if driver.IsUnreachable(err) {
		return driver.Unavailable
	}
	return driver.Unknown
}

// Attributes implements driver.Bucket.
func (b *Bucket) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	out, err := b.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &b.name, Key: b.key(key)})
	if err != nil {
		return nil, err
	}
	return &driver.Attributes{
		Size:        aws.ToInt64(out.ContentLength),
		ModTime:     aws.ToTime(out.LastModified),
		ETag:        aws.ToString(out.ETag),
		ContentType: aws.ToString(out.ContentType),
		Metadata:    lowerKeys(out.Metadata),
	}, nil
}

// lowerKeys normalizes metadata keys: HTTP headers are case-insensitive and
// servers differ in how they return them.
func lowerKeys(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// NewReader implements driver.Bucket.
func (b *Bucket) NewReader(ctx context.Context, key string) (driver.Reader, error) {
	out, err := b.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &b.name, Key: b.key(key)})
	if err != nil {
		return nil, err
	}
	return &reader{body: out.Body, attrs: &driver.Attributes{
		Size:        aws.ToInt64(out.ContentLength),
		ModTime:     aws.ToTime(out.LastModified),
		ETag:        aws.ToString(out.ETag),
		ContentType: aws.ToString(out.ContentType),
		Metadata:    lowerKeys(out.Metadata),
	}}, nil
}

type reader struct {
	body  io.ReadCloser
	attrs *driver.Attributes
}

func (r *reader) Read(p []byte) (int, error)     { return r.body.Read(p) }
func (r *reader) Close() error                   { return r.body.Close() }
func (r *reader) Attributes() *driver.Attributes { return r.attrs }

// Delete implements driver.Bucket. S3 deletes missing keys silently, so the
// key is checked first to report NotFound as the contract asks.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if _, err := b.Attributes(ctx, key); err != nil {
		return err
	}
	_, err := b.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &b.name, Key: b.key(key)})
	return err
}

// SignedURL implements driver.Bucket with a presigned GET.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	req, err := s3.NewPresignClient(b.client).PresignGetObject(ctx,
		&s3.GetObjectInput{Bucket: &b.name, Key: b.key(key)}, s3.WithPresignExpires(expiry))
	if err != nil {
		return "", err
	}
	return req.URL, nil
}

// Close implements driver.Bucket.
func (b *Bucket) Close() error { return nil }
