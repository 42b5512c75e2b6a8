// Package openurl parses the query parameters of broker and blob URLs, so
// that every driver rejects unknown parameters the same way: with an error
// naming them (a typo such as "?part-size=" must not be silently ignored).
package openurl

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
)

// Params consumes the query parameters of a URL. Each getter marks its
// parameter as known; Err reports the first bad value or the unknown ones.
type Params struct {
	q     url.Values
	known map[string]bool
	err   error
}

// New returns the parameters of u.
func New(u *url.URL) *Params {
	return &Params{q: u.Query(), known: map[string]bool{}}
}

func (p *Params) get(name string) (string, bool) {
	p.known[name] = true
	vs, ok := p.q[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	if len(vs) > 1 && p.err == nil {
		p.err = fmt.Errorf("query parameter %q given %d times", name, len(vs))
	}
	return vs[0], true
}

// String returns the parameter or def when it is absent.
func (p *Params) String(name, def string) string {
	if v, ok := p.get(name); ok {
		return v
	}
	return def
}

// Duration parses a Go duration ("30s", "2m").
func (p *Params) Duration(name string, def time.Duration) time.Duration {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		p.fail(fmt.Errorf("query parameter %s=%q: want a positive duration such as 30s", name, v))
		return def
	}
	return d
}

// Int parses a positive integer.
func (p *Params) Int(name string, def int) int {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		p.fail(fmt.Errorf("query parameter %s=%q: want a positive integer", name, v))
		return def
	}
	return n
}

// Size parses a positive byte size ("16MiB", "16777216", "64 MB").
func (p *Params) Size(name string, def int64) int64 {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	n, err := humanize.ParseBytes(v)
	if err != nil || n == 0 || n > 1<<40 {
		p.fail(fmt.Errorf("query parameter %s=%q: want a positive byte size such as 16MiB", name, v))
		return def
	}
	return int64(n)
}

// OptionalBool is Bool for a setting whose absence means "decide later"
// (nil).
func (p *Params) OptionalBool(name string) *bool {
	if _, ok := p.q[name]; !ok {
		p.known[name] = true
		return nil
	}
	b := p.Bool(name, false)
	return &b
}

// Bool parses true/false/1/0.
func (p *Params) Bool(name string, def bool) bool {
	v, ok := p.get(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(fmt.Errorf("query parameter %s=%q: want true or false", name, v))
		return def
	}
	return b
}

func (p *Params) fail(err error) {
	if p.err == nil {
		p.err = err
	}
}

// Err reports a bad value, or the unknown parameters by name along with the
// known ones. The error is an *InvalidError: a query parameter is always the
// user's to fix.
func (p *Params) Err() error {
	return Invalid(p.check())
}

func (p *Params) check() error {
	if p.err != nil {
		return p.err
	}
	var unknown []string
	for k := range p.q {
		if !p.known[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	known := make([]string, 0, len(p.known))
	for k := range p.known {
		known = append(known, k)
	}
	slices.Sort(known)
	return fmt.Errorf("unknown query parameter(s) %s (known: %s)", strings.Join(unknown, ", "), strings.Join(known, ", "))
}

// InvalidError marks an error in the URL, configuration or another argument
// itself (as opposed to one from the server), such as a malformed reply
// address, so that drivers classify it as driver.InvalidArgument and the
// CLI reports a usage error.
type InvalidError struct{ Err error }

func (e *InvalidError) Error() string { return e.Err.Error() }
func (e *InvalidError) Unwrap() error { return e.Err }

// Invalid wraps err as an InvalidError (nil stays nil, and an error already
// marked is returned as it is).
func Invalid(err error) error {
	var inv *InvalidError
	if err == nil || errors.As(err, &inv) {
		return err
	}
	return &InvalidError{Err: err}
}
