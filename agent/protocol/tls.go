package protocol

import (
	"fmt"
	"strings"
)

// Encryption levels of the connection to SQL Server, the names sqlcmd 18
// and ODBC Driver 18 use, ordered from strongest to weakest.
const (
	// EncryptStrict is TDS 8.0: TLS before anything else, certificate
	// always verified.
	EncryptStrict = "strict"
	// EncryptMandatory encrypts the whole session and verifies the
	// certificate (unless TrustServerCertificate). A server that cannot
	// encrypt is refused before the login is sent. The default.
	EncryptMandatory = "mandatory"
	// EncryptOptional encrypts when the server can; a server that cannot
	// receives the login, password included, in clear.
	EncryptOptional = "optional"
	// EncryptDisable sends everything in clear. Only an explicit
	// encrypt=disable in a DSN asks for it.
	EncryptDisable = "disable"

	DefaultEncrypt = EncryptMandatory
)

// encryptRank orders the levels: a higher rank protects more.
var encryptRank = map[string]int{EncryptDisable: 0, EncryptOptional: 1, EncryptMandatory: 2, EncryptStrict: 3}

// NormalizeEncrypt maps the spellings go-mssqldb and ODBC accept
// (true/yes/1, false/no/0, any case) onto the four level names. Empty
// stays empty (the default applies).
func NormalizeEncrypt(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return "", nil
	case "strict":
		return EncryptStrict, nil
	case "mandatory", "true", "yes", "1", "t":
		return EncryptMandatory, nil
	case "optional", "false", "no", "0", "f":
		return EncryptOptional, nil
	case "disable":
		return EncryptDisable, nil
	}
	return "", fmt.Errorf("encrypt %q: want strict, mandatory, optional or disable", v)
}

// WeakerEncrypt reports whether level a protects less than level b (both
// normalized; empty means DefaultEncrypt).
func WeakerEncrypt(a, b string) bool {
	if a == "" {
		a = DefaultEncrypt
	}
	if b == "" {
		b = DefaultEncrypt
	}
	return encryptRank[a] < encryptRank[b]
}

// tlsParamKeys are the go-mssqldb connection parameters that the TLS fields
// of Server own, lower case without spaces (ODBC spells them with spaces).
var tlsParamKeys = map[string]string{
	"encrypt":                "encrypt",
	"trustservercertificate": "trustservercertificate",
	"hostnameincertificate":  "hostnameincertificate",
}

// TLSParamKey returns the canonical name of a TLS connection parameter
// ("encrypt", "trustservercertificate", "hostnameincertificate"), or "" for
// any other parameter.
func TLSParamKey(k string) string {
	return tlsParamKeys[strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), " ", "")]
}

// TLS is the effective transport security of a server.
type TLS struct {
	Encrypt                string // one of the Encrypt* levels, never empty
	TrustServerCertificate bool
	HostNameInCertificate  string
}

// EffectiveTLS resolves the TLS settings of s: its fields, else the same
// settings in Params (jobs from CLIs that predate the fields), else the
// default (mandatory, certificate verified).
func (s Server) EffectiveTLS() (TLS, error) {
	t := TLS{Encrypt: s.Encrypt, TrustServerCertificate: s.TrustServerCertificate, HostNameInCertificate: s.HostNameInCertificate}
	for k, v := range s.Params {
		switch TLSParamKey(k) {
		case "encrypt":
			if t.Encrypt == "" {
				t.Encrypt = v
			}
		case "trustservercertificate":
			if !t.TrustServerCertificate {
				switch strings.ToLower(strings.TrimSpace(v)) {
				case "true", "yes", "1", "t":
					t.TrustServerCertificate = true
				case "false", "no", "0", "f", "":
				default:
					return t, fmt.Errorf("TrustServerCertificate %q: want true or false", v)
				}
			}
		case "hostnameincertificate":
			if t.HostNameInCertificate == "" {
				t.HostNameInCertificate = v
			}
		}
	}
	enc, err := NormalizeEncrypt(t.Encrypt)
	if err != nil {
		return t, err
	}
	if enc == "" {
		enc = DefaultEncrypt
	}
	t.Encrypt = enc
	return t, nil
}
