// Package urlregistry maps URL schemes to openers. The broker and blob
// packages each keep one kind of opener in it; the registries are filled
// explicitly by cmd/internal/drivers, never by init functions, so a binary
// contains exactly the drivers its main package chose (restic's
// internal/backend/location registry has the same shape).
package urlregistry

import (
	"errors"
	"fmt"
	"github.com/mssqldump/mssqldump/internal/openurl"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// Registry maps lower-case URL schemes to openers of type O. What names the
// registry's user in errors ("blob", "broker") and what it opens ("bucket",
// "queue") is given at construction.
type Registry[O any] struct {
	pkg, noun string

	mu      sync.RWMutex
	openers map[string]O
}

// New returns an empty registry whose errors start with pkg and call what
// the URLs name a noun.
func New[O any](pkg, noun string) *Registry[O] {
	return &Registry[O]{pkg: pkg, noun: noun, openers: map[string]O{}}
}

// Register adds the opener for scheme. An empty scheme or a scheme
// registered twice is a programming error and panics.
func (r *Registry[O]) Register(scheme string, o O) {
	scheme = strings.ToLower(scheme)
	if scheme == "" {
		panic(r.pkg + ": Register with an empty scheme")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.openers[scheme]; dup {
		panic(fmt.Sprintf("%s: scheme %q registered twice", r.pkg, scheme))
	}
	r.openers[scheme] = o
}

// Schemes returns the registered schemes, sorted.
func (r *Registry[O]) Schemes() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s := make([]string, 0, len(r.openers))
	for k := range r.openers {
		s = append(s, k)
	}
	slices.Sort(s)
	return s
}

// Lookup parses rawURL and returns it with the opener of its scheme. Its
// errors never repeat a password given in the URL: url.Parse's own error
// would quote the whole URL, so only its cause is kept.
func (r *Registry[O]) Lookup(rawURL string) (*url.URL, O, error) {
	var zero O
	u, err := url.Parse(rawURL)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, zero, openurl.Invalid(fmt.Errorf("%s: invalid %s URL: %v", r.pkg, r.noun, err))
	}
	known := strings.Join(r.Schemes(), ", ")
	if u.Scheme == "" {
		return nil, zero, openurl.Invalid(fmt.Errorf("%s: %s URL %q has no scheme (want one of %s)", r.pkg, r.noun, u.Redacted(), known))
	}
	r.mu.RLock()
	o, ok := r.openers[strings.ToLower(u.Scheme)]
	r.mu.RUnlock()
	if !ok {
		return nil, zero, openurl.Invalid(fmt.Errorf("%s: unknown %s URL scheme %q in %q (want one of %s)", r.pkg, r.noun, u.Scheme, u.Redacted(), known))
	}
	return u, o, nil
}
