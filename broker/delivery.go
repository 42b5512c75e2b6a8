package broker

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mssqldump/mssqldump/broker/driver"
)

// Delivery is one message held by this receiver until it is settled (Ack,
// Nack, Term) or its lease runs out.
type Delivery struct {
	q     *Queue
	d     driver.Delivery
	lease time.Duration

	mu       sync.Mutex
	settled  string    // "acked", "nacked", "terminated"; empty while held
	deadline time.Time // when this receiver stops holding the message, by local clock
}

// Body is the message body.
func (d *Delivery) Body() []byte { return d.d.Body() }

// ID is the message ID given to Send.
func (d *Delivery) ID() string { return d.d.ID() }

// Attempt is 1 on the first delivery and grows with each redelivery.
func (d *Delivery) Attempt() int { return d.d.Attempt() }

// Lease is the queue's lease length: how long the message stays held
// without Extend.
func (d *Delivery) Lease() time.Duration { return d.lease }

// begin checks the delivery may still be settled or extended.
func (d *Delivery) begin(ctx context.Context, op string) (context.Context, func(), error) {
	d.mu.Lock()
	settled := d.settled
	d.mu.Unlock()
	if settled != "" {
		return nil, nil, fmt.Errorf("broker: %s: %w (%s)", op, ErrSettled, settled)
	}
	return d.q.begin(ctx, op)
}

func (d *Delivery) settle(how string) {
	d.mu.Lock()
	d.settled = how
	d.mu.Unlock()
}

// Ack removes the message: the job is done. It returns after the broker
// confirmed it. Ack is allowed even after the lease ran out (the work is
// done; if nobody else took the message, acking spares a repeat).
func (d *Delivery) Ack(ctx context.Context) error {
	opCtx, done, err := d.begin(ctx, "ack")
	if err != nil {
		return err
	}
	defer done()
	if err := d.d.Ack(opCtx); err != nil {
		return d.q.wrap(ctx, "ack", err)
	}
	d.settle("acked")
	return nil
}

// Nack gives the message back, to be redelivered (with Attempt()+1) after
// delay.
func (d *Delivery) Nack(ctx context.Context, delay time.Duration) error {
	if delay < 0 {
		delay = 0
	}
	opCtx, done, err := d.begin(ctx, "nack")
	if err != nil {
		return err
	}
	defer done()
	if err := d.d.Nack(opCtx, delay); err != nil {
		return d.q.wrap(ctx, "nack", err)
	}
	d.settle("nacked")
	return nil
}

// Extend keeps the message held for lease from now (a heartbeat); lease <= 0
// means the queue's lease. Drivers that can only reset the lease to the
// queue's lease (JetStream) hold it for Lease(); call Extend well within
// that. Extend returns ErrLeaseLost when the lease already ran out, by the
// local clock or by the broker's word: the message may be with another
// receiver now and the work should stop.
func (d *Delivery) Extend(ctx context.Context, lease time.Duration) error {
	opCtx, done, err := d.begin(ctx, "extend")
	if err != nil {
		return err
	}
	defer done()
	if lease <= 0 {
		lease = d.lease
	}
	start := time.Now()
	d.mu.Lock()
	deadline := d.deadline
	d.mu.Unlock()
	if start.After(deadline) {
		return &Error{Op: "extend", Code: driver.LeaseLost,
			Err: fmt.Errorf("lease ran out %v ago", start.Sub(deadline).Round(time.Millisecond))}
	}
	held, err := d.d.Extend(opCtx, lease)
	if err != nil {
		return d.q.wrap(ctx, "extend", err)
	}
	d.mu.Lock()
	// The broker restarted the lease no earlier than start.
	d.deadline = start.Add(held)
	d.mu.Unlock()
	return nil
}

// Term moves the message to the dead-letter queue now (a poison message),
// recording reason.
func (d *Delivery) Term(ctx context.Context, reason string) error {
	opCtx, done, err := d.begin(ctx, "term")
	if err != nil {
		return err
	}
	defer done()
	if err := d.d.Term(opCtx, reason); err != nil {
		return d.q.wrap(ctx, "term", err)
	}
	d.settle("terminated")
	return nil
}
