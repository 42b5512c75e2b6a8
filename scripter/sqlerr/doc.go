// Package sqlerr reads the errors of go-mssqldb, and of the network and TLS
// under it, in one place: which kind of failure an error is (login refused,
// database missing, permission denied, server unreachable, encryption
// refused, certificate not trusted, canceled, anything else), and which
// server errors say an object does not exist yet.
//
// It lives under scripter because the scripter is the library that talks to
// SQL Server, and it is a leaf package (it imports only the driver) so that
// the scripter, its restore side (scripter/sqlbatch) and the agent, which
// turns a kind into a protocol error code, all read an error the same way
// without importing one another.
package sqlerr
