package agent

import (
	"context"
	"database/sql/driver"
	"net"
	"sync"
	"time"

	mssql "github.com/microsoft/go-mssqldb"
)

// go-mssqldb's "connection timeout" is not a login timeout: it is an idle
// limit set again before every read and write for the connection's whole
// life. A dump's query may rightly send nothing for minutes (a server
// sorting a 70,000,000-row key range before its first row), and with the
// old 30-second value such a dump failed as "i/o timeout". So the agent sets
// no connection timeout and bounds only the login itself: each connection
// gets a deadline when it is dialed, which is lifted once the login has
// succeeded. A server that accepts TCP and then never answers still fails
// the job in seconds.

// boundLogin makes every connection c opens finish its login within
// timeout, and then wait on the server as long as the job allows.
func boundLogin(c driver.Connector, timeout time.Duration) driver.Connector {
	mc, ok := c.(*mssql.Connector)
	if !ok {
		return c
	}
	mc.Dialer = loginDeadlineDialer{timeout: timeout}
	return &loginBoundConnector{Connector: mc}
}

// loginBoundConnector lifts the login deadline from the connections a
// successful Connect dialed.
type loginBoundConnector struct{ *mssql.Connector }

func (c *loginBoundConnector) Connect(ctx context.Context) (driver.Conn, error) {
	d := &dialedConns{}
	conn, err := c.Connector.Connect(context.WithValue(ctx, dialedKey{}, d))
	if err == nil {
		d.liftDeadlines()
	}
	return conn, err
}

type dialedKey struct{}

// dialedConns are the network connections one Connect call dialed (a
// named instance or a failover partner may take more than one).
type dialedConns struct {
	mu    sync.Mutex
	conns []net.Conn
}

func (d *dialedConns) add(c net.Conn) {
	d.mu.Lock()
	d.conns = append(d.conns, c)
	d.mu.Unlock()
}

func (d *dialedConns) liftDeadlines() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		_ = c.SetDeadline(time.Time{})
	}
}

// loginDeadlineDialer dials like go-mssqldb's own dialer (30 s TCP
// keep-alive, which also notices a peer that vanished mid-dump) and gives
// each connection a deadline timeout from now.
type loginDeadlineDialer struct{ timeout time.Duration }

func (l loginDeadlineDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	nd := net.Dialer{KeepAlive: 30 * time.Second}
	c, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if err := c.SetDeadline(time.Now().Add(l.timeout)); err != nil {
		c.Close()
		return nil, err
	}
	if d, ok := ctx.Value(dialedKey{}).(*dialedConns); ok {
		d.add(c)
	}
	return c, nil
}
