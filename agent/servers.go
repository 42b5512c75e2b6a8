package agent

import (
	"fmt"
	"net"
	"net/netip"
	"path"
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// ServerPattern is one entry of an allow-list of SQL Servers: a host name
// pattern with an optional port ("sql01.corp", "*.db.internal:1433"), or a
// CIDR prefix ("10.20.0.0/16"). Host names compare case-insensitively with
// path.Match wildcards. A prefix matches only jobs that name an IP address:
// the agent never resolves a name to decide, since the name could resolve
// elsewhere by the time the driver dials it.
type ServerPattern struct {
	host   string // lower case; "" for a prefix
	port   int    // 0: any port, any instance
	prefix netip.Prefix
}

// ParseServerPatterns parses a list of patterns; errors name the entry.
func ParseServerPatterns(list []string) ([]ServerPattern, error) {
	var out []ServerPattern
	for _, s := range list {
		p, err := ParseServerPattern(s)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// ParseServerPattern parses host, host:port, [v6]:port or CIDR.
func ParseServerPattern(s string) (ServerPattern, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return ServerPattern{}, fmt.Errorf("empty server pattern")
	}
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return ServerPattern{}, fmt.Errorf("server pattern %q: not a CIDR prefix: %v", s, err)
		}
		return ServerPattern{prefix: p.Masked()}, nil
	}
	host, port := s, 0
	if h, p, err := net.SplitHostPort(s); err == nil {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return ServerPattern{}, fmt.Errorf("server pattern %q: port %q is not 1..65535", s, p)
		}
		host, port = h, n
	}
	if _, err := path.Match(host, ""); err != nil {
		return ServerPattern{}, fmt.Errorf("server pattern %q: %v", s, err)
	}
	return ServerPattern{host: strings.ToLower(host), port: port}, nil
}

func (p ServerPattern) String() string {
	switch {
	case p.prefix.IsValid():
		return p.prefix.String()
	case p.port > 0:
		return net.JoinHostPort(p.host, strconv.Itoa(p.port))
	}
	return p.host
}

// Match reports whether the job's server s is covered by p. A port in the
// pattern matches the job's port (1433 when the job gives neither port nor
// instance); a named instance without a port is reached on a port the SQL
// Browser picks, so only a pattern without a port covers it.
func (p ServerPattern) Match(s protocol.Server) bool {
	host := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s.Host), "."))
	if p.prefix.IsValid() {
		addr, err := netip.ParseAddr(strings.Trim(host, "[]"))
		if err != nil || !p.prefix.Contains(addr.Unmap()) {
			return false
		}
	} else if ok, _ := path.Match(p.host, host); !ok {
		return false
	}
	if p.port == 0 {
		return true
	}
	port := s.Port
	if port == 0 && s.Instance == "" {
		port = 1433
	}
	return port == p.port
}

// matchAny reports whether any pattern covers s.
func matchAny(patterns []ServerPattern, s protocol.Server) bool {
	for _, p := range patterns {
		if p.Match(s) {
			return true
		}
	}
	return false
}
