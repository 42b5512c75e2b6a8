// Package faketds is a hostile SQL Server for tests: it listens on a
// loopback port, answers every PRELOGIN with "encryption not supported" and
// records what the client sends next. A LOGIN7 packet reaching it means a
// password crossed the network in clear (or, with a fake target, that an
// agent logged in somewhere it should not have).
//
// It speaks just enough TDS for go-mssqldb to decide whether to send its
// login: nothing after the LOGIN7 is answered, the connection is closed.
package faketds

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TDS packet types (MS-TDS 2.2.3.1.1).
const (
	packetReply    = 0x04
	packetLogin7   = 0x10
	packetPrelogin = 0x12
)

// PRELOGIN ENCRYPTION values (MS-TDS 2.2.6.5).
const encryptNotSupported = 0x02

// Server is a running fake.
type Server struct {
	ln net.Listener

	mu          sync.Mutex
	connections int
	logins      int
	login       []byte // the last LOGIN7 payload
	// answer, when set, logs clients in and answers their SQL batches
	// (StartAnswering).
	answer func(query string) []byte
	wg     sync.WaitGroup
}

// Start listens on 127.0.0.1:0 and stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// Host is the address to connect to.
func (s *Server) Host() string { return "127.0.0.1" }

// Port is the listening port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host(), strconv.Itoa(s.Port())) }

// Connections counts TCP connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connections
}

// Logins counts LOGIN7 packets received so far.
func (s *Server) Logins() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins
}

// LastLogin is the payload of the last LOGIN7 packet (user name and the
// obfuscated password are in it), nil when none arrived.
func (s *Server) LastLogin() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.login...)
}

// Close stops listening and waits for the open connections to end.
func (s *Server) Close() {
	_ = s.ln.Close()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.connections++
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			s.talk(c)
		}()
	}
}

// talk answers one PRELOGIN and records a following LOGIN7.
func (s *Server) talk(c net.Conn) {
	typ, _, err := readPacket(c)
	if err != nil || typ != packetPrelogin {
		return
	}
	if err := writePacket(c, packetReply, preloginResponse()); err != nil {
		return
	}
	typ, payload, err := readPacket(c)
	if err != nil {
		return
	}
	if typ == packetLogin7 {
		s.mu.Lock()
		s.logins++
		s.login = payload
		s.mu.Unlock()
	}
	if s.answer != nil {
		s.answerBatches(c)
	}
	// Otherwise never answer the login: the client fails, which is all a
	// test of a hostile server needs.
}

// preloginResponse is VERSION 16.0 and ENCRYPTION = not supported.
func preloginResponse() []byte {
	const header = 2*5 + 1 // two options and the terminator
	b := []byte{
		0x00, 0, header, 0, 6, // VERSION at offset 11, 6 bytes
		0x01, 0, header + 6, 0, 1, // ENCRYPTION at offset 17, 1 byte
		0xff,
		16, 0, 0, 0, 0, 0, // version 16.0.0.0, sub-build 0
		encryptNotSupported,
	}
	return b
}

// readPacket reads one whole TDS message (its packets up to end of message).
func readPacket(r io.Reader) (byte, []byte, error) {
	var typ byte
	var payload []byte
	for {
		var h [8]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return 0, nil, err
		}
		n := int(binary.BigEndian.Uint16(h[2:4]))
		if n < 8 {
			return 0, nil, errors.New("faketds: bad packet length")
		}
		body := make([]byte, n-8)
		if _, err := io.ReadFull(r, body); err != nil {
			return 0, nil, err
		}
		typ = h[0]
		payload = append(payload, body...)
		if h[1]&0x01 != 0 { // end of message
			return typ, payload, nil
		}
	}
}

func writePacket(w io.Writer, typ byte, payload []byte) error {
	h := []byte{typ, 0x01, 0, 0, 0, 0, 1, 0}
	binary.BigEndian.PutUint16(h[2:4], uint16(8+len(payload)))
	_, err := w.Write(append(h, payload...))
	return err
}
