package s3blob_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/drivertest"
	"github.com/mssqldump/mssqldump/blob/s3blob"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// newTestBucket creates a uniquely named bucket on the test server and
// removes it (with everything in it) when the test ends.
func newTestBucket(t testing.TB, partSize int64) *s3blob.Bucket {
	t.Helper()
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	ctx := context.Background()
	name := uniqueName()
	b, err := s3blob.OpenBucket(ctx, name, &s3blob.Options{Endpoint: endpoint, PartSize: partSize})
	if err != nil {
		t.Fatal(err)
	}
	c := b.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket %s at %s: %v", name, endpoint, err)
	}
	t.Cleanup(func() { emptyAndDelete(t, c, name) })
	return b
}

func uniqueName() string {
	var r [6]byte
	rand.Read(r[:])
	return "mssqldump-test-" + hex.EncodeToString(r[:])
}

func emptyAndDelete(t testing.TB, c *s3.Client, name string) {
	ctx := context.Background()
	ups, err := c.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{Bucket: &name})
	if err == nil {
		for _, u := range ups.Uploads {
			c.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{Bucket: &name, Key: u.Key, UploadId: u.UploadId})
		}
	}
	p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &name})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Logf("cleanup %s: %v", name, err)
			return
		}
		for _, o := range page.Contents {
			c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &name, Key: o.Key})
		}
	}
	if _, err := c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &name}); err != nil {
		t.Logf("cleanup %s: %v", name, err)
	}
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		NewBucket:  func(t testing.TB) driver.Bucket { return newTestBucket(t, s3blob.MinPartSize) },
		PartSize:   s3blob.MinPartSize,
		SignedURLs: true,
	})
}

// A canceled multipart write must not leave an incomplete upload behind:
// its parts would be billed storage that nothing lists.
func TestCanceledWriteAbortsMultipartUpload(t *testing.T) {
	d := newTestBucket(t, s3blob.MinPartSize)
	b := blob.NewBucket(d)
	ctx, cancel := context.WithCancel(t.Context())
	w, err := b.NewWriter(ctx, "big/dump.sql", nil)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 12 { // more than two parts: the multipart upload exists
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := w.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v; want context.Canceled", err)
	}
	name := d.Name()
	ups, err := d.Client().ListMultipartUploads(t.Context(), &s3.ListMultipartUploadsInput{Bucket: &name})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups.Uploads) != 0 {
		t.Fatalf("%d incomplete multipart upload(s) left after a canceled write", len(ups.Uploads))
	}
}

func TestPrefixIsPrependedToKeys(t *testing.T) {
	d := newTestBucket(t, 0)
	name := d.Name()
	endpoint := os.Getenv(testenv.S3EndpointVar)
	reg := blob.NewRegistry()
	reg.Register(s3blob.Scheme, s3blob.URLOpener{})
	b, err := blob.OpenBucket(t.Context(), reg, "s3://"+name+"?endpoint="+url.QueryEscape(endpoint)+"&prefix=dumps/")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(t.Context(), "a.sql", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Client().HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &name, Key: aws.String("dumps/a.sql")}); err != nil {
		t.Fatalf("object not stored under the prefix: %v", err)
	}
}

func TestUnreachableEndpointIsUnavailable(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "y")
	// Port 1 on loopback: nothing listens there, the dial is refused.
	d, err := s3blob.OpenBucket(t.Context(), "b", &s3blob.Options{Endpoint: "http://127.0.0.1:1", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err = b.Stat(ctx, "k")
	if !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("Stat on a closed port = %v; want ErrUnavailable", err)
	}
	err = b.WriteAll(ctx, "k", []byte("x"), nil)
	if !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("WriteAll on a closed port = %v; want ErrUnavailable", err)
	}
	if !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Errorf("error does not name the endpoint: %v", err)
	}
}

func TestWrongCredentialsArePermissionErrors(t *testing.T) {
	d := newTestBucket(t, 0)
	name := d.Name()
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
	bad, err := s3blob.OpenBucket(t.Context(), name, &s3blob.Options{Endpoint: os.Getenv(testenv.S3EndpointVar)})
	if err != nil {
		t.Fatal(err)
	}
	err = blob.NewBucket(bad).WriteAll(t.Context(), "k", []byte("x"), nil)
	if !errors.Is(err, blob.ErrPermission) {
		t.Fatalf("WriteAll with a wrong secret = %v; want ErrPermission", err)
	}
}

func TestURLOpenerRejectsUnknownParameters(t *testing.T) {
	reg := blob.NewRegistry()
	reg.Register(s3blob.Scheme, s3blob.URLOpener{})
	_, err := blob.OpenBucket(t.Context(), reg, "s3://b?region=us-east-1&part-size=8MiB&colour=red")
	if err == nil || !strings.Contains(err.Error(), "part-size") || !strings.Contains(err.Error(), "colour") {
		t.Fatalf("error = %v; want one naming part-size and colour", err)
	}
	for _, bad := range []string{"s3://b?region=x&part_size=1MiB", "s3://b?region=x&concurrency=0", "s3://b?region=x&path_style=maybe", "s3:///nobucket"} {
		if _, err := blob.OpenBucket(t.Context(), reg, bad); err == nil {
			t.Errorf("OpenBucket(%q) succeeded; want an error", bad)
		}
	}
}

// BenchmarkS3blob uses the driver's default part size and concurrency.
func BenchmarkS3blob(b *testing.B) {
	drivertest.RunBenchmarks(b, func(tb testing.TB) driver.Bucket { return newTestBucket(tb, 0) })
}

// AWS_ENDPOINT_URL alone points the driver at an S3-compatible server, with
// path-style addressing chosen because the endpoint is custom.
func TestEndpointFromEnvironment(t *testing.T) {
	d := newTestBucket(t, 0)
	t.Setenv("AWS_ENDPOINT_URL", os.Getenv(testenv.S3EndpointVar))
	reg := blob.NewRegistry()
	reg.Register(s3blob.Scheme, s3blob.URLOpener{})
	b, err := blob.OpenBucket(t.Context(), reg, "s3://"+d.Name())
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(t.Context(), "env.txt", []byte("x"), nil); err != nil {
		t.Fatalf("write through AWS_ENDPOINT_URL: %v", err)
	}
	if ok, err := blob.NewBucket(d).Exists(t.Context(), "env.txt"); !ok || err != nil {
		t.Fatalf("Exists = %v, %v", ok, err)
	}
}
