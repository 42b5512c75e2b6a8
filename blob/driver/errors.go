package driver

import (
	"context"
	"errors"
	"net"
	"syscall"
)

// IsUnreachable reports whether err says a network endpoint could not be
// reached at all: connection refused or reset, no route, DNS failure, or a
// dial that timed out. Network drivers use it in ErrorCode so that every
// backend reports an unreachable server the same way (blob.ErrUnavailable,
// exit code 6 in the CLI).
func IsUnreachable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	for _, errno := range []syscall.Errno{
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EHOSTUNREACH,
		syscall.ENETUNREACH, syscall.EHOSTDOWN, syscall.ENETDOWN,
	} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Op == "dial" {
		return true
	}
	return false
}
