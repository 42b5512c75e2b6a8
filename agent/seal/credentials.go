package seal

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Credentials is what the CLI seals for a job: the SQL Server login the user
// typed. Its String method hides the password.
type Credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
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
