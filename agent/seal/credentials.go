package seal

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Credentials is what the CLI seals for a job: the SQL Server login the user
// typed. Its String method hides the password.
type Credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
	// Binding is what the login may be used for. It is sealed with the
	// password, so nobody who copies the job off the broker can point the
	// login at another server, database or reply address, or use it after
	// the job's deadline: agents refuse a job whose envelope disagrees.
	Binding *Binding `json:"binding,omitempty"`
}

// Binding ties sealed credentials to one job and its target.
type Binding struct {
	JobID    string `json:"job_id"`
	Host     string `json:"host"`
	Port     int    `json:"port,omitempty"`
	Instance string `json:"instance,omitempty"`
	Database string `json:"database"`
	ReplyTo  string `json:"reply_to"`
	// Expires is the job's deadline: the box is worthless afterwards.
	Expires time.Time `json:"expires"`
	// The connection's transport security, so that a copied job cannot
	// downgrade it to let the password cross the network in clear.
	Encrypt                string `json:"encrypt"`
	TrustServerCertificate bool   `json:"trust_server_certificate,omitempty"`
	HostNameInCertificate  string `json:"host_name_in_certificate,omitempty"`
	// Authentication is the sign-in method the login is for.
	Authentication string `json:"authentication,omitempty"`
	// Params are the other connection parameters of the job.
	Params map[string]string `json:"params,omitempty"`
	// Repo is the backup repository a backup job writes to: a copied job
	// must not send the victim's database to a repository of its own.
	Repo string `json:"repo,omitempty"`
}

// String never shows the password.
func (c Credentials) String() string {
	return fmt.Sprintf("Credentials{User:%q, Password:<hidden>}", c.User)
}

// GoString never shows the password.
func (c Credentials) GoString() string { return c.String() }

// SealCredentials seals c to pub (the job envelope's credentials.sealed; put
// pub.ID() in credentials.key_id).
func SealCredentials(pub PublicKey, c Credentials) ([]byte, error) {
	plain, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return Seal(pub, plain)
}

// OpenCredentials opens a box made by SealCredentials.
func (k *PrivateKey) OpenCredentials(sealed []byte) (Credentials, error) {
	plain, err := k.Open(sealed)
	if err != nil {
		return Credentials{}, err
	}
	defer clear(plain)
	var c Credentials
	if err := json.Unmarshal(plain, &c); err != nil {
		// Do not wrap the JSON error: it may quote the plaintext.
		return Credentials{}, errors.New("seal: sealed credentials are not the expected JSON object")
	}
	return c, nil
}
