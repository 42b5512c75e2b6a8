package errkind_test

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/mssqldump/mssqldump/internal/errkind"
)

type alpha struct{}

func (alpha) Name() string { return "alpha" }

type beta struct{}

func (beta) Name() string { return "beta" }

var (
	errAlphaNotFound = errkind.NewSentinel[alpha](errkind.NotFound, "alpha: not found")
	errAlphaExists   = errkind.NewSentinel[alpha](errkind.Exists, "alpha: exists")
	errBetaNotFound  = errkind.NewSentinel[beta](errkind.NotFound, "beta: not found")
)

func TestAnErrorMatchesTheSentinelOfItsCodeAndItsCause(t *testing.T) {
	err := fmt.Errorf("context: %w", &errkind.Error[alpha]{Op: "read", Code: errkind.NotFound, Err: fs.ErrNotExist})
	if !errors.Is(err, errAlphaNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%v should match its code's sentinel and its raw cause", err)
	}
	if errors.Is(err, errAlphaExists) {
		t.Errorf("%v matches the sentinel of another code", err)
	}
}

func TestDomainsDoNotMix(t *testing.T) {
	err := error(&errkind.Error[alpha]{Op: "read", Code: errkind.NotFound, Err: fs.ErrNotExist})
	if errors.Is(err, errBetaNotFound) {
		t.Error("an alpha error matches a beta sentinel of the same code")
	}
	var be *errkind.Error[beta]
	if errors.As(err, &be) {
		t.Error("errors.As finds a beta error in an alpha one")
	}
}

func TestUnknownMatchesNoSentinel(t *testing.T) {
	unknown := errkind.NewSentinel[alpha](errkind.Unknown, "alpha: unknown")
	err := error(&errkind.Error[alpha]{Op: "read", Err: errors.New("boom")})
	if errors.Is(err, unknown) || errors.Is(err, errAlphaNotFound) {
		t.Errorf("an unclassified error matches a sentinel")
	}
}

func TestSentinelsMatchThemselvesAndKnowTheirCode(t *testing.T) {
	if !errors.Is(fmt.Errorf("x: %w", errAlphaNotFound), errAlphaNotFound) || errAlphaNotFound.Code() != errkind.NotFound {
		t.Error("a wrapped sentinel is not itself, or forgot its code")
	}
	if errors.Is(errAlphaNotFound, errBetaNotFound) {
		t.Error("sentinels of two domains match each other")
	}
}

func TestMessagesNameDomainOperationKeyAndCode(t *testing.T) {
	raw := errors.New("boom")
	for _, c := range []struct {
		err  *errkind.Error[alpha]
		want string
	}{
		{&errkind.Error[alpha]{Op: "send", Code: errkind.Unavailable, Err: raw}, "alpha: send: boom"},
		{&errkind.Error[alpha]{Op: "NewReader", Key: "a/b", Err: raw}, `alpha: NewReader "a/b": boom`},
		{&errkind.Error[alpha]{Op: "NewReader", Key: "a/b", Code: errkind.NotFound, Err: raw}, `alpha: NewReader "a/b": not found: boom`},
	} {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
}

func TestEveryCodeHasAName(t *testing.T) {
	seen := map[string]errkind.Code{}
	for c := errkind.Unknown; c <= errkind.Integrity; c++ {
		name := c.String()
		if prev, dup := seen[name]; dup {
			t.Errorf("codes %d and %d share the name %q", prev, c, name)
		}
		seen[name] = c
	}
}
