package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/cmd/internal/drivers"
	"github.com/mssqldump/mssqldump/internal/faketds"
)

// restoreAgainst runs "mssqldump restore" with a one-batch script.
func restoreAgainst(t *testing.T, args ...string) result {
	t.Helper()
	cmd := command(t, nil, append([]string{"restore"}, args...)...)
	cmd.Stdin = strings.NewReader("SELECT 1\nGO\n")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func TestDefaultTLSNeverSendsThePasswordToAServerThatCannotEncrypt(t *testing.T) {
	srv := faketds.Start(t)
	login := []string{"-h", srv.Host(), "-P", fmt.Sprint(srv.Port()), "-u", "sa", "--password=S3cret!"}
	f := newFleet(t)
	f.startAgent(t, agent.NewSQLServerSource(), nil)
	for name, run := range map[string]func() result{
		"embedded dump": func() result { return mssqldump(t, nil, append(login, "db")...) },
		"brokered dump": func() result { return mssqldump(t, nil, f.flags(append(login, "db")...)...) },
		"restore":       func() result { return restoreAgainst(t, append(login, "scratch")...) },
	} {
		t.Run(name, func(t *testing.T) {
			before := srv.Connections()
			r := run()
			wantCode(t, r, 3)
			if !strings.Contains(r.stderr, "cannot encrypt") || !strings.Contains(r.stderr, "--encrypt optional") {
				t.Errorf("stderr does not say the server cannot encrypt and name --encrypt optional:\n%s", r.stderr)
			}
			if srv.Connections() == before {
				t.Fatal("nothing reached the fake server: the test proves nothing")
			}
			if n := srv.Logins(); n != 0 {
				t.Fatalf("the server that cannot encrypt received %d logins", n)
			}
		})
	}
}

func TestEncryptOptionalSendsTheLoginToAServerThatCannotEncryptAndSaysSo(t *testing.T) {
	for _, name := range []string{"dump", "restore"} {
		t.Run(name, func(t *testing.T) {
			srv := faketds.Start(t)
			args := []string{"--encrypt", "optional", "-h", srv.Host(), "-P", fmt.Sprint(srv.Port()), "-u", "sa", "--password=S3cret!"}
			var r result
			if name == "dump" {
				r = mssqldump(t, nil, append(args, "db")...)
			} else {
				r = restoreAgainst(t, append(args, "scratch")...)
			}
			if srv.Logins() == 0 {
				t.Fatalf("no login reached the server with --encrypt optional (exit %d):\n%s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, "[Warning] --encrypt optional") || !strings.Contains(r.stderr, "in clear") {
				t.Errorf("no warning about the clear-text login:\n%s", r.stderr)
			}
		})
	}
}

func TestEncryptDisableIsOnlyAnExplicitDSNOptOutAndWarns(t *testing.T) {
	r := mssqldump(t, nil, "--encrypt", "disable", "db")
	wantCode(t, r, 2)
	if !strings.Contains(r.stderr, "--encrypt") || !strings.Contains(r.stderr, "DSN") {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	r = mssqldump(t, nil, "--source", "synthetic:1KiB", "--dsn", "sqlserver://sa:S3cret!@127.0.0.1:1433?database=db&encrypt=disable")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "[Warning] encrypt=disable") {
		t.Errorf("no warning for encrypt=disable:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, "S3cret!") {
		t.Error("the password appears on stderr")
	}
}

func TestPasswordOnTheCommandLinePrintsOneWarning(t *testing.T) {
	for _, arg := range []string{"-pS3cret!", "--password=S3cret!"} {
		r := mssqldump(t, nil, "--source", "synthetic:1KiB", "-u", "sa", arg, "db")
		wantCode(t, r, 0)
		if n := strings.Count(r.stderr, "password on the command line"); n != 1 {
			t.Errorf("%s: %d warnings, want 1:\n%s", arg, n, r.stderr)
		}
	}
	r := mssqldump(t, []string{"MSSQLDUMP_PASSWORD=S3cret!"}, "--source", "synthetic:1KiB", "-u", "sa", "db")
	wantCode(t, r, 0)
	if strings.Contains(r.stderr, "command line") {
		t.Errorf("a password from the environment was warned about:\n%s", r.stderr)
	}
}

func TestResultFileGetsTheModeAShellRedirectWould(t *testing.T) {
	for _, c := range []struct {
		umask string
		want  os.FileMode
	}{{"077", 0o600}, {"022", 0o644}, {"002", 0o664}} {
		t.Run(c.umask, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "db.sql")
			cmd := command(t, nil, "--source", "synthetic:1KiB", "-r", out, "db")
			cmd.Args = append([]string{"sh", "-c", "umask " + c.umask + " && exec \"$0\" \"$@\""}, cmd.Args...)
			cmd.Path, _ = exec.LookPath("sh")
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, b)
			}
			fi, err := os.Stat(out)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != c.want {
				t.Fatalf("umask %s: -r FILE has mode %04o, want %04o", c.umask, got, c.want)
			}
		})
	}
}

func TestAResultForAnotherJobExits5AndWritesNothing(t *testing.T) {
	f := newFleet(t)
	ctx := context.Background()
	q, err := drivers.OpenQueue(ctx, f.brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	b, err := drivers.OpenBucket(ctx, f.blobURL)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// A hostile "agent" answers the job with a genuine script and manifest
	// that belong to another job published under the same id.
	go func() {
		d, err := q.Receive(ctx)
		if err != nil {
			return
		}
		job, err := protocol.DecodeJob(d.Body())
		if err != nil {
			return
		}
		script := []byte("SELECT 'not your database';\n")
		sum := sha256.Sum256(script)
		key := protocol.ObjectKey(job.ID, 1, "evil-00000000-w0", "sql", protocol.CompressNone)
		_ = b.WriteAll(ctx, key, script, nil)
		other := sha256.Sum256([]byte("another job's envelope"))
		rep := &protocol.Reply{JobID: job.ID, Attempt: 1, Status: protocol.StatusOK, Result: &protocol.Manifest{
			V: protocol.Version, Kind: protocol.KindManifest, JobID: job.ID, Attempt: 1, AgentID: "evil", Object: key, SHA256: hex.EncodeToString(sum[:]),
			Size: int64(len(script)), StoredSize: int64(len(script)), Compress: protocol.CompressNone, Format: "sql",
			Finished: time.Now().UTC(), JobSHA256: hex.EncodeToString(other[:])}}
		body, _ := protocol.Encode(rep)
		_ = q.Reply(ctx, job.ReplyTo, body)
		_ = d.Ack(ctx)
	}()
	dir := t.TempDir()
	out := filepath.Join(dir, "db.sql")
	r := mssqldump(t, nil, f.flags("-r", out, "db")...)
	wantCode(t, r, 5)
	if !strings.Contains(r.stderr, "different job") {
		t.Errorf("stderr does not say the result belongs to another job:\n%s", r.stderr)
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("files written: %v", names)
	}
}

func TestAuthenticationMethodsAreCheckedWhereTheyCanWork(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--authentication", "Kerberos", "db"}, "Kerberos"},
		{[]string{"--authentication", "ActiveDirectoryInteractive", "db"}, "restore"},
		{[]string{"--dsn", "sqlserver://h?database=db&fedauth=Nope"}, "Nope"},
	} {
		r := mssqldump(t, nil, c.args...)
		wantCode(t, r, 2)
		if !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: stderr does not name %q:\n%s", c.args, c.want, r.stderr)
		}
	}
}

func TestAServicePrincipalSecretIsSealedLikeAPassword(t *testing.T) {
	f := newFleet(t)
	src := &recordingSource{}
	f.startAgent(t, src, nil)
	const secret = "Sp-S3cret~value"
	r := mssqldump(t, nil, f.flags("--authentication", "ActiveDirectoryServicePrincipal", "-h", "sales.database.windows.net",
		"-u", "client-id@tenant-id", "--password="+secret, "Sales")...)
	wantCode(t, r, 0)
	job, user := src.last(t)
	if job.Server.Authentication != protocol.AuthEntraServicePrincipal || user != "client-id@tenant-id" || len(job.Credentials.Sealed) == 0 {
		t.Fatalf("job server %+v, user %q, sealed %d bytes", job.Server, user, len(job.Credentials.Sealed))
	}
	assertNoSecretStored(t, f.blobDir, secret)
	if strings.Contains(r.stderr, secret) {
		t.Error("the secret appears on stderr")
	}
}
