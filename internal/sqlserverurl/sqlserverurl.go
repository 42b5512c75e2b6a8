// Package sqlserverurl builds and parses go-mssqldb's connection URL,
// sqlserver://user:password@host:port/instance?param=value, in one place:
// the agent builds it to connect, the CLI parses the one a user gives to
// --dsn, and the two must agree on escaping, instances and IPv6 hosts.
//
// It knows the URL's syntax only. Which parameters a job may carry, the
// TLS defaults and where a database name may come from are decided by the
// agent and the CLI.
package sqlserverurl

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Scheme is the URL scheme go-mssqldb reads.
const Scheme = "sqlserver"

// URL is a go-mssqldb connection URL taken apart.
type URL struct {
	// Host is a name or an IP address (IPv6 without brackets).
	Host string
	// Port is the TCP port; 0 means none in the URL (the driver uses the
	// instance, or 1433).
	Port int
	// Instance is the named instance, resolved through the SQL Browser.
	// go-mssqldb ignores it when Port is set.
	Instance string
	// User and Password are the URL's user information; no User means
	// none in the URL.
	User, Password string
	// Params are the query parameters (database, encrypt, app name, ...).
	// A parameter given more than once keeps its last value, as
	// go-mssqldb reads it.
	Params map[string]string
}

// String builds the URL. Parameters are in sorted order, so the same URL
// always builds the same string.
func (u URL) String() string {
	host := u.Host
	if u.Port > 0 {
		host = net.JoinHostPort(u.Host, strconv.Itoa(u.Port))
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 address without a port
	}
	out := &url.URL{Scheme: Scheme, Host: host}
	if u.User != "" {
		out.User = url.UserPassword(u.User, u.Password)
	}
	if u.Instance != "" {
		out.Path = "/" + u.Instance
	}
	q := url.Values{}
	for k, v := range u.Params {
		q.Set(k, v)
	}
	out.RawQuery = q.Encode()
	return out.String()
}

// Parse takes a sqlserver:// URL apart. Its errors never quote the URL,
// which may hold a password.
func Parse(s string) (URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return URL{}, fmt.Errorf("cannot parse: %v", err)
	}
	if u.Scheme != Scheme {
		return URL{}, fmt.Errorf("must be a %s:// URL (got scheme %q)", Scheme, u.Scheme)
	}
	out := URL{Host: u.Hostname(), Instance: strings.Trim(u.Path, "/")}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil {
			return URL{}, fmt.Errorf("port %q is not a number", p)
		}
		out.Port = n
	}
	if u.User != nil {
		out.User = u.User.Username()
		out.Password, _ = u.User.Password()
	}
	for k, vs := range u.Query() {
		if out.Params == nil {
			out.Params = map[string]string{}
		}
		out.Params[k] = vs[len(vs)-1]
	}
	return out, nil
}
