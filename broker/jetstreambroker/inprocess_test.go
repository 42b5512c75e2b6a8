package jetstreambroker_test

import (
	"context"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
)

func TestInProcessEmbeddedServerTakesNoNetworkConnectionsYetCarriesJobs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := jetstreambroker.StartEmbeddedInProcess(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Shutdown()
	if addr := e.Server().Addr(); addr != nil {
		t.Fatalf("the in-process server listens on %v", addr)
	}
	d, err := e.OpenQueue(ctx, jetstreambroker.Options{Lease: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	q := broker.NewQueue(d)
	defer q.Close()
	if err := q.Send(ctx, &broker.Message{ID: "m1", Body: []byte("job")}); err != nil {
		t.Fatal(err)
	}
	got, err := q.Receive(ctx)
	if err != nil || string(got.Body()) != "job" {
		t.Fatalf("receive: %v", err)
	}
	if err := got.Ack(ctx); err != nil {
		t.Fatal(err)
	}
}
