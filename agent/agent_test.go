package agent_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/broker"
)

func TestJobIsDumpedUploadedRecordedAndAnswered(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	const size = 3<<20 + 12345
	e.start(agent.Config{Source: agent.NewSyntheticSource(size)})
	q := e.queue()
	for _, compress := range []string{protocol.CompressZstd, protocol.CompressNone} {
		job := newJob(t)
		job.Compress = compress
		inbox := submit(t, q, job)
		rep, got := waitFinal(t, inbox, 30*time.Second)
		if rep.Status != protocol.StatusOK || rep.Result == nil {
			t.Fatalf("reply %+v, error %+v", rep, rep.Error)
		}
		m := readManifest(t, e.bucket, job.ID)
		if m.SHA256 != rep.Result.SHA256 || m.Object != rep.Result.Object || m.Size != rep.Result.Size {
			t.Fatalf("reply's manifest %+v differs from the stored one %+v", rep.Result, m)
		}
		if !strings.HasPrefix(m.Object, "jobs/"+job.ID+"/attempt-1-") || m.Attempt != 1 {
			t.Fatalf("object %q attempt %d", m.Object, m.Attempt)
		}
		e.onlyScript(t, job.ID, m)
		script := fetch(t, e.bucket, m)
		if int64(len(script)) != size || m.SHA256 != syntheticDigest(t, size) {
			t.Fatalf("script is %d bytes with digest %s, want %d bytes of the synthetic script", len(script), m.SHA256, size)
		}
		if compress == protocol.CompressZstd && m.StoredSize >= m.Size {
			t.Fatalf("zstd stored %d bytes for %d", m.StoredSize, m.Size)
		}
		if m.Stats.Rows["dbo.synthetic"] == 0 {
			t.Fatalf("stats lost: %+v", m.Stats)
		}
		t.Logf("%s: %d bytes stored as %d, %d progress messages", compress, m.Size, m.StoredSize, len(got.progress))
		noMoreFinal(t, inbox, 200*time.Millisecond)
	}
}

func TestAlreadyDoneJobIsAnsweredFromItsManifest(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := &recordingSource{}
	e.start(agent.Config{Source: src})
	q := e.queue()
	job := newJob(t)
	inbox := submit(t, q, job)
	first, _ := waitFinal(t, inbox, 20*time.Second)
	// The same job arrives again (a redelivery after a crash, or a replay
	// of the same bytes). JetStream deduplicates a re-sent ID within its
	// window; send under a new message ID instead, as a redelivery would
	// arrive.
	body, _ := protocol.Encode(job)
	if err := q.Send(context.Background(), &broker.Message{ID: job.ID + "-again", Body: body}); err != nil {
		t.Fatal(err)
	}
	second, _ := waitFinal(t, inbox, 20*time.Second)
	if second.Status != protocol.StatusOK || second.Result.SHA256 != first.Result.SHA256 || second.Result.Attempt != first.Result.Attempt {
		t.Fatalf("second answer %+v differs from the first %+v", second.Result, first.Result)
	}
	src.mu.Lock()
	calls := src.calls
	src.mu.Unlock()
	if calls != 1 {
		t.Fatalf("the database was dumped %d times", calls)
	}
}

func TestKilledAgentsJobIsFinishedByAnotherWithExactlyOneResult(t *testing.T) {
	e := newEnv(t, 2*time.Second)
	hung := newBlockingSource()
	victim := e.start(agent.Config{Source: hung, AgentID: "victim"})
	job := newJob(t)
	q := e.queue()
	inbox := submit(t, q, job)
	mustWait(t, hung.started, 20*time.Second, "the victim to start the job")

	// Kill the victim: its broker connection goes away, so it can neither
	// heartbeat nor settle; only the lease running out frees the job.
	victim.queue.Close()
	rescuer := e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 20), AgentID: "rescuer"})
	_ = rescuer

	rep, _ := waitFinal(t, inbox, 30*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	m := readManifest(t, e.bucket, job.ID)
	if m.AgentID != "rescuer" || m.Attempt < 2 {
		t.Fatalf("manifest by %s attempt %d, want the rescuer on a later attempt", m.AgentID, m.Attempt)
	}
	fetch(t, e.bucket, m)
	e.onlyScript(t, job.ID, m) // the killed attempt left no object
	noMoreFinal(t, inbox, 3*time.Second)
}

func TestAgentStoppedWithoutDrainTimeLeftHandsItsJobBack(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	hung := newBlockingSource()
	first := e.start(agent.Config{Source: hung, DrainTimeout: 100 * time.Millisecond})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 20*time.Second, "the job to start")
	first.stop(t) // SIGTERM; drain times out; the job is nacked, not lost
	e.start(agent.Config{Source: agent.NewSyntheticSource(4096), AgentID: "second"})
	rep, _ := waitFinal(t, inbox, 30*time.Second)
	if rep.Status != protocol.StatusOK || rep.Result.AgentID != "second" {
		t.Fatalf("reply %+v", rep)
	}
}

func TestGracefulDrainFinishesTheJobInFlight(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	hung := newBlockingSource()
	a := e.start(agent.Config{Source: hung, DrainTimeout: time.Minute})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 20*time.Second, "the job to start")
	a.cancel()
	time.Sleep(200 * time.Millisecond)
	close(hung.release) // the dump finishes during the drain
	rep, _ := waitFinal(t, inbox, 20*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	select {
	case <-a.done:
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return after the drain")
	}
}

func TestJetStreamRestartMidJobLosesNothing(t *testing.T) {
	e := newEnv(t, 3*time.Second)
	hung := newBlockingSource()
	e.start(agent.Config{Source: hung})
	q := e.queue()
	job := newJob(t)
	inbox := submit(t, q, job)
	mustWait(t, hung.started, 20*time.Second, "the job to start")

	if err := e.srv.Restart(context.Background()); err != nil {
		t.Fatal(err)
	}
	close(hung.release)
	rep, _ := waitFinal(t, inbox, 60*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	m := readManifest(t, e.bucket, job.ID)
	if m.SHA256 != rep.Result.SHA256 {
		t.Fatal("reply and stored manifest differ")
	}
	fetch(t, e.bucket, m)
	// Nothing is redelivered after the restart: the job was acked once.
	noMoreFinal(t, inbox, 4*time.Second)
	// A second job after the restart goes through too.
	job2 := newJob(t)
	inbox2 := submit(t, q, job2)
	rep2, _ := waitFinal(t, inbox2, 30*time.Second)
	if rep2.Status != protocol.StatusOK {
		t.Fatalf("job after restart: %+v", rep2)
	}
}

func TestTwoHundredJobsAcrossFourAgentsAreEachDoneOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	e := newEnv(t, 10*time.Second)
	for i := range 4 {
		e.start(agent.Config{Source: agent.NewSyntheticSource(2048), Concurrency: 2, AgentID: fmt.Sprintf("agent-%d", i)})
	}
	q := e.queue()
	inbox, err := q.OpenInbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer inbox.Close()
	const n = 200
	ids := map[string]bool{}
	for range n {
		job := newJob(t)
		job.ReplyTo = inbox.Address()
		ids[job.ID] = true
		send(t, q, job)
	}
	finals := map[string]int{}
	byAgent := map[string]int{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for len(finals) < n {
		b, err := inbox.Receive(ctx)
		if err != nil {
			t.Fatalf("after %d of %d results: %v", len(finals), n, err)
		}
		v, err := protocol.Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		r, ok := v.(*protocol.Reply)
		if !ok {
			continue
		}
		if r.Status != protocol.StatusOK || !ids[r.JobID] {
			t.Fatalf("reply %+v", r)
		}
		finals[r.JobID]++
		byAgent[r.Result.AgentID]++
	}
	noMoreFinal(t, inbox, time.Second)
	for id := range ids {
		if finals[id] != 1 {
			t.Errorf("job %s: %d results", id, finals[id])
		}
		m := readManifest(t, e.bucket, id)
		if m.Attempt != 1 {
			t.Errorf("job %s done on attempt %d", id, m.Attempt)
		}
	}
	t.Logf("jobs per agent: %v", byAgent)
}

func TestUndecodableMessageIsDeadLetteredAndTheAgentKeepsServing(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.start(agent.Config{Source: agent.NewSyntheticSource(100)})
	q := e.queue()
	ctx := context.Background()
	if err := q.Send(ctx, &broker.Message{ID: "garbage-1", Body: []byte("this is not json {")}); err != nil {
		t.Fatal(err)
	}
	// A decodable but invalid job tells its CLI why it was rejected.
	bad := newJob(t)
	bad.Database = ""
	badInbox := submit(t, q, bad)
	good := newJob(t)
	goodInbox := submit(t, q, good)

	rep, _ := waitFinal(t, badInbox, 20*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeInvalidJob || !strings.Contains(rep.Error.Message, "database is empty") {
		t.Fatalf("invalid job reply %+v %+v", rep, rep.Error)
	}
	if rep, _ := waitFinal(t, goodInbox, 20*time.Second); rep.Status != protocol.StatusOK {
		t.Fatalf("valid job after poison: %+v", rep)
	}
	dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	dead := map[string]bool{}
	for len(dead) < 2 {
		d, err := q.ReceiveDeadLetter(dctx)
		if err != nil {
			t.Fatalf("dead letters so far %v: %v", dead, err)
		}
		dead[d.ID()] = true
		d.Ack(ctx)
	}
	if !dead["garbage-1"] || !dead[bad.ID] {
		t.Fatalf("dead letters %v", dead)
	}
}

func TestUnreachableSQLServerFailsFastNamingTheHost(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_TEST", "backup:Pa55word!")
	logs := &lockedBuffer{}
	e.start(agent.Config{Source: agent.NewSQLServerSource(), Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		AllowServers: []string{"127.0.0.1"}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close() // nothing listens there now
	job := newJob(t)
	job.Server = protocol.Server{Host: "127.0.0.1", Port: port}
	job.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_TEST"}
	start := time.Now()
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	t.Logf("failed reply after %v: %s", time.Since(start).Round(time.Millisecond), rep.Error.Message)
	want := fmt.Sprintf("127.0.0.1:%d", port)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeUnreachable || !strings.Contains(rep.Error.Message, want) {
		t.Fatalf("reply %+v %+v, want unreachable naming %s", rep, rep.Error, want)
	}
	if strings.Contains(rep.Error.Message, "Pa55word") || strings.Contains(logs.String(), "Pa55word") {
		t.Fatal("the password leaked into the reply or the logs")
	}
	if exists(t, e.bucket, protocol.ManifestKey(job.ID)) {
		t.Fatal("a failed job has a manifest")
	}
	// The outcome stays in the blob store for `mssqldump wait JOBID`.
	b, err := e.bucket.ReadAll(context.Background(), protocol.FailureKey(job.ID))
	if err != nil {
		t.Fatalf("no failure record: %v", err)
	}
	rec, err := protocol.DecodeReply(b)
	if err != nil || rec.Status != protocol.StatusFailed || rec.Error.Code != protocol.ErrCodeUnreachable || strings.Contains(string(b), "Pa55word") {
		t.Fatalf("failure record %s: %v", b, err)
	}
}

func TestCancelMarkerStopsARunningJobWithinOneHeartbeat(t *testing.T) {
	e := newEnv(t, 3*time.Second)
	hung := newBlockingSource()
	const beat = 300 * time.Millisecond
	e.start(agent.Config{Source: hung, Heartbeat: beat})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 20*time.Second, "the job to start")
	if err := e.bucket.WriteAll(context.Background(), protocol.CancelKey(job.ID), []byte("canceled\n"), nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep, _ := waitFinal(t, inbox, 20*time.Second)
	t.Logf("canceled reply %v after the marker (heartbeat %v)", time.Since(start).Round(time.Millisecond), beat)
	if rep.Status != protocol.StatusCanceled {
		t.Fatalf("reply %+v", rep)
	}
	e.noScripts(t, job.ID)
	if exists(t, e.bucket, protocol.ManifestKey(job.ID)) {
		t.Fatal("a canceled job left a manifest")
	}
}

func TestJobCanceledBeforeItStartsIsNotDumped(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := &recordingSource{}
	job := newJob(t)
	if err := e.bucket.WriteAll(context.Background(), protocol.CancelKey(job.ID), []byte("canceled\n"), nil); err != nil {
		t.Fatal(err)
	}
	e.start(agent.Config{Source: src})
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 20*time.Second)
	if rep.Status != protocol.StatusCanceled || src.calls != 0 {
		t.Fatalf("reply %+v, source called %d times", rep, src.calls)
	}
}

func TestExpiredJobIsAnsweredExpiredWithoutDumping(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := &recordingSource{}
	e.start(agent.Config{Source: src})
	job := newJob(t)
	job.Created = time.Now().Add(-time.Hour)
	job.Deadline = time.Now().Add(-time.Minute)
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 20*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeExpired {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	if src.calls != 0 {
		t.Fatal("an expired job was dumped")
	}
}

func TestDeadlinePassingMidDumpStopsTheJob(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	hung := newBlockingSource()
	e.start(agent.Config{Source: hung})
	job := newJob(t)
	job.Deadline = time.Now().Add(1500 * time.Millisecond)
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 20*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeExpired {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	e.noScripts(t, job.ID)
}

func TestSealedCredentialsAreOpenedAndNeverLogged(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	key, err := seal.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	const password = "Tr0ub4dor&3-sealed"
	logs := &lockedBuffer{}
	src := &recordingSource{}
	e.start(agent.Config{Source: src, Key: key,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})

	// The agent published its key; the CLI reads it from there.
	ctx := context.Background()
	var pub seal.PublicKey
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := e.bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
		if err == nil {
			if pub, err = seal.ParsePublicKey(string(b)); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("fleet key not published: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !pub.Equal(key.Public()) {
		t.Fatal("published key differs")
	}
	job := newJob(t)
	rep, _ := waitFinal(t, submitSealed(t, e.queue(), job, pub, "backup", password), 20*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	if src.user != "backup" || src.password != password {
		t.Fatalf("source got user %q and a password of %d bytes", src.user, len(src.password))
	}
	if strings.Contains(logs.String(), password) {
		t.Fatal("the password is in the logs")
	}
	manifest, _ := e.bucket.ReadAll(ctx, protocol.ManifestKey(job.ID))
	if strings.Contains(string(manifest), password) {
		t.Fatal("the password is in the manifest")
	}

	// A job sealed to another key fails with a message naming both keys.
	other, _ := seal.GenerateKey()
	job2 := newJob(t)
	rep2, _ := waitFinal(t, submitSealed(t, e.queue(), job2, other.Public(), "backup", password), 20*time.Second)
	if rep2.Status != protocol.StatusFailed || !strings.Contains(rep2.Error.Message, other.Public().ID()) || !strings.Contains(rep2.Error.Message, pub.ID()) {
		t.Fatalf("wrong-key reply %+v %+v", rep2, rep2.Error)
	}
	if strings.Contains(logs.String(), password) {
		t.Fatal("the password is in the logs")
	}
}

func TestCredentialRefsOutsideTheAllowListAreRefused(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := &recordingSource{}
	e.start(agent.Config{Source: src, AllowServers: []string{"db.test"}})
	job := newJob(t)
	job.Credentials = protocol.Credentials{Ref: "file:/etc/passwd"}
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 20*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeInvalidJob || !strings.Contains(rep.Error.Message, "not allowed") {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	if src.calls != 0 {
		t.Fatal("the source ran with a refused reference")
	}
}

func TestDefaultCredentialsApplyToJobsWithoutAny(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	t.Setenv("AGENT_DB_LOGIN", `{"username":"svc","password":"from-env"}`)
	src := &recordingSource{}
	e.start(agent.Config{Source: src, DefaultCredentials: "env:AGENT_DB_LOGIN",
		CredentialServers: map[string][]string{"env:AGENT_DB_LOGIN": {"db.test:1433"}}})
	rep, _ := waitFinal(t, submit(t, e.queue(), newJob(t)), 20*time.Second)
	if rep.Status != protocol.StatusOK || src.user != "svc" || src.password != "from-env" {
		t.Fatalf("reply %+v; source got %q", rep, src.user)
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a := e.start(agent.Config{Source: agent.NewSyntheticSource(1000)})
	rep, _ := waitFinal(t, submit(t, e.queue(), newJob(t)), 20*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatal(rep)
	}
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), `"status":"ok"`) {
		t.Fatalf("/healthz %d %s", res.StatusCode, body)
	}
	// The job is acked (and counted) just after its reply, and a scrape
	// gathers each metric on its own goroutine: one scrape may see the
	// count and not yet the duration. Scrape until all are there.
	wants := []string{`mssqldump_agent_jobs_total{status="ok"} 1`, "mssqldump_agent_job_duration_seconds_bucket",
		"mssqldump_agent_dump_bytes_total 1000", "mssqldump_agent_jobs_in_flight 0", "mssqldump_agent_heartbeats_total", "mssqldump_agent_lease_lost_total"}
	var missing []string
	for deadline := time.Now().Add(10 * time.Second); ; {
		res, err = http.Get(srv.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		missing = missing[:0]
		for _, want := range wants {
			if !strings.Contains(string(body), want) {
				missing = append(missing, want)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range missing {
		t.Errorf("/metrics lacks %q", want)
	}
	a.stop(t)
	res, err = http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/healthz after stop: %d", res.StatusCode)
	}
}

func TestProgressReachesTheInboxRateLimited(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	hung := newBlockingSource()
	const interval = 100 * time.Millisecond
	e.start(agent.Config{Source: hung, ProgressInterval: interval})
	job := newJob(t)
	inbox := submit(t, e.queue(), job)
	mustWait(t, hung.started, 20*time.Second, "the job to start")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var p *protocol.Progress
	for p == nil || p.Object == "" { // the very first beat may precede the source's first report
		b, err := inbox.Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if p, err = protocol.DecodeProgress(b); err != nil {
			t.Fatalf("message %s: %v", b, err)
		}
	}
	if p.JobID != job.ID || p.Attempt != 1 || p.Object != "dbo.t" || p.Tables != 1 || p.Bytes == 0 {
		t.Fatalf("progress %+v", p)
	}
	// Nothing changes while the source blocks: no repeated progress.
	time.Sleep(5 * interval)
	close(hung.release)
	rep, got := waitFinal(t, inbox, 20*time.Second)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v", rep)
	}
	if len(got.progress) > 1 {
		t.Fatalf("%d more progress messages for unchanged counts", len(got.progress))
	}
}

func TestFleetKeyIsPublishedOnceAndKeptAcrossAgents(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	k1, _ := seal.GenerateKey()
	k2, _ := seal.GenerateKey()
	e.start(agent.Config{Source: &recordingSource{}, Key: k1})
	ctx := context.Background()
	var published []byte
	for deadline := time.Now().Add(10 * time.Second); ; {
		b, err := e.bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
		if err == nil {
			published = b
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("key not published")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A second agent with the same key changes nothing; one with another
	// key does not overwrite the fleet's and says so.
	e.start(agent.Config{Source: &recordingSource{}, Key: k1})
	logs := &lockedBuffer{}
	e.start(agent.Config{Source: &recordingSource{}, Key: k2, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "another fleet key is published"); {
		if time.Now().After(deadline) {
			t.Fatalf("no warning about the mismatched key:\n%s", logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	now, _ := e.bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
	if string(now) != string(published) {
		t.Fatal("the published fleet key changed")
	}
	if pub, _ := seal.ParsePublicKey(string(now)); !pub.Equal(k1.Public()) {
		t.Fatal("published key is not the first agent's")
	}
}

func TestUndeliverableReplyDoesNotRepeatTheDump(t *testing.T) {
	e := newEnv(t, time.Second)
	src := &recordingSource{}
	a := e.start(agent.Config{Source: src, Heartbeat: 300 * time.Millisecond})
	job := newJob(t)
	job.ReplyTo = "not-an-inbox-of-this-queue"
	send(t, e.queue(), job)
	for deadline := time.Now().Add(20 * time.Second); !exists(t, e.bucket, protocol.ManifestKey(job.ID)); {
		if time.Now().After(deadline) {
			t.Fatal("no manifest")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(2500 * time.Millisecond) // > 2 leases: a nacked or unacked job would be back
	src.mu.Lock()
	calls := src.calls
	src.mu.Unlock()
	if calls != 1 {
		t.Fatalf("dumped %d times", calls)
	}
	if m := readManifest(t, e.bucket, job.ID); m.Attempt != 1 {
		t.Fatalf("manifest from attempt %d", m.Attempt)
	}
	// Acked once: never handed back, never answered again from the manifest.
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{`mssqldump_agent_jobs_total{status="ok"} 1`, `mssqldump_agent_jobs_total{status="retried"} 0`,
		`mssqldump_agent_jobs_total{status="already_done"} 0`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRunReturnsWhenItsQueueIsClosed(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	a := e.start(agent.Config{Source: &recordingSource{}, Concurrency: 2})
	time.Sleep(100 * time.Millisecond)
	a.queue.Close()
	select {
	case <-a.done:
		if !errors.Is(a.err, broker.ErrClosed) {
			t.Fatalf("Run = %v, want ErrClosed", a.err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Run kept going without a queue")
	}
}
