package faketds

import (
	"encoding/binary"
	"net"
	"testing"
	"time"
	"unicode/utf16"
)

// TDS packet and token types (MS-TDS 2.2.3.1.1, 2.2.7).
const (
	packetSQLBatch = 0x01
	tokenLoginAck  = 0xAD
	tokenDone      = 0xFD
)

// packetSize is what a client may receive before a login changes it
// (go-mssqldb refuses larger packets).
const packetSize = 4096

// StartAnswering starts a server that logs every client in (encryption not
// supported, any user and password) and answers each SQL batch with the
// token stream reply returns for its text (see Reply). It lets a test read
// a result set of its making through the real driver.
func StartAnswering(t testing.TB, reply func(query string) []byte) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{ln: ln, answer: reply}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(s.Close)
	return s
}

// DSN is a go-mssqldb connection string for the server.
func (s *Server) DSN() string {
	return "sqlserver://user:pass@" + s.Addr() + "?encrypt=disable&dial+timeout=5"
}

// answerBatches logs the client in and answers its SQL batches until it
// hangs up.
func (s *Server) answerBatches(c net.Conn) {
	if err := writeMessage(c, packetReply, append(loginAck(), Done(0)...)); err != nil {
		return
	}
	for {
		_ = c.SetDeadline(time.Now().Add(30 * time.Second))
		typ, payload, err := readPacket(c)
		if err != nil || typ != packetSQLBatch {
			return
		}
		if err := writeMessage(c, packetReply, s.answer(batchText(payload))); err != nil {
			return
		}
	}
}

// batchText is a SQL batch's text: UTF-16 after its ALL_HEADERS.
func batchText(payload []byte) string {
	if len(payload) < 4 {
		return ""
	}
	skip := int(binary.LittleEndian.Uint32(payload))
	if skip > len(payload) {
		return ""
	}
	b := payload[skip:]
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// loginAck is a LOGINACK for TDS 7.4 from "faketds" 16.0.
func loginAck() []byte {
	body := []byte{1, 0x74, 0, 0, 4, byte(len("faketds"))}
	body = append(body, ucs2("faketds")...)
	body = append(body, 16, 0, 0, 0)
	return append([]byte{tokenLoginAck, byte(len(body)), byte(len(body) >> 8)}, body...)
}

// writeMessage sends payload as one message, in packets the client takes.
func writeMessage(c net.Conn, typ byte, payload []byte) error {
	const room = packetSize - 8
	for {
		n := min(len(payload), room)
		h := []byte{typ, 0, 0, 0, 0, 0, 1, 0}
		if n == len(payload) {
			h[1] = 0x01 // end of message
		}
		binary.BigEndian.PutUint16(h[2:4], uint16(8+n))
		if _, err := c.Write(append(h, payload[:n]...)); err != nil {
			return err
		}
		payload = payload[n:]
		if len(payload) == 0 {
			return nil
		}
	}
}

func ucs2(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
