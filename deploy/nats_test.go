package deploy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

const natsDir = "nats"

// readJSONStrict decodes a definition file, rejecting fields the client
// library does not know (a misspelt field would be ignored by the server).
func readJSONStrict(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func runJetStream(t *testing.T, opts *server.Options) *server.Server {
	t.Helper()
	s, err := server.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server did not start")
	}
	return s
}

func connectJS(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// provision does what deploy/nats/provision.sh does with the nats CLI.
func provision(ctx context.Context, t *testing.T, js jetstream.JetStream, dir string) (jetstream.Stream, jetstream.Consumer) {
	t.Helper()
	var jobs, dlq jetstream.StreamConfig
	var cons jetstream.ConsumerConfig
	readJSONStrict(t, filepath.Join(dir, "stream.json"), &jobs)
	readJSONStrict(t, filepath.Join(dir, "dlq-stream.json"), &dlq)
	readJSONStrict(t, filepath.Join(dir, "consumer.json"), &cons)
	st, err := js.CreateStream(ctx, jobs)
	if err != nil {
		t.Fatalf("create stream %s: %v", jobs.Name, err)
	}
	if _, err := js.CreateStream(ctx, dlq); err != nil {
		t.Fatalf("create stream %s: %v", dlq.Name, err)
	}
	c, err := js.CreateConsumer(ctx, jobs.Name, cons)
	if err != nil {
		t.Fatalf("create consumer %s: %v", cons.Durable, err)
	}
	// Creating the same definitions again is a no-op, as provision.sh relies on.
	if _, err := js.CreateStream(ctx, jobs); err != nil {
		t.Fatalf("re-create identical stream: %v", err)
	}
	if _, err := js.CreateConsumer(ctx, jobs.Name, cons); err != nil {
		t.Fatalf("re-create identical consumer: %v", err)
	}
	return st, c
}

func TestNATSDefinitionsMatchTheAgentDefaults(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := runJetStream(t, &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	js := connectJS(t, s.ClientURL())
	st, c := provision(ctx, t, js, natsDir)

	si := st.CachedInfo().Config
	if si.Name != "MSSQLDUMP" || len(si.Subjects) != 1 || si.Subjects[0] != "mssqldump.jobs" ||
		si.Retention != jetstream.WorkQueuePolicy || si.Storage != jetstream.FileStorage {
		t.Errorf("job stream = %+v; want MSSQLDUMP on mssqldump.jobs, work queue, file storage", si)
	}
	if si.Duplicates < time.Minute {
		t.Errorf("duplicate window %v is too short for publish dedup by job id", si.Duplicates)
	}
	ci := c.CachedInfo().Config
	if ci.Durable != "agents" || ci.AckPolicy != jetstream.AckExplicitPolicy || ci.AckWait != 30*time.Second ||
		ci.MaxDeliver != 5 || ci.MaxAckPending <= 0 || ci.FilterSubject != "mssqldump.jobs" {
		t.Errorf("consumer = %+v; want durable agents, explicit ack, ack_wait 30s, max_deliver 5, max_ack_pending set", ci)
	}
	dlq, err := js.Stream(ctx, "MSSQLDUMP_DLQ")
	if err != nil {
		t.Fatal(err)
	}
	if cfg := dlq.CachedInfo().Config; cfg.Retention != jetstream.LimitsPolicy || cfg.MaxAge == 0 {
		t.Errorf("DLQ stream = %+v; want limits retention with a max age", cfg)
	}

	// A job published and acked by the consumer leaves the work queue.
	if _, err := js.Publish(ctx, "mssqldump.jobs", []byte(`{"v":1}`), jetstream.WithMsgID("job-1")); err != nil {
		t.Fatal(err)
	}
	msg, err := c.Next(jetstream.FetchMaxWait(5 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if err := msg.DoubleAck(ctx); err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != 0 {
		t.Errorf("work queue holds %d messages after ack, want 0", info.State.Msgs)
	}
}

func TestClusterDefinitionsDifferOnlyInReplicas(t *testing.T) {
	for _, name := range []string{"stream.json", "dlq-stream.json"} {
		var single, cluster jetstream.StreamConfig
		readJSONStrict(t, filepath.Join(natsDir, name), &single)
		readJSONStrict(t, filepath.Join(natsDir, "cluster", name), &cluster)
		if single.Replicas != 1 || cluster.Replicas != 3 {
			t.Errorf("%s: replicas single=%d cluster=%d, want 1 and 3", name, single.Replicas, cluster.Replicas)
		}
		cluster.Replicas = 1
		a, _ := json.Marshal(single)
		b, _ := json.Marshal(cluster)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: cluster definition drifted from the single-node one:\n%s\n%s", name, a, b)
		}
	}
	a, _ := os.ReadFile(filepath.Join(natsDir, "consumer.json"))
	b, _ := os.ReadFile(filepath.Join(natsDir, "cluster", "consumer.json"))
	if !bytes.Equal(a, b) {
		t.Error("cluster/consumer.json drifted from consumer.json")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestThreeNodeClusterExampleFormsAJetStreamCluster starts the three
// documented nats-N.conf files (ports and host names mapped to loopback,
// store dirs to temp dirs) and provisions the replicated definitions.
func TestThreeNodeClusterExampleFormsAJetStreamCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const n = 3
	routePorts := make([]int, n)
	for i := range routePorts {
		routePorts[i] = freePort(t)
	}
	var servers []*server.Server
	for i := 0; i < n; i++ {
		path := filepath.Join(natsDir, "cluster", fmt.Sprintf("nats-%d.conf", i+1))
		opts, err := server.ProcessConfigFile(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !opts.JetStream || opts.Cluster.Name != "mssqldump" || len(opts.Routes) != n || opts.ServerName != fmt.Sprintf("nats-%d", i+1) {
			t.Fatalf("%s: jetstream=%v cluster=%q routes=%d name=%q", path, opts.JetStream, opts.Cluster.Name, len(opts.Routes), opts.ServerName)
		}
		// Map the documented hosts nats-1..3:6222 to loopback ports.
		for j, r := range opts.Routes {
			if r.Hostname() != fmt.Sprintf("nats-%d", j+1) || r.Port() != "6222" {
				t.Fatalf("%s: route %d is %s, want nats-route://nats-%d:6222", path, j, r, j+1)
			}
			opts.Routes[j] = &url.URL{Scheme: r.Scheme, Host: fmt.Sprintf("127.0.0.1:%d", routePorts[j])}
		}
		opts.Host, opts.Port, opts.HTTPPort = "127.0.0.1", -1, 0
		opts.Cluster.Host, opts.Cluster.Port = "127.0.0.1", routePorts[i]
		opts.StoreDir = t.TempDir()
		opts.NoLog, opts.NoSigs = true, true
		servers = append(servers, runJetStream(t, opts))
	}
	js := connectJS(t, servers[0].ClientURL())
	// Wait for the meta leader before provisioning.
	deadline := time.Now().Add(30 * time.Second)
	for {
		actx, acancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := js.AccountInfo(actx)
		acancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			for _, s := range servers {
				t.Logf("%s: routes=%d js=%v", s.Name(), s.NumRoutes(), s.JetStreamEnabled())
			}
			t.Fatalf("JetStream cluster formed no meta leader: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var st jetstream.Stream
	for {
		var jobs jetstream.StreamConfig
		readJSONStrict(t, filepath.Join(natsDir, "cluster", "stream.json"), &jobs)
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		var err error
		st, err = js.CreateStream(cctx, jobs)
		ccancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("create replicated stream: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, _ = provision(ctx, t, js, filepath.Join(natsDir, "cluster"))
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Cluster == nil || len(info.Cluster.Replicas) != n-1 {
		t.Errorf("stream cluster info = %+v, want a leader and %d replicas", info.Cluster, n-1)
	}
}
