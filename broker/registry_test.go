package broker_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/driver"
)

// refusing is an opener that reports the connection refused, as a driver
// would for a server that is down.
type refusing struct{ got *url.URL }

func (r *refusing) OpenQueueURL(_ context.Context, u *url.URL) (driver.Queue, error) {
	r.got = u
	return nil, syscall.ECONNREFUSED
}

func (r *refusing) ErrorCode(err error) driver.ErrorCode {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return driver.Unavailable
	}
	return driver.Unknown
}

func TestOpenQueueUnknownSchemeNamesItAndTheKnownOnes(t *testing.T) {
	reg := broker.NewRegistry()
	reg.Register("nats", &refusing{})
	reg.Register("sqs", &refusing{})
	_, err := broker.OpenQueue(context.Background(), reg, "amqp://host/q")
	if err == nil {
		t.Fatal("open succeeded")
	}
	for _, want := range []string{`"amqp"`, "nats", "sqs"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestOpenQueueWithoutSchemeIsAnError(t *testing.T) {
	_, err := broker.OpenQueue(context.Background(), broker.NewRegistry(), "localhost:4222")
	if err == nil {
		t.Fatal("open succeeded")
	}
}

func TestOpenQueueClassifiesOpenerErrors(t *testing.T) {
	reg := broker.NewRegistry()
	r := &refusing{}
	reg.Register("NATS", r) // schemes are case-insensitive
	_, err := broker.OpenQueue(context.Background(), reg, "nats://agent:pw-123@127.0.0.1:4222?stream=X")
	if !errors.Is(err, broker.ErrUnavailable) {
		t.Errorf("error %v, want ErrUnavailable", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not keep the raw cause", err)
	}
	if strings.Contains(err.Error(), "pw-123") {
		t.Errorf("error shows the password: %v", err)
	}
	if r.got == nil || r.got.Query().Get("stream") != "X" {
		t.Errorf("opener got URL %v", r.got)
	}
}

func TestOpenQueueParseErrorDoesNotShowPassword(t *testing.T) {
	_, err := broker.OpenQueue(context.Background(), broker.NewRegistry(), "nats://agent:pw-123@host:port-not-a-number")
	if err == nil {
		t.Fatal("open succeeded")
	}
	if strings.Contains(err.Error(), "pw-123") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestRegisterSchemeTwicePanics(t *testing.T) {
	reg := broker.NewRegistry()
	reg.Register("nats", &refusing{})
	defer func() {
		if recover() == nil {
			t.Error("second Register of the same scheme did not panic")
		}
	}()
	reg.Register("nats", &refusing{})
}

func TestErrorMatchesSentinelAndRawCause(t *testing.T) {
	for code, sentinel := range map[driver.ErrorCode]error{
		driver.Unavailable:      broker.ErrUnavailable,
		driver.LeaseLost:        broker.ErrLeaseLost,
		driver.TooLarge:         broker.ErrTooLarge,
		driver.NotFound:         broker.ErrNotFound,
		driver.PermissionDenied: broker.ErrPermission,
	} {
		err := error(&broker.Error{Op: "send", Code: code, Err: syscall.EPIPE})
		if !errors.Is(err, sentinel) || !errors.Is(err, syscall.EPIPE) {
			t.Errorf("code %v: errors.Is(%v) fails for the sentinel or the cause", code, err)
		}
	}
	err := error(&broker.Error{Op: "send", Code: driver.Unknown, Err: syscall.EPIPE})
	for _, s := range []error{broker.ErrUnavailable, broker.ErrLeaseLost, broker.ErrClosed} {
		if errors.Is(err, s) {
			t.Errorf("an unclassified error matches %v", s)
		}
	}
}
