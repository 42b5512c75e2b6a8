//go:build unix

package client

import (
	"os"

	"golang.org/x/sys/unix"
)

// appendMode reports whether f was opened with O_APPEND (the shell's ">>"),
// or whether that cannot be told.
func appendMode(f *os.File) bool {
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	return err != nil || flags&unix.O_APPEND != 0
}
