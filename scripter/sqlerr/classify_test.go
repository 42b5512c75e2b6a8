package sqlerr_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/internal/faketds"
	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

func TestClassifyReadsEveryKind(t *testing.T) {
	dialTimeout := &net.OpError{Op: "dial", Net: "tcp", Err: timeoutErr{}}
	cases := []struct {
		name string
		err  error
		want sqlerr.Kind
	}{
		{"login failed", mssql.Error{Number: 18456, Message: "Login failed for user 'x'."}, sqlerr.Login},
		{"login by pointer", fmt.Errorf("ping: %w", &mssql.Error{Number: 18487}), sqlerr.Login},
		{"Azure firewall", mssql.Error{Number: 40615}, sqlerr.Login},
		{"text-only login error", errors.New("login error: EOF"), sqlerr.Login},
		{"cannot open database", fmt.Errorf("ping: %w", mssql.Error{Number: 4060}), sqlerr.Database},
		{"permission", mssql.Error{Number: 229, Message: "The SELECT permission was denied"}, sqlerr.Permission},
		{"Azure not available", mssql.Error{Number: 40613}, sqlerr.Unreachable},
		{"syntax", mssql.Error{Number: 102, Message: "Incorrect syntax"}, sqlerr.Server},
		{"deadlock", mssql.Error{Number: 1205}, sqlerr.Server},
		{"server text naming a certificate", mssql.Error{Number: 15151, Message: "Cannot find the certificate 'c'"}, sqlerr.Permission},
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, sqlerr.Unreachable},
		{"bare errno", fmt.Errorf("read: %w", syscall.ECONNRESET), sqlerr.Unreachable},
		{"DNS", &net.DNSError{Err: "no such host", Name: "db", IsNotFound: true}, sqlerr.Unreachable},
		{"driver dial text", errors.New("unable to open tcp connection with host 'db:1433': dial tcp: i/o timeout"), sqlerr.Unreachable},
		{"SQL Browser", errors.New("unable to get instances from Sql Server Browser on host db: read udp: i/o timeout"), sqlerr.Unreachable},
		{"dial deadline", dialTimeout, sqlerr.Unreachable},
		{"cannot encrypt", errors.New("server does not support encryption"), sqlerr.Encryption},
		{"handshake, mandatory (text)", errors.New("TLS Handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"), sqlerr.Certificate},
		{"handshake wrapping a reset", fmt.Errorf("TLS Handshake failed: %w", &net.OpError{Op: "read", Err: syscall.ECONNRESET}), sqlerr.Certificate},
		{"canceled", fmt.Errorf("query: %w", context.Canceled), sqlerr.Canceled},
		{"canceled dial", &net.OpError{Op: "dial", Err: context.Canceled}, sqlerr.Canceled},
		{"deadline", context.DeadlineExceeded, sqlerr.Canceled},
		{"ours", errors.New("something odd"), sqlerr.Other},
		{"nil", nil, sqlerr.Other},
	}
	for _, c := range cases {
		if got := sqlerr.Classify(c.err); got != c.want {
			t.Errorf("%s: Classify(%v) = %q, want %q", c.name, c.err, got, c.want)
		}
	}
}

// timeoutErr is a dial that ran out of time.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestAnUntrustedCertificateIsACertificateFailureNotUnreachable pins the
// case the scripter and the agent used to disagree on, with go-mssqldb's
// own error: the server answered, its certificate is not trusted. Only a
// change of TLS settings helps, so it is Certificate (a final answer), not
// Unreachable.
func TestAnUntrustedCertificateIsACertificateFailureNotUnreachable(t *testing.T) {
	host, port := faketds.StartUntrustedTLS(t)
	dsn := fmt.Sprintf("sqlserver://u:p@%s:%d?encrypt=strict&dial+timeout=5", host, port)
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = db.PingContext(ctx)
	if err == nil {
		t.Fatal("the handshake with a self-signed certificate succeeded")
	}
	if got := sqlerr.Classify(err); got != sqlerr.Certificate {
		t.Fatalf("Classify(%v) = %q, want %q", err, got, sqlerr.Certificate)
	}
}

func TestEveryListedNumberSaysSomething(t *testing.T) {
	for _, n := range []int32{18456, 4060, 911, 229, 916, 40613} {
		if sqlerr.Says(n) == "" || sqlerr.NumberKind(n) == sqlerr.Server {
			t.Errorf("%d: says %q, kind %q", n, sqlerr.Says(n), sqlerr.NumberKind(n))
		}
	}
	if sqlerr.Says(102) != "" || sqlerr.NumberKind(102) != sqlerr.Server {
		t.Error("an unlisted number is a plain server error")
	}
}
