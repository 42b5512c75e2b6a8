package jetstreambroker

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/driver"
)

func startServer(t *testing.T) *Embedded {
	t.Helper()
	e, err := StartEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	return e
}

func openURL(t *testing.T, rawURL string) (*broker.Queue, error) {
	t.Helper()
	reg := broker.NewRegistry()
	reg.Register(Scheme, &URLOpener{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	q, err := broker.OpenQueue(ctx, reg, rawURL)
	if err == nil {
		t.Cleanup(func() { _ = q.Close() })
	}
	return q, err
}

func TestRestartOnSameStoreDirLosesNothing(t *testing.T) {
	e := startServer(t)
	q, err := openURL(t, e.URL()+"?stream=RESTART&lease=1s&max_deliver=5")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	in, err := q.OpenInbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"held", "queued"} {
		if err := q.Send(ctx, &broker.Message{ID: id, Body: []byte(id)}); err != nil {
			t.Fatal(err)
		}
	}
	held, err := q.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if held.ID() != "held" {
		t.Fatalf("first delivery %q, want held", held.ID())
	}

	// Restart mid-job: the held message is unacknowledged, the other one
	// waits in the stream.
	if err := e.Restart(ctx); err != nil {
		t.Fatalf("Restart: %v", err)
	}

	// The same Queue (same connection, reconnected) keeps working.
	if err := q.Reply(ctx, in.Address(), []byte("done")); err != nil {
		t.Fatalf("Reply after restart: %v", err)
	}
	got, err := in.Receive(ctx)
	if err != nil || string(got) != "done" {
		t.Fatalf("Inbox.Receive after restart = %q, %v", got, err)
	}
	seen := map[string]int{}
	for len(seen) < 2 {
		d, err := q.Receive(ctx)
		if err != nil {
			t.Fatalf("Receive after restart (seen %v): %v", seen, err)
		}
		seen[d.ID()] = d.Attempt()
		if err := d.Ack(ctx); err != nil {
			t.Fatalf("Ack after restart: %v", err)
		}
	}
	if seen["held"] < 2 {
		t.Errorf("the message held across the restart came back with attempt %d, want >= 2", seen["held"])
	}
	if seen["queued"] != 1 {
		t.Errorf("the queued message came with attempt %d, want 1", seen["queued"])
	}
}

func TestDeadLetteredMessageLeavesTheWorkStream(t *testing.T) {
	// nats-server#5564: a message past MaxDeliver stays in a work-queue
	// stream unless someone deletes it.
	e := startServer(t)
	q, err := openURL(t, e.URL()+"?stream=DEAD&lease=1s&max_deliver=1")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := q.Send(ctx, &broker.Message{ID: "poison", Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	short, cancelShort := context.WithTimeout(ctx, 3*time.Second)
	defer cancelShort()
	if d, err := q.Receive(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Receive after the only attempt: %v, %v; want nothing", d, err)
	}
	dl, err := q.ReceiveDeadLetter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if dl.ID() != "poison" {
		t.Errorf("dead letter ID %q, want poison", dl.ID())
	}
	var jq *Queue
	if !q.As(&jq) {
		t.Fatal("As(**Queue) failed")
	}
	info, err := jq.jobs.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 0 {
		t.Errorf("work stream still holds %d messages after dead-lettering, want 0", info.State.Msgs)
	}
}

func TestURLRejectsUnknownParameters(t *testing.T) {
	e := startServer(t)
	_, err := openURL(t, e.URL()+"?stream=X&lease=2s&colour=blue&max_deliverr=3")
	if err == nil {
		t.Fatal("open succeeded, want an error naming the unknown parameters")
	}
	// A mistake in the URL is the user's, not the broker's (the CLI exits
	// with its usage code).
	var be *broker.Error
	if errors.As(err, &be) || errors.Is(err, broker.ErrUnavailable) {
		t.Errorf("URL mistake reported as a broker error: %v", err)
	}
	for _, name := range []string{"colour", "max_deliverr"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
}

func TestURLRejectsBadValues(t *testing.T) {
	e := startServer(t)
	for _, q := range []string{"lease=soon", "max_deliver=0", "create=maybe", "stream=a.b", "creds=/nonexistent/user.creds"} {
		_, err := openURL(t, e.URL()+"?"+q)
		if err == nil {
			t.Errorf("%s: open succeeded, want an error", q)
			continue
		}
		var be *broker.Error
		if errors.As(err, &be) {
			t.Errorf("%s: a URL mistake reported as a broker error: %v", q, err)
		}
	}
}

func TestOpenWithoutContextDeadline(t *testing.T) {
	e := startServer(t)
	reg := broker.NewRegistry()
	reg.Register(Scheme, &URLOpener{})
	q, err := broker.OpenQueue(context.Background(), reg, e.URL()+"?stream=NODEADLINE")
	if err != nil {
		t.Fatalf("OpenQueue with context.Background(): %v", err)
	}
	_ = q.Close()
}

func TestURLDefaultsAndNATSURLEnv(t *testing.T) {
	e := startServer(t)
	t.Setenv("NATS_URL", e.URL())
	q, err := openURL(t, "nats:?lease=3s")
	if err != nil {
		t.Fatal(err)
	}
	var jq *Queue
	q.As(&jq)
	if jq.opts.Stream != DefaultStream || jq.opts.Consumer != DefaultConsumer {
		t.Errorf("stream/consumer = %s/%s, want the defaults", jq.opts.Stream, jq.opts.Consumer)
	}
	if q.Lease() != 3*time.Second || jq.MaxDeliver() != DefaultMaxDeliver {
		t.Errorf("lease %v max_deliver %d, want 3s and %d", q.Lease(), jq.MaxDeliver(), DefaultMaxDeliver)
	}
}

func TestUnreachableServerIsErrUnavailable(t *testing.T) {
	e := startServer(t)
	u := e.URL()
	e.Shutdown()
	_, err := openURL(t, u+"?stream=GONE")
	if !errors.Is(err, broker.ErrUnavailable) {
		t.Fatalf("open of a stopped server: %v, want ErrUnavailable", err)
	}
}

func TestErrorsNeverShowThePassword(t *testing.T) {
	e := startServer(t)
	u, _ := url.Parse(e.URL())
	e.Shutdown()
	u.User = url.UserPassword("agent", "s3cret-pw")
	_, err := openURL(t, u.String()+"?stream=X")
	if err == nil {
		t.Fatal("open succeeded")
	}
	if strings.Contains(err.Error(), "s3cret-pw") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestNoCreateOnMissingStreamIsErrNotFound(t *testing.T) {
	e := startServer(t)
	_, err := openURL(t, e.URL()+"?stream=MISSING&create=false")
	if !errors.Is(err, broker.ErrNotFound) {
		t.Fatalf("create=false on a missing stream: %v, want ErrNotFound", err)
	}
}

func TestReplyToForeignAddressIsRejected(t *testing.T) {
	e := startServer(t)
	q, err := openURL(t, e.URL()+"?stream=R")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, addr := range []string{"R.jobs", "OTHER.reply.x", "R.reply.", "R.reply.a.b", "R.reply.*"} {
		err := q.Reply(ctx, addr, []byte("x"))
		if err == nil {
			t.Errorf("Reply to %q succeeded, want it rejected", addr)
			continue
		}
		if be := (*broker.Error)(nil); !errors.As(err, &be) || be.Code != driver.InvalidArgument {
			t.Errorf("Reply to %q: %v, want an invalid-argument error", addr, err)
		}
	}
}

func TestTwoQueuesShareOneConsumer(t *testing.T) {
	// OpenQueue on an existing connection, twice: creation is idempotent and
	// the connection stays the caller's.
	e := startServer(t)
	nc, err := nats.Connect(e.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 2 {
		q, err := OpenQueue(ctx, nc, Options{Stream: "SHARED", Lease: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := broker.NewQueue(q).Close(); err != nil {
			t.Fatal(err)
		}
	}
	if nc.IsClosed() {
		t.Error("closing a Queue closed the caller's connection")
	}
}

func TestExtendOfMessageAckedElsewhereIsLeaseLost(t *testing.T) {
	// Below the portable package's lease clock: the driver itself notices
	// that the message is gone.
	e := startServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	open := func() *Queue {
		nc, err := nats.Connect(e.URL())
		if err != nil {
			t.Fatal(err)
		}
		q, err := openQueue(ctx, nc, true, Options{Stream: "GONE", Lease: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = q.Close() })
		return q
	}
	a, b := open(), open()
	if err := a.Send(ctx, &driver.Message{ID: "j", Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	stale, err := a.Receive(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stale.Extend(ctx, time.Second); err != nil {
		t.Fatalf("Extend while held: %v", err)
	}
	current, err := b.Receive(ctx) // after the lease ran out
	if err != nil {
		t.Fatal(err)
	}
	if err := current.Ack(ctx); err != nil {
		t.Fatal(err)
	}
	_, err = stale.Extend(ctx, time.Second)
	if a.ErrorCode(err) != driver.LeaseLost {
		t.Fatalf("Extend of a message acked by another receiver: %v, want LeaseLost", err)
	}
}
