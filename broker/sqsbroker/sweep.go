package sqsbroker

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// replyNameSuffix matches what OpenInbox appends to the prefix, so that a
// sweep never deletes a queue it did not create.
var replyNameSuffix = regexp.MustCompile(`^[0-9a-f]{24}\.fifo$`)

// SweepInboxes implements driver.InboxSweeper with the queue's reply prefix.
func (q *Queue) SweepInboxes(ctx context.Context, olderThan time.Duration) (int, error) {
	return SweepReplyQueues(ctx, q.client, q.opts.ReplyPrefix, olderThan)
}

// SweepReplyQueues deletes reply queues named prefix+<random>.fifo (as
// OpenInbox names them) created more than olderThan ago: the inboxes of CLIs
// that died before closing them. It returns how many it deleted. Pick
// olderThan well above the longest a CLI waits for a job (its deadline).
func SweepReplyQueues(ctx context.Context, client *sqs.Client, prefix string, olderThan time.Duration) (int, error) {
	if prefix == "" {
		return 0, errors.New("sqs: sweep: empty reply prefix")
	}
	cutoff := time.Now().Add(-olderThan)
	deleted := 0
	p := sqs.NewListQueuesPaginator(client, &sqs.ListQueuesInput{QueueNamePrefix: &prefix, MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return deleted, err
		}
		for _, u := range page.QueueUrls {
			name := u[strings.LastIndex(u, "/")+1:]
			if !strings.HasPrefix(name, prefix) || !replyNameSuffix.MatchString(name[len(prefix):]) {
				continue
			}
			created, err := queueCreated(ctx, client, u)
			if err != nil {
				if errorCode(err) == driver.NotFound {
					continue // deleted meanwhile
				}
				return deleted, err
			}
			if created.After(cutoff) {
				continue
			}
			if _, err := client.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(u)}); err != nil {
				if errorCode(err) == driver.NotFound {
					continue
				}
				return deleted, err
			}
			deleted++
		}
	}
	return deleted, nil
}

// queueCreated reads the creation time from the queue's tag, falling back to
// its CreatedTimestamp attribute.
func queueCreated(ctx context.Context, client *sqs.Client, queueURL string) (time.Time, error) {
	tags, err := client.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: &queueURL})
	if err != nil {
		return time.Time{}, err
	}
	if v, ok := tags.Tags[tagCreated]; ok {
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			return t, nil
		}
	}
	out, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       &queueURL,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameCreatedTimestamp},
	})
	if err != nil {
		return time.Time{}, err
	}
	secs, err := strconv.ParseInt(out.Attributes[string(types.QueueAttributeNameCreatedTimestamp)], 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqs: queue %s has neither a %s tag nor a CreatedTimestamp", queueURL, tagCreated)
	}
	return time.Unix(secs, 0), nil
}
