// Package sqsbroker is the Amazon SQS driver for package broker
// (aws-sdk-go-v2, JSON protocol).
//
// # URL
//
//	sqs://sqs.eu-west-1.amazonaws.com/123456789012/mssqldump-jobs?lease=30s
//	sqs+https://sqs.eu-west-1.amazonaws.com/123456789012/mssqldump-jobs
//	sqs+http://127.0.0.1:4566/000000000000/mssqldump-jobs?create=true&region=us-east-1
//
// Take the queue URL and put "sqs+" in front of its scheme ("sqs://" is
// short for "sqs+https://"). The path is /<account>/<queue name>; the queue
// is looked up by name and account with GetQueueUrl, so the host part need
// not match the URL the server reports. For an AWS host
// (sqs.<region>.amazonaws.com) the region comes from the host and the
// endpoint from the SDK; for any other host the endpoint is
// <scheme>://<host> (an emulator, a VPC endpoint). AWS_ENDPOINT_URL(_SQS)
// and the endpoint parameter override it. Credentials come from the AWS
// default chain (environment, shared files, instance roles).
//
// Parameters: lease (visibility timeout while held, default 30s, whole
// seconds), dlq (dead-letter queue name or URL, default <queue>-dlq),
// max_deliver (maxReceiveCount of the redrive policy, default 5; used with
// create), create (default false: create the queue and its DLQ if missing
// and set the redrive policy, idempotently), region, endpoint, wait (long
// poll per request, at most 20s, default 20s), reply_prefix (default
// mssqldump-reply-). Unknown parameters are rejected.
//
// # Behaviour
//
//   - Receive long-polls with MaxNumberOfMessages=1 and sets the visibility
//     timeout to the lease on each receive. The HTTP client timeout is
//     above the long-poll wait.
//   - Extend is ChangeMessageVisibility measured from now, capped so that the
//     message is never held for more than SQS's 12 hours from its receive.
//     SQS rejecting the receipt handle (the message was received again, or
//     its visibility ran out) is reported as lease lost.
//   - Nack is ChangeMessageVisibility(delay). Term sends a copy to the DLQ
//     and deletes the original. Messages received more than max_deliver
//     times are moved to the DLQ by SQS's redrive policy.
//   - Attempt is ApproximateReceiveCount.
//   - Standard queues do not deduplicate: Send with the same ID twice
//     delivers twice. The message ID travels as the message attribute
//     mssqldump-id, and the agent deduplicates by the job's manifest
//     (create-if-absent: the first finished attempt wins).
//   - Bodies that are not valid SQS text are sent base64-encoded (marked by
//     the attribute mssqldump-encoding=base64), so MaxMessageSize is 3/4 of
//     the queue's MaximumMessageSize less room for attributes.
//   - An inbox is a reply queue named <reply_prefix><random>, tagged with
//     its creation time; Inbox.Close deletes it. Reply only sends to queues
//     with that prefix. A CLI that crashes leaves its reply queue behind:
//     SweepReplyQueues (or broker.Queue.SweepInboxes) deletes reply queues
//     older than a given age; agents run it periodically.
//   - The SDK's retries are off: the driver returns raw errors and the
//     caller decides.
package sqsbroker
