package sqlerr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"syscall"

	mssql "github.com/microsoft/go-mssqldb"
)

// Classify says what kind of failure err is. The order matters and is the
// one a user expects:
//
//  1. a canceled context is Canceled: cancellation is never the server's
//     doing, even when it reaches us as a canceled dial;
//  2. an error SQL Server raised is read by its number only, so a server
//     message that happens to mention a certificate stays a server error;
//  3. encryption and TLS failures come before network failures, because a
//     handshake error may wrap the connection's own error: the server was
//     reached, and only a change of TLS settings helps (Encryption,
//     Certificate);
//  4. a failed dial is Unreachable, even one that failed because a
//     deadline passed (Go's dial timeout also matches
//     context.DeadlineExceeded): the server did not answer in time;
//  5. any other passed deadline is Canceled;
//  6. then other network timeouts (Unreachable) and go-mssqldb's text-only
//     login failures (Login).
func Classify(err error) Kind {
	switch {
	case err == nil:
		return Other
	case errors.Is(err, context.Canceled):
		return Canceled
	}
	if e, ok := ServerError(err); ok {
		return NumberKind(e.Number)
	}
	if k := tlsKind(err); k != Other {
		return k
	}
	if dialFailed(err) {
		return Unreachable
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return Canceled
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return Unreachable
	}
	if strings.Contains(err.Error(), "login error") {
		// go-mssqldb's "login error: ..." for a login the server ended
		// without an error token it could number.
		return Login
	}
	return Other
}

// ServerError returns the error SQL Server raised, if err is or wraps one
// (go-mssqldb returns mssql.Error by value, sometimes by pointer).
func ServerError(err error) (mssql.Error, bool) {
	var e mssql.Error
	if errors.As(err, &e) {
		return e, true
	}
	var pe *mssql.Error
	if errors.As(err, &pe) && pe != nil {
		return *pe, true
	}
	return mssql.Error{}, false
}

// tlsKind recognizes encryption failures. go-mssqldb reports them as text
// ("server does not support encryption" when encrypt is mandatory or strict
// and the server cannot; "TLS Handshake failed: ..." with the cause
// formatted in), and wraps the cause only in strict mode, so both the text
// and the typed errors are read.
func tlsKind(err error) Kind {
	msg := err.Error()
	if strings.Contains(msg, "server does not support encryption") {
		return Encryption
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var alert tls.AlertError
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) ||
		errors.As(err, &verify) || errors.As(err, &alert) ||
		strings.Contains(msg, "TLS Handshake failed") || strings.Contains(msg, "x509:") || strings.Contains(msg, "certificate") {
		return Certificate
	}
	return Other
}

// dialFailed recognizes a failure to open a connection: refused, DNS, no
// route, reset, dial timeout, or the SQL Browser not answering for an
// instance.
func dialFailed(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ECONNRESET):
		return true
	}
	msg := err.Error()
	for _, s := range []string{"unable to open tcp connection", "unable to get instances from Sql Server Browser", "no instance matching"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
