package minioblob_test

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

	"github.com/minio/minio-go/v7"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/drivertest"
	"github.com/mssqldump/mssqldump/blob/minioblob"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// serverHost returns host:port of the test server, from its endpoint URL.
func serverHost(t testing.TB) string {
	t.Helper()
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		t.Fatalf("%s=%q is not an http://host:port URL", testenv.S3EndpointVar, endpoint)
	}
	return u.Host
}

// newTestBucket creates a uniquely named bucket on the test server and
// removes it (with everything in it) when the test ends.
func newTestBucket(t testing.TB, partSize int64) *minioblob.Bucket {
	t.Helper()
	host := serverHost(t)
	var r [6]byte
	rand.Read(r[:])
	name := "mssqldump-test-" + hex.EncodeToString(r[:])
	b, err := minioblob.OpenBucket(host, name, &minioblob.Options{PartSize: partSize, Region: os.Getenv("AWS_REGION")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := b.Client().MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create bucket %s on %s: %v", name, host, err)
	}
	t.Cleanup(func() {
		c := b.Client()
		for o := range c.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true}) {
			if o.Err == nil {
				c.RemoveObject(ctx, name, o.Key, minio.RemoveObjectOptions{})
			}
		}
		for u := range c.ListIncompleteUploads(ctx, name, "", true) {
			if u.Err == nil {
				c.RemoveIncompleteUpload(ctx, name, u.Key)
			}
		}
		if err := c.RemoveBucket(ctx, name); err != nil {
			t.Logf("cleanup %s: %v", name, err)
		}
	})
	return b
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		NewBucket:  func(t testing.TB) driver.Bucket { return newTestBucket(t, minioblob.MinPartSize) },
		PartSize:   minioblob.MinPartSize,
		SignedURLs: true,
	})
}

// A canceled multipart write must not leave an incomplete upload behind.
func TestCanceledWriteAbortsMultipartUpload(t *testing.T) {
	d := newTestBucket(t, minioblob.MinPartSize)
	b := blob.NewBucket(d)
	ctx, cancel := context.WithCancel(t.Context())
	w, err := b.NewWriter(ctx, "big/dump.sql", nil)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for range 12 {
		if _, err := w.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := w.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v; want context.Canceled", err)
	}
	for u := range d.Client().ListIncompleteUploads(t.Context(), d.Name(), "", true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		t.Fatalf("incomplete multipart upload left for %q after a canceled write", u.Key)
	}
}

func TestURLOpensBucketWithPrefix(t *testing.T) {
	d := newTestBucket(t, 0)
	reg := blob.NewRegistry()
	reg.Register(minioblob.Scheme, minioblob.URLOpener{})
	b, err := blob.OpenBucket(t.Context(), reg, "minio://"+serverHost(t)+"/"+d.Name()+"?secure=false&prefix=dumps/")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(t.Context(), "a.sql", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Client().StatObject(t.Context(), d.Name(), "dumps/a.sql", minio.StatObjectOptions{}); err != nil {
		t.Fatalf("object not stored under the prefix: %v", err)
	}
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	t.Setenv("MINIO_ACCESS_KEY", "x")
	t.Setenv("MINIO_SECRET_KEY", "y")
	d, err := minioblob.OpenBucket("127.0.0.1:1", "bucket", &minioblob.Options{Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	b := blob.NewBucket(d)
	if _, err := b.Stat(ctx, "k"); !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("Stat on a closed port = %v; want ErrUnavailable", err)
	}
	if err := b.WriteAll(ctx, "k", []byte("x"), nil); !errors.Is(err, blob.ErrUnavailable) {
		t.Fatalf("WriteAll on a closed port = %v; want ErrUnavailable", err)
	}
}

func TestWrongCredentialsArePermissionErrors(t *testing.T) {
	d := newTestBucket(t, 0)
	t.Setenv("MINIO_ROOT_USER", os.Getenv("AWS_ACCESS_KEY_ID"))
	t.Setenv("MINIO_ROOT_PASSWORD", "wrong-secret")
	bad, err := minioblob.OpenBucket(serverHost(t), d.Name(), &minioblob.Options{Region: os.Getenv("AWS_REGION")})
	if err != nil {
		t.Fatal(err)
	}
	if err := blob.NewBucket(bad).WriteAll(t.Context(), "k", []byte("x"), nil); !errors.Is(err, blob.ErrPermission) {
		t.Fatalf("WriteAll with a wrong secret = %v; want ErrPermission", err)
	}
}

func TestURLOpenerRejectsBadURLs(t *testing.T) {
	reg := blob.NewRegistry()
	reg.Register(minioblob.Scheme, minioblob.URLOpener{})
	_, err := blob.OpenBucket(t.Context(), reg, "minio://h:9000/b?secure=false&partsize=8MiB")
	if err == nil || !strings.Contains(err.Error(), "partsize") {
		t.Fatalf("error = %v; want one naming partsize", err)
	}
	_, err = blob.OpenBucket(t.Context(), reg, "minio://user:hunter2@h:9000/b")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("credentials in URL: error = %v; want a refusal that does not repeat the secret", err)
	}
	for _, bad := range []string{"minio://h:9000/", "minio://h:9000/b/c", "minio:///b", "minio://h/b?part_size=1MiB", "minio://h/b?secure=perhaps"} {
		if _, err := blob.OpenBucket(t.Context(), reg, bad); err == nil {
			t.Errorf("OpenBucket(%q) succeeded; want an error", bad)
		}
	}
}

// BenchmarkMinioblob uses the driver's default part size and concurrency.
func BenchmarkMinioblob(b *testing.B) {
	drivertest.RunBenchmarks(b, func(tb testing.TB) driver.Bucket { return newTestBucket(tb, 0) })
}
