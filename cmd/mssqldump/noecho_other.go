//go:build !linux

package main

// echoOff does nothing where the CLI does not run in production: there
// term.ReadPassword alone turns echo off, once the prompt is out.
func echoOff(int) (restore func(), err error) { return func() {}, nil }
