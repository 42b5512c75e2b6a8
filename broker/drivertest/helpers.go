package drivertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
)

func newID(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "job-" + hex.EncodeToString(b)
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func send(t *testing.T, q *broker.Queue, id string, body []byte) {
	t.Helper()
	if err := q.Send(ctxFor(t, 30*time.Second), &broker.Message{ID: id, Body: body}); err != nil {
		t.Fatalf("Send(%s): %v", id, err)
	}
}

// receiveWithin receives one message or fails the test after within.
func receiveWithin(t *testing.T, q *broker.Queue, within time.Duration) *broker.Delivery {
	t.Helper()
	d, err := q.Receive(ctxFor(t, within))
	if err != nil {
		t.Fatalf("Receive (waiting up to %v): %v", within, err)
	}
	return d
}

func receiveDeadWithin(t *testing.T, q *broker.Queue, within time.Duration) *broker.Delivery {
	t.Helper()
	d, err := q.ReceiveDeadLetter(ctxFor(t, within))
	if err != nil {
		t.Fatalf("ReceiveDeadLetter (waiting up to %v): %v", within, err)
	}
	return d
}

// expectNothing fails the test if recv delivers anything within d.
func expectNothing(t *testing.T, what string, d time.Duration, recv func(context.Context) (*broker.Delivery, error)) {
	t.Helper()
	got, err := recv(ctxFor(t, d))
	if err == nil {
		t.Fatalf("%s: got message %s (attempt %d, body %q) within %v, want none", what, got.ID(), got.Attempt(), abbrev(got.Body()), d)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%s: Receive error %v, want context.DeadlineExceeded", what, err)
	}
}

func abbrev(b []byte) string {
	if len(b) > 64 {
		return string(b[:64]) + "..."
	}
	return string(b)
}

func checkMessage(t *testing.T, d *broker.Delivery, id string, body []byte, attempt int) {
	t.Helper()
	if d.ID() != id {
		t.Errorf("ID() = %q, want %q", d.ID(), id)
	}
	if string(d.Body()) != string(body) {
		t.Errorf("Body() = %q, want %q", abbrev(d.Body()), abbrev(body))
	}
	if attempt > 0 && d.Attempt() != attempt {
		t.Errorf("Attempt() = %d, want %d", d.Attempt(), attempt)
	}
}

func ack(t *testing.T, d *broker.Delivery) {
	t.Helper()
	if err := d.Ack(ctxFor(t, 10*time.Second)); err != nil {
		t.Fatalf("Ack: %v", err)
	}
}
