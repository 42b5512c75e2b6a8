// Package jetstreambroker is the NATS JetStream driver for package broker.
//
// # Layout on the server
//
// For a queue named by stream S and consumer C it uses (and, unless
// create=false, creates or updates idempotently):
//
//   - stream S, subject "S.jobs", work-queue retention, file storage: the
//     jobs. Publishes carry Nats-Msg-Id = the message ID, so a job sent twice
//     within the duplicate window (DuplicateWindow) is stored once.
//   - durable pull consumer C on S: explicit acks, AckWait = the lease,
//     MaxDeliver = max_deliver. Receive pulls one message at a time
//     (Fetch(1)), so an agent never holds a job it has not started.
//   - stream S_DLQ, subject "S.dlq", work-queue retention: dead letters, read
//     with the durable pull consumer C_DLQ.
//   - stream S_REPLY, subjects "S.reply.*", limits retention, MaxAge
//     ReplyMaxAge: reply inboxes, one subject per invocation.
//
// # Dead letters
//
// JetStream has no dead-letter queue of its own. Term copies the message to
// S_DLQ and then terminates it. A message that reaches MaxDeliver stays in a
// work-queue stream unseen (nats-server#5564), so every open Queue listens to
// the consumer's MAX_DELIVERIES (and MSG_TERMINATED) advisories, copies the
// message named by the advisory to S_DLQ (deduplicated by stream sequence,
// so several listening queues store it once) and deletes it from S. The
// advisory is raised when a receiver pulls after the last attempt's lease
// ran out, so some Queue is always listening when it fires.
//
// # Inboxes
//
// An inbox is the subject "S.reply.<nuid>" read through an ordered consumer
// on S_REPLY. Replies are therefore stored: an agent's reply published while
// the CLI is reconnecting (a server restart) is not lost, and Reply confirms
// the server stored it. Inbox.Close purges the subject; abandoned inboxes
// age out with ReplyMaxAge.
//
// # Leases
//
// InProgress resets the lease to AckWait whatever duration Extend asks for,
// and JetStream accepts it from a stale holder without complaint. So Extend
// also checks that the message is still in the stream (gone: acked by
// another receiver or dead-lettered: lease lost), and the portable
// package's local lease clock reports ErrLeaseLost once AckWait has passed
// without a heartbeat (the message may be with another receiver).
//
// # Sharing and permissions
//
// The consumer is shared by every process that opens the queue: opening it
// with a different lease or max_deliver updates the consumer for all (open
// with the same URL everywhere, or create=false). A user needs publish and
// subscribe rights on "S.>", the JetStream API ($JS.API.>) for its streams
// and consumers, publish rights on acknowledgements ($JS.ACK.S.> and
// $JS.ACK.S_DLQ.>), and subscribe rights on
// $JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.S.C and
// $JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.S.C (and, as every nats.go client,
// _INBOX.> for replies to its requests).
//
// # URL
//
//	nats://host:4222?stream=MSSQLDUMP&consumer=agents&lease=30s&max_deliver=5
//
// An empty host ("nats://?stream=X" or "nats:") uses $NATS_URL, else
// nats://127.0.0.1:4222. User and password may be given in the URL.
// Parameters: stream (default MSSQLDUMP), consumer (default agents), lease
// (AckWait, default 30s), max_deliver (default 5), creds (a credentials file;
// default $NATS_CREDS), create (default true; false binds to streams and
// consumer an operator created), reply_max_age (default 24h). Unknown
// parameters are rejected.
package jetstreambroker
