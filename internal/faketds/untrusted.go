package faketds

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"
)

// StartUntrustedTLS listens on 127.0.0.1:0 as a SQL Server reached with
// encrypt=strict (TDS 8, where TLS comes before any TDS) whose certificate
// the client does not trust: it is self-signed. The client's handshake
// fails the way it does against a real server with a private certificate,
// so tests can read go-mssqldb's own error for it. It speaks no TDS.
// It returns the address to connect to and stops when the test ends.
func StartUntrustedTLS(t testing.TB) (host string, port int) {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}})
	if err != nil {
		t.Fatal(err)
	}
	acceptEach(t, ln, func(c net.Conn) {
		// The handshake fails on the client's side; the server only has
		// to take part in it.
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_ = c.(*tls.Conn).Handshake()
		c.Close()
	})
	return "127.0.0.1", ln.Addr().(*net.TCPAddr).Port
}

// selfSigned is a certificate for 127.0.0.1 signed by nobody the client
// knows.
func selfSigned(t testing.TB) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "faketds"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// StartSilent listens on 127.0.0.1:0 as a SQL Server that accepts TCP
// connections and never answers: one that hangs in its login. It returns
// the port and stops, closing what it accepted, when the test ends.
func StartSilent(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acceptEach(t, ln, func(net.Conn) {}) // held open until the test ends
	return ln.Addr().(*net.TCPAddr).Port
}

// acceptEach hands every connection ln accepts to handle, until the test
// ends; then it closes ln and every connection it accepted.
func acceptEach(t testing.TB, ln net.Listener, handle func(net.Conn)) {
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			handle(c)
		}
	}()
}
