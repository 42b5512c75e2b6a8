//go:build !windows || !(amd64 || 386)

package sharedmemory
