package repo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/minio/minio-go/v7"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
	"github.com/mssqldump/mssqldump/blob/minioblob"
	"github.com/mssqldump/mssqldump/blob/s3blob"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// The repository suite runs over every blob driver, as blob/drivertest
// does: a directory always, and MinIO through both minioblob and s3blob
// when MSSQLDUMP_TEST_S3_ENDPOINT names a server (CI sets it and forbids
// skipping).

type newBucketFunc func(t testing.TB) *blob.Bucket

var drivers = []struct {
	name string
	open newBucketFunc
}{
	{"fileblob", newFileBucket},
	{"minioblob", newMinioBucket},
	{"s3blob", newS3Bucket},
}

func forEachDriver(t *testing.T, fn func(t *testing.T, newBucket newBucketFunc)) {
	for _, d := range drivers {
		t.Run(d.name, func(t *testing.T) { fn(t, d.open) })
	}
}

func newFileBucket(t testing.TB) *blob.Bucket {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return closing(t, blob.NewBucket(d))
}

func closing(t testing.TB, b *blob.Bucket) *blob.Bucket {
	t.Cleanup(func() { b.Close() })
	return b
}

func uniqueBucketName() string {
	var r [6]byte
	rand.Read(r[:])
	return "mssqldump-repo-test-" + hex.EncodeToString(r[:])
}

func newMinioBucket(t testing.TB) *blob.Bucket {
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" {
		t.Fatalf("%s=%q is not an http://host:port URL", testenv.S3EndpointVar, endpoint)
	}
	name := uniqueBucketName()
	b, err := minioblob.OpenBucket(u.Host, name, &minioblob.Options{Region: os.Getenv("AWS_REGION")})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c := b.Client()
	if err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() {
		for o := range c.ListObjects(ctx, name, minio.ListObjectsOptions{Recursive: true}) {
			if o.Err == nil {
				c.RemoveObject(ctx, name, o.Key, minio.RemoveObjectOptions{})
			}
		}
		c.RemoveBucket(ctx, name)
	})
	return closing(t, blob.NewBucket(b))
}

func newS3Bucket(t testing.TB) *blob.Bucket {
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	ctx := context.Background()
	name := uniqueBucketName()
	b, err := s3blob.OpenBucket(ctx, name, &s3blob.Options{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	c := b.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	t.Cleanup(func() {
		p := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &name})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return
			}
			for _, o := range page.Contents {
				c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &name, Key: o.Key})
			}
		}
		c.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: &name})
	})
	return closing(t, blob.NewBucket(b))
}
