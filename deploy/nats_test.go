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
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/mssqldump/mssqldump/broker/jetstreambroker"
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

// natsLayout is the JetStream layout mssqldump uses: three streams and two
// durable consumers, each defined by one JSON file.
var natsStreams = []string{"stream.json", "dlq-stream.json", "reply-stream.json"}

var natsConsumers = []struct{ stream, file string }{
	{"MSSQLDUMP", "consumer.json"},
	{"MSSQLDUMP_DLQ", "dlq-consumer.json"},
}

// provision does what deploy/nats/provision.sh does with the nats CLI.
func provision(ctx context.Context, t *testing.T, js jetstream.JetStream, dir string) {
	t.Helper()
	for _, f := range natsStreams {
		var cfg jetstream.StreamConfig
		readJSONStrict(t, filepath.Join(dir, f), &cfg)
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatalf("create stream from %s: %v", f, err)
		}
		// Creating the same definition again is a no-op, as provision.sh relies on.
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatalf("re-create identical stream from %s: %v", f, err)
		}
	}
	for _, c := range natsConsumers {
		var cfg jetstream.ConsumerConfig
		readJSONStrict(t, filepath.Join(dir, c.file), &cfg)
		if _, err := js.CreateConsumer(ctx, c.stream, cfg); err != nil {
			t.Fatalf("create consumer from %s: %v", c.file, err)
		}
	}
}

// layout snapshots the configuration of every stream and consumer.
func layout(ctx context.Context, t *testing.T, js jetstream.JetStream) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, name := range []string{"MSSQLDUMP", "MSSQLDUMP_DLQ", "MSSQLDUMP_REPLY"} {
		st, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out["stream "+name] = info.Config
	}
	for _, c := range []struct{ stream, name string }{{"MSSQLDUMP", "agents"}, {"MSSQLDUMP_DLQ", "agents_DLQ"}} {
		cons, err := js.Consumer(ctx, c.stream, c.name)
		if err != nil {
			t.Fatalf("consumer %s/%s: %v", c.stream, c.name, err)
		}
		info, err := cons.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out["consumer "+c.name] = info.Config
	}
	return out
}

func diffLayouts(t *testing.T, what string, a, b map[string]any) {
	t.Helper()
	for k := range a {
		ja, _ := json.Marshal(a[k])
		jb, _ := json.Marshal(b[k])
		if !bytes.Equal(ja, jb) {
			t.Errorf("%s: %s differs:\n  definitions: %s\n  agent:       %s", what, k, ja, jb)
		}
	}
}

func openAgentQueue(ctx context.Context, t *testing.T, url string, opts jetstreambroker.Options) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	q, err := jetstreambroker.OpenQueue(ctx, nc, opts)
	if err != nil {
		t.Fatalf("the agent's JetStream driver cannot open the provisioned layout: %v", err)
	}
	q.Close()
}

func TestNATSDefinitionsAreExactlyWhatTheAgentDriverCreates(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// Provisioned from the JSON files, then opened by the driver with its
	// defaults (create or update): the driver must change nothing.
	s1 := runJetStream(t, &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	js1 := connectJS(t, s1.ClientURL())
	provision(ctx, t, js1, natsDir)
	fromFiles := layout(ctx, t, js1)
	openAgentQueue(ctx, t, s1.ClientURL(), jetstreambroker.Options{})
	diffLayouts(t, "driver updated the provisioned layout", fromFiles, layout(ctx, t, js1))

	// Created by the driver alone: the same layout as the files.
	s2 := runJetStream(t, &server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoLog: true, NoSigs: true})
	js2 := connectJS(t, s2.ClientURL())
	openAgentQueue(ctx, t, s2.ClientURL(), jetstreambroker.Options{})
	diffLayouts(t, "driver-created layout", fromFiles, layout(ctx, t, js2))

	// The values the issue fixes, spelled out.
	jobs := fromFiles["stream MSSQLDUMP"].(jetstream.StreamConfig)
	if jobs.Retention != jetstream.WorkQueuePolicy || jobs.Storage != jetstream.FileStorage {
		t.Errorf("job stream = %+v; want work queue, file storage", jobs)
	}
	cons := fromFiles["consumer agents"].(jetstream.ConsumerConfig)
	if cons.AckPolicy != jetstream.AckExplicitPolicy || cons.AckWait != 30*time.Second || cons.MaxDeliver != 5 || cons.MaxAckPending <= 0 {
		t.Errorf("consumer = %+v; want explicit ack, ack_wait 30s, max_deliver 5, max_ack_pending set", cons)
	}
}

func TestClusterDefinitionsDifferOnlyInReplicas(t *testing.T) {
	for _, name := range natsStreams {
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
	for _, c := range natsConsumers {
		a, _ := os.ReadFile(filepath.Join(natsDir, c.file))
		b, _ := os.ReadFile(filepath.Join(natsDir, "cluster", c.file))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("cluster/%s drifted from %s", c.file, c.file)
		}
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
	// The meta leader may still be settling: retry the first creation.
	var jobs jetstream.StreamConfig
	readJSONStrict(t, filepath.Join(natsDir, "cluster", "stream.json"), &jobs)
	for {
		cctx, ccancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := js.CreateStream(cctx, jobs)
		ccancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("create replicated stream: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	provision(ctx, t, js, filepath.Join(natsDir, "cluster"))
	// Agents on a cluster bind with create=false: the operator owns the
	// replicated layout. The URL lists all three servers, as the README says.
	var hosts []string
	for _, s := range servers {
		hosts = append(hosts, strings.TrimPrefix(s.ClientURL(), "nats://"))
	}
	u, err := url.Parse("nats://" + strings.Join(hosts, ",") + "?create=false")
	if err != nil {
		t.Fatal(err)
	}
	dq, err := (&jetstreambroker.URLOpener{}).OpenQueueURL(ctx, u)
	if err != nil {
		t.Fatalf("agent cannot bind to the cluster with %s: %v", u, err)
	}
	dq.Close()
	for _, name := range []string{"MSSQLDUMP", "MSSQLDUMP_DLQ", "MSSQLDUMP_REPLY"} {
		st, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		info, err := st.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Config.Replicas != n || info.Cluster == nil || len(info.Cluster.Replicas) != n-1 {
			t.Errorf("stream %s: replicas %d, cluster %+v; want %d replicas", name, info.Config.Replicas, info.Cluster, n)
		}
	}
}
