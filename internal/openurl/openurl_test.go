package openurl

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"
)

func params(t *testing.T, raw string) *Params {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return New(u)
}

func TestKnownParametersParse(t *testing.T) {
	p := params(t, "x://h?lease=45s&max=7&create=false&name=jobs")
	if d := p.Duration("lease", time.Second); d != 45*time.Second {
		t.Errorf("lease = %v", d)
	}
	if n := p.Int("max", 1); n != 7 {
		t.Errorf("max = %d", n)
	}
	if b := p.Bool("create", true); b {
		t.Errorf("create = %v", b)
	}
	if s := p.String("name", ""); s != "jobs" {
		t.Errorf("name = %q", s)
	}
	if d := p.Duration("absent", 3*time.Second); d != 3*time.Second {
		t.Errorf("absent default = %v", d)
	}
	if err := p.Err(); err != nil {
		t.Errorf("Err() = %v", err)
	}
}

func TestUnknownParametersAreNamed(t *testing.T) {
	p := params(t, "x://h?lease=1s&leese=2s&zzz=1")
	p.Duration("lease", 0)
	err := p.Err()
	if err == nil || !strings.Contains(err.Error(), "leese, zzz") || !strings.Contains(err.Error(), "known: lease") {
		t.Fatalf("Err() = %v, want the unknown leese, zzz and the known lease named", err)
	}
}

func TestBadValuesAreErrors(t *testing.T) {
	for _, raw := range []string{"x://h?lease=-1s", "x://h?lease=10", "x://h?max=0", "x://h?max=two", "x://h?create=yes please", "x://h?lease=1s&lease=2s"} {
		p := params(t, raw)
		p.Duration("lease", time.Second)
		p.Int("max", 1)
		p.Bool("create", false)
		if p.Err() == nil {
			t.Errorf("%s: no error", raw)
		}
	}
}

func TestParameterErrorsCarryTheInvalidMark(t *testing.T) {
	for _, raw := range []string{"x://h?typo=1", "x://h?n=zero", "x://h?n=1&n=2"} {
		u, _ := url.Parse(raw)
		p := New(u)
		p.Int("n", 1)
		var inv *InvalidError
		if err := p.Err(); !errors.As(err, &inv) {
			t.Errorf("%s: Err() = %v, want an *InvalidError", raw, err)
		}
	}
}

func TestInvalidMarksOnce(t *testing.T) {
	if Invalid(nil) != nil {
		t.Error("Invalid(nil) is not nil")
	}
	once := Invalid(errors.New("bad"))
	if twice := Invalid(fmt.Errorf("ctx: %w", once)); errors.Unwrap(twice) != once {
		t.Errorf("Invalid wrapped a marked error again: %#v", twice)
	}
}
