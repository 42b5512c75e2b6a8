// Package scripter writes a deterministic T-SQL script of one SQL Server
// database, the way mysqldump writes one of a MySQL database: the same
// database gives the same bytes.
//
// It is a library with one boundary: Dump (or DumpFrom over any Reader)
// takes a connection, an io.Writer and Options, and returns Stats or a
// typed error (*ServerError with an ErrorKind from sqlerr, *OptionError
// for invalid Options before any connection, ErrSnapshotUnavailable). It
// knows nothing of brokers, blobs, agents or repositories; the agent and
// the CLI hand it a writer and decide where the bytes go.
//
// A dump runs in one direction, each step its own package:
//
//   - catalog reads the database into a model (one consistent point in
//     time; SQL Server and Babelfish).
//   - model is that description as plain data: objects, their names, the
//     object-type vocabulary and the principals every database has.
//   - filter prunes the model to what Options select (Tables,
//     Include*/Exclude*, Skip*), keeping what kept objects need.
//   - ddl scripts the model in restore order, pre-data and post-data
//     around the rows, and selects nothing itself.
//   - data reads and encodes the rows (INSERT batches, key-range plans for
//     parallel reads).
//   - tsql holds the literal, identifier and type codecs all of them use;
//     sqlbatch splits a script into batches and restores it; sqlerr
//     classifies the driver's errors (login, permission, unreachable,
//     certificate …) once for the scripter, sqlbatch and the agent.
//
// This package ties the steps together: options and their validation,
// the readers (one connection, or Options.Jobs at once), the sql and zip
// sinks, progress and errors.
package scripter
