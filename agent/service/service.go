// Package service runs the agent under the operating system's service
// manager: as a Windows service (start, stop and shutdown cancel the context
// so the agent drains, messages go to the Windows event log), or, elsewhere,
// as a plain process whose context is canceled by SIGTERM or SIGINT — the
// signals systemd (deploy/systemd/mssqldump-agent.service), docker and a
// terminal send.
//
// The run function must return once its context is canceled and the jobs in
// flight are finished or handed back; Run waits for it.
package service

import "errors"

// ErrNotSupported is returned by Install and Uninstall where there is no
// service manager this package drives (everything but Windows).
var ErrNotSupported = errors.New("service: install/uninstall work only on Windows; on Linux use the systemd unit in deploy/systemd")
