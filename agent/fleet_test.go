package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/data"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// memDB is an in-memory database for the scripter: the northwind catalog
// fixture and synthetic rows, read "inside" a database snapshot of Sales.
type memDB struct {
	catalog  []byte
	rows     int
	snapshot string // what SnapshotName answers
}

func newMemDB(t *testing.T, rows int) *memDB {
	b, err := os.ReadFile("../scripter/testdata/fixtures/northwind.json")
	if err != nil {
		t.Fatal(err)
	}
	return &memDB{catalog: b, rows: rows, snapshot: "Sales_mssqldump_0a1b2c3d4e5f"}
}

func (m *memDB) Catalog(context.Context) (*model.Database, []scripter.Warning, error) {
	var db model.Database
	err := json.Unmarshal(m.catalog, &db)
	return &db, nil, err
}

func (m *memDB) Rows(_ context.Context, p *data.Plan) (data.RowSource, error) {
	var out [][]any
	for i := range m.rows {
		if k := int64(i + 1); p.Range == nil || (p.Range.Lo == nil || k >= *p.Range.Lo) && (p.Range.Hi == nil || k < *p.Range.Hi) {
			out = append(out, memRow(p, i))
		}
	}
	return &data.SliceRows{Rows: out}, nil
}

func (m *memDB) Parallel(context.Context, int) ([]scripter.Warning, error) { return nil, nil }

// KeyStats: every table's split column holds 1..rows (memRow's ints).
func (m *memDB) KeyStats(context.Context, *data.Plan) (lo, hi, rows int64, err error) {
	return 1, int64(m.rows), int64(m.rows), nil
}

func (m *memDB) SnapshotName() string { return m.snapshot }

// memRow is row i of p: ints count up from 1, so every split key is unique.
func memRow(p *data.Plan, i int) []any {
	var row []any
	for _, c := range p.Columns {
		var v any
		switch c.Type.Name {
		case "int", "smallint":
			v = int64(i + 1)
		case "bit":
			v = i%2 == 0
		case "money":
			v = []byte(fmt.Sprintf("%d.%04d", i, i%7))
		case "real":
			v = float64(i) + 0.5
		case "datetime":
			v = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		case "image":
			v = []byte{byte(i >> 8), byte(i)}
		default:
			v = fmt.Sprintf("%d it's", i%1000)
		}
		row = append(row, v)
	}
	return row
}

// memSource dumps memDB with the scripter, and reads parts of it. Its
// DumpPart waits (up to a few seconds) until `readers` agents have each
// started a part: with one free worker per agent, each agent then holds a
// part, so the test knows that every agent read one.
type memSource struct {
	db      *memDB
	id      string
	barrier *readerBarrier
	late    bool // the dump asks for its first part a second after sharing
}

func (s *memSource) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	opts := req.Job.Options.Scripter()
	if req.Fleet != nil {
		opts.Fleet = req.Fleet
		if s.late {
			opts.Fleet = lateFleet{req.Fleet}
		}
	}
	return scripter.DumpFrom(ctx, s.db, w, opts)
}

func (s *memSource) DumpPart(ctx context.Context, req *agent.PartRequest, w io.Writer) (*agent.PartStats, error) {
	s.barrier.arrive(s.id)
	sp := req.Plan.Parts[req.Part]
	part := scripter.FleetPart{Schema: sp.Schema, Table: sp.Table, Range: data.KeyRange{Lo: sp.Range.Lo, Hi: sp.Range.Hi}}
	st, err := scripter.DumpPart(ctx, s.db, w, req.Job.Options.Scripter(), part, req.Plan.Collation)
	if err != nil {
		return nil, err
	}
	return &agent.PartStats{Rows: st.Rows, ColumnsSHA256: st.Columns}, nil
}

type readerBarrier struct {
	mu    sync.Mutex
	seen  map[string]int
	n     int
	ready chan struct{}
}

func newReaderBarrier(n int) *readerBarrier {
	return &readerBarrier{seen: map[string]int{}, n: n, ready: make(chan struct{})}
}

func (b *readerBarrier) arrive(id string) {
	b.mu.Lock()
	b.seen[id]++
	if len(b.seen) == b.n {
		select {
		case <-b.ready:
		default:
			close(b.ready)
		}
	}
	b.mu.Unlock()
	select {
	case <-b.ready:
	case <-time.After(5 * time.Second):
	}
}

func (b *readerBarrier) counts() map[string]int {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]int{}
	for k, v := range b.seen {
		out[k] = v
	}
	return out
}

// script fetches and decompresses a manifest's script.
func script(t *testing.T, e *testEnv, m *protocol.Manifest) []byte {
	t.Helper()
	b, err := e.bucket.ReadAll(context.Background(), m.Object)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zstd.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestTwoAgentsReadAFleetDumpsPartsAndTheScriptIsByteIdenticalToOneAgent(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := newMemDB(t, 900)
	opts := protocol.Options{Tables: []string{"Orders", "Customers", "Order Details", "Products"},
		RowsPerInsert: 70, ChunkRows: 100, Jobs: 2, Consistency: "snapshot"}
	want := oneAgentScript(t, db, opts)

	e := newEnv(t, 5*time.Second)
	barrier := newReaderBarrier(2)
	// The coordinator has a second worker for parts; the other agent one.
	e.start(agent.Config{AgentID: "a", Concurrency: 2, Source: &memSource{db: db, id: "a", barrier: barrier}})
	e.start(agent.Config{AgentID: "b", Source: &memSource{db: db, id: "b", barrier: barrier}})
	fleetJob := newJob(t)
	fleetJob.Options, fleetJob.FleetParts = opts, true
	rep, _ := waitFinal(t, submit(t, e.queue(), fleetJob), 90*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("fleet dump: %+v %+v", rep, rep.Error)
	}
	got := script(t, e, rep.Result)
	if !bytes.Equal(got, want) {
		t.Fatalf("the fleet's script differs from one agent's (%d vs %d bytes)", len(got), len(want))
	}
	if rep.Result.SHA256 == "" || len(got) < 10000 {
		t.Fatalf("a script of %d bytes proves little", len(got))
	}
	if c := barrier.counts(); c["a"] == 0 || c["b"] == 0 {
		t.Fatalf("parts read per agent: %v, want both agents", c)
	}
}

// oneAgentScript is the script one agent without fleet parts writes.
func oneAgentScript(t *testing.T, db *memDB, opts protocol.Options) []byte {
	t.Helper()
	e := newEnv(t, 5*time.Second)
	e.start(agent.Config{Source: &memSource{db: db, id: "single", barrier: newReaderBarrier(0)}})
	job := newJob(t)
	job.Options = opts
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 60*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("one-agent dump: %+v %+v", rep, rep.Error)
	}
	return script(t, e, rep.Result)
}

// hungSource takes a part and never finishes it: an agent that died
// holding a part.
type hungSource struct {
	memSource
	took chan int
}

func (s *hungSource) DumpPart(ctx context.Context, req *agent.PartRequest, w io.Writer) (*agent.PartStats, error) {
	s.took <- req.Part
	<-ctx.Done()
	return nil, ctx.Err()
}

// lateFleet gives part readers a head start before the dump asks for its
// first part.
type lateFleet struct{ scripter.Fleet }

func (f lateFleet) Share(ctx context.Context, p *scripter.FleetPlan) (bool, error) {
	ok, err := f.Fleet.Share(ctx, p)
	time.Sleep(time.Second)
	return ok, err
}

func TestTheCoordinatorReadsAPartItsReaderNeverFinishedAtThePlansDeadline(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := newMemDB(t, 300)
	opts := protocol.Options{Tables: []string{"Orders", "Customers"}, ChunkRows: 100, Consistency: "snapshot"}
	want := oneAgentScript(t, db, opts)
	e := newEnv(t, 5*time.Second)
	e.start(agent.Config{AgentID: "a", Source: &memSource{db: db, id: "a", barrier: newReaderBarrier(1), late: true}})
	hung := &hungSource{took: make(chan int, 64)}
	e.start(agent.Config{AgentID: "hung", Source: hung})
	job := newJob(t)
	job.Options, job.FleetParts = opts, true
	job.Deadline = time.Now().Add(8 * time.Second) // the plan's: half of it
	start := time.Now()
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 60*time.Second)
	if rep.Status != protocol.StatusOK || !bytes.Equal(script(t, e, rep.Result), want) {
		t.Fatalf("reply %+v %+v: want ok with one agent's script", rep, rep.Error)
	}
	if len(hung.took) == 0 {
		t.Fatal("the hung agent took no part: the test proves nothing")
	}
	if time.Since(start) < 3*time.Second {
		t.Fatal("the coordinator did not wait for the taken part until the plan's deadline")
	}
}

func TestALoneAgentReadsAFleetDumpWithoutWaiting(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := newMemDB(t, 300)
	opts := protocol.Options{Tables: []string{"Orders", "Customers"}, ChunkRows: 100, Consistency: "snapshot"}
	want := oneAgentScript(t, db, opts)
	e := newEnv(t, 5*time.Second)
	e.start(agent.Config{Source: &memSource{db: db, id: "a", barrier: newReaderBarrier(1)}})
	job := newJob(t)
	job.Options, job.FleetParts = opts, true
	job.Deadline = time.Now().Add(time.Hour)
	start := time.Now()
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 60*time.Second)
	if rep.Status != protocol.StatusOK || !bytes.Equal(script(t, e, rep.Result), want) {
		t.Fatalf("reply %+v %+v: want ok with one agent's script", rep, rep.Error)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("a lone coordinator took %v: it waited for parts nobody took", d)
	}
}

func TestFleetPartsFollowTheJobsConsistency(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := newMemDB(t, 300)
	db.snapshot = "" // an engine without database snapshots
	for _, c := range []struct {
		consistency string
		shared      bool
	}{{"snapshot", false}, {"auto", false}, {"none", true}} {
		opts := protocol.Options{Tables: []string{"Orders"}, ChunkRows: 100, Consistency: c.consistency}
		want := oneAgentScript(t, db, opts)
		e := newEnv(t, 5*time.Second)
		e.start(agent.Config{Concurrency: 2, Source: &memSource{db: db, id: "a", barrier: newReaderBarrier(1)}})
		job := newJob(t)
		job.Options, job.FleetParts = opts, true
		rep, _ := waitFinal(t, submit(t, e.queue(), job), 60*time.Second)
		if rep.Status != protocol.StatusOK || !bytes.Equal(script(t, e, rep.Result), want) {
			t.Fatalf("%s: reply %+v %+v: want ok with one agent's script", c.consistency, rep, rep.Error)
		}
		warned := false
		for _, w := range rep.Result.Stats.Warnings {
			warned = warned || w.Code == scripter.WarnFleetNotOnePointInTime
		}
		shared := false
		for _, k := range e.filesUnder(t, job.ID) {
			shared = shared || strings.Contains(k, "/parts-")
		}
		if shared != c.shared || warned != c.shared {
			t.Fatalf("consistency %s: parts shared %v, warned %v; want %v", c.consistency, shared, warned, c.shared)
		}
	}
}

func TestTheCoordinatorRefusesPartRecordsWhoseDigestDiffersAndReadsThePartItself(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	db := newMemDB(t, 300)
	opts := protocol.Options{Tables: []string{"Orders", "Customers"}, ChunkRows: 100, Consistency: "snapshot"}
	want := oneAgentScript(t, db, opts)
	e := newEnv(t, 5*time.Second)
	var log lockedBuffer
	e.start(agent.Config{AgentID: "a", Logger: slog.New(slog.NewTextHandler(&log, nil)),
		Source: &memSource{db: db, id: "a", barrier: newReaderBarrier(1), late: true}})
	e.start(agent.Config{AgentID: "b", Source: &memSource{db: db, id: "b", barrier: newReaderBarrier(1)}})
	job := newJob(t)
	job.Options, job.FleetParts = opts, true
	inbox := submit(t, e.queue(), job)
	// While the coordinator gives the readers their head start, the
	// records of the first recorded part are replaced in the store.
	var res *protocol.PartResult
	for deadline := time.Now().Add(20 * time.Second); res == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no part was recorded")
		}
		for _, k := range e.filesUnder(t, job.ID) {
			if strings.HasSuffix(k, ".json") && strings.Contains(k, "/part-") {
				b, err := e.bucket.ReadAll(context.Background(), k)
				if err == nil {
					res, _ = protocol.DecodePartResult(b)
				}
				break
			}
		}
	}
	// Same size, one row's digit changed: only the digest tells.
	raw, err := e.bucket.ReadAll(context.Background(), res.Object)
	if err != nil {
		t.Fatal(err)
	}
	zr, _ := zstd.NewReader(bytes.NewReader(raw))
	records, err := io.ReadAll(zr)
	zr.Close()
	if err != nil || int64(len(records)) != res.Size {
		t.Fatalf("records: %v, %d bytes", err, len(records))
	}
	i := bytes.IndexAny(records[len(records)/2:], "12345678") + len(records)/2
	records[i] = '9'
	var forged bytes.Buffer
	zw, _ := zstd.NewWriter(&forged)
	_, _ = zw.Write(records)
	_ = zw.Close()
	if err := e.bucket.WriteAll(context.Background(), res.Object, forged.Bytes(), nil); err != nil {
		t.Fatal(err)
	}
	rep, _ := waitFinal(t, inbox, 60*time.Second)
	if rep.Status != protocol.StatusOK || !bytes.Equal(script(t, e, rep.Result), want) {
		t.Fatalf("reply %+v %+v: want ok with one agent's script", rep, rep.Error)
	}
	if !strings.Contains(log.String(), "SHA-256 differs") {
		t.Fatalf("the altered records were not refused for their digest:\n%s", log.String())
	}
}
