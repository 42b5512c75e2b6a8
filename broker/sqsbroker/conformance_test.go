package sqsbroker

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/broker/drivertest"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// testClient is a client for the SQS emulator at endpoint (fauxqs accepts
// any credentials).
func testClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:       awshttp.NewBuildableClient().WithTimeout(DefaultWait + 15*time.Second),
		RetryMaxAttempts: 1,
	})
}

var queueSeq atomic.Int64

// uniqueName names a test's queue: unique across runs against a
// long-running emulator too.
func uniqueName() string {
	return fmt.Sprintf("t%d-%d", time.Now().UnixNano(), queueSeq.Add(1))
}

type harness struct{ endpoint string }

func (h *harness) MakeQueue(ctx context.Context, t *testing.T, cfg drivertest.QueueConfig) (driver.Queue, error) {
	client := testClient(h.endpoint)
	q, err := OpenQueue(ctx, client, Options{
		Account:    "000000000000",
		Name:       uniqueName(),
		Lease:      cfg.Lease,
		MaxDeliver: cfg.MaxAttempts,
		Create:     true,
	})
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(q.URL())})
		_, _ = client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(q.DeadLetterURL())})
	})
	return q, nil
}

func (h *harness) Reopen(ctx context.Context, t *testing.T, dq driver.Queue) (driver.Queue, error) {
	opts := dq.(*Queue).opts
	opts.Create = false
	return OpenQueue(ctx, testClient(h.endpoint), opts)
}

func (h *harness) Features() drivertest.Features {
	return drivertest.Features{
		BrokerDetectsStaleLease:         true,
		ReplyToClosedInboxFails:         true,
		CanceledReceiveMayCostAnAttempt: true,
	}
}

func TestConformance(t *testing.T) {
	endpoint := testenv.Require(t, testenv.SQSEndpointVar)
	drivertest.RunConformanceTests(t, &harness{endpoint: endpoint})
}
