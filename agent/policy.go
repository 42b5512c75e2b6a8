package agent

import (
	"fmt"
	"slices"

	"github.com/mssqldump/mssqldump/agent/protocol"
)

// IdentityCredential is the CredentialServers key of the agent's own Entra
// ID identity (ActiveDirectoryDefault, ActiveDirectoryManagedIdentity).
const IdentityCredential = "identity"

// policy is what an agent lets a job do, parsed once from Config.
type policy struct {
	minEncrypt string
	// fleet limits every job; empty means any server (sealed
	// credentials are the user's own, bound to their target).
	fleet []ServerPattern
	// perCredential binds agent-side credentials (by reference) to
	// servers; a reference without an entry uses fleet.
	perCredential map[string][]ServerPattern
}

func newPolicy(cfg *Config) (*policy, error) {
	p := &policy{minEncrypt: protocol.DefaultEncrypt, perCredential: map[string][]ServerPattern{}}
	if cfg.MinEncrypt != "" {
		enc, err := protocol.NormalizeEncrypt(cfg.MinEncrypt)
		if err != nil {
			return nil, fmt.Errorf("agent: minimum %v", err)
		}
		p.minEncrypt = enc
	}
	var err error
	if p.fleet, err = ParseServerPatterns(cfg.AllowServers); err != nil {
		return nil, fmt.Errorf("agent: allowed servers: %w", err)
	}
	for ref, list := range cfg.CredentialServers {
		if p.perCredential[ref], err = ParseServerPatterns(list); err != nil {
			return nil, fmt.Errorf("agent: servers of credentials %q: %w", ref, err)
		}
	}
	return p, nil
}

// refusal says why the agent will not connect for job, or "" when it
// may. It runs before any network contact, and its answers name no
// network detail: a refused job learns nothing about what is reachable.
func (a *Agent) refusal(job *protocol.Job) string {
	p := a.policy
	tls, err := job.Server.EffectiveTLS()
	if err != nil {
		return "not allowed: " + err.Error()
	}
	if protocol.WeakerEncrypt(tls.Encrypt, p.minEncrypt) {
		return fmt.Sprintf("not allowed: the job asks for encrypt=%s, weaker than this agent's minimum (%s)", tls.Encrypt, p.minEncrypt)
	}
	if len(p.fleet) > 0 && !matchAny(p.fleet, job.Server) {
		return "not allowed: the job's server is outside this agent's allowed servers (--allow-servers)"
	}
	if job.Server.Authentication == protocol.AuthEntraInteractive {
		return "not allowed: ActiveDirectoryInteractive needs a person at a terminal; agents have none"
	}
	if job.Repo != "" && !slices.Contains(a.cfg.AllowRepos, job.Repo) {
		return "not allowed: the job's backup repository is not one this agent writes (--allow-repos)"
	}
	if len(job.Credentials.Sealed) > 0 {
		return ""
	}
	// The credential run.login will use: the job's reference, else for a
	// sign-in as the agent's own Entra identity (its VM's managed
	// identity, never the default credentials) that identity, an
	// agent-side credential like any other, bound to servers; else the
	// agent's default reference.
	ref := job.Credentials.Ref
	switch {
	case ref != "":
	case protocol.UsesOwnIdentity(job.Server.Authentication):
		ref = IdentityCredential
	default:
		ref = a.cfg.DefaultCredentials
	}
	if ref == "" {
		return "" // integrated authentication: the agent's own identity, limited by fleet
	}
	list, ok := p.perCredential[ref]
	if !ok {
		list = p.fleet
	}
	if len(list) == 0 || !matchAny(list, job.Server) {
		return fmt.Sprintf("not allowed: this agent's credentials %q may not be used for the job's server "+
			"(bind them with --allow-servers or --credential-servers)", ref)
	}
	return ""
}
