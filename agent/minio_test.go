package agent_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/s3blob"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// useMinIO replaces the env's blob store with a fresh bucket on the MinIO
// server at MSSQLDUMP_TEST_S3_ENDPOINT (skipped when unset, failing under
// MSSQLDUMP_TEST_DISALLOW_SKIP=1).
func (e *testEnv) useMinIO(t testing.TB) {
	endpoint := testenv.Require(t, testenv.S3EndpointVar)
	ctx := context.Background()
	var r [6]byte
	rand.Read(r[:])
	name := "mssqldump-agent-test-" + hex.EncodeToString(r[:])
	b, err := s3blob.OpenBucket(ctx, name, &s3blob.Options{Endpoint: endpoint, PartSize: s3blob.MinPartSize})
	if err != nil {
		t.Fatal(err)
	}
	c := b.Client()
	if _, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &name}); err != nil {
		t.Fatalf("create bucket %s at %s: %v", name, endpoint, err)
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
	e.bucket = blob.NewBucket(b)
}

func TestJobThroughJetStreamAndMinIO(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.useMinIO(t)
	const size = 12<<20 + 7 // several multipart parts
	e.start(agent.Config{Source: agent.NewSyntheticSource(size)})
	for _, compress := range []string{protocol.CompressZstd, protocol.CompressNone} {
		job := newJob(t)
		job.Compress = compress
		rep, _ := waitFinal(t, submit(t, e.queue(), job), 60*time.Second)
		if rep.Status != protocol.StatusOK {
			t.Fatalf("reply %+v %+v", rep, rep.Error)
		}
		if script := fetch(t, e.bucket, readManifest(t, e.bucket, job.ID)); int64(len(script)) != size {
			t.Fatalf("script %d bytes", len(script))
		}
		if rep.Result.SHA256 != syntheticDigest(t, size) {
			t.Fatal("digest differs from the synthetic script's")
		}
	}
}

func TestKilledAgentOnMinIOLeavesNoObjectAndOneResult(t *testing.T) {
	e := newEnv(t, 2*time.Second)
	e.useMinIO(t)
	hung := newBlockingSource()
	victim := e.start(agent.Config{Source: hung, AgentID: "victim"})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 20*time.Second, "the victim to start the job")
	victim.queue.Close()
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 20), AgentID: "rescuer"})
	rep, _ := waitFinal(t, inbox, 60*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.AgentID != "rescuer" {
		t.Fatalf("reply %+v", rep)
	}
	fetch(t, e.bucket, rep.Result)
	// The victim's multipart upload is aborted once its lease is lost.
	time.Sleep(time.Second)
	if exists(t, e.bucket, protocol.ObjectKey(job.ID, 1, victim.WriterPrefix()+"-w0", "sql", protocol.CompressZstd)) {
		t.Fatal("the killed attempt left an object")
	}
	noMoreFinal(t, inbox, 2*time.Second)
}
