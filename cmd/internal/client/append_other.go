//go:build !unix

package client

import "os"

// appendMode cannot tell here; assume append so that Abort never truncates
// what was in the file before the dump.
func appendMode(*os.File) bool { return true }
