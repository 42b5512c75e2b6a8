package agent

import (
	"fmt"
	"strings"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// TLSProblem explains a connection that failed because of transport
// security, naming the option that would change the outcome. ok is false
// for any other error. The message never quotes the connection string.
//
// go-mssqldb reports these as plain text, so they are recognized by it:
// "server does not support encryption" (encrypt=mandatory or strict, and
// the server answered PRELOGIN with "not supported" or "login only"), and
// "TLS Handshake failed" (certificate not trusted, wrong name, no TLS 1.2).
func TLSProblem(s protocol.Server, err error) (string, bool) {
	if err == nil {
		return "", false
	}
	addr := ServerAddr(s)
	msg := err.Error()
	switch {
	case strings.Contains(msg, "server does not support encryption"):
		return fmt.Sprintf("SQL Server at %s cannot encrypt the connection, so the login was not sent; "+
			"to log in without encryption (the password then crosses the network in clear) use --encrypt optional", addr), true
	case strings.Contains(msg, "TLS Handshake failed"), strings.Contains(msg, "x509:"), strings.Contains(msg, "certificate"):
		return fmt.Sprintf("TLS with SQL Server at %s failed: %s; if the certificate is right but not trusted here, "+
			"use --host-name-in-certificate NAME for a certificate issued to another name, or --trust-server-certificate "+
			"(encrypted, but not verified)", addr, tlsReason(msg)), true
	}
	return "", false
}

// tlsReason is the part of a handshake error after the driver's prefix.
func tlsReason(msg string) string {
	if _, after, ok := strings.Cut(msg, "TLS Handshake failed: "); ok {
		return after
	}
	return msg
}
