// Package ddl turns a catalog model (scripter/model) into T-SQL. It is pure:
// model in, text out, no database, and the same model gives the same bytes
// whatever the order of the model's slices. Selection is not its concern:
// scripter/filter prunes the model first (Skip* options included), and ddl
// scripts every object it is given.
//
// The script is split like pg_dump's sections so that a restore never trips
// over cyclic foreign keys, triggers or constraints that would reject the
// data while it loads:
//
//   - pre-data: principals (only with Options.Permissions, because schema
//     owners must exist first), schemas, XML schema collections, stand-alone
//     defaults and rules (CREATE DEFAULT / CREATE RULE), alias types,
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
//     FOREIGN KEYs, CHECKs, sp_bindefault / sp_bindrule bindings, triggers
//     and their order, SYSTEM_VERSIONING, extended properties, role
//     memberships and permissions.
//
// Decisions a reader of the output should know:
//
//   - Restore order of tables, synonyms, functions, views and procedures
//     follows sys.sql_expression_dependencies (Database.Dependencies), FK
//     parents, synonym targets, the functions column defaults and computed
//     columns call, and the names module text references (textrefs.go:
//     plain, [bracketed] and "quoted" one-, two- and three-part names outside
//     comments and string literals, a three-part one only when it names the
//     dumped database, resolved case-insensitively in the module's schema
//     then dbo). The catalog misses references made before the object
//     existed and Babelfish keeps none; a name in text may be a column or
//     an alias spelled like an object. So edges have strengths: hard
//     (catalog, synonym target, a function a column calls), soft (FK
//     parents, schema-qualified names in text) and weak (one-part names in
//     text). A cycle is broken inside a cycle nothing else holds back,
//     releasing the smallest object that waits only on weak edges, else only
//     on weak and soft ones, else the smallest; the order never depends on
//     the order of the model's slices. What only dynamic SQL names is left to
//     the retry of sqlbatch.Restore.
//   - Temporal tables: the history table is an ordinary table in pre-data;
//     the current table is created with its period columns as plain columns
//     (no PERIOD, no GENERATED ALWAYS) so the data section can load the exact
//     period values into both tables. Post-data adds PERIOD FOR SYSTEM_TIME
//     (which makes the columns GENERATED ALWAYS again), restores HIDDEN and
//     turns SYSTEM_VERSIONING on with the history table named explicitly.
//     DataColumns therefore includes period columns.
//   - Options.DataOnly (scripter's --no-create-info) loads rows into tables
//     that already exist, where a system-versioned table refuses explicit
//     period values and history rows: a pre-data object per temporal table
//     switches SYSTEM_VERSIONING off and drops the period (each step only
//     if the existing table needs it), and the post-data SYSTEM_VERSIONING
//     object puts period, HIDDEN and versioning back, guarded the same way.
//     Around the rows it also switches off, per table, every FK and CHECK
//     constraint enabled in the source (NOCHECK) and every enabled DML
//     trigger (DISABLE), and after them switches each back on: WITH CHECK
//     CHECK for constraints trusted in the source, WITH NOCHECK CHECK for
//     enabled-but-untrusted ones, ENABLE TRIGGER, so rows load whatever
//     order cyclic FKs need, no trigger rewrites them, and the trust flags
//     end as they were (disabled ones are left alone).
//   - Ledger tables are created with their ledger view (and its column
//     names), their GENERATED ALWAYS ledger columns under their own names
//     and, when updatable, their history table named in SYSTEM_VERSIONING
//     = ON (HISTORY_TABLE = ...), so the restore has the same names rather
//     than ones SQL Server derives from new object ids. A temporal ledger
//     table keeps its PERIOD inline: versioning cannot be switched on later,
//     so its period values are regenerated (ledger_table warning).
//   - Stand-alone defaults and rules are bound after the data (a rule bound
//     then does not check the rows already loaded, as in the source): alias
//     types with futureonly, then each column as sys.columns reports it. A
//     table type's column cannot be bound, so a default or rule it inherited
//     from its alias type is reported (bound_default / bound_rule).
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
//     and SET QUOTED_IDENTIFIER matching the module, when every client sends
//     that batch byte for byte: LF line ends, no blank line, no white space
//     at either end, nothing sqlcmd interprets ("$(", a line it reads as a
//     command such as GO, a backslash before a quote, NUL). go-sqlcmd, for
//     one, drops blank lines and leading white space and joins lines with
//     LF, so other text (CRLF text from Windows tools is the common case) is
//     run through sp_executesql instead, built with one sqlcmd-safe
//     SET @definition += ... statement per line of the text (so a one-line
//     change to a module is a one-line change to the script), and the
//     stored definition is still exactly the original. IfNotExists uses the
//     same path behind an OBJECT_ID guard rather than rewriting the text to
//     CREATE OR ALTER, which would change the stored definition.
//   - Encrypted modules cannot be scripted: a comment takes their place and
//     a warning (encrypted_module) is returned.
//   - Identity: ReseedStatements, run after a table's rows, reseeds to the
//     source's last value (or last + increment when the restored table
//     received no rows, where SQL Server hands out the reseed value first).
//   - AddDropTable drops, at the top and in reverse restore order, every
//     object the script creates (never an encrypted module, which it could
//     not create again), after dropping every FK that references a dumped
//     table and switching system versioning off, so the script runs again
//     over the database it made. The FKs go in two steps: one guarded
//     ALTER TABLE ... DROP CONSTRAINT per FK the model knows of, then a
//     loop over sys.foreign_keys dropping one FK at a time for those from
//     tables outside the dump (an aggregating SELECT @v += ... may assign
//     only once). Views, schema-bound ones included, are dropped before the
//     tables they read.
//   - Permissions: users and roles are created at the start of pre-data
//     (schemas name their owners); role memberships and GRANT/DENY come at
//     the end of post-data. Without Permissions a schema owned by a
//     non-built-in principal is created owned by dbo, with a warning
//     (schema_owner_omitted), because that principal would not exist.
//   - Sequences that have been used are restarted at their current value and
//     that value is consumed once, so current_value and last_used_value of the
//     restored sequence equal the original's and the next value matches.
package ddl
