package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/internal/faketds"
	"github.com/mssqldump/mssqldump/scripter"
)

func sqlJob() *protocol.Job {
	return &protocol.Job{ID: "j", Database: "Sales", Server: protocol.Server{Host: "db.example.com", Port: 1433,
		Params: map[string]string{"encrypt": "true"}}}
}

// connString is the sqlserver:// URL the agent connects to job's server with.
func connString(job *protocol.Job, user, password string) string {
	dsn, _ := ConnectionURL(job.Server, job.Database, user, password, connDefaults)
	return dsn
}

func TestConnectionStringCarriesServerDatabaseTimeoutsAndEscapedLogin(t *testing.T) {
	u, err := url.Parse(connString(sqlJob(), "back up", "p@ss:w/rd?&"))
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := u.User.Password()
	q := u.Query()
	if u.Scheme != "sqlserver" || u.Host != "db.example.com:1433" || u.User.Username() != "back up" || pw != "p@ss:w/rd?&" ||
		q.Get("database") != "Sales" || q.Get("encrypt") != "mandatory" || q.Get("TrustServerCertificate") != "false" || q.Get("dial timeout") == "" || q.Get("connection timeout") == "" {
		t.Fatalf("connection string %s", u.Redacted())
	}
	j := sqlJob()
	j.Server = protocol.Server{Host: "db", Instance: "SQLEXPRESS"}
	if u, _ := url.Parse(connString(j, "", "")); u.Path != "/SQLEXPRESS" || u.User != nil {
		t.Fatalf("instance: %s", u)
	}
	if ServerAddr(j.Server) != `db\SQLEXPRESS` || ServerAddr(protocol.Server{Host: "db"}) != "db:1433" {
		t.Fatal("serverAddr")
	}
}

func TestSQLServerErrorsAreClassified(t *testing.T) {
	ctx := context.Background()
	job := sqlJob()
	cases := []struct {
		err       error
		code      string // "" means: not a DumpError (retried)
		inMessage string
	}{
		{mssql.Error{Number: 18456, Message: "Login failed for user 'x'."}, protocol.ErrCodeDumpFailed, "login failed"},
		{fmt.Errorf("ping: %w", mssql.Error{Number: 4060, Message: "Cannot open database"}), protocol.ErrCodeDumpFailed, "cannot open database"},
		{&scripter.ServerError{Kind: scripter.KindPermission, Number: 229, Message: "SELECT denied"}, protocol.ErrCodeDumpFailed, "permission denied"},
		{&scripter.ServerError{Kind: scripter.KindUnreachable, Message: "connection reset"}, protocol.ErrCodeUnreachable, "cannot reach SQL Server at db.example.com:1433"},
		{&scripter.ServerError{Kind: scripter.KindServer, Number: 1205, Message: "deadlock victim"}, "", ""},
		// DDL on a table while the snapshot reads it: another attempt can succeed.
		{&scripter.ServerError{Kind: scripter.KindServer, Number: 3961, Message: "Snapshot isolation transaction failed in database 'x' because the object accessed by the statement has been modified by a DDL statement"}, "", ""},
		{&scripter.OptionError{Option: "IncludeObjects", Message: "bad regexp"}, protocol.ErrCodeInvalidJob, "IncludeObjects"},
		{fmt.Errorf("snapshot: %w", scripter.ErrSnapshotUnavailable), protocol.ErrCodeDumpFailed, "SNAPSHOT"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, protocol.ErrCodeUnreachable, "db.example.com:1433"},
		{&net.DNSError{Err: "no such host", Name: "db.example.com", IsNotFound: true}, protocol.ErrCodeUnreachable, "no such host"},
		{errors.New("unable to open tcp connection with host 'db.example.com:1433': dial tcp: i/o timeout"), protocol.ErrCodeUnreachable, "db.example.com:1433"},
		{errors.New("something odd"), "", ""},
		// One classifier (scripter/sqlerr) for the scripter's errors and the
		// agent's ping: a TLS handshake failure is final, with the advice.
		{&scripter.ServerError{Kind: scripter.KindCertificate, Message: "TLS Handshake failed: x509: certificate signed by unknown authority"},
			protocol.ErrCodeDumpFailed, "--trust-server-certificate"},
		{errors.New("TLS Handshake failed: x509: certificate signed by unknown authority"), protocol.ErrCodeDumpFailed, "signed by unknown authority; if the certificate"},
		{&scripter.ServerError{Kind: scripter.KindEncryption, Message: "server does not support encryption"}, protocol.ErrCodeDumpFailed, "--encrypt optional"},
		// A server error that mentions a certificate is read by its number.
		{mssql.Error{Number: 15151, Message: "Cannot find the certificate 'c'"}, protocol.ErrCodeDumpFailed, "permission denied"},
		// The ping's errors and the scripter's now share one list.
		{mssql.Error{Number: 40613, Message: "Database is not currently available"}, protocol.ErrCodeUnreachable, "not currently available"},
		{mssql.Error{Number: 18470, Message: "Login failed: account disabled"}, protocol.ErrCodeDumpFailed, "account disabled"},
	}
	for _, c := range cases {
		err := classifySQLError(ctx, job, c.err, "hunter2")
		var de *DumpError
		if c.code == "" {
			if errors.As(err, &de) {
				t.Errorf("%v: classified %s, want retried", c.err, de.Code)
			}
			continue
		}
		if !errors.As(err, &de) || de.Code != c.code || !strings.Contains(de.Message, c.inMessage) {
			t.Errorf("%v: got %v, want %s mentioning %q", c.err, err, c.code, c.inMessage)
		}
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := classifySQLError(canceled, job, mssql.Error{Number: 18456}, ""); errors.As(err, new(*DumpError)) {
		t.Error("a canceled dump must not be answered as failed")
	}
}

// TestAnUntrustedCertificateFailsTheDumpWithAdvice pins, with go-mssqldb's
// own error, the TLS handshake case: the server was reached and its
// certificate is not trusted, so the job fails at once (dump_failed, exit 3)
// naming the options that would change the outcome, instead of being
// answered "unreachable".
func TestAnUntrustedCertificateFailsTheDumpWithAdvice(t *testing.T) {
	host, port := faketds.StartUntrustedTLS(t)
	job := sqlJob()
	job.Server = protocol.Server{Host: host, Port: port, Encrypt: protocol.EncryptStrict}
	_, err := NewSQLServerSource().Dump(context.Background(), &DumpRequest{Job: job, User: "u", Password: "hunter2"}, io.Discard)
	var de *DumpError
	if !errors.As(err, &de) || de.Code != protocol.ErrCodeDumpFailed ||
		!strings.Contains(de.Message, "--trust-server-certificate") || !strings.Contains(de.Message, "--host-name-in-certificate") {
		t.Fatalf("got %v, want %s naming --trust-server-certificate", err, protocol.ErrCodeDumpFailed)
	}
}

func TestServerMessagesNeverCarryThePassword(t *testing.T) {
	err := classifySQLError(context.Background(), sqlJob(), mssql.Error{Number: 18456, Message: "Login failed; password hunter2 is wrong"}, "hunter2")
	if strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("password in %q", err)
	}
	if e := redactErr(errors.New("x hunter2 y"), "hunter2"); strings.Contains(e.Error(), "hunter2") {
		t.Fatal("redactErr")
	}
}
