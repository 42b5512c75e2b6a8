package agent

import (
	"fmt"
	"strings"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

// TLSProblem explains a connection that failed because of transport
// security, naming the option that would change the outcome. ok is false
// for any other error. The message never quotes the connection string.
// Which errors are TLS failures is sqlerr.Classify's call (kinds
// Encryption and Certificate), the same one the scripter makes.
func TLSProblem(s protocol.Server, err error) (string, bool) {
	if err == nil {
		return "", false
	}
	switch kind := sqlerr.Classify(err); kind {
	case sqlerr.Encryption, sqlerr.Certificate:
		return tlsAdvice(ServerAddr(s), kind, err.Error()), true
	}
	return "", false
}

// tlsAdvice is the message for an Encryption or Certificate failure of the
// server at addr; msg is the driver's text.
func tlsAdvice(addr string, kind sqlerr.Kind, msg string) string {
	if kind == sqlerr.Encryption {
		return fmt.Sprintf("SQL Server at %s cannot encrypt the connection, so the login was not sent; "+
			"to log in without encryption (the password then crosses the network in clear) use --encrypt optional", addr)
	}
	return fmt.Sprintf("TLS with SQL Server at %s failed: %s; if the certificate is right but not trusted here, "+
		"use --host-name-in-certificate NAME for a certificate issued to another name, or --trust-server-certificate "+
		"(encrypted, but not verified)", addr, tlsReason(msg))
}

// tlsReason is the part of a handshake error after the driver's prefix.
func tlsReason(msg string) string {
	if _, after, ok := strings.Cut(msg, "TLS Handshake failed: "); ok {
		return after
	}
	return msg
}
