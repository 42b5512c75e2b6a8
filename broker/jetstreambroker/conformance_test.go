package jetstreambroker

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/nats-io/nats.go"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/broker/drivertest"
)

// harness runs the suite on one embedded server with JetStream on; each test
// gets its own stream and consumer.
type harness struct {
	url string
	n   atomic.Int64
}

func (h *harness) connect(t *testing.T) (*nats.Conn, error) {
	return nats.Connect(h.url, nats.Name(t.Name()))
}

func (h *harness) MakeQueue(ctx context.Context, t *testing.T, cfg drivertest.QueueConfig) (driver.Queue, error) {
	nc, err := h.connect(t)
	if err != nil {
		return nil, err
	}
	opts := Options{
		Stream:     fmt.Sprintf("T%d", h.n.Add(1)),
		Consumer:   "agents",
		Lease:      cfg.Lease,
		MaxDeliver: cfg.MaxAttempts,
	}
	q, err := openQueue(ctx, nc, true, opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return q, nil
}

func (h *harness) Reopen(ctx context.Context, t *testing.T, dq driver.Queue) (driver.Queue, error) {
	nc, err := h.connect(t)
	if err != nil {
		return nil, err
	}
	q, err := openQueue(ctx, nc, true, dq.(*Queue).opts)
	if err != nil {
		nc.Close()
		return nil, err
	}
	return q, nil
}

func (h *harness) Features() drivertest.Features {
	return drivertest.Features{PublishDedup: true}
}

func TestConformance(t *testing.T) {
	e, err := StartEmbedded(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Shutdown)
	drivertest.RunConformanceTests(t, &harness{url: e.URL()})
}
