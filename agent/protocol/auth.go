package protocol

import (
	"fmt"
	"strings"
)

// Authentication methods of a job, the names sqlcmd and go-mssqldb's
// azuread driver use. Empty means SqlPassword.
const (
	AuthSQLPassword = "SqlPassword"
	// Entra ID (Azure AD). Default and ManagedIdentity use the identity of
	// the machine that connects (the agent's VM, or for restore this one);
	// ServicePrincipal takes "client-id@tenant-id" as the user and the
	// client secret as the password; Password a user and password (and an
	// applicationclientid parameter); Interactive a browser sign-in, so
	// only where a person sits at a terminal (restore, never an agent).
	AuthEntraDefault          = "ActiveDirectoryDefault"
	AuthEntraManagedIdentity  = "ActiveDirectoryManagedIdentity"
	AuthEntraServicePrincipal = "ActiveDirectoryServicePrincipal"
	AuthEntraPassword         = "ActiveDirectoryPassword"
	AuthEntraInteractive      = "ActiveDirectoryInteractive"
)

// AuthMethods lists the accepted methods, for messages and --help.
var AuthMethods = []string{AuthSQLPassword, AuthEntraDefault, AuthEntraManagedIdentity,
	AuthEntraServicePrincipal, AuthEntraPassword, AuthEntraInteractive}

// NormalizeAuthentication returns the canonical spelling of method (any
// case; go-mssqldb's synonyms ActiveDirectoryMSI and
// ActiveDirectoryApplication are accepted). Empty stays empty.
func NormalizeAuthentication(method string) (string, error) {
	m := strings.TrimSpace(method)
	switch strings.ToLower(m) {
	case "":
		return "", nil
	case "activedirectorymsi":
		return AuthEntraManagedIdentity, nil
	case "activedirectoryapplication":
		return AuthEntraServicePrincipal, nil
	}
	for _, a := range AuthMethods {
		if strings.EqualFold(a, m) {
			return a, nil
		}
	}
	return "", fmt.Errorf("authentication %q: want one of %s", method, strings.Join(AuthMethods, ", "))
}

// UsesOwnIdentity reports whether method signs in as the identity of the
// machine that connects, with no login from the job.
func UsesOwnIdentity(method string) bool {
	return method == AuthEntraDefault || method == AuthEntraManagedIdentity
}
