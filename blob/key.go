package blob

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key accepted (S3's limit, in bytes).
const MaxKeyLen = 1024

// ValidateKey checks that key is usable on every driver: non-empty, at most
// MaxKeyLen bytes of valid UTF-8 without control characters, "/"-separated
// segments that are neither empty nor "." nor "..", and no leading or
// trailing "/". Keys such as "jobs/42/attempt-1/dump.sql.zst" or
// "odd dir/ünï 'q\"/x" are fine.
//
// The rules keep keys portable: a key that S3 would accept but a directory
// could not represent (or could escape, like "../x") is rejected everywhere,
// so a dump that works against MinIO also works against a local directory.
func ValidateKey(key string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidKey, key, why)
	}
	switch {
	case key == "":
		return fmt.Errorf("%w: empty key", ErrInvalidKey)
	case len(key) > MaxKeyLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxKeyLen))
	case !utf8.ValidString(key):
		return bad("not valid UTF-8")
	case strings.HasPrefix(key, "/"):
		return bad("starts with /")
	case strings.HasSuffix(key, "/"):
		return bad("ends with /")
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f {
			return bad("contains a control character")
		}
	}
	for _, seg := range strings.Split(key, "/") {
		switch seg {
		case "":
			return bad("contains an empty path segment (//)")
		case ".", "..":
			return bad("contains a . or .. path segment")
		}
	}
	return nil
}
