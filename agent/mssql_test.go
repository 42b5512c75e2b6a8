package agent_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/internal/testenv"
)

// mssqlJob turns MSSQLDUMP_TEST_MSSQL_DSN (sqlserver://user:pw@host:port?database=db)
// into a job whose login the agent reads from the environment.
func mssqlJob(t *testing.T, password string) *protocol.Job {
	dsn := testenv.RequireMSSQL(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("%s: %v", testenv.MSSQLDSNVar, err)
	}
	pw, _ := u.User.Password()
	if password != "" {
		pw = password
	}
	t.Setenv("MSSQLDUMP_DB_INTEGRATION", u.User.Username()+":"+pw)
	job := newJob(t)
	port, _ := strconv.Atoi(u.Port())
	params := map[string]string{}
	for k, v := range u.Query() {
		if k != "database" {
			params[k] = v[0]
		}
	}
	job.Server = protocol.Server{Host: u.Hostname(), Port: port, Instance: strings.TrimPrefix(u.Path, "/"), Params: params}
	job.Database = u.Query().Get("database")
	if job.Database == "" {
		job.Database = "master"
	}
	job.Credentials = protocol.Credentials{Ref: "env:MSSQLDUMP_DB_INTEGRATION"}
	return job
}

func TestRealSQLServerDatabaseIsDumpedThroughTheAgent(t *testing.T) {
	job := mssqlJob(t, "")
	e := newEnv(t, 10*time.Second)
	e.start(mssqlAgentConfig(job))
	rep, got := waitFinal(t, submit(t, e.queue(), job), 10*time.Minute)
	if rep.Status != protocol.StatusOK {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	script := fetch(t, e.bucket, rep.Result)
	t.Logf("%d bytes, %d objects, %d progress messages", len(script), rep.Result.Stats.Objects, len(got.progress))
	// Two dumps of an unchanged database are byte-identical.
	job2 := mssqlJob(t, "")
	rep2, _ := waitFinal(t, submit(t, e.queue(), job2), 10*time.Minute)
	if rep2.Status != protocol.StatusOK || rep2.Result.SHA256 != rep.Result.SHA256 {
		t.Fatalf("second dump differs: %+v", rep2.Result)
	}
}

func TestWrongPasswordIsAnsweredLoginFailed(t *testing.T) {
	job := mssqlJob(t, "definitely-not-the-password")
	e := newEnv(t, 10*time.Second)
	e.start(mssqlAgentConfig(job))
	rep, _ := waitFinal(t, submit(t, e.queue(), job), 2*time.Minute)
	if rep.Status != protocol.StatusFailed || rep.Error.Code != protocol.ErrCodeDumpFailed || !strings.Contains(rep.Error.Message, "login failed") {
		t.Fatalf("reply %+v %+v", rep, rep.Error)
	}
	if strings.Contains(rep.Error.Message, "definitely-not-the-password") {
		t.Fatal("password in the reply")
	}
}

// mssqlAgentConfig lets an agent use its credentials for the test server,
// at the encryption the test DSN asks for (Babelfish: encrypt=disable).
func mssqlAgentConfig(job *protocol.Job) agent.Config {
	tls, _ := job.Server.EffectiveTLS()
	return agent.Config{Source: agent.NewSQLServerSource(), AllowServers: []string{job.Server.Host}, MinEncrypt: tls.Encrypt}
}
