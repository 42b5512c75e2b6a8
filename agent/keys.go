package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/agent/seal"
	"github.com/mssqldump/mssqldump/blob"
)

// publishKey makes the fleet public key available to the CLI at
// protocol.FleetPublicKeyKey. It is idempotent: every agent of a fleet holds
// the same key and the first one to start creates the object. A different
// key already published is reported loudly, because the CLI seals to that
// one and this agent cannot open such jobs.
func (a *Agent) publishKey(ctx context.Context) error {
	k := a.cfg.Key
	if k == nil {
		a.log.Info("no sealing key: jobs with sealed credentials are refused; credential references still work")
		return nil
	}
	pub := k.Public()
	text := []byte(pub.String() + "\n")
	var err error
	for wait := 250 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		err = a.cfg.Bucket.WriteAll(ctx, protocol.FleetPublicKeyKey, text,
			&blob.WriterOptions{IfNotExists: true, ContentType: "text/plain; charset=utf-8"})
		if err == nil {
			a.log.Info("published the fleet sealing key", "key", protocol.FleetPublicKeyKey, "key_id", pub.ID())
			return nil
		}
		if errors.Is(err, blob.ErrExists) {
			break
		}
		if !errors.Is(err, blob.ErrUnavailable) {
			return fmt.Errorf("agent: publish sealing key at %q: %w", protocol.FleetPublicKeyKey, err)
		}
		a.log.Warn("blob store unavailable; retrying to publish the sealing key", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return fmt.Errorf("agent: publish sealing key: %w", err)
		case <-time.After(wait):
		}
	}
	b, err := a.cfg.Bucket.ReadAll(ctx, protocol.FleetPublicKeyKey)
	if err != nil {
		return fmt.Errorf("agent: read the published sealing key: %w", err)
	}
	published, err := seal.ParsePublicKey(strings.TrimSpace(string(b)))
	switch {
	case err != nil:
		a.log.Error("the published fleet key is unreadable; CLIs cannot seal credentials until it is replaced",
			"key", protocol.FleetPublicKeyKey, "err", err)
	case !published.Equal(pub):
		a.log.Error("another fleet key is published: CLIs seal to it, and this agent cannot open those jobs; give every agent the same key file",
			"published_key_id", published.ID(), "own_key_id", pub.ID())
	default:
		a.log.Info("fleet sealing key already published", "key_id", pub.ID())
	}
	return nil
}

// openSealed opens the job's sealed login and checks that the job is the
// one it was sealed for (protocol.ErrBindingMismatch otherwise). Problems
// with the key itself are *CredentialError.
func (a *Agent) openSealed(job *protocol.Job) (*seal.Credentials, error) {
	c := job.Credentials
	k := a.cfg.Key
	if k == nil {
		return nil, &CredentialError{Ref: "sealed", Reason: "this agent has no sealing key (--seal-key-file)"}
	}
	if id := k.Public().ID(); c.KeyID != id {
		return nil, &CredentialError{Ref: "sealed", Reason: fmt.Sprintf(
			"sealed to fleet key %s, but this agent holds key %s; the CLI read an outdated key from %s", c.KeyID, id, protocol.FleetPublicKeyKey)}
	}
	creds, err := k.OpenCredentials(c.Sealed)
	if err != nil {
		return nil, &CredentialError{Ref: "sealed", Reason: "cannot open", Err: err}
	}
	if err := job.CheckBinding(creds.Binding); err != nil {
		return nil, err
	}
	return &creds, nil
}

// credentialsFor resolves an agent-side login: the job's reference or, for
// a job without credentials, the agent's default reference. (Sealed
// credentials are opened earlier, by openSealed.)
func (a *Agent) credentialsFor(ctx context.Context, job *protocol.Job) (user, password string, err error) {
	ref := job.Credentials.Ref
	if ref == "" {
		ref = a.cfg.DefaultCredentials
	}
	return a.cfg.Credentials.Resolve(ctx, ref)
}
