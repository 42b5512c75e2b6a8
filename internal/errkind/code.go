package errkind

// Code classifies a failure. Drivers return raw errors and map them onto a
// Code; the portable packages wrap them in an *Error of that Code.
type Code int

// The codes. New codes go at the end: nothing stores their numbers, but
// keeping the order keeps diffs small.
const (
	// Unknown is any error without a more specific code.
	Unknown Code = iota
	// NotFound: the object, queue, stream or inbox does not exist.
	NotFound
	// Exists: a create-if-absent write found an object already there.
	Exists
	// Unavailable: the endpoint cannot be reached (connection refused, DNS,
	// timeout talking to the server, bucket or directory missing).
	Unavailable
	// PermissionDenied: the credentials do not allow the operation.
	PermissionDenied
	// NotImplemented: the backend does not support the operation.
	NotImplemented
	// LeaseLost: a delivery is no longer held by this receiver.
	LeaseLost
	// TooLarge: the backend rejected a message as too large.
	TooLarge
	// InvalidArgument: the request or configuration itself is malformed (a
	// bad URL, reply address or option), not the backend's fault.
	InvalidArgument
	// Integrity: stored data does not match its hash.
	Integrity
)

func (c Code) String() string {
	switch c {
	case NotFound:
		return "not found"
	case Exists:
		return "already exists"
	case Unavailable:
		return "unavailable"
	case PermissionDenied:
		return "permission denied"
	case NotImplemented:
		return "not implemented"
	case LeaseLost:
		return "lease lost"
	case TooLarge:
		return "too large"
	case InvalidArgument:
		return "invalid argument"
	case Integrity:
		return "integrity check failed"
	default:
		return "unknown"
	}
}
