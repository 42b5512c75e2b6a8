package main

import (
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// authFlags choose how to sign in to SQL Server.
func authFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "authentication", Value: protocol.AuthSQLPassword, EnvVars: env("authentication"), Category: catConn,
			Usage: "sign-in method: " + strings.Join(protocol.AuthMethods, ", ") + " (Entra ID: a service principal's " +
				"-u is CLIENT_ID@TENANT_ID and its -p the secret, sealed like a password; Default and ManagedIdentity use the " +
				"identity of the machine that connects; Interactive only for restore, at a terminal)"},
	}
}

// applyAuthentication sets s.Authentication from --authentication, else
// from the DSN's fedauth (or authentication) parameter, and checks that the
// method can work where the connection is made.
func (e *cliEnv) applyAuthentication(c *cli.Context, s *protocol.Server) error {
	method := ""
	for k, v := range s.Params {
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "fedauth", "authentication":
			method = v
			delete(s.Params, k)
		}
	}
	if len(s.Params) == 0 {
		s.Params = nil
	}
	if c.IsSet("authentication") {
		method = c.String("authentication")
	}
	a, err := protocol.NormalizeAuthentication(method)
	if err != nil {
		return errUsage("--authentication: %v", err)
	}
	if a == protocol.AuthSQLPassword {
		a = "" // the default, not written into the job
	}
	if a == protocol.AuthEntraInteractive {
		if c.Command == nil || c.Command.Name != "restore" {
			return errUsage("--authentication ActiveDirectoryInteractive signs in through a browser on the machine that connects: " +
				"it works for restore, not for a dump (an agent connects); use ActiveDirectoryServicePrincipal or the agents' managed identity")
		}
		if !term.IsTerminal(int(e.stderr.Fd())) {
			return errUsage("--authentication ActiveDirectoryInteractive needs a terminal")
		}
	}
	s.Authentication = a
	return nil
}
