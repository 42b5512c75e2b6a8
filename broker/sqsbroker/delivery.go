package sqsbroker

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/mssqldump/mssqldump/broker/driver"
)

type delivery struct {
	q        *Queue
	queueURL string
	handle   string
	id       string
	body     []byte
	attempt  int
	received time.Time
	dead     bool
	attrs    map[string]types.MessageAttributeValue
}

var _ driver.Delivery = (*delivery)(nil)

func (d *delivery) ID() string   { return d.id }
func (d *delivery) Body() []byte { return d.body }
func (d *delivery) Attempt() int { return d.attempt }

func (d *delivery) Ack(ctx context.Context) error {
	_, err := d.q.client.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &d.queueURL, ReceiptHandle: &d.handle})
	return err
}

func (d *delivery) setVisibility(ctx context.Context, secs int32) error {
	_, err := d.q.client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl: &d.queueURL, ReceiptHandle: &d.handle, VisibilityTimeout: secs,
	})
	return err
}

// Nack makes the message visible again after delay (rounded up to whole
// seconds, capped by SQS's 12 hours).
func (d *delivery) Nack(ctx context.Context, delay time.Duration) error {
	secs := ceilSeconds(delay)
	if left := d.holdLeft(); secs > left {
		secs = left
	}
	return d.setVisibility(ctx, secs)
}

// errHoldLimit is returned when a message has been held for SQS's 12-hour
// maximum and can no longer be extended.
var errHoldLimit = errors.New("sqs: message held for the 12-hour maximum; it will be redelivered")

// Extend sets the visibility timeout to lease from now, within the 12-hour
// limit that SQS counts from the receive.
func (d *delivery) Extend(ctx context.Context, lease time.Duration) (time.Duration, error) {
	secs := ceilSeconds(lease)
	if left := d.holdLeft(); secs > left {
		secs = left
	}
	if secs <= 0 {
		return 0, errHoldLimit
	}
	if err := d.setVisibility(ctx, secs); err != nil {
		return 0, err
	}
	return time.Duration(secs) * time.Second, nil
}

// holdLeft is how many whole seconds of the 12 hours since the receive
// remain (one second of margin for the clocks).
func (d *delivery) holdLeft() int32 {
	left := maxHold - time.Since(d.received) - time.Second
	if left < 0 {
		return 0
	}
	return int32(left / time.Second)
}

func ceilSeconds(d time.Duration) int32 {
	if d <= 0 {
		return 0
	}
	return int32((d + time.Second - 1) / time.Second)
}

// Term copies the message to the dead-letter queue, then deletes it. A
// message read from the dead-letter queue is just deleted.
func (d *delivery) Term(ctx context.Context, reason string) error {
	if !d.dead {
		extra := map[string]string{attrAttempts: strconv.Itoa(d.attempt)}
		if reason != "" {
			extra[attrReason] = reason
		}
		if err := d.q.send(ctx, d.q.dlqURL, d.id, d.body, extra); err != nil {
			return err
		}
	}
	return d.Ack(ctx)
}

// Reason is why a dead letter was terminated ("" when SQS moved it after
// too many receives).
func (d *delivery) Reason() string {
	return aws.ToString(d.attrs[attrReason].StringValue)
}
