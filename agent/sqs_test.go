package agent_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// useSQS switches the env's queue to a fresh queue (and DLQ) on the SQS
// emulator at MSSQLDUMP_TEST_SQS_ENDPOINT.
func (e *testEnv) useSQS(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	var r [6]byte
	rand.Read(r[:])
	name := "mssqldump-agent-" + hex.EncodeToString(r[:])
	e.url = fmt.Sprintf("sqs+%s/000000000000/%s?create=true&lease=%ds&max_deliver=5&wait=1s", endpoint, name, int(e.lease/time.Second))
}

func TestJobThroughSQS(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.useSQS(t)
	const size = 2<<20 + 3
	e.start(agent.Config{Source: agent.NewSyntheticSource(size)})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	rep, _ := waitFinal(t, inbox, 60*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.SHA256 != syntheticDigest(t, size) {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	fetch(t, e.bucket, readManifest(t, e.bucket, job.ID))
}

func TestKilledAgentOnSQSIsReplacedWithExactlyOneResult(t *testing.T) {
	e := newEnv(t, 2*time.Second)
	e.useSQS(t)
	hung := newBlockingSource()
	victim := e.start(agent.Config{Source: hung, AgentID: "victim"})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 30*time.Second, "the victim to start the job")
	victim.queue.Close()
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 20), AgentID: "rescuer"})
	rep, _ := waitFinal(t, inbox, 60*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.AgentID != "rescuer" || rep.Result.Attempt < 2 {
		t.Fatalf("reply %+v", rep.Result)
	}
	noMoreFinal(t, inbox, 3*time.Second)
}

func TestUndecodableMessageOnSQSIsDeadLettered(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.useSQS(t)
	e.start(agent.Config{Source: agent.NewSyntheticSource(10)})
	q := e.queue()
	ctx := context.Background()
	if err := q.Send(ctx, &broker.Message{ID: "garbage-sqs", Body: []byte("{not json")}); err != nil {
		t.Fatal(err)
	}
	good := newJob(t)
	if rep, _ := waitFinal(t, submit(t, q, good), 60*time.Second); rep.Status != protocol.StatusOK {
		t.Fatalf("valid job after poison: %+v", rep)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	d, err := q.ReceiveDeadLetter(dctx)
	if err != nil || d.ID() != "garbage-sqs" {
		t.Fatalf("dead letter: %v", err)
	}
	d.Ack(ctx)
}

// TestAgentsSweepReplyQueuesLeftByCrashedCLIs: a CLI that dies leaves its
// SQS reply queue behind; a running agent deletes it once it is older than
// InboxMaxAge. (A reply prefix of its own keeps this sweep away from the
// reply queues of tests running at the same time.)
func TestAgentsSweepReplyQueuesLeftByCrashedCLIs(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.useSQS(t)
	var r [4]byte
	rand.Read(r[:])
	e.url += "&reply_prefix=sweep-" + hex.EncodeToString(r[:]) + "-"
	ctx := context.Background()
	q := e.queue()
	abandoned, err := q.OpenInbox(ctx) // never closed: its CLI "crashed"
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Reply(ctx, abandoned.Address(), []byte("{}")); err != nil {
		t.Fatalf("reply to a live inbox: %v", err)
	}
	time.Sleep(1100 * time.Millisecond) // creation times have second resolution
	e.start(agent.Config{Source: agent.NewSyntheticSource(10), InboxMaxAge: time.Second, SweepInterval: 200 * time.Millisecond})
	deadline := time.Now().Add(30 * time.Second)
	for q.Reply(ctx, abandoned.Address(), []byte("{}")) == nil {
		if time.Now().After(deadline) {
			t.Fatal("the abandoned reply queue still takes replies 30s after the agent started")
		}
		time.Sleep(200 * time.Millisecond)
	}
}
