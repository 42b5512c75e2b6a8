package agent

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smithy "github.com/aws/smithy-go"
)

func TestCredentialRefsResolveFromEnvFileAndSecretsManager(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "login.json")
	os.WriteFile(file, []byte(`{"username":"fileuser","password":"p:w\"x"}`+"\n"), 0o600)
	sm := secretsStub{"arn:aws:secretsmanager:eu-west-1:1:secret:db": `{"username":"smuser","password":"smpw","engine":"sqlserver"}`}
	r := &RefResolver{
		Allow: []string{"env:DB_*", "file:" + dir + "/*", "secretsmanager:*"},
		LookupEnv: func(k string) (string, bool) {
			v, ok := map[string]string{"DB_LOGIN": "envuser:pa:ss"}[k]
			return v, ok
		},
		SecretsManager: sm,
	}
	for ref, want := range map[string][2]string{
		"env:DB_LOGIN": {"envuser", "pa:ss"},
		"file:" + file: {"fileuser", `p:w"x`},
		"secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:db": {"smuser", "smpw"},
	} {
		u, p, err := r.Resolve(context.Background(), ref)
		if err != nil || u != want[0] || p != want[1] {
			t.Errorf("%s: got %q, %v", ref, u, err)
		}
	}
}

func TestCredentialRefsOutsideTheAllowListOrMissingFailWithoutTheSecret(t *testing.T) {
	t.Setenv("MSSQLDUMP_DB_BAD", "no-colon-secret")
	r := &RefResolver{Default: "env:AGENT_DEFAULT", LookupEnv: os.LookupEnv}
	cases := map[string]string{
		"file:/etc/passwd":      "not allowed",
		"env:HOME":              "not allowed",
		"env:MSSQLDUMP_DB_NOPE": "not set",
		"env:MSSQLDUMP_DB_BAD":  "user:password",
		"vault:x":               "not allowed",
		"env:AGENT_DEFAULT":     "not set", // the default is always allowed
	}
	for ref, want := range cases {
		_, _, err := r.Resolve(context.Background(), ref)
		var ce *CredentialError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want a CredentialError mentioning %q", ref, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "no-colon-secret") {
			t.Errorf("%s: error quotes the secret: %v", ref, err)
		}
	}
	if u, p, err := (&RefResolver{}).Resolve(context.Background(), ""); err != nil || u != "" || p != "" {
		t.Errorf("no ref and no default: %q %q %v", u, p, err)
	}
}

func TestSecretsManagerErrorsSplitIntoFinalAndTransient(t *testing.T) {
	r := &RefResolver{SecretsManager: secretsStub{}}
	_, _, err := r.Resolve(context.Background(), "secretsmanager:missing")
	var ce *CredentialError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "ResourceNotFoundException") {
		t.Fatalf("missing secret: %v", err)
	}
	r = &RefResolver{SecretsManager: secretsStub{"throttled": "!throttle"}}
	_, _, err = r.Resolve(context.Background(), "secretsmanager:throttled")
	if err == nil || errors.As(err, &ce) {
		t.Fatalf("throttling must be transient (retried), got %v", err)
	}
}

// secretsStub answers GetSecretValue from a map; "!throttle" simulates a
// throttling error. (No Secrets Manager can run here; the real client is
// the AWS SDK's.)
type secretsStub map[string]string

func (s secretsStub) GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	v, ok := s[aws.ToString(in.SecretId)]
	switch {
	case !ok:
		return nil, &smithy.GenericAPIError{Code: "ResourceNotFoundException", Message: "no such secret"}
	case v == "!throttle":
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow down"}
	}
	return &secretsmanager.GetSecretValueOutput{SecretString: aws.String(v)}, nil
}
