package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smithy "github.com/aws/smithy-go"
)

// CredentialResolver turns a credentials reference from a job (or the
// agent's default reference) into a SQL Server login.
type CredentialResolver interface {
	Resolve(ctx context.Context, ref string) (user, password string, err error)
}

// CredentialError is a reference that cannot be resolved: not allowed, not
// found, or not in a readable form. Retrying does not help, so the job fails.
// Its message names the reference, never the secret.
type CredentialError struct {
	Ref    string
	Reason string
	Err    error
}

func (e *CredentialError) Error() string {
	return fmt.Sprintf("credentials %q: %s", e.Ref, e.Reason)
}
func (e *CredentialError) Unwrap() error { return e.Err }

// DefaultAllowedRefs are the references a job may name when the agent is
// not told otherwise. A job is written by whoever can publish to the queue;
// letting it name any file or variable would let it send, say, a private key
// file as the "password" to a SQL Server of its choice. So file references
// must be allowed explicitly, environment references are limited to a
// prefix, and Secrets Manager is left to the agent's IAM role, which the
// deploy stack scopes to the fleet's secrets.
var DefaultAllowedRefs = []string{"env:MSSQLDUMP_DB_*", "secretsmanager:*"}

// RefResolver resolves "env:NAME", "file:/path" and "secretsmanager:ARN-or-name"
// references. The referenced value is either a JSON object
// {"username": "...", "password": "..."} (the layout AWS uses for database
// secrets; "user" is accepted for "username") or the text "user:password"
// (split at the first colon).
type RefResolver struct {
	// Allow lists the references a job may name, as path.Match patterns
	// ("env:MSSQLDUMP_DB_*", "file:/etc/mssqldump/creds/*"). Nil means
	// DefaultAllowedRefs. The agent's own default reference is always
	// allowed.
	Allow []string
	// Default is the agent's default reference, used by jobs without
	// credentials. It is always allowed.
	Default string
	// LookupEnv reads environment variables (os.LookupEnv when nil).
	LookupEnv func(string) (string, bool)
	// SecretsManager reads secrets; when nil a client is built from the
	// AWS default configuration on first use.
	SecretsManager SecretValueGetter

	once  sync.Once
	smErr error
}

// SecretValueGetter is the part of the Secrets Manager client the resolver
// uses.
type SecretValueGetter interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Allowed reports whether a job may name ref.
func (r *RefResolver) Allowed(ref string) bool {
	if ref == r.Default && ref != "" {
		return true
	}
	allow := r.Allow
	if allow == nil {
		allow = DefaultAllowedRefs
	}
	for _, pat := range allow {
		if ok, _ := path.Match(pat, ref); ok {
			return true
		}
	}
	return false
}

// Resolve implements CredentialResolver.
func (r *RefResolver) Resolve(ctx context.Context, ref string) (string, string, error) {
	if ref == "" {
		ref = r.Default
	}
	if ref == "" {
		return "", "", nil // no credentials: integrated authentication where the platform has it
	}
	if !r.Allowed(ref) {
		return "", "", &CredentialError{Ref: ref, Reason: "not allowed by this agent (see --allow-credentials)"}
	}
	scheme, name, ok := strings.Cut(ref, ":")
	if !ok || name == "" {
		return "", "", &CredentialError{Ref: ref, Reason: "want env:NAME, file:/path or secretsmanager:ARN"}
	}
	var value []byte
	switch scheme {
	case "env":
		lookup := r.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(name)
		if !ok {
			return "", "", &CredentialError{Ref: ref, Reason: "environment variable is not set on this agent"}
		}
		value = []byte(v)
	case "file":
		b, err := os.ReadFile(name)
		if err != nil {
			return "", "", &CredentialError{Ref: ref, Reason: "cannot read file", Err: err}
		}
		value = b
	case "secretsmanager":
		v, err := r.secret(ctx, ref, name)
		if err != nil {
			return "", "", err
		}
		value = v
	default:
		return "", "", &CredentialError{Ref: ref, Reason: fmt.Sprintf("unknown scheme %q: want env, file or secretsmanager", scheme)}
	}
	defer clear(value)
	user, pw, err := parseLogin(value)
	if err != nil {
		return "", "", &CredentialError{Ref: ref, Reason: err.Error()}
	}
	return user, pw, nil
}

func (r *RefResolver) secret(ctx context.Context, ref, id string) ([]byte, error) {
	r.once.Do(func() {
		if r.SecretsManager != nil {
			return
		}
		cfg, err := config.LoadDefaultConfig(ctx)
		if err != nil {
			r.smErr = err
			return
		}
		r.SecretsManager = secretsmanager.NewFromConfig(cfg)
	})
	if r.smErr != nil {
		return nil, &CredentialError{Ref: ref, Reason: "AWS configuration", Err: r.smErr}
	}
	out, err := r.SecretsManager.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) {
			switch ae.ErrorCode() {
			case "ResourceNotFoundException", "AccessDeniedException", "DecryptionFailure",
				"InvalidParameterException", "InvalidRequestException", "ValidationException":
				return nil, &CredentialError{Ref: ref, Reason: "Secrets Manager: " + ae.ErrorCode(), Err: err}
			}
		}
		// Throttling, network: transient, the job is retried.
		return nil, fmt.Errorf("credentials %q: Secrets Manager: %w", ref, err)
	}
	if out.SecretString != nil {
		return []byte(*out.SecretString), nil
	}
	return out.SecretBinary, nil
}

// parseLogin reads a login from a secret's value. Errors never quote the
// value.
func parseLogin(b []byte) (string, string, error) {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, "{") {
		var v struct {
			Username string `json:"username"`
			User     string `json:"user"`
			Password string `json:"password"`
		}
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return "", "", errors.New("value is not a valid JSON object")
		}
		if v.Username == "" {
			v.Username = v.User
		}
		if v.Username == "" {
			return "", "", errors.New(`JSON value has no "username"`)
		}
		return v.Username, v.Password, nil
	}
	user, pw, ok := strings.Cut(s, ":")
	if !ok || user == "" {
		return "", "", errors.New(`value must be {"username":...,"password":...} or user:password`)
	}
	return user, pw, nil
}
