// Package scripter writes a deterministic T-SQL script of a SQL Server
// database, the way mysqldump does for MySQL: Dump reads the catalog and the
// rows (inside one SNAPSHOT transaction when the database allows it) and
// writes a script that recreates them, and the same database always gives
// the same bytes.
//
// The work is split into packages that each do one thing: catalog reads
// sys.* views into a model (model), ddl writes the model as T-SQL, data
// writes rows as INSERT statements, tsql holds the encoders all of them
// share, sqlbatch splits a script into batches and restores it, and sqlerr
// reads the driver's errors. This package ties them together: Options (what
// to script), the object filters, parallel reads (Options.Jobs), the zip
// format, and the errors a caller sees: *ServerError (with an ErrorKind
// from sqlerr) for anything SQL Server said or failing to reach it, and
// *OptionError for invalid Options, reported before any connection.
package scripter
