// Package drivertest is the conformance suite every broker driver passes.
//
// A driver's test file implements Harness against a real server (an
// embedded nats-server, fauxqs) and calls RunConformanceTests. Each test
// gets its own queue, a short lease and three delivery attempts, and runs in
// parallel with the others, so the suite costs about as long as its slowest
// test. Differences between backends are declared in Features, never
// papered over in the tests (watermill's universal pub/sub tests work the
// same way).
package drivertest

import (
	"context"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/driver"
)

// QueueConfig is what the suite asks of a fresh queue.
type QueueConfig struct {
	// Lease is how long a delivery is held without Extend.
	Lease time.Duration
	// MaxAttempts is how many deliveries a message gets before it goes to
	// the dead-letter queue.
	MaxAttempts int
}

// Features declares what a backend can and cannot do.
type Features struct {
	// PublishDedup: Send with an ID already sent (within the backend's
	// window) stores the message once.
	PublishDedup bool
	// BrokerDetectsStaleLease: the driver itself reports LeaseLost when a
	// receiver whose lease ran out extends a message that was redelivered
	// to another receiver (beyond the portable package's local clock).
	BrokerDetectsStaleLease bool
	// ReplyToClosedInboxFails: Reply to the address of a closed inbox
	// fails (the reply queue was deleted).
	ReplyToClosedInboxFails bool
	// CanceledReceiveMayCostAnAttempt: a message arriving just as a
	// Receive is canceled may be handed to the abandoned request and counted
	// as a delivery (SQS long polls); the driver must still make it
	// available again at once rather than after the lease.
	CanceledReceiveMayCostAnAttempt bool
}

// Harness makes queues on a real backend for the suite.
type Harness interface {
	// MakeQueue creates a fresh, uniquely named queue (with its dead-letter
	// queue) configured as cfg asks, and returns a handle on it. The harness
	// deletes the queue when the test ends (t.Cleanup).
	MakeQueue(ctx context.Context, t *testing.T, cfg QueueConfig) (driver.Queue, error)
	// Reopen returns another, independent handle (its own connection) on the
	// queue q was made for: what a second agent would hold.
	Reopen(ctx context.Context, t *testing.T, q driver.Queue) (driver.Queue, error)
	// Features declares the backend's differences.
	Features() Features
}

// Lease is the lease the suite configures: short, so that tests of
// redelivery take seconds, and a whole number of seconds because SQS
// visibility timeouts are.
const Lease = 2 * time.Second

// MaxAttempts is the number of deliveries before dead-lettering.
const MaxAttempts = 3

// RunConformanceTests runs the suite against h.
func RunConformanceTests(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(t *testing.T, e *env)
	}{
		{"SendThenReceiveReturnsTheMessage", testSendThenReceive},
		{"BinaryBodyRoundTripsExactly", testBinaryBody},
		{"EmptyBodyRoundTrips", testEmptyBody},
		{"AckRemovesTheMessage", testAckRemoves},
		{"UnackedMessageIsRedeliveredWithNextAttempt", testNoAckRedelivers},
		{"NackDelaysRedelivery", testNackDelay},
		{"ExtendHoldsMessageFromSecondReceiverForThreeLeases", testExtendHolds},
		{"ExtendAfterLeaseRanOutReportsLeaseLost", testLeaseLost},
		{"StaleReceiverLosesLeaseAfterRedelivery", testStaleReceiver},
		{"DriverReportsStaleLease", testDriverStaleLease},
		{"EachMessageAckedOnceAcrossReceivers", testManyReceivers},
		{"TermMovesMessageToDeadLetterQueue", testTermToDLQ},
		{"MaxAttemptsMovesMessageToDeadLetterQueue", testMaxAttemptsToDLQ},
		{"InboxRoundTrip", testInboxRoundTrip},
		{"InboxCloseDeletesIt", testInboxCloseDeletes},
		{"OversizeMessageIsRejected", testOversize},
		{"MessageOfMaxSizeRoundTrips", testMaxSize},
		{"ReceiveReturnsPromptlyWhenCanceled", testReceiveCanceled},
		{"ReceiveReturnsAtDeadline", testReceiveDeadline},
		{"CloseUnblocksReceive", testCloseUnblocksReceive},
		{"OperationsAfterCloseReturnErrClosed", testAfterClose},
		{"SettledDeliveryCannotBeSettledAgain", testSettledTwice},
		{"SendWithSameIDIsStoredOnce", testDedup},
		{"OperationsWorkWithoutContextDeadline", testNoDeadline},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newEnv(t, h))
		})
	}
}

// env is one test's queue.
type env struct {
	h        Harness
	features Features
	dq       driver.Queue
	q        *broker.Queue
}

func newEnv(t *testing.T, h Harness) *env {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dq, err := h.MakeQueue(ctx, t, QueueConfig{Lease: Lease, MaxAttempts: MaxAttempts})
	if err != nil {
		t.Fatalf("MakeQueue: %v", err)
	}
	q := broker.NewQueue(dq)
	t.Cleanup(func() { _ = q.Close() })
	if got := q.Lease(); got != Lease {
		t.Fatalf("Lease() = %v, want the configured %v", got, Lease)
	}
	return &env{h: h, features: h.Features(), dq: dq, q: q}
}

// second opens another handle on the test's queue.
func (e *env) second(t *testing.T) *broker.Queue {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dq, err := e.h.Reopen(ctx, t, e.dq)
	if err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	q := broker.NewQueue(dq)
	t.Cleanup(func() { _ = q.Close() })
	return q
}
