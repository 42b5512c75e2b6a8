package sqsbroker

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

func registry() *broker.Registry {
	reg := broker.NewRegistry()
	o := &URLOpener{}
	reg.Register(Scheme, o)
	reg.Register(SchemeHTTPS, o)
	reg.Register(SchemeHTTP, o)
	return reg
}

// dummyCredentials sets what the AWS default chain reads; fauxqs accepts
// anything.
func dummyCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_SQS", "")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
}

func TestOpenByURLCreatesQueueAndDLQ(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	dummyCredentials(t)
	name := uniqueName()
	raw := "sqs+" + endpoint + "/000000000000/" + name + "?create=true&lease=2s&max_deliver=2&wait=1s"
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	q, err := broker.OpenQueue(ctx, registry(), raw)
	if err != nil {
		t.Fatalf("OpenQueue(%s): %v", raw, err)
	}
	defer q.Close()
	var sq *Queue
	if !q.As(&sq) {
		t.Fatal("As(**Queue) failed")
	}
	t.Cleanup(func() {
		_, _ = sq.client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(sq.URL())})
		_, _ = sq.client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(sq.DeadLetterURL())})
	})
	if !strings.HasSuffix(sq.DeadLetterURL(), "/"+name+"-dlq") {
		t.Errorf("DLQ URL %s, want the default <queue>-dlq", sq.DeadLetterURL())
	}
	// Opening again (an agent starting while another runs) is idempotent.
	q2, err := broker.OpenQueue(ctx, registry(), raw)
	if err != nil {
		t.Fatalf("second OpenQueue: %v", err)
	}
	defer q2.Close()
	// And without create=true it binds to what exists.
	q3, err := broker.OpenQueue(ctx, registry(), strings.Replace(raw, "create=true", "create=false", 1))
	if err != nil {
		t.Fatalf("OpenQueue without create: %v", err)
	}
	defer q3.Close()
	if err := q.Send(ctx, &broker.Message{ID: "j1", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	d, err := q3.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID() != "j1" {
		t.Errorf("ID %q, want j1", d.ID())
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestOpenMissingQueueIsErrNotFound(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	dummyCredentials(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := broker.OpenQueue(ctx, registry(), "sqs+"+endpoint+"/000000000000/"+uniqueName())
	if !errors.Is(err, broker.ErrNotFound) {
		t.Fatalf("open of a missing queue: %v, want ErrNotFound", err)
	}
}

func TestUnreachableEndpointIsErrUnavailable(t *testing.T) {
	dummyCredentials(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Port 1 on loopback: connection refused.
	_, err := broker.OpenQueue(ctx, registry(), "sqs+http://127.0.0.1:1/000000000000/jobs")
	if !errors.Is(err, broker.ErrUnavailable) {
		t.Fatalf("open of an unreachable endpoint: %v, want ErrUnavailable", err)
	}
}

func TestURLRejectsUnknownParameters(t *testing.T) {
	dummyCredentials(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := broker.OpenQueue(ctx, registry(), "sqs://sqs.eu-west-1.amazonaws.com/123456789012/jobs?lease=30s&visibility=30")
	if err == nil || !strings.Contains(err.Error(), "visibility") {
		t.Fatalf("error %v, want one naming the unknown parameter visibility", err)
	}
}

func TestURLRejectsBadForms(t *testing.T) {
	dummyCredentials(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, raw := range []string{
		"sqs://sqs.eu-west-1.amazonaws.com/jobs",                         // no account
		"sqs://sqs.eu-west-1.amazonaws.com/1/2/3",                        // too deep
		"sqs://key:secret@sqs.eu-west-1.amazonaws.com/123456789012/jobs", // credentials in the URL
		"sqs://sqs.eu-west-1.amazonaws.com/123456789012/jobs?wait=30s",   // over SQS's 20s
		"sqs://sqs.eu-west-1.amazonaws.com/123456789012/jobs?lease=1500ms",
	} {
		_, err := broker.OpenQueue(ctx, registry(), raw)
		if err == nil {
			t.Errorf("%s: open succeeded, want an error", raw)
			continue
		}
		var be *broker.Error
		if errors.As(err, &be) {
			t.Errorf("%s: URL mistake reported as a broker error: %v", raw, err)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: error shows the secret: %v", raw, err)
		}
	}
}

func TestSweepDeletesOnlyOldReplyQueues(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := testClient(endpoint)
	prefix := "sweep-" + uniqueName() + "-"
	q, err := OpenQueue(ctx, client, Options{Account: "000000000000", Name: uniqueName(), Create: true, Lease: 2 * time.Second, ReplyPrefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(q.URL())})
		_, _ = client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(q.DeadLetterURL())})
	})
	pq := broker.NewQueue(q)
	abandoned, err := pq.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A queue that merely shares the prefix is not ours to delete.
	other, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(prefix + "not-a-reply-queue")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: other.QueueUrl})
	})

	if n, err := pq.SweepInboxes(ctx, time.Hour); err != nil || n != 0 {
		t.Fatalf("sweep of inboxes older than 1h = %d, %v; want 0 (the inbox is new)", n, err)
	}
	time.Sleep(1100 * time.Millisecond) // the creation tag has one-second resolution
	live, err := pq.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	n, err := pq.SweepInboxes(ctx, time.Second)
	if err != nil {
		t.Fatalf("sweep: %v", err)
	}
	if n != 1 {
		t.Errorf("sweep deleted %d queues, want 1 (the abandoned inbox)", n)
	}
	if err := pq.Reply(ctx, abandoned.Address(), []byte("late")); err == nil {
		t.Error("the abandoned inbox still accepts replies after the sweep")
	}
	if err := pq.Reply(ctx, live.Address(), []byte("ok")); err != nil {
		t.Errorf("the live inbox was swept: %v", err)
	}
	if _, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: other.QueueUrl}); err != nil {
		t.Errorf("a foreign queue with the prefix was deleted: %v", err)
	}
}

func TestExtendNeverAsksBeyondTwelveHours(t *testing.T) {
	d := &delivery{received: time.Now().Add(-maxHold + 10*time.Second)}
	if left := d.holdLeft(); left > 10 || left < 8 {
		t.Errorf("holdLeft = %ds, want about 9s", left)
	}
	d.received = time.Now().Add(-maxHold)
	if _, err := d.Extend(context.Background(), time.Minute); !errors.Is(err, errHoldLimit) {
		t.Errorf("Extend at the 12h limit: %v, want errHoldLimit", err)
	}
}

func TestBodyEncoding(t *testing.T) {
	for _, c := range []struct {
		body    string
		encoded bool
	}{
		{`{"v":1,"db":"Säles"}`, false},
		{"tab\tnew\nline\r", false},
		{"", true}, // SQS rejects an empty body
		{"nul\x00", true},
		{"\xff\xfe", true},
		{"\uFFFE", true},
		{"emoji \U0001F600", false},
	} {
		text, enc := encodeBody([]byte(c.body))
		if enc != c.encoded {
			t.Errorf("encodeBody(%q) encoded=%v, want %v", c.body, enc, c.encoded)
		}
		if !enc && text != c.body {
			t.Errorf("encodeBody(%q) changed plain text to %q", c.body, text)
		}
	}
}

func TestEndpointFromAWSEndpointURL(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	dummyCredentials(t)
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// An AWS-style URL: region from the host, endpoint from the environment.
	raw := "sqs://sqs.us-east-1.amazonaws.com/000000000000/" + uniqueName() + "?create=true&lease=2s"
	q, err := broker.OpenQueue(ctx, registry(), raw)
	if err != nil {
		t.Fatalf("OpenQueue(%s) with AWS_ENDPOINT_URL=%s: %v", raw, endpoint, err)
	}
	defer q.Close()
	var sq *Queue
	q.As(&sq)
	t.Cleanup(func() {
		_, _ = sq.client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(sq.URL())})
		_, _ = sq.client.DeleteQueue(context.Background(), &sqs.DeleteQueueInput{QueueUrl: aws.String(sq.DeadLetterURL())})
	})
	if err := q.Send(ctx, &broker.Message{ID: "e1", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	d, err := q.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Ack(ctx); err != nil {
		t.Fatal(err)
	}
}
