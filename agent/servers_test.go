package agent

import (
	"testing"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

func TestServerPatternsMatchHostsPortsInstancesAndIPPrefixes(t *testing.T) {
	srv := func(host string, port int, instance string) protocol.Server {
		return protocol.Server{Host: host, Port: port, Instance: instance}
	}
	for _, c := range []struct {
		pattern string
		server  protocol.Server
		want    bool
	}{
		{"sql01.corp", srv("SQL01.corp", 1433, ""), true},
		{"sql01.corp", srv("sql01.corp.", 0, "INST"), true},
		{"sql01.corp", srv("sql02.corp", 1433, ""), false},
		{"*.corp", srv("sql01.corp", 14330, ""), true},
		{"*.corp", srv("sql01.corp.evil.com", 1433, ""), false},
		{"sql01.corp:1433", srv("sql01.corp", 0, ""), true},
		{"sql01.corp:1433", srv("sql01.corp", 1434, ""), false},
		{"sql01.corp:1433", srv("sql01.corp", 0, "INST"), false}, // the Browser picks the port
		{"10.1.0.0/16", srv("10.1.2.3", 1433, ""), true},
		{"10.1.0.0/16", srv("10.2.0.1", 1433, ""), false},
		{"10.1.0.0/16", srv("db.corp", 1433, ""), false}, // names are never resolved
		{"fd00::/8", srv("fd00::1", 1433, ""), true},
		{"127.0.0.1", srv("127.0.0.1", 55000, ""), true},
	} {
		p, err := ParseServerPattern(c.pattern)
		if err != nil {
			t.Fatalf("%q: %v", c.pattern, err)
		}
		if got := p.Match(c.server); got != c.want {
			t.Errorf("%q matches %+v = %v, want %v", c.pattern, c.server, got, c.want)
		}
	}
	for _, bad := range []string{"", "10.0.0.0/33", "db:0", "db:x", "[a"} {
		if _, err := ParseServerPattern(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// A job signing in with the agent's own Entra identity uses no credential
// reference, so the agent's default credentials' servers must not decide it:
// the identity is bound by its own entry (IdentityCredential), else by the
// fleet's list.
func TestOwnIdentityJobsAreBoundByTheIdentityNotTheDefaultCredentials(t *testing.T) {
	cfg := &Config{
		DefaultCredentials: "env:MSSQLDUMP_DB",
		CredentialServers: map[string][]string{
			"env:MSSQLDUMP_DB": {"sql01.corp"},
			IdentityCredential: {"*.database.windows.net"},
		},
	}
	pol, err := newPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	a := &Agent{cfg: *cfg, policy: pol}
	for _, c := range []struct {
		host, auth string
		allowed    bool
	}{
		{"sql01.corp", "", true},
		{"sales.database.windows.net", "", false},
		{"sales.database.windows.net", protocol.AuthEntraManagedIdentity, true},
		{"sql01.corp", protocol.AuthEntraManagedIdentity, false},
		{"sql01.corp", protocol.AuthEntraDefault, false},
	} {
		job := &protocol.Job{Server: protocol.Server{Host: c.host, Authentication: c.auth}}
		if reason := a.refusal(job); (reason == "") != c.allowed {
			t.Errorf("%s %q: refusal %q, want allowed=%v", c.host, c.auth, reason, c.allowed)
		}
	}
}
