package drivers

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/broker"
)

func TestEveryDriverIsRegistered(t *testing.T) {
	for _, want := range []string{"nats", "sqs", "sqs+https", "sqs+http"} {
		if !slices.Contains(Brokers().Schemes(), want) {
			t.Errorf("broker scheme %q is not registered (have %v)", want, Brokers().Schemes())
		}
	}
	for _, want := range []string{"file", "s3", "minio"} {
		if !slices.Contains(Buckets().Schemes(), want) {
			t.Errorf("blob scheme %q is not registered (have %v)", want, Buckets().Schemes())
		}
	}
}

func TestUnknownSchemesAreRejectedByName(t *testing.T) {
	ctx := context.Background()
	if _, err := OpenQueue(ctx, "kafka://localhost:9092"); err == nil || !strings.Contains(err.Error(), "kafka") {
		t.Errorf("OpenQueue(kafka://) = %v, want an error naming the scheme", err)
	}
	if _, err := OpenBucket(ctx, "gcs://bucket"); err == nil || !strings.Contains(err.Error(), "gcs") {
		t.Errorf("OpenBucket(gcs://) = %v, want an error naming the scheme", err)
	}
}

func TestFileBucketRoundTrip(t *testing.T) {
	ctx := context.Background()
	b, err := OpenBucket(ctx, "file://"+t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(ctx, "jobs/x/manifest.json", []byte("{}"), nil); err != nil {
		t.Fatal(err)
	}
	got, err := b.ReadAll(ctx, "jobs/x/manifest.json")
	if err != nil || string(got) != "{}" {
		t.Fatalf("ReadAll = %q, %v", got, err)
	}
}

func TestUnreachableNATSIsUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20e9)
	defer cancel()
	q, err := OpenQueue(ctx, "nats://127.0.0.1:1")
	if err == nil {
		q.Close()
		t.Fatal("OpenQueue of a closed port succeeded")
	}
	if !errors.Is(err, broker.ErrUnavailable) {
		t.Errorf("OpenQueue(closed port) = %v, want broker.ErrUnavailable", err)
	}
}
