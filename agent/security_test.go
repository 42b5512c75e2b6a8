package agent_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/broker"
	"github.com/mssqldump/mssqldump/internal/faketds"
)

// fakeTarget points job at the fake server.
func fakeTarget(job *protocol.Job, srv *faketds.Server) {
	job.Server = protocol.Server{Host: srv.Host(), Port: srv.Port()}
}

func TestDefaultTLSNeverSendsTheLoginToAServerThatCannotEncrypt(t *testing.T) {
	srv := faketds.Start(t)
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_TLS", "backup:Pa55word!")
	e.start(agent.Config{Source: agent.NewSQLServerSource(), AllowServers: []string{"127.0.0.1"}})
	job := newJob(t)
	fakeTarget(job, srv)
	job.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_TLS"}
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeDumpFailed || rep.Attempt != 1 ||
		!strings.Contains(rep.Error.Message, "cannot encrypt") || !strings.Contains(rep.Error.Message, "--encrypt optional") {
		t.Fatalf("reply %+v %+v, want a final failure on attempt 1 naming --encrypt optional", rep, rep.Error)
	}
	if srv.Connections() == 0 {
		t.Fatal("the agent never reached the fake server: the test proves nothing")
	}
	if n := srv.Logins(); n != 0 {
		t.Fatalf("the server that cannot encrypt received %d logins", n)
	}
}

func TestEncryptOptionalSendsTheLoginToAServerThatCannotEncrypt(t *testing.T) {
	srv := faketds.Start(t)
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_TLS", "backup:Pa55word!")
	e.start(agent.Config{Source: agent.NewSQLServerSource(), AllowServers: []string{"127.0.0.1"}, MinEncrypt: protocol.EncryptOptional})
	job := newJob(t)
	fakeTarget(job, srv)
	job.Server.Encrypt = protocol.EncryptOptional
	job.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_TLS"}
	submit(t, e.queue(), job)
	deadline := time.Now().Add(30 * time.Second)
	for srv.Logins() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("no login reached the server with encrypt=optional: the fake cannot tell the difference")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestJobAskingForLessEncryptionThanTheAgentAllowsIsRefusedWithoutConnecting(t *testing.T) {
	srv := faketds.Start(t)
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_TLS", "backup:Pa55word!")
	e.start(agent.Config{Source: agent.NewSQLServerSource(), AllowServers: []string{"127.0.0.1"}})
	job := newJob(t)
	fakeTarget(job, srv)
	job.Server.Params = map[string]string{"encrypt": "disable"}
	job.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_TLS"}
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeNotAllowed || !strings.Contains(rep.Error.Message, "encrypt=disable") {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	if n := srv.Connections(); n != 0 {
		t.Fatalf("%d connections to the server", n)
	}
}

func TestAgentSideCredentialsOutsideTheirServersAreRefusedWithoutConnecting(t *testing.T) {
	srv := faketds.Start(t)
	e := newEnv(t, 5*time.Second)
	t.Setenv("MSSQLDUMP_DB_FLEET", "fleet:Fl33t-pw")
	e.start(agent.Config{Source: agent.NewSQLServerSource(),
		CredentialServers: map[string][]string{"env:MSSQLDUMP_DB_FLEET": {"sql01.internal", "10.0.0.0/8"}}})
	for _, ref := range []string{"env:MSSQLDUMP_DB_FLEET", "env:MSSQLDUMP_DB_OTHER"} {
		job := newJob(t)
		fakeTarget(job, srv)
		job.Credentials = protocol.Credentials{Ref: ref}
		rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
		if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeNotAllowed ||
			!strings.Contains(rep.Error.Message, "not allowed") || strings.Contains(rep.Error.Message, srv.Host()) {
			t.Fatalf("%s: reply %+v %+v, want not allowed without network detail", ref, rep, rep.Error)
		}
	}
	if n := srv.Connections(); n != 0 {
		t.Fatalf("%d connections to a server outside the credential's list", n)
	}
}

// publishedKey waits for the agent's fleet key.
func publishedKey(t *testing.T, e *testEnv) seal.PublicKey {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := e.bucket.ReadAll(context.Background(), protocol.FleetPublicKeyKey)
		if err == nil {
			pub, err := seal.ParsePublicKey(string(b))
			if err != nil {
				t.Fatal(err)
			}
			return pub
		}
		if time.Now().After(deadline) {
			t.Fatalf("fleet key not published: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// replayOfSealedJob seals a victim's login bound to victim, then copies
// the job the way a broker reader would and lets change alter the copy.
func replayOfSealedJob(t *testing.T, q *broker.Queue, pub seal.PublicKey, change func(*protocol.Job)) (*protocol.Job, *broker.Inbox) {
	t.Helper()
	victim := newJob(t)
	victim.ReplyTo = "_INBOX.victim"
	box, err := seal.SealCredentials(pub, seal.Credentials{User: "victim", Password: "V1ctim-pw", Binding: victim.Binding()})
	if err != nil {
		t.Fatal(err)
	}
	victim.Credentials = protocol.Credentials{Sealed: box, KeyID: pub.ID()}
	replay := *victim
	change(&replay)
	inbox, err := q.OpenInbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { inbox.Close() })
	replay.ReplyTo = inbox.Address()
	send(t, q, &replay)
	return &replay, inbox
}

func replayedSealedJobsAreDeadLetteredWithoutConnecting(t *testing.T, e *testEnv) {
	srv := faketds.Start(t)
	key, _ := seal.GenerateKey()
	e.start(agent.Config{Source: agent.NewSQLServerSource(), Key: key, MinEncrypt: protocol.EncryptDisable})
	pub := publishedKey(t, e)
	q := e.queue()
	for _, c := range []struct {
		name, reason string
		change       func(*protocol.Job)
	}{
		{"new id and server", "id", func(j *protocol.Job) { j.ID += "-replay"; fakeTarget(j, srv) }},
		{"same id, server only", "server host", func(j *protocol.Job) { fakeTarget(j, srv); j.Server.Port = 1433 }},
		{"downgraded TLS", "TLS", func(j *protocol.Job) { j.Server.Encrypt = protocol.EncryptDisable }},
		{"later deadline", "deadline", func(j *protocol.Job) { j.Deadline = j.Deadline.Add(time.Hour) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			replay, inbox := replayOfSealedJob(t, q, pub, c.change)
			rep, _ := waitFinal(t, inbox, 60*time.Second)
			if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeInvalidJob ||
				!strings.Contains(rep.Error.Message, c.reason) || strings.Contains(rep.Error.Message, "V1ctim") {
				t.Fatalf("reply %+v %+v, want the job rejected naming %q", rep, rep.Error, c.reason)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			d, err := q.ReceiveDeadLetter(ctx)
			if err != nil || d.ID() != replay.ID {
				t.Fatalf("dead letter: %v", err)
			}
			_ = d.Ack(ctx)
			if exists(t, e.bucket, protocol.FailureKey(replay.ID)) {
				t.Fatal("a rejected replay recorded an outcome under the job id")
			}
		})
	}
	if n := srv.Connections(); n != 0 {
		t.Fatalf("the replays made %d connections to the attacker's server", n)
	}
}

func TestReplayedSealedJobWithAnotherTargetIsDeadLetteredOnJetStream(t *testing.T) {
	replayedSealedJobsAreDeadLetteredWithoutConnecting(t, newEnv(t, 5*time.Second))
}

func TestReplayedSealedJobWithAnotherTargetIsDeadLetteredOnSQS(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	e.useSQS(t)
	replayedSealedJobsAreDeadLetteredWithoutConnecting(t, e)
}

func TestSealedCredentialsWithoutABindingAreRefused(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	key, _ := seal.GenerateKey()
	src := &recordingSource{}
	e.start(agent.Config{Source: src, Key: key})
	pub := publishedKey(t, e)
	box, _ := seal.SealCredentials(pub, seal.Credentials{User: "u", Password: "pw"})
	job := newJob(t)
	job.Credentials = protocol.Credentials{Sealed: box, KeyID: pub.ID()}
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 30*time.Second)
	if rep.Status != protocol.StatusFailed || !strings.Contains(rep.Error.Message, "no binding") || src.calls != 0 {
		t.Fatalf("reply %+v %+v, source ran %d times", rep, rep.Error, src.calls)
	}
}

func TestASecondJobWithAnIDInUseIsDeadLetteredAndTheFirstResultStays(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	hung := newBlockingSource()
	e.start(agent.Config{Source: hung, AgentID: "first"})
	q := e.queue()
	first := newJob(t)
	firstInbox := submit(t, q, first)
	mustWait(t, hung.started, 20*time.Second, "the first job to start")

	// While it runs, another job under the same id (other database, other
	// compression, new message id) reaches a second agent.
	e.start(agent.Config{Source: agent.NewSyntheticSource(1 << 10), AgentID: "second"})
	hijack := *first
	hijack.Database, hijack.Compress = "Other", protocol.CompressNone
	hijackInbox, err := q.OpenInbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer hijackInbox.Close()
	hijack.ReplyTo = hijackInbox.Address()
	body, _ := protocol.Encode(&hijack)
	if err := q.Send(context.Background(), &broker.Message{ID: first.ID + "-hijack", Body: body}); err != nil {
		t.Fatal(err)
	}
	rep, _ := waitFinal(t, hijackInbox, 30*time.Second)
	if rep.Status != protocol.StatusFailed || !strings.Contains(rep.Error.Message, "job id reused") {
		t.Fatalf("hijack reply %+v %+v", rep, rep.Error)
	}

	close(hung.release)
	rep, _ = waitFinal(t, firstInbox, 30*time.Second)
	sentBody, _ := protocol.Encode(first)
	sum := sha256.Sum256(sentBody)
	if rep.Status != protocol.StatusOK || rep.Result.AgentID != "first" || rep.Result.JobSHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("first job's reply %+v %+v", rep, rep.Result)
	}
	m := readManifest(t, e.bucket, first.ID)
	if m.Object != rep.Result.Object {
		t.Fatal("the stored manifest is not the first job's")
	}
	fetch(t, e.bucket, m)
	e.onlyScript(t, first.ID, m)
}

func TestTheAgentsOwnEntraIdentityIsBoundToServersAndInteractiveIsRefused(t *testing.T) {
	e := newEnv(t, 5*time.Second)
	src := &recordingSource{}
	e.start(agent.Config{Source: src, CredentialServers: map[string][]string{agent.IdentityCredential: {"*.database.windows.net"}}})
	q := e.queue()
	for _, c := range []struct {
		host, auth, code string
	}{
		{"sales.database.windows.net", protocol.AuthEntraManagedIdentity, ""},
		{"evil.example.com", protocol.AuthEntraManagedIdentity, protocol.ErrCodeNotAllowed},
		{"evil.example.com", protocol.AuthEntraDefault, protocol.ErrCodeNotAllowed},
		{"sales.database.windows.net", protocol.AuthEntraInteractive, protocol.ErrCodeNotAllowed},
	} {
		job := newJob(t)
		job.Server = protocol.Server{Host: c.host, Authentication: c.auth}
		rep, _ := waitFinal(t, submit(t, q, job), 30*time.Second)
		switch {
		case c.code == "" && rep.Status != protocol.StatusOK:
			t.Errorf("%s %s: reply %+v %+v, want ok", c.auth, c.host, rep, rep.Error)
		case c.code != "" && (rep.Status != protocol.StatusFailed || rep.Error.Code != c.code):
			t.Errorf("%s %s: reply %+v %+v, want %s", c.auth, c.host, rep, rep.Error, c.code)
		}
	}
	if src.calls != 1 || src.user != "" || src.password != "" {
		t.Fatalf("source ran %d times (want 1), with user %q", src.calls, src.user)
	}
}
