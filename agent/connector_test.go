package agent

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

func TestSQLLoginsUseTheSQLServerConnectorAndEntraMethodsTheAzureADOne(t *testing.T) {
	s := protocol.Server{Host: "sales.database.windows.net", Port: 1433}
	for _, c := range []struct {
		auth, user, password string
		entra                bool
		fedauth, wantUser    string
		passwordInURL        bool
	}{
		{"", "backup", "pw", false, "", "backup", true},
		{protocol.AuthSQLPassword, "backup", "pw", false, "", "backup", true},
		{protocol.AuthEntraDefault, "", "", true, "ActiveDirectoryDefault", "", false},
		{protocol.AuthEntraManagedIdentity, "11111111-2222-3333-4444-555555555555", "ignored", true, "ActiveDirectoryManagedIdentity", "11111111-2222-3333-4444-555555555555", false},
		{protocol.AuthEntraServicePrincipal, "client-id@tenant-id", "secret", true, "ActiveDirectoryServicePrincipal", "client-id@tenant-id", true},
		{protocol.AuthEntraPassword, "ann@example.com", "pw", true, "ActiveDirectoryPassword", "ann@example.com", true},
	} {
		s.Authentication = c.auth
		dsn, entra := ConnectionURL(s, "Sales", c.user, c.password, map[string]string{"app name": "t"})
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		pw, hasPW := u.User.Password()
		if entra != c.entra || u.Query().Get("fedauth") != c.fedauth || u.User.Username() != c.wantUser ||
			(hasPW && pw != "") != c.passwordInURL || u.Query().Get("encrypt") != "mandatory" {
			t.Errorf("%q: entra=%v %s", c.auth, entra, u.Redacted())
		}
		if c.auth == protocol.AuthEntraPassword {
			continue // needs applicationclientid: TestEntraConnectorErrorsNeverQuoteThePassword
		}
		if _, err := NewConnector(s, "Sales", c.user, c.password, nil); err != nil {
			t.Errorf("%q: NewConnector: %v", c.auth, err)
		}
	}
}

func TestAJobCannotChooseTheSignInMethodThroughParams(t *testing.T) {
	s := protocol.Server{Host: "db", Params: map[string]string{"FedAuth": "ActiveDirectoryDefault"}}
	dsn, entra := ConnectionURL(s, "Sales", "u", "p", nil)
	if entra || strings.Contains(strings.ToLower(dsn), "fedauth") {
		t.Fatalf("params chose the sign-in method: %v %s", entra, dsn)
	}
}

func TestEntraConnectorErrorsNeverQuoteThePassword(t *testing.T) {
	s := protocol.Server{Host: "db", Authentication: protocol.AuthEntraPassword} // needs applicationclientid
	_, err := NewConnector(s, "Sales", "ann@example.com", "hunter2-secret", nil)
	if err == nil || strings.Contains(err.Error(), "hunter2-secret") {
		t.Fatalf("err = %v", err)
	}
	s.Params = map[string]string{"applicationclientid": "00000000-0000-0000-0000-000000000001"}
	if _, err := NewConnector(s, "Sales", "ann@example.com", "hunter2-secret", nil); err != nil {
		t.Fatalf("with applicationclientid: %v", err)
	}
}
