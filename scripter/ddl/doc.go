// Package ddl turns a catalog model (scripter/model) into T-SQL. It is pure:
// model in, text out, no database, and the same model gives the same bytes
// whatever the order of the model's slices.
//
// The script is split like pg_dump's sections so that a restore never trips
// over cyclic foreign keys, triggers or constraints that would reject the
// data while it loads:
//
//   - pre-data: principals (only with Options.Permissions, because schema
//     owners must exist first), schemas, XML schema collections, alias types,
//     table types, sequences (restarted so the next value is the original's),
//     then tables, synonyms, functions, views and procedures in one
//     dependency order. Defaults are inline so rows loaded without them get
//     them. The PRIMARY KEY and any other clustered index are created with
//     the table: the data section reads rows in key order and loads them into
//     the clustered index without a rebuild afterwards, and a temporal table
//     needs its key before versioning can be switched on.
//   - data: written by the caller between WritePreData and WritePostData,
//     tables in DataOrder (foreign-key parents first where acyclic), followed
//     by ReseedStatements for identity tables.
//   - post-data: UNIQUE constraints, the other indexes, indexed-view indexes,
//     FOREIGN KEYs, CHECKs, triggers and their order, SYSTEM_VERSIONING,
//     extended properties, role memberships and permissions.
//
// Decisions a reader of the output should know:
//
//   - Temporal tables: the history table is an ordinary table in pre-data;
//     the current table is created with its period columns as plain columns
//     (no PERIOD, no GENERATED ALWAYS) so the data section can load the exact
//     period values into both tables. Post-data adds PERIOD FOR SYSTEM_TIME
//     (which makes the columns GENERATED ALWAYS again), restores HIDDEN and
//     turns SYSTEM_VERSIONING on with the history table named explicitly.
//     DataColumns therefore includes period columns.
//   - Constraint and index names are always scripted, even system-generated
//     ones: the source's names are kept exactly, and a dump of the restored
//     database is byte-identical. Table-type constraints are the exception
//     (SQL Server does not allow names there).
//   - CHECK constraints are added in post-data as table-level constraints;
//     disabled ones are added WITH NOCHECK and then NOCHECK'ed, untrusted ones
//     are added WITH NOCHECK.
//   - A FOREIGN KEY whose referenced table is not in the (filtered) model is
//     still scripted, as mysqldump would, but guarded by
//     IF OBJECT_ID(referenced) IS NOT NULL so the restore does not fail where
//     the table is missing; a warning (fk_target_not_dumped) reports it.
//   - Modules are scripted verbatim, each in its own batch after SET ANSI_NULLS
//     and SET QUOTED_IDENTIFIER matching the module. When the text would not
//     survive sqlcmd (a line that sqlcmd reads as a command such as GO, a
//     "$(" variable reference, a NUL character) or does not end with a line
//     break, the exact text is run through sp_executesql instead, so the
//     stored definition is still byte-for-byte the original. IfNotExists
//     uses the same path behind an OBJECT_ID guard rather than rewriting the
//     text to CREATE OR ALTER, which would change the stored definition.
//   - Encrypted modules cannot be scripted: a comment takes their place and
//     a warning (encrypted_module) is returned.
//   - Sequences that have been used are restarted at their current value and
//     that value is consumed once, so current_value and last_used_value of the
//     restored sequence equal the original's and the next value matches.
package ddl
