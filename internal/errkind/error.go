package errkind

import "fmt"

// Domain names the portable package an Error or Sentinel belongs to. Each
// package declares an empty struct type whose Name is its message prefix
// ("blob", "broker").
type Domain interface{ Name() string }

// Error is a classified failure of one operation in domain D. It matches the
// Sentinel of D with the same Code (errors.Is) and unwraps to the raw error,
// so context.Canceled and a backend's own error types stay visible.
type Error[D Domain] struct {
	Op   string // the operation: "send", "NewReader", "open nats://host"
	Key  string // the object the operation named, if any
	Code Code
	Err  error // the raw error
}

// Error reads "domain: op: cause", with the key and code when there is a key
// ("blob: NewReader \"k\": not found: ...").
func (e *Error[D]) Error() string {
	var d D
	switch {
	case e.Key == "":
		return fmt.Sprintf("%s: %s: %v", d.Name(), e.Op, e.Err)
	case e.Code == Unknown:
		return fmt.Sprintf("%s: %s %q: %v", d.Name(), e.Op, e.Key, e.Err)
	default:
		return fmt.Sprintf("%s: %s %q: %s: %v", d.Name(), e.Op, e.Key, e.Code, e.Err)
	}
}

// Unwrap returns the raw error.
func (e *Error[D]) Unwrap() error { return e.Err }

// Is matches the sentinel of D with e's code. Unknown matches no sentinel.
func (e *Error[D]) Is(target error) bool {
	s, ok := target.(*Sentinel[D])
	return ok && e.Code != Unknown && s.code == e.Code
}

// Sentinel is a comparable error value standing for one Code of domain D:
// errors.Is(err, s) holds for s itself and for every *Error[D] of its code.
// A domain has at most one sentinel per code.
type Sentinel[D Domain] struct {
	code Code
	msg  string
}

// NewSentinel returns the sentinel of code c in domain D with message msg.
func NewSentinel[D Domain](c Code, msg string) *Sentinel[D] {
	return &Sentinel[D]{code: c, msg: msg}
}

func (s *Sentinel[D]) Error() string { return s.msg }

// Code returns the code s stands for.
func (s *Sentinel[D]) Code() Code { return s.code }
