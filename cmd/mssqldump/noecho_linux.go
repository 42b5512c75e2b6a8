package main

import "golang.org/x/sys/unix"

// echoOff turns the terminal's echo off and returns what turns it back on.
// The password prompt is printed only after: term.ReadPassword turns echo
// off itself, but after the prompt is out, so a password typed as soon as
// the prompt shows could still be echoed (a test typing at once saw it).
func echoOff(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &quiet); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, old) }, nil
}
