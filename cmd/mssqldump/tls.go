package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// tlsFlags are the transport security flags of dump and restore, named and
// defaulted like sqlcmd 18 (-N, -C) and ODBC Driver 18.
func tlsFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "encrypt", Value: protocol.DefaultEncrypt, EnvVars: env("encrypt"), Category: catConn,
			Usage: "TLS to SQL Server: mandatory (certificate verified; a server that cannot encrypt is refused before the login), " +
				"strict (TDS 8.0), or optional (a server that cannot encrypt gets the password in clear)"},
		&cli.BoolFlag{Name: "trust-server-certificate", EnvVars: env("trust-server-certificate"), Category: catConn,
			Usage: "encrypt but do not verify the server's certificate (self-signed test servers)"},
		&cli.StringFlag{Name: "host-name-in-certificate", EnvVars: env("host-name-in-certificate"), Category: catConn,
			Usage: "the name the server's certificate carries, when it is not --host (an alias or an IP address)"},
	}
}

// applyTLS sets the server's TLS from the flags; flags given explicitly (or
// by their environment variables) beat the DSN's parameters, and the DSN's
// beat the defaults. encrypt=disable is accepted only from a DSN, as an
// explicit opt-out. It returns a warning for the user when the password
// may cross the network in clear.
func applyTLS(c *cli.Context, s *protocol.Server) (warning string, err error) {
	t, err := s.EffectiveTLS()
	if err != nil {
		return "", errUsage("--dsn: %v", err)
	}
	for k := range s.Params {
		if protocol.TLSParamKey(k) != "" {
			delete(s.Params, k) // now in the fields
		}
	}
	if len(s.Params) == 0 {
		s.Params = nil
	}
	if c.IsSet("encrypt") {
		switch v := c.String("encrypt"); v {
		case protocol.EncryptMandatory, protocol.EncryptStrict, protocol.EncryptOptional:
			t.Encrypt = v
		default:
			return "", errUsage("--encrypt %q: want mandatory, strict or optional (encrypt=disable only as an explicit DSN parameter)", v)
		}
	}
	if c.IsSet("trust-server-certificate") {
		t.TrustServerCertificate = c.Bool("trust-server-certificate")
	}
	if c.IsSet("host-name-in-certificate") {
		t.HostNameInCertificate = c.String("host-name-in-certificate")
	}
	if t.Encrypt == protocol.EncryptStrict && t.TrustServerCertificate {
		return "", errUsage("--encrypt strict always verifies the certificate: drop --trust-server-certificate")
	}
	s.Encrypt, s.TrustServerCertificate, s.HostNameInCertificate = t.Encrypt, t.TrustServerCertificate, t.HostNameInCertificate
	switch t.Encrypt {
	case protocol.EncryptOptional:
		warning = "--encrypt optional: a SQL Server that cannot encrypt receives the login, password included, in clear"
	case protocol.EncryptDisable:
		warning = "encrypt=disable: nothing is encrypted, the password included"
	}
	return warning, nil
}

// warn prints one warning line on stderr, mysql-style.
func warn(w io.Writer, msg string) {
	fmt.Fprintf(w, "mssqldump: [Warning] %s\n", msg)
}
