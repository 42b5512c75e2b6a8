package agent

import (
	"database/sql/driver"
	"strconv"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
	"github.com/microsoft/go-mssqldb/azuread"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/internal/sqlserverurl"
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

// SQLServerURL builds the go-mssqldb sqlserver:// URL of database on s,
// logging in as user (none: no user in the URL). defaults are connection
// parameters used where s.Params does not set them.
func SQLServerURL(s protocol.Server, database, user, password string, defaults map[string]string) string {
	u := sqlserverurl.URL{Host: s.Host, Port: s.Port, User: user, Password: password, Params: map[string]string{}}
	if s.Instance != "" && s.Port == 0 {
		u.Instance = s.Instance // resolved through the SQL Browser service
	}
	for k, v := range s.Params {
		if protocol.TLSParamKey(k) == "" && !isFedAuthParam(k) {
			u.Params[k] = v
		}
	}
	// TLS is always explicit: go-mssqldb without an encrypt parameter
	// would send the login in clear to a server that cannot encrypt.
	// s was validated, so EffectiveTLS cannot fail here; should it, the
	// default (mandatory, verified) stands.
	tls, _ := s.EffectiveTLS()
	if tls.Encrypt == "" {
		tls.Encrypt = protocol.DefaultEncrypt
	}
	u.Params["encrypt"] = tls.Encrypt
	u.Params["TrustServerCertificate"] = strconv.FormatBool(tls.TrustServerCertificate)
	if tls.HostNameInCertificate != "" {
		u.Params["hostNameInCertificate"] = tls.HostNameInCertificate
	}
	u.Params["database"] = database
	for k, v := range defaults {
		if u.Params[k] == "" {
			u.Params[k] = v
		}
	}
	return u.String()
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
