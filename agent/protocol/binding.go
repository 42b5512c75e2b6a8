package protocol

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/mssqldump/mssqldump/agent/seal"
)

// ErrBindingMismatch is matched (errors.Is) by every CheckBinding failure:
// the envelope does not match what was sealed with its credentials, so it
// was altered or copied into another job. Agents dead-letter such a job
// before any network contact.
var ErrBindingMismatch = errors.New("sealed credentials are bound to another job")

// Binding is what the CLI seals with the login of job j: j's id, target,
// transport security, reply address and deadline. Seal it after ReplyTo is
// set.
func (j *Job) Binding() *seal.Binding {
	tls, _ := j.Server.EffectiveTLS()
	params := map[string]string{}
	for k, v := range j.Server.Params {
		if TLSParamKey(k) == "" {
			params[k] = v
		}
	}
	if len(params) == 0 {
		params = nil
	}
	return &seal.Binding{
		JobID: j.ID, Host: j.Server.Host, Port: j.Server.Port, Instance: j.Server.Instance,
		Database: j.Database, ReplyTo: j.ReplyTo, Expires: j.Deadline.UTC(),
		Encrypt: tls.Encrypt, TrustServerCertificate: tls.TrustServerCertificate,
		HostNameInCertificate: tls.HostNameInCertificate, Params: params, Authentication: j.Server.Authentication,
		Repo: j.Repo,
	}
}

// CheckBinding verifies that j is the job b was sealed for. Its deadline
// may not be later than b's expiry, so the agent's deadline check also
// retires the box. The error names the first field that disagrees, never
// its values (the envelope's may be an attacker's, the binding's the
// victim's).
func (j *Job) CheckBinding(b *seal.Binding) error {
	if b == nil {
		return fmt.Errorf("%w: the sealed credentials carry no binding (sealed by a CLI older than this agent; upgrade it)", ErrBindingMismatch)
	}
	want := j.Binding()
	mismatch := func(field string) error {
		return fmt.Errorf("%w: the job's %s differs from the one sealed with its credentials", ErrBindingMismatch, field)
	}
	switch {
	case b.JobID != want.JobID:
		return mismatch("id")
	case !strings.EqualFold(b.Host, want.Host):
		return mismatch("server host")
	case b.Port != want.Port:
		return mismatch("server port")
	case !strings.EqualFold(b.Instance, want.Instance):
		return mismatch("server instance")
	case b.Database != want.Database:
		return mismatch("database")
	case b.Encrypt != want.Encrypt || b.TrustServerCertificate != want.TrustServerCertificate ||
		!strings.EqualFold(b.HostNameInCertificate, want.HostNameInCertificate):
		return mismatch("TLS settings")
	case b.Authentication != want.Authentication:
		return mismatch("authentication method")
	case !maps.Equal(b.Params, want.Params):
		return mismatch("connection parameters")
	case j.Deadline.IsZero() || j.Deadline.After(b.Expires):
		return mismatch("deadline (later than the sealed expiry)")
	case b.ReplyTo != want.ReplyTo:
		return mismatch("reply address")
	case b.Repo != want.Repo:
		return mismatch("backup repository")
	}
	return nil
}
