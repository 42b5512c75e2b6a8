package jetstreambroker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/mssqldump/mssqldump/broker/driver"
)

type delivery struct {
	q       *Queue
	m       jetstream.Msg
	id      string
	attempt int
	seq     uint64
	dead    bool // read from the DLQ
}

func newDelivery(q *Queue, m jetstream.Msg, dead bool) (*delivery, error) {
	md, err := m.Metadata()
	if err != nil {
		return nil, err
	}
	id := m.Headers().Get(nats.MsgIdHdr)
	if dead {
		id = m.Headers().Get(headerID)
	}
	return &delivery{q: q, m: m, id: id, attempt: int(md.NumDelivered), seq: md.Sequence.Stream, dead: dead}, nil
}

func (d *delivery) ID() string   { return d.id }
func (d *delivery) Body() []byte { return d.m.Data() }
func (d *delivery) Attempt() int { return d.attempt }

// ackRequest sends an acknowledgement as a request and waits for the
// server's confirmation, so that an unconfirmed Nack, Extend or Term is an
// error rather than silently lost.
func (d *delivery) ackRequest(ctx context.Context, body string) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	_, err := d.q.nc.RequestWithContext(ctx, d.m.Reply(), []byte(body))
	return err
}

func (d *delivery) Ack(ctx context.Context) error {
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	return d.m.DoubleAck(ctx)
}

func (d *delivery) Nack(ctx context.Context, delay time.Duration) error {
	if delay <= 0 {
		return d.ackRequest(ctx, "-NAK")
	}
	return d.ackRequest(ctx, fmt.Sprintf(`-NAK {"delay": %d}`, delay.Nanoseconds()))
}

// Extend resets the lease to AckWait (JetStream cannot hold a message for a
// chosen duration). The server accepts a heartbeat for a message that is
// no longer this receiver's without complaint, so Extend then checks that
// the message is still in its stream: one acked by another receiver, or
// dead-lettered, is reported as a lost lease.
func (d *delivery) Extend(ctx context.Context, _ time.Duration) (time.Duration, error) {
	if err := d.ackRequest(ctx, "+WPI"); err != nil {
		return 0, err
	}
	stream := d.q.jobs
	if d.dead {
		stream = d.q.dlq
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	if _, err := stream.GetMsg(ctx, d.seq); err != nil {
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			return 0, errGone
		}
		return 0, err
	}
	return d.q.lease, nil
}

// errGone: the message left the stream while this receiver thought it held
// it.
var errGone = errors.New("message is no longer in the stream (acknowledged or dead-lettered by another receiver)")

// Term copies the message to the DLQ before terminating it: a terminated
// message is removed from the work-queue stream, so the advisory alone
// would find nothing to copy.
func (d *delivery) Term(ctx context.Context, reason string) error {
	if !d.dead {
		if err := d.q.publishDeadLetter(ctx, d.seq, d.id, d.m.Data(), reason, d.attempt); err != nil {
			return err
		}
	}
	return d.ackRequest(ctx, "+TERM "+reason)
}

var _ driver.Delivery = (*delivery)(nil)
