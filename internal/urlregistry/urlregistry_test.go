package urlregistry

import (
	"errors"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/internal/openurl"
)

func TestLookupFindsTheOpenerOfTheSchemeCaseInsensitively(t *testing.T) {
	r := New[int]("thing", "widget")
	r.Register("Foo", 1)
	r.Register("bar", 2)
	u, o, err := r.Lookup("FOO://host/x")
	if err != nil || o != 1 || u.Host != "host" {
		t.Fatalf("Lookup = %v, %d, %v", u, o, err)
	}
	if got := strings.Join(r.Schemes(), ","); got != "bar,foo" {
		t.Fatalf("Schemes = %s", got)
	}
}

func TestLookupErrorsNameTheProblemAndNeverThePassword(t *testing.T) {
	r := New[int]("thing", "widget")
	r.Register("foo", 1)
	for _, raw := range []string{"nope://user:hunter2@host/x", "//user:hunter2@host/x", "foo://user:hunter2@host/%zz"} {
		_, _, err := r.Lookup(raw)
		if err == nil {
			t.Fatalf("Lookup(%q) succeeded", raw)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("error repeats the password: %v", err)
		}
		if !strings.HasPrefix(err.Error(), "thing: ") || !strings.Contains(err.Error(), "widget URL") {
			t.Fatalf("error does not say what failed: %v", err)
		}
	}
}

func TestRegisteringASchemeTwicePanics(t *testing.T) {
	r := New[int]("thing", "widget")
	r.Register("foo", 1)
	defer func() {
		if recover() == nil {
			t.Fatal("second Register did not panic")
		}
	}()
	r.Register("FOO", 2)
}

func TestLookupErrorsAreMarkedInvalid(t *testing.T) {
	r := New[int]("thing", "widget")
	r.Register("foo", 1)
	for _, raw := range []string{"nope://host", "//host/x", "foo://host/%zz"} {
		_, _, err := r.Lookup(raw)
		var inv *openurl.InvalidError
		if !errors.As(err, &inv) {
			t.Errorf("Lookup(%q) = %v, want an openurl.InvalidError", raw, err)
		}
	}
}
