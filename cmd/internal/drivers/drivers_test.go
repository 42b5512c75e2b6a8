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

// TestURLMistakesAreConfigErrorsAndDeadEndpointsAreNot: both binaries exit
// 2 for a URL the user must fix and 6 for an endpoint that does not answer.
func TestURLMistakesAreConfigErrorsAndDeadEndpointsAreNot(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"kafka://localhost:9092", "nats://127.0.0.1:4222?no_such_param=1", "nats://127.0.0.1:4222?lease=soon"} {
		if _, err := OpenQueue(ctx, u); !IsConfigError(err) {
			t.Errorf("OpenQueue(%s) = %v, want a configuration error", u, err)
		}
	}
	for _, u := range []string{"gcs://bucket", "file:///tmp?no_such_param=1", "minio://host:9000/b?part_size=tiny"} {
		if _, err := OpenBucket(ctx, u); !IsConfigError(err) {
			t.Errorf("OpenBucket(%s) = %v, want a configuration error", u, err)
		}
	}
	if _, err := OpenQueue(ctx, "nats://127.0.0.1:1"); err == nil || IsConfigError(err) {
		t.Errorf("OpenQueue of a closed port = %v, want an unreachable (not configuration) error", err)
	}
	if IsConfigError(nil) {
		t.Error("nil is a configuration error")
	}
}
