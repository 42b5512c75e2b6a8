package agent_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/scripter"
)

// partRecorder is a PartSource that writes "part N\n" as a part's records
// and records each part it read and the login it was given.
type partRecorder struct {
	log   lockedBuffer
	mu    sync.Mutex
	parts []int
	users []string
	// failFirst fails the first read transiently (a blob or network hiccup).
	failFirst bool
	// failWith, when set, fails every read with it.
	failWith error
}

func (s *partRecorder) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	_, err := io.WriteString(w, "SELECT 1;\n")
	return &scripter.Stats{}, err
}

func (s *partRecorder) DumpPart(ctx context.Context, req *agent.PartRequest, w io.Writer) (*agent.PartStats, error) {
	s.mu.Lock()
	s.parts = append(s.parts, req.Part)
	s.users = append(s.users, req.User)
	fail := s.failFirst && len(s.parts) == 1
	s.mu.Unlock()
	if fail {
		return nil, errors.New("connection reset by peer")
	}
	if s.failWith != nil {
		return nil, s.failWith
	}
	_, err := io.WriteString(w, "part "+itoa(req.Part)+"\n")
	return &agent.PartStats{Rows: 1}, err
}

func (s *partRecorder) read() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.parts...)
}

// fleetDump is a victim's fleet job as its coordinator left it in the
// blob store: claimed with its envelope, planned at a random token.
type fleetDump struct {
	parent     *protocol.Job
	body       []byte // the parent envelope as the coordinator received it
	plan       *protocol.PartPlan
	planSHA256 string
}

// sealedFleetJob seals user/password to pub bound to a new fleet job.
func sealedFleetJob(t *testing.T, pub seal.PublicKey, user, password string) *protocol.Job {
	t.Helper()
	return sealFleetJob(t, pub, newJob(t), user, password)
}

// sealFleetJob makes j a fleet job with user/password sealed to pub.
func sealFleetJob(t *testing.T, pub seal.PublicKey, j *protocol.Job, user, password string) *protocol.Job {
	t.Helper()
	j.FleetParts, j.ReplyTo = true, "_INBOX.victim"
	j.Options.Consistency = "snapshot"
	box, err := seal.SealCredentials(pub, seal.Credentials{User: user, Password: password, Binding: j.Binding()})
	if err != nil {
		t.Fatal(err)
	}
	j.Credentials = protocol.Credentials{Sealed: box, KeyID: pub.ID()}
	return j
}

// claimAndPlan stores what the coordinator of parent stores before it
// publishes parts: the claim and a three-part plan.
func claimAndPlan(t *testing.T, e *testEnv, parent *protocol.Job) *fleetDump {
	t.Helper()
	ctx := context.Background()
	body, err := protocol.Encode(parent)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.bucket.WriteAll(ctx, protocol.ClaimKey(parent.ID), []byte(protocol.JobSHA256(body)+"\n"), nil); err != nil {
		t.Fatal(err)
	}
	lo := int64(1000)
	plan := &protocol.PartPlan{ParentID: parent.ID, ParentSHA256: protocol.JobSHA256(body), Token: protocol.NewPartToken(),
		Attempt: 1, AgentID: "coordinator", Snapshot: parent.Database + "_mssqldump_0a1b2c3d4e5f",
		Created: time.Now().UTC(), Deadline: time.Now().UTC().Add(time.Minute).Truncate(time.Second),
		Parts: []protocol.PartSpec{{Schema: "dbo", Table: "Customers"},
			{Schema: "dbo", Table: "Orders", Range: protocol.KeyRange{Hi: &lo}},
			{Schema: "dbo", Table: "Orders", Range: protocol.KeyRange{Lo: &lo}}}}
	pb, err := protocol.Encode(plan)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.bucket.WriteAll(ctx, protocol.PlanKey(parent.ID, plan.Token), pb, nil); err != nil {
		t.Fatal(err)
	}
	return &fleetDump{parent: parent, body: body, plan: plan, planSHA256: protocol.JobSHA256(pb)}
}

// part is part n of the plan, as its coordinator publishes it.
func (f *fleetDump) part(n int) *protocol.PartJob {
	return &protocol.PartJob{ParentID: f.parent.ID, Parent: f.body, Token: f.plan.Token, PlanSHA256: f.planSHA256,
		Part: n, Parts: len(f.plan.Parts), Spec: f.plan.Parts[n], Deadline: f.plan.Deadline}
}

// sendPart publishes p under a message id of its own.
func sendPart(t *testing.T, q *broker.Queue, p *protocol.PartJob, id string) {
	t.Helper()
	body, err := protocol.Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Send(context.Background(), &broker.Message{ID: id, Body: body}); err != nil {
		t.Fatal(err)
	}
}

// waitPartResult waits for part n's result and checks it as the
// coordinator does.
func waitPartResult(t *testing.T, e *testEnv, f *fleetDump, n int) *protocol.PartResult {
	t.Helper()
	key := protocol.PartResultKey(f.parent.ID, f.plan.Token, n)
	for deadline := time.Now().Add(30 * time.Second); !exists(t, e.bucket, key); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("part %d was not recorded", n)
		}
	}
	b, err := e.bucket.ReadAll(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	res, err := protocol.DecodePartResult(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.CheckFor(f.parent.ID, f.plan.Token, n, f.planSHA256); err != nil {
		t.Fatal(err)
	}
	return res
}

// mustDeadLetter waits for the dead letter of message id.
func mustDeadLetter(t *testing.T, q *broker.Queue, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d, err := q.ReceiveDeadLetter(ctx)
	if err != nil {
		t.Fatalf("no dead letter for %s: %v", id, err)
	}
	if d.ID() != id {
		t.Fatalf("dead letter %s, want %s", d.ID(), id)
	}
	_ = d.Ack(ctx)
}

// filesUnder lists the objects stored under jobs/jobID.
func (e *testEnv) filesUnder(t *testing.T, jobID string) []string {
	t.Helper()
	var keys []string
	root := filepath.Join(e.dir, "jobs", jobID)
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".") {
			rel, _ := filepath.Rel(e.dir, p)
			keys = append(keys, filepath.ToSlash(rel))
		}
		return nil
	})
	return keys
}

// fleetAgent starts an agent with a sealing key and a partRecorder; the
// recorder's log holds the agent's log.
func fleetAgent(t *testing.T, e *testEnv, cfg agent.Config) (*partRecorder, seal.PublicKey) {
	t.Helper()
	key, _ := seal.GenerateKey()
	src := &partRecorder{}
	cfg.Source, cfg.Key = src, key
	cfg.Logger = slog.New(slog.NewTextHandler(&src.log, nil))
	e.start(cfg)
	return src, publishedKey(t, e)
}

func TestAPlannedPartIsReadWithTheParentsLoginAndRecordedInsideItsPart(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src, pub := fleetAgent(t, e, agent.Config{AgentID: "reader"})
	f := claimAndPlan(t, e, sealedFleetJob(t, pub, "victim", "V1ctim-pw"))
	sendPart(t, e.queue(), f.part(1), "p1")
	res := waitPartResult(t, e, f, 1)
	got, err := e.bucket.ReadAll(context.Background(), res.Object)
	if err != nil {
		t.Fatal(err)
	}
	if res.AgentID != "reader" || res.Rows != 1 || res.Size != int64(len("part 1\n")) || len(got) == 0 {
		t.Fatalf("result %+v", res)
	}
	if p := src.read(); len(p) != 1 || p[0] != 1 || src.users[0] != "victim" {
		t.Fatalf("source read parts %v as %v, want part 1 as victim", p, src.users)
	}
	for _, k := range e.filesUnder(t, f.parent.ID) {
		if k != protocol.ClaimKey(f.parent.ID) && !strings.HasPrefix(k, protocol.PartsPrefix(f.parent.ID, f.plan.Token)) {
			t.Errorf("the part wrote %s, outside its plan's prefix", k)
		}
	}
}

func TestAReplayedPartIsNotReadAgain(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src, pub := fleetAgent(t, e, agent.Config{})
	q := e.queue()
	f := claimAndPlan(t, e, sealedFleetJob(t, pub, "victim", "V1ctim-pw"))
	sendPart(t, q, f.part(0), "first")
	first := waitPartResult(t, e, f, 0)
	// The same part again (a redelivery, or a publisher replaying it under
	// a new message id), then a marker part: one worker takes them in order.
	sendPart(t, q, f.part(0), "replay")
	sendPart(t, q, f.part(1), "marker")
	waitPartResult(t, e, f, 1)
	if p := src.read(); len(p) != 2 || p[0] != 0 || p[1] != 1 {
		t.Fatalf("source read parts %v, want 0 once then 1", p)
	}
	if again := waitPartResult(t, e, f, 0); again.Object != first.Object {
		t.Fatal("the replay replaced the part's result")
	}
	// Once the job is done, its parts are not read at all.
	if err := e.bucket.WriteAll(context.Background(), protocol.ManifestKey(f.parent.ID), []byte("{}"), nil); err != nil {
		t.Fatal(err)
	}
	sendPart(t, q, f.part(2), "after-done")
	g := claimAndPlan(t, e, sealedFleetJob(t, pub, "victim", "V1ctim-pw"))
	sendPart(t, q, g.part(0), "marker-2")
	waitPartResult(t, e, g, 0)
	if p := src.read(); len(p) != 3 || exists(t, e.bucket, protocol.PartResultKey(f.parent.ID, f.plan.Token, 2)) {
		t.Fatalf("source read parts %v: a part of a finished job was read", p)
	}
}

// hostile is a part job a hostile publisher sends: the blob store's jobs
// it must leave as they are, and the reason it must be refused for.
type hostile func() (p *protocol.PartJob, watch []string, reason string)

// hostileParts publishes each hostile part job and checks that it is
// dead-lettered for its reason, never read, and leaves nothing in the blob
// store.
func hostileParts(t *testing.T, e *testEnv, src *partRecorder, cases map[string]hostile) {
	t.Helper()
	q := e.queue()
	for name, mk := range cases {
		t.Run(name, func(t *testing.T) {
			p, watch, reason := mk()
			id := "hostile-" + sanitize(name)
			var before []string
			for _, j := range watch {
				before = append(before, e.filesUnder(t, j)...)
			}
			sendPart(t, q, p, id)
			mustDeadLetter(t, q, id)
			if !strings.Contains(src.log.String(), reason) {
				t.Fatalf("not dead-lettered for %q:\n%s", reason, src.log.String())
			}
			var after []string
			for _, j := range watch {
				after = append(after, e.filesUnder(t, j)...)
			}
			if len(after) != len(before) {
				t.Fatalf("the hostile part wrote to the store: %v -> %v", before, after)
			}
		})
	}
	if p := src.read(); len(p) != 0 {
		t.Fatalf("hostile parts were read: %v", p)
	}
}

func TestHostilePartJobsAreDeadLetteredWithoutReading(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src, pub := fleetAgent(t, e, agent.Config{})
	victim := claimAndPlan(t, e, sealedFleetJob(t, pub, "victim", "V1ctim-pw"))
	// The attacker's own job, which an agent really took (the attacker may
	// publish jobs too), with its own plan.
	attacker := claimAndPlan(t, e, sealedFleetJob(t, pub, "attacker", "Att4cker-pw"))
	both := []string{victim.parent.ID, attacker.parent.ID}
	hostileParts(t, e, src, map[string]hostile{
		"forged parent no agent took": func() (*protocol.PartJob, []string, string) {
			forged := sealedFleetJob(t, pub, "attacker", "Att4cker-pw")
			p := victim.part(0)
			p.ParentID, p.Parent = forged.ID, mustEncode(t, forged)
			return p, append(both, forged.ID), "which no agent took"
		},
		"forged parent sealed for the victims id": func() (*protocol.PartJob, []string, string) {
			j := newJob(t)
			j.ID = victim.parent.ID
			forged := sealFleetJob(t, pub, j, "attacker", "Att4cker-pw")
			p := victim.part(0)
			p.Parent = mustEncode(t, forged)
			return p, both, "carries another envelope than the one an agent took"
		},
		"forged parent with the victims id": func() (*protocol.PartJob, []string, string) {
			forged := sealedFleetJob(t, pub, "attacker", "Att4cker-pw")
			forged.ID = victim.parent.ID // sealed for another id
			p := victim.part(0)
			p.Parent = mustEncode(t, forged)
			return p, both, "the job's id differs"
		},
		"victims parent retargeted": func() (*protocol.PartJob, []string, string) {
			moved := *victim.parent
			moved.Server.Host = "evil.example.com"
			p := victim.part(0)
			p.Parent = mustEncode(t, &moved)
			return p, both, "the job's server host differs"
		},
		"part outside the plan": func() (*protocol.PartJob, []string, string) {
			p := victim.part(2)
			p.Part, p.Parts = 7, 8
			return p, both, "the plan has 3 parts"
		},
		"another table in a planned part": func() (*protocol.PartJob, []string, string) {
			p := victim.part(0)
			p.Spec.Table = "Salaries"
			return p, both, "the table or key range differs"
		},
		"guessed token": func() (*protocol.PartJob, []string, string) {
			p := victim.part(0)
			p.Token = protocol.NewPartToken()
			return p, both, "no plan of job " + victim.parent.ID + " at the part's token"
		},
		"attackers job into the victims plan": func() (*protocol.PartJob, []string, string) {
			p := attacker.part(0)
			p.Token, p.PlanSHA256 = victim.plan.Token, victim.planSHA256
			return p, both, "no plan of job " + attacker.parent.ID + " at the part's token"
		},
		"victims job into the attackers plan": func() (*protocol.PartJob, []string, string) {
			p := victim.part(0)
			p.Token, p.PlanSHA256 = attacker.plan.Token, attacker.planSHA256
			return p, both, "no plan of job " + victim.parent.ID + " at the part's token"
		},
	})
}

func TestPartJobsPassTheAgentsPolicyLikeJobs(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_FLEET", "fleet:Fl33t-pw")
	src, pub := fleetAgent(t, e, agent.Config{AllowServers: []string{"sql01.internal", "sql02.internal"},
		CredentialServers: map[string][]string{"env:MSSQLDUMP_DB_FLEET": {"sql02.internal"}}})
	outside := sealedFleetJob(t, pub, "victim", "V1ctim-pw") // db.test is not allowed
	weak := newJob(t)
	weak.FleetParts, weak.Options.Consistency = true, "snapshot"
	weak.Server = protocol.Server{Host: "sql02.internal", Encrypt: protocol.EncryptDisable}
	weak.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_FLEET"}
	wrongRef := newJob(t)
	wrongRef.FleetParts, wrongRef.Options.Consistency = true, "snapshot"
	wrongRef.Server = protocol.Server{Host: "sql01.internal"}
	wrongRef.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_FLEET"} // bound to sql02 only
	cases := map[string]hostile{}
	for name, c := range map[string]struct {
		job    *protocol.Job
		reason string
	}{
		"server outside the allow-list": {outside, "outside this agent's allowed servers"},
		"encryption below the floor":    {weak, "weaker than this agent's minimum"},
		"credentials bound elsewhere":   {wrongRef, "may not be used for the job's server"},
	} {
		f := claimAndPlan(t, e, c.job)
		cases[name] = func() (*protocol.PartJob, []string, string) { return f.part(0), []string{c.job.ID}, c.reason }
	}
	hostileParts(t, e, src, cases)
}

func mustEncode(t *testing.T, j *protocol.Job) []byte {
	t.Helper()
	b, err := protocol.Encode(j)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestAPartRequestNeverPrintsItsPassword(t *testing.T) {
	req := &agent.PartRequest{Job: newJob(t), Part: 3, User: "u", Password: "S3cret-pw"}
	for _, s := range []string{fmt.Sprint(req), fmt.Sprintf("%+v", req), fmt.Sprintf("%#v", req), (&agent.PartRequest{}).String()} {
		if strings.Contains(s, "S3cret") {
			t.Fatalf("printed: %s", s)
		}
	}
}

func TestAPartRetriedAfterAFailureIsTakenOverByItsNextAttempt(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	key, _ := seal.GenerateKey()
	src := &partRecorder{failFirst: true}
	e.start(agent.Config{Source: src, Key: key})
	f := claimAndPlan(t, e, sealedFleetJob(t, publishedKey(t, e), "victim", "V1ctim-pw"))
	sendPart(t, e.queue(), f.part(1), "p1")
	res := waitPartResult(t, e, f, 1)
	if p := src.read(); len(p) != 2 || res.Attempt != 2 {
		t.Fatalf("reads %v, result of attempt %d: want the second attempt to read the part again", p, res.Attempt)
	}
}

func TestAPartFailedForGoodIsReleasedToItsCoordinator(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	key, _ := seal.GenerateKey()
	src := &partRecorder{failWith: &agent.DumpError{Code: protocol.ErrCodeDumpFailed, Message: "permission denied"}}
	e.start(agent.Config{Source: src, Key: key})
	f := claimAndPlan(t, e, sealedFleetJob(t, publishedKey(t, e), "victim", "V1ctim-pw"))
	sendPart(t, e.queue(), f.part(1), "p1")
	mustDeadLetter(t, e.queue(), "p1")
	if p := src.read(); len(p) != 1 {
		t.Fatalf("reads %v, want one failed read", p)
	}
	if exists(t, e.bucket, protocol.PartTakenKey(f.parent.ID, f.plan.Token, 1)) {
		t.Fatal("the part's taken marker stayed: its coordinator waits for the plan's deadline")
	}
}
