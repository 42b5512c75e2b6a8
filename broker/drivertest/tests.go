package drivertest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/driver"
)

// redeliveryWait bounds how long a redelivery after an expired lease may
// take: the lease, plus the broker's timer granularity and a loaded CI box.
const redeliveryWait = 3*Lease + 5*time.Second

func testSendThenReceive(t *testing.T, e *env) {
	id, body := newID(t), []byte(`{"v":1,"database":"Sales"}`)
	send(t, e.q, id, body)
	d := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d, id, body, 1)
	if d.Lease() != Lease {
		t.Errorf("Delivery.Lease() = %v, want %v", d.Lease(), Lease)
	}
	ack(t, d)
}

func testBinaryBody(t *testing.T, e *env) {
	body := make([]byte, 0, 3*256)
	for i := range 3 * 256 {
		body = append(body, byte(i)) // every byte value, invalid UTF-8 included
	}
	id := newID(t)
	send(t, e.q, id, body)
	d := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d, id, body, 1)
	ack(t, d)
}

func testEmptyBody(t *testing.T, e *env) {
	id := newID(t)
	send(t, e.q, id, nil)
	d := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d, id, nil, 1)
	ack(t, d)
	in, err := e.q.OpenInbox(ctxFor(t, 15*time.Second))
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	defer in.Close()
	if err := e.q.Reply(ctxFor(t, 15*time.Second), in.Address(), []byte{}); err != nil {
		t.Fatalf("Reply with an empty body: %v", err)
	}
	got, err := in.Receive(ctxFor(t, 15*time.Second))
	if err != nil || len(got) != 0 {
		t.Fatalf("Inbox.Receive = %q, %v; want an empty reply", got, err)
	}
}

func testAckRemoves(t *testing.T, e *env) {
	id := newID(t)
	send(t, e.q, id, []byte("x"))
	d := receiveWithin(t, e.q, 15*time.Second)
	ack(t, d)
	// Well past the lease: an acked message must not come back.
	expectNothing(t, "after Ack", 2*Lease+time.Second, e.q.Receive)
}

func testNoAckRedelivers(t *testing.T, e *env) {
	id, body := newID(t), []byte("redeliver me")
	send(t, e.q, id, body)
	d1 := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d1, id, body, 1)
	// No ack: the lease runs out and the message comes back.
	d2 := receiveWithin(t, e.q, redeliveryWait)
	checkMessage(t, d2, id, body, 2)
	ack(t, d2)
}

func testNackDelay(t *testing.T, e *env) {
	const delay = 2 * Lease
	id := newID(t)
	send(t, e.q, id, []byte("later"))
	d := receiveWithin(t, e.q, 15*time.Second)
	if err := d.Nack(ctxFor(t, 10*time.Second), delay); err != nil {
		t.Fatalf("Nack: %v", err)
	}
	nacked := time.Now()
	expectNothing(t, "during the Nack delay", delay/2, e.q.Receive)
	d2 := receiveWithin(t, e.q, delay+redeliveryWait)
	if waited := time.Since(nacked); waited < delay-250*time.Millisecond {
		t.Errorf("redelivered %v after Nack(%v), want no earlier than the delay", waited, delay)
	}
	checkMessage(t, d2, id, []byte("later"), 2)
	ack(t, d2)
}

func testExtendHolds(t *testing.T, e *env) {
	id := newID(t)
	send(t, e.q, id, []byte("long job"))
	d := receiveWithin(t, e.q, 15*time.Second)
	other := e.second(t)

	stop := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		tick := time.NewTicker(Lease / 4)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				errc <- nil
				return
			case <-tick.C:
				if err := d.Extend(ctxFor(t, 10*time.Second), Lease); err != nil {
					errc <- fmt.Errorf("extend: %w", err)
					return
				}
			}
		}
	}()
	expectNothing(t, "second receiver while the first extends", 3*Lease, other.Receive)
	close(stop)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	ack(t, d)
	expectNothing(t, "second receiver after Ack", Lease+time.Second, other.Receive)
}

func testLeaseLost(t *testing.T, e *env) {
	send(t, e.q, newID(t), []byte("x"))
	d := receiveWithin(t, e.q, 15*time.Second)
	time.Sleep(Lease + 500*time.Millisecond)
	err := d.Extend(ctxFor(t, 10*time.Second), Lease)
	if !errors.Is(err, broker.ErrLeaseLost) {
		t.Fatalf("Extend after the lease ran out: %v, want ErrLeaseLost", err)
	}
}

func testStaleReceiver(t *testing.T, e *env) {
	id := newID(t)
	send(t, e.q, id, []byte("x"))
	first := receiveWithin(t, e.q, 15*time.Second)
	other := e.second(t)
	second := receiveWithin(t, other, redeliveryWait)
	checkMessage(t, second, id, []byte("x"), 2)
	if err := first.Extend(ctxFor(t, 10*time.Second), Lease); !errors.Is(err, broker.ErrLeaseLost) {
		t.Fatalf("stale receiver's Extend: %v, want ErrLeaseLost", err)
	}
	if err := second.Extend(ctxFor(t, 10*time.Second), Lease); err != nil {
		t.Fatalf("current receiver's Extend: %v", err)
	}
	ack(t, second)
}

// testDriverStaleLease checks the broker's own word, below the portable
// package's local lease clock.
func testDriverStaleLease(t *testing.T, e *env) {
	if !e.features.BrokerDetectsStaleLease {
		t.Skip("the backend cannot tell a stale holder (the portable lease clock covers it)")
	}
	send(t, e.q, newID(t), []byte("x"))
	ctx := ctxFor(t, redeliveryWait+15*time.Second)
	first, err := e.dq.Receive(ctx)
	if err != nil {
		t.Fatalf("driver Receive: %v", err)
	}
	dq2, err := e.h.Reopen(ctx, t, e.dq)
	if err != nil {
		t.Fatalf("Reopen: %v", err)
	}
	t.Cleanup(func() { _ = dq2.Close() })
	second, err := dq2.Receive(ctx)
	if err != nil {
		t.Fatalf("second driver Receive: %v", err)
	}
	if second.Attempt() != 2 {
		t.Errorf("second receiver's Attempt() = %d, want 2", second.Attempt())
	}
	_, err = first.Extend(ctx, Lease)
	if err == nil || e.dq.ErrorCode(err) != driver.LeaseLost {
		t.Fatalf("stale driver Extend: %v (code %v), want an error classified LeaseLost", err, e.dq.ErrorCode(err))
	}
	if err := second.Ack(ctx); err != nil {
		t.Fatalf("Ack: %v", err)
	}
}

func testManyReceivers(t *testing.T, e *env) {
	const receivers, messages = 4, 40
	want := map[string]bool{}
	for i := range messages {
		id := fmt.Sprintf("%s-%02d", newID(t), i)
		want[id] = true
		send(t, e.q, id, []byte(id))
	}
	qs := []*broker.Queue{e.q}
	for len(qs) < receivers {
		qs = append(qs, e.second(t))
	}

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	tl := &tally{acked: map[string]int{}, messages: messages, done: cancel}
	var wg sync.WaitGroup
	for r, q := range qs {
		wg.Go(func() { tl.receiveAll(ctx, r, q) })
	}
	wg.Wait()
	for _, p := range tl.problems {
		t.Error(p)
	}
	for id := range want {
		if n := tl.acked[id]; n != 1 {
			t.Errorf("message %s acked %d times, want exactly once", id, n)
		}
	}
	for id := range tl.acked {
		if !want[id] {
			t.Errorf("received unexpected message %s", id)
		}
	}
	// Nothing may come back after all were acked.
	expectNothing(t, "after all were acked", Lease+time.Second, e.q.Receive)
}

// tally counts the acks of concurrent receivers and collects their
// problems; done is called once every message was acked.
type tally struct {
	mu       sync.Mutex
	acked    map[string]int
	problems []string
	messages int
	done     func()
}

func (tl *tally) problem(format string, args ...any) {
	tl.mu.Lock()
	tl.problems = append(tl.problems, fmt.Sprintf(format, args...))
	tl.mu.Unlock()
}

// receiveAll receives and acks on q until ctx ends (every message acked,
// or the test's deadline) or an error.
func (tl *tally) receiveAll(ctx context.Context, r int, q *broker.Queue) {
	for {
		d, err := q.Receive(ctx)
		if err != nil {
			if ctx.Err() == nil {
				tl.problem("receiver %d: %v", r, err)
			}
			return
		}
		if string(d.Body()) != d.ID() {
			tl.problem("receiver %d: body %q for ID %q", r, d.Body(), d.ID())
		}
		if err := d.Ack(ctx); err != nil {
			tl.problem("receiver %d: Ack %s: %v", r, d.ID(), err)
			return
		}
		tl.mu.Lock()
		tl.acked[d.ID()]++
		if len(tl.acked) == tl.messages {
			tl.done()
		}
		tl.mu.Unlock()
	}
}

func testTermToDLQ(t *testing.T, e *env) {
	id, body := newID(t), []byte(`{"v":99}`)
	send(t, e.q, id, body)
	d := receiveWithin(t, e.q, 15*time.Second)
	if err := d.Term(ctxFor(t, 10*time.Second), "undecodable job envelope"); err != nil {
		t.Fatalf("Term: %v", err)
	}
	expectNothing(t, "work queue after Term", Lease+time.Second, e.q.Receive)
	dl := receiveDeadWithin(t, e.q, 15*time.Second)
	checkMessage(t, dl, id, body, 0)
	ack(t, dl)
	expectNothing(t, "dead-letter queue after Ack", Lease+time.Second, e.q.ReceiveDeadLetter)
}

func testMaxAttemptsToDLQ(t *testing.T, e *env) {
	id, body := newID(t), []byte("fails every time")
	send(t, e.q, id, body)
	for attempt := 1; attempt <= MaxAttempts; attempt++ {
		d := receiveWithin(t, e.q, redeliveryWait)
		checkMessage(t, d, id, body, attempt)
		if attempt < MaxAttempts {
			// Nack counts as an attempt like an expired lease does; the
			// last attempt's lease is left to run out.
			if err := d.Nack(ctxFor(t, 10*time.Second), 0); err != nil {
				t.Fatalf("Nack: %v", err)
			}
		}
	}
	// Receiving after the last lease ran out is what makes both JetStream
	// (advisory) and SQS (redrive) move the message.
	expectNothing(t, "work queue after the last attempt", 2*Lease+2*time.Second, e.q.Receive)
	dl := receiveDeadWithin(t, e.q, 15*time.Second)
	checkMessage(t, dl, id, body, 0)
	ack(t, dl)
}

func testInboxRoundTrip(t *testing.T, e *env) {
	ctx := ctxFor(t, 30*time.Second)
	in, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	defer in.Close()
	other, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("second OpenInbox: %v", err)
	}
	defer other.Close()
	if in.Address() == "" || in.Address() == other.Address() {
		t.Fatalf("inbox addresses %q and %q: want distinct, non-empty", in.Address(), other.Address())
	}
	agent := e.second(t)
	replies := []string{`{"progress":1}`, `{"progress":2}`, `{"status":"ok"}`}
	for _, r := range replies {
		if err := agent.Reply(ctx, in.Address(), []byte(r)); err != nil {
			t.Fatalf("Reply: %v", err)
		}
	}
	for _, want := range replies {
		got, err := in.Receive(ctxFor(t, 15*time.Second))
		if err != nil {
			t.Fatalf("Inbox.Receive: %v", err)
		}
		if string(got) != want {
			t.Errorf("Inbox.Receive = %q, want %q (replies arrive in order)", got, want)
		}
	}
	if got, err := other.Receive(ctxFor(t, time.Second)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("another inbox received %q, %v: want nothing (context.DeadlineExceeded)", got, err)
	}
	if err := in.Close(); err != nil {
		t.Errorf("Inbox.Close: %v", err)
	}
	if _, err := in.Receive(ctx); !errors.Is(err, broker.ErrClosed) {
		t.Errorf("Receive on closed inbox: %v, want ErrClosed", err)
	}
}

func testInboxCloseDeletes(t *testing.T, e *env) {
	if !e.features.ReplyToClosedInboxFails {
		t.Skip("replies to a closed inbox are accepted and expire with the reply stream's max age")
	}
	ctx := ctxFor(t, 30*time.Second)
	in, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	addr := in.Address()
	if err := in.Close(); err != nil {
		t.Fatalf("Inbox.Close: %v", err)
	}
	if err := e.q.Reply(ctx, addr, []byte("late")); err == nil {
		t.Fatal("Reply to a closed inbox succeeded, want an error (its reply queue is deleted)")
	}
}

func testOversize(t *testing.T, e *env) {
	ctx := ctxFor(t, 30*time.Second)
	big := make([]byte, e.q.MaxMessageSize()+1)
	if err := e.q.Send(ctx, &broker.Message{ID: newID(t), Body: big}); !errors.Is(err, broker.ErrTooLarge) {
		t.Errorf("Send of MaxMessageSize()+1 bytes: %v, want ErrTooLarge", err)
	}
	in, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	defer in.Close()
	if err := e.q.Reply(ctx, in.Address(), big); !errors.Is(err, broker.ErrTooLarge) {
		t.Errorf("Reply of MaxMessageSize()+1 bytes: %v, want ErrTooLarge", err)
	}
	expectNothing(t, "after rejected Send", time.Second, e.q.Receive)
}

func testMaxSize(t *testing.T, e *env) {
	n := e.q.MaxMessageSize()
	if n < 64<<10 {
		t.Fatalf("MaxMessageSize() = %d, want at least 64 KiB for job envelopes", n)
	}
	body := make([]byte, n)
	for i := range body {
		body[i] = byte(i * 7) // not valid UTF-8: the worst case for text-only backends
	}
	id := newID(t)
	send(t, e.q, id, body)
	d := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d, id, body, 1)
	ack(t, d)
}

func testReceiveCanceled(t *testing.T, e *env) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := e.q.Receive(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Receive with canceled ctx: %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Receive returned %v after cancel, want promptly", took)
	}
	// Canceled before the call: returns at once.
	if _, err := e.q.Receive(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Receive with an already-canceled ctx: %v, want context.Canceled", err)
	}
	// The queue still works afterwards, and nothing was swallowed by the
	// abandoned pull.
	id := newID(t)
	send(t, e.q, id, []byte("after cancel"))
	// Well within the lease: a message caught by an abandoned request must
	// not wait for its lease to run out.
	d := receiveWithin(t, e.q, Lease-500*time.Millisecond)
	wantAttempt := 1
	if e.features.CanceledReceiveMayCostAnAttempt {
		wantAttempt = 0 // 1 or 2; checked below
		if d.Attempt() != 1 && d.Attempt() != 2 {
			t.Errorf("Attempt() = %d after a canceled Receive, want 1 or 2", d.Attempt())
		}
	}
	checkMessage(t, d, id, []byte("after cancel"), wantAttempt)
	ack(t, d)
}

func testReceiveDeadline(t *testing.T, e *env) {
	start := time.Now()
	_, err := e.q.Receive(ctxFor(t, 700*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive past its deadline: %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("Receive returned %v after a 700ms deadline, want promptly", took)
	}
}

func testCloseUnblocksReceive(t *testing.T, e *env) {
	errc := make(chan error, 1)
	go func() {
		_, err := e.q.Receive(ctxFor(t, time.Minute))
		errc <- err
	}()
	time.Sleep(300 * time.Millisecond)
	if err := e.q.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-errc:
		if !errors.Is(err, broker.ErrClosed) {
			t.Fatalf("Receive blocked during Close: %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Receive still blocked 10s after Close")
	}
}

func testAfterClose(t *testing.T, e *env) {
	ctx := ctxFor(t, 30*time.Second)
	send(t, e.q, newID(t), []byte("x"))
	d := receiveWithin(t, e.q, 15*time.Second)
	in, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	addr := in.Address()
	if err := e.q.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	checks := map[string]error{
		"Send":        e.q.Send(ctx, &broker.Message{ID: newID(t), Body: []byte("x")}),
		"Reply":       e.q.Reply(ctx, addr, []byte("x")),
		"Close":       e.q.Close(),
		"Ack":         d.Ack(ctx),
		"Nack":        d.Nack(ctx, 0),
		"Extend":      d.Extend(ctx, Lease),
		"Term":        d.Term(ctx, "x"),
		"Inbox.Close": in.Close(),
	}
	_, checks["Receive"] = e.q.Receive(ctx)
	_, checks["ReceiveDeadLetter"] = e.q.ReceiveDeadLetter(ctx)
	_, checks["OpenInbox"] = e.q.OpenInbox(ctx)
	_, checks["Inbox.Receive"] = in.Receive(ctx)
	for op, err := range checks {
		if !errors.Is(err, broker.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", op, err)
		}
	}
}

func testSettledTwice(t *testing.T, e *env) {
	ctx := ctxFor(t, 30*time.Second)
	send(t, e.q, newID(t), []byte("x"))
	d := receiveWithin(t, e.q, 15*time.Second)
	ack(t, d)
	if err := d.Ack(ctx); !errors.Is(err, broker.ErrSettled) {
		t.Errorf("second Ack: %v, want ErrSettled", err)
	}
	if err := d.Nack(ctx, 0); !errors.Is(err, broker.ErrSettled) {
		t.Errorf("Nack after Ack: %v, want ErrSettled", err)
	}
	if err := d.Extend(ctx, Lease); !errors.Is(err, broker.ErrSettled) {
		t.Errorf("Extend after Ack: %v, want ErrSettled", err)
	}
	if err := d.Term(ctx, "x"); !errors.Is(err, broker.ErrSettled) {
		t.Errorf("Term after Ack: %v, want ErrSettled", err)
	}
}

func testDedup(t *testing.T, e *env) {
	if !e.features.PublishDedup {
		t.Skip("the backend has no publish deduplication; agents deduplicate by the job manifest")
	}
	id := newID(t)
	send(t, e.q, id, []byte("once"))
	send(t, e.q, id, []byte("once"))
	d := receiveWithin(t, e.q, 15*time.Second)
	checkMessage(t, d, id, []byte("once"), 1)
	ack(t, d)
	expectNothing(t, "after acking the only copy", Lease+time.Second, e.q.Receive)
}

// testNoDeadline runs every operation with a context that has no deadline,
// as long-running agents do.
func testNoDeadline(t *testing.T, e *env) {
	ctx := context.Background()
	id := newID(t)
	if err := e.q.Send(ctx, &broker.Message{ID: id, Body: []byte("x")}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	d, err := e.q.Receive(ctx)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if err := d.Extend(ctx, Lease); err != nil {
		t.Fatalf("Extend: %v", err)
	}
	if err := d.Nack(ctx, 0); err != nil {
		t.Fatalf("Nack: %v", err)
	}
	d, err = e.q.Receive(ctx)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if err := d.Term(ctx, "no deadline"); err != nil {
		t.Fatalf("Term: %v", err)
	}
	dl, err := e.q.ReceiveDeadLetter(ctx)
	if err != nil {
		t.Fatalf("ReceiveDeadLetter: %v", err)
	}
	if err := dl.Ack(ctx); err != nil {
		t.Fatalf("Ack: %v", err)
	}
	in, err := e.q.OpenInbox(ctx)
	if err != nil {
		t.Fatalf("OpenInbox: %v", err)
	}
	if err := e.q.Reply(ctx, in.Address(), []byte("r")); err != nil {
		t.Fatalf("Reply: %v", err)
	}
	if _, err := in.Receive(ctx); err != nil {
		t.Fatalf("Inbox.Receive: %v", err)
	}
	if err := in.Close(); err != nil {
		t.Fatalf("Inbox.Close: %v", err)
	}
}
