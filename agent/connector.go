package agent

import (
	"database/sql/driver"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/azuread"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// ConnectionURL is the go-mssqldb URL for database on s, signing in as
// user with password according to s.Authentication, and whether it needs
// the azuread connector (Entra ID sign-in).
func ConnectionURL(s protocol.Server, database, user, password string, defaults map[string]string) (dsn string, entra bool) {
	auth := s.Authentication
	if auth == "" || auth == protocol.AuthSQLPassword {
		return SQLServerURL(s, database, user, password, defaults), false
	}
	d := map[string]string{}
	for k, v := range defaults {
		d[k] = v
	}
	d["fedauth"] = auth
	if protocol.UsesOwnIdentity(auth) {
		// The machine's own identity: a user, when given, is the client id
		// of a user-assigned managed identity; there is no password.
		password = ""
	}
	return SQLServerURL(s, database, user, password, d), true
}

// NewConnector opens the connector for a job's server: go-mssqldb's own
// for SQL logins, its azuread driver for Entra ID. Errors never quote the
// connection string (it may hold a password).
func NewConnector(s protocol.Server, database, user, password string, defaults map[string]string) (driver.Connector, error) {
	dsn, entra := ConnectionURL(s, database, user, password, defaults)
	var (
		c   *mssql.Connector
		err error
	)
	if entra {
		c, err = azuread.NewConnector(dsn)
	} else {
		c, err = mssql.NewConnector(dsn)
	}
	if err != nil {
		return nil, &connectorError{msg: redactPassword(err.Error(), password)}
	}
	return c, nil
}

type connectorError struct{ msg string }

func (e *connectorError) Error() string { return e.msg }

// isFedAuthParam reports a connection parameter that selects the sign-in
// method, which only Server.Authentication may do.
func isFedAuthParam(k string) bool {
	return strings.EqualFold(strings.TrimSpace(k), "fedauth")
}
