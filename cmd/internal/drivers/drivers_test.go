package drivers

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/internal/errkind"
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

// TestEveryOpenerMarksItsBadURLs walks each registered opener's own URL
// mistakes: every one must carry the openurl.Invalid mark (exit 2), none may
// be taken for an unreachable endpoint.
func TestEveryOpenerMarksItsBadURLs(t *testing.T) {
	ctx := context.Background()
	queues := []string{
		"://no-scheme", "localhost:4222/no-scheme", "kafka://localhost:9092",
		"nats://127.0.0.1:4222?lease=soon", "nats://127.0.0.1:4222?creds=/no/such/file.creds",
		"nats://127.0.0.1:4222?stream=a.b",
		"sqs://sqs.eu-west-1.amazonaws.com/1/q?wait=1m", "sqs+http://user:pw@127.0.0.1:1/1/q",
		"sqs+http://127.0.0.1:1/1/q?no_such_param=1",
	}
	for _, u := range queues {
		q, err := OpenQueue(ctx, u)
		if err == nil {
			q.Close()
		}
		if !IsConfigError(err) || errors.Is(err, broker.ErrUnavailable) {
			t.Errorf("OpenQueue(%s) = %v, want a marked configuration error", u, err)
		}
	}
	buckets := []string{
		"gcs://bucket", "file://host/dir", "file://", "file:///tmp?create_dir=maybe",
		"s3://", "s3://bucket/path?region=eu-west-1", "s3://bucket?region=eu-west-1&part_size=1KiB",
		"s3://bucket?region=eu-west-1&prefix=/abs", "minio://user:pw@host:9000/b", "minio:///b",
		"minio://host:9000/a/b", "minio://host:9000/b?part_size=1KiB",
	}
	for _, u := range buckets {
		b, err := OpenBucket(ctx, u)
		if err == nil {
			b.Close()
		}
		if !IsConfigError(err) || errors.Is(err, blob.ErrUnavailable) {
			t.Errorf("OpenBucket(%s) = %v, want a marked configuration error", u, err)
		}
	}
}

// TestAFileIsNotADirectoryButAMissingDirectoryIsUnavailable: a path to a
// file is the URL's mistake (exit 2); a directory that is not there is a
// store that is not there, like a missing S3 bucket (exit 6), at open as at
// write.
func TestAFileIsNotADirectoryButAMissingDirectoryIsUnavailable(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenBucket(ctx, "file://"+file); !IsConfigError(err) {
		t.Errorf("OpenBucket(a file) = %v, want a configuration error", err)
	}
	_, err := OpenBucket(ctx, "file://"+filepath.Join(dir, "missing"))
	if IsConfigError(err) || !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("OpenBucket(a missing directory) = %v, want blob.ErrUnavailable", err)
	}
	gone := filepath.Join(dir, "gone")
	if err := os.Mkdir(gone, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := OpenBucket(ctx, "file://"+gone)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(ctx, "jobs/x", []byte("x"), nil); !errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("WriteAll into a vanished directory = %v, want blob.ErrUnavailable", err)
	}
	if _, err := os.Stat(gone); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the write recreated the bucket's directory (stat: %v)", err)
	}
}

// TestBrokerAndBlobErrorsShareOneModelButDoNotMix: both are errkind errors,
// yet a broker failure never passes for a storage one (the agent maps them
// to different protocol codes).
func TestBrokerAndBlobErrorsShareOneModelButDoNotMix(t *testing.T) {
	qe := error(&broker.Error{Op: "send", Code: errkind.Unavailable, Err: syscall.ECONNREFUSED})
	be := error(&blob.Error{Op: "NewWriter", Key: "k", Code: errkind.Unavailable, Err: syscall.ECONNREFUSED})
	if !errors.Is(qe, broker.ErrUnavailable) || errors.Is(qe, blob.ErrUnavailable) {
		t.Errorf("broker error %v: matches the wrong sentinel", qe)
	}
	if !errors.Is(be, blob.ErrUnavailable) || errors.Is(be, broker.ErrUnavailable) {
		t.Errorf("blob error %v: matches the wrong sentinel", be)
	}
	var asBlob *blob.Error
	if errors.As(qe, &asBlob) {
		t.Error("errors.As finds a *blob.Error in a broker error")
	}
}
