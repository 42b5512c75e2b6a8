package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// startAgentProcess runs the mssqldump-agent binary against brokerURL and
// blobURL until the test ends, and waits until it published its key.
func startAgentProcess(t testing.TB, brokerURL, blobURL, source string, env ...string) *exec.Cmd {
	t.Helper()
	cmd, _ := startAgentProcessLogging(t, brokerURL, blobURL, source, "warn", env...)
	return cmd
}

// startAgentProcessLogging is startAgentProcess at a chosen log level; it
// also returns the agent's log file.
func startAgentProcessLogging(t testing.TB, brokerURL, blobURL, source, level string, env ...string) (*exec.Cmd, string) {
	t.Helper()
	if agentBin == "" {
		t.Skip("cmd/mssqldump-agent is not in this tree")
	}
	keyFile := filepath.Join(t.TempDir(), "seal.key")
	cmd := exec.Command(agentBin, "run", "--broker", brokerURL, "--blob", blobURL, "--source", source,
		"--seal-key-file", keyFile, "--listen", "", "--log-level", level, "--log-format", "text", "--drain-timeout", "2s")
	cmd.Env = cleanEnv(env...)
	logFile, err := os.Create(filepath.Join(t.TempDir(), "agent.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
	})
	waitForFleetKey(t, blobURL, logFile.Name(), env)
	return cmd, logFile.Name()
}

func waitForFleetKey(t testing.TB, blobURL, logName string, env []string) {
	t.Helper()
	for _, kv := range env { // the bucket is opened in this process
		k, v, _ := strings.Cut(kv, "=")
		old, had := os.LookupEnv(k)
		os.Setenv(k, v)
		defer func() {
			if had {
				os.Setenv(k, old)
			} else {
				os.Unsetenv(k)
			}
		}()
	}
	ctx := context.Background()
	b, err := drivers.OpenBucket(ctx, blobURL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if ok, _ := b.Exists(ctx, "fleet/public-key"); ok {
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(logName)
			t.Fatalf("the agent did not publish its key:\n%s", log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRemoteModeWithTheAgentBinary(t *testing.T) {
	f := newFleet(t)
	startAgentProcess(t, f.brokerURL, f.blobURL, "synthetic:1MiB")
	r := mssqldump(t, nil, f.flags("-h", "db.example.com", "-u", "backup", "-pS3cret!", "db")...)
	wantCode(t, r, 0)
	sameBytes(t, []byte(r.stdout), synthetic(t, 1<<20))
	assertNoSecretStored(t, f.blobDir, "S3cret!")
}

func TestInterruptStopsTheAgentBinarysJob(t *testing.T) {
	f := newFleet(t)
	startAgentProcess(t, f.brokerURL, f.blobURL, "synthetic:200GiB")
	cmd := command(t, nil, f.flags("-v", "db")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if code := exitCode(t, err); code != 130 {
		t.Fatalf("exit code %d, want 130\n%s", code, stderr.String())
	}
	// The agent's "canceled" reply reached the CLI within its grace period
	// (one heartbeat plus slack).
	if !strings.Contains(stderr.String(), `msg="job stopped"`) {
		t.Errorf("the CLI exited without the agent's canceled reply:\n%s", stderr.String())
	}
}

// newMinioBucket creates a bucket on the test MinIO server.
func newMinioBucket(t testing.TB) (endpointHost, name string, env []string) {
	t.Helper()
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	ak, sk := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	c, err := minio.New(u.Host, &minio.Options{Creds: credentials.NewStaticV4(ak, sk, ""), Secure: u.Scheme == "https"})
	if err != nil {
		t.Fatal(err)
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	name = "mssqldump-cli-" + hex.EncodeToString(r[:])
	ctx := context.Background()
	if err := c.MakeBucket(ctx, name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("create bucket on %s: %v", endpoint, err)
	}
	t.Cleanup(func() {
		_ = c.RemoveBucketWithOptions(context.Background(), name, minio.RemoveBucketOptions{ForceDelete: true})
	})
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = "us-east-1"
	}
	env = []string{"AWS_ACCESS_KEY_ID=" + ak, "AWS_SECRET_ACCESS_KEY=" + sk, "AWS_REGION=" + region}
	return u.Host, name, env
}

func TestRemoteModeThroughJetStreamAndMinIO(t *testing.T) {
	host, bucket, env := newMinioBucket(t)
	f := newFleet(t)
	for _, blobURL := range []string{
		fmt.Sprintf("minio://%s/%s?secure=false&prefix=minio/", host, bucket),
		fmt.Sprintf("s3://%s?endpoint=http://%s&path_style=true&region=us-east-1&prefix=s3/", bucket, host),
	} {
		t.Run(strings.SplitN(blobURL, ":", 2)[0], func(t *testing.T) {
			startAgentProcess(t, f.brokerURL, blobURL, "synthetic:3MiB", env...)
			out := filepath.Join(t.TempDir(), "db.sql")
			r := mssqldump(t, env, "--broker", f.brokerURL, "--blob", blobURL, "-u", "sa", "-px", "-r", out, "db")
			wantCode(t, r, 0)
			got, _ := os.ReadFile(out)
			sameBytes(t, got, synthetic(t, 3<<20))
		})
	}
}

func TestRemoteModeThroughSQSAndMinIO(t *testing.T) {
	sqsEndpoint := testenv.Require(t, testenv.SQSEndpointVar)
	host, bucket, env := newMinioBucket(t)
	u, err := url.Parse(sqsEndpoint)
	if err != nil {
		t.Fatal(err)
	}
	var r [4]byte
	_, _ = rand.Read(r[:])
	brokerURL := fmt.Sprintf("sqs+http://%s/000000000000/mssqldump-cli-%s?create=true&region=us-east-1&lease=6s", u.Host, hex.EncodeToString(r[:]))
	blobURL := fmt.Sprintf("minio://%s/%s?secure=false", host, bucket)
	startAgentProcess(t, brokerURL, blobURL, "synthetic:2MiB", env...)
	res := mssqldump(t, env, "--broker", brokerURL, "--blob", blobURL, "-u", "sa", "-px", "db")
	wantCode(t, res, 0)
	sameBytes(t, []byte(res.stdout), synthetic(t, 2<<20))
}

func TestAKilledAgentsJobIsFinishedByAnother(t *testing.T) {
	const size = 400 << 20 // long enough to kill the first agent mid-job
	f := newFleet(t)
	a1, log1 := startAgentProcessLogging(t, f.brokerURL, f.blobURL, fmt.Sprintf("synthetic:%d", size), "info")
	a2, log2 := startAgentProcessLogging(t, f.brokerURL, f.blobURL, fmt.Sprintf("synthetic:%d", size), "info")
	out := filepath.Join(t.TempDir(), "db.sql")
	cmd := command(t, nil, f.flags("-r", out, "db")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill whichever agent took the job, without any cleanup.
	deadline := time.Now().Add(30 * time.Second)
	killed := false
	for !killed && time.Now().Before(deadline) {
		for _, a := range []struct {
			cmd *exec.Cmd
			log string
		}{{a1, log1}, {a2, log2}} {
			if b, _ := os.ReadFile(a.log); strings.Contains(string(b), `msg="job received"`) {
				time.Sleep(300 * time.Millisecond) // mid-upload
				_ = a.cmd.Process.Kill()
				killed = true
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !killed {
		t.Fatal("no agent received the job")
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("mssqldump: %v\n%s", err, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, got, synthetic(t, size))
}
