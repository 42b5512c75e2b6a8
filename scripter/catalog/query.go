package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
)

// Scope says which catalog families a dump reads: ReadScope reads only
// those its script can contain (ReadScope, ReadRowsScope).
type Scope struct {
	// Permissions reads principals, role members and permissions (opt-in,
	// like SSMS).
	Permissions bool
	// DataOnly reads what a data-only script (--no-create-info) uses: the
	// objects, schemas, types and XML schema collections (column types),
	// the tables with their columns, indexes and index columns (the
	// clustered key the rows are read in), and the foreign keys, CHECK
	// constraints and triggers (the switches around the rows). Sequences,
	// trigger orders, extended properties and permissions are not read.
	// Synonyms, modules and expression dependencies can change only the
	// order of the tables, and only when a table's default, computed
	// column or CHECK constraint names a schema-qualified object (a call to
	// a function); they are read then, so the script stays byte for byte
	// that of the full catalog.
	DataOnly bool
}

// ReadRows runs every catalog query inside q (the dump's snapshot
// transaction) and returns the raw rows. permissions selects principals,
// role members and permissions (opt-in, like SSMS).
func ReadRows(ctx context.Context, q Querier, s *Server, permissions bool) (*Rows, error) {
	return ReadRowsScope(ctx, q, s, Scope{Permissions: permissions})
}

// ReadRowsScope runs the catalog queries scope needs inside q. A step whose
// catalog views this engine lacks (Server.Lacks) is skipped with a
// warning; one that every dump needs fails with an error naming the view.
func ReadRowsScope(ctx context.Context, q Querier, s *Server, scope Scope) (*Rows, error) {
	return readRowsScope(ctx, q, s, scope, &plainCatalog{})
}

// readRowsScope is ReadRowsScope; on Babelfish its plain reads go through
// shared, which may hold views detection read already (ReadScope).
func readRowsScope(ctx context.Context, q Querier, s *Server, scope Scope, shared *plainCatalog) (*Rows, error) {
	r := &Rows{Server: s}
	q = forEngine(q, s)
	steps := readSteps(ctx, q, s, r, scope.Permissions && !scope.DataOnly)
	if s.readsPlain() {
		shared.ctx, shared.q, shared.s = ctx, q, s
		usePlainReads(shared, r, steps)
	}
	var deferred []readStep
	for _, step := range steps {
		if scope.DataOnly && step.use != forData {
			if step.use == forOrder {
				deferred = append(deferred, step)
			}
			continue
		}
		if err := r.run(s, step); err != nil {
			return nil, err
		}
	}
	if len(deferred) > 0 && namesQualifiedObjects(r) {
		for _, step := range deferred {
			if err := r.run(s, step); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// run reads one step, or warns that the engine lacks its views.
func (r *Rows) run(s *Server, step readStep) error {
	if missing := s.missingViews(step.views...); len(missing) > 0 {
		if step.essential {
			return fmt.Errorf("catalog: this engine has no %s, which every dump needs (to read %s)", strings.Join(missing, ", "), step.what)
		}
		r.Warnings = append(r.Warnings, Warning{Code: WarnEngineLacks, Object: strings.Join(missing, ", "),
			Message: fmt.Sprintf("this engine has no %s: %s are not in the script", strings.Join(missing, ", "), step.what)})
		return nil
	}
	return step.read()
}

// readSteps lists the catalog queries in the order they run.
func readSteps(ctx context.Context, q Querier, s *Server, r *Rows, permissions bool) []readStep {
	steps := []readStep{
		{"user objects", []string{"all_objects"}, true, forData, func() (e error) { r.Objects, e = readObjects(ctx, q); return }},
		{"schemas", []string{"schemas", "database_principals"}, true, forData, func() (e error) { r.Schemas, e = readSchemas(ctx, q); return }},
		{"types", []string{"types"}, true, forData, func() (e error) { r.Types, e = readTypes(ctx, q, s); return }},
		{"XML schema collections", []string{"xml_schema_collections"}, false, forData, func() (e error) { r.XMLSchemas, e = readXMLSchemas(ctx, q, s); return }},
		{"sequences", []string{"sequences"}, false, forDDL, func() (e error) { r.Sequences, e = readSequences(ctx, q, s); return }},
		{"synonyms", []string{"synonyms"}, false, forOrder, func() (e error) { r.Synonyms, e = readSynonyms(ctx, q); return }},
		{"tables", []string{"tables", "indexes", "data_spaces", "partitions"}, true, forData, func() (e error) { r.Tables, e = readTables(ctx, q, s); return }},
		{"columns", []string{"columns", "all_objects", "identity_columns", "computed_columns", "default_constraints"}, true, forData,
			func() (e error) { r.Columns, e = readColumns(ctx, q, s); return }},
		{"indexes", []string{"indexes", "all_objects", "data_spaces", "key_constraints", "stats", "partitions"}, false, forData,
			func() (e error) { r.Indexes, e = readIndexes(ctx, q, s); return }},
		{"index columns", []string{"index_columns", "columns", "all_objects"}, false, forData, func() (e error) { r.IndexColumns, e = readIndexColumns(ctx, q); return }},
		{"foreign keys", []string{"foreign_keys", "objects"}, false, forData, func() (e error) { r.ForeignKeys, e = readForeignKeys(ctx, q); return }},
		{"foreign key columns", []string{"foreign_key_columns", "columns"}, false, forData, func() (e error) { r.FKColumns, e = readFKColumns(ctx, q); return }},
		{"check constraints", []string{"check_constraints", "columns"}, false, forData, func() (e error) { r.Checks, e = readChecks(ctx, q); return }},
		{"views, routines, defaults and rules", []string{"objects", "sql_modules"}, false, forOrder, func() (e error) { r.Modules, e = readModules(ctx, q, s); return }},
		{"triggers", []string{"triggers", "sql_modules"}, false, forData, func() (e error) { r.Triggers, e = readTriggers(ctx, q); return }},
		{"trigger orders", []string{"trigger_events"}, false, forDDL, func() (e error) { r.TriggerOrder, e = readTriggerEvents(ctx, q); return }},
		{"extended properties", []string{"extended_properties", "types", "indexes"}, false, forDDL, func() (e error) { r.ExtProps, e = readExtProps(ctx, q, s); return }},
		{"dependencies", []string{"sql_expression_dependencies"}, false, forOrder, func() (e error) { r.Dependencies, e = readDependencies(ctx, q); return }},
	}
	if permissions {
		steps = append(steps,
			readStep{"principals", []string{"database_principals"}, false, forDDL, func() (e error) { r.Principals, e = readPrincipals(ctx, q, s); return }},
			readStep{"role memberships", []string{"database_role_members", "database_principals"}, false, forDDL,
				func() (e error) { r.RoleMembers, e = readRoleMembers(ctx, q); return }},
			readStep{"permissions", []string{"database_permissions", "database_principals", "all_objects"}, false, forDDL,
				func() (e error) { r.Permissions, e = readPermissions(ctx, q); return }},
		)
	}
	return steps
}

// readStep is one catalog query: what it reads (for messages), the sys
// views it needs, whether a dump is possible without it, and what uses it.
type readStep struct {
	what      string
	views     []string
	essential bool
	use       stepUse
	read      func() error
}

// stepUse says what part of a script a step's rows serve.
type stepUse int

const (
	// forDDL: only the DDL (not read for a data-only script).
	forDDL stepUse = iota
	// forData: the data section and its switches too.
	forData
	// forOrder: the DDL, and the order of the tables when a table's
	// expressions call a function (see Scope.DataOnly).
	forOrder
)

// namesQualifiedObjects reports whether a default, computed column or
// CHECK constraint may name a schema-qualified object: a "." between two
// name characters (as in dbo.f( or [dbo].[f]). It errs towards yes (a
// decimal like 1.5 does not count, a dot in a string literal does).
func namesQualifiedObjects(r *Rows) bool {
	for _, c := range r.Columns {
		if qualifiedName(c.DefaultDef) || qualifiedName(c.ComputedDef) {
			return true
		}
	}
	for _, c := range r.Checks {
		if qualifiedName(c.Definition) {
			return true
		}
	}
	return false
}

// qualifiedName reports whether expr has a "." after a name character or
// closing quote and before a name's first character or opening quote.
func qualifiedName(expr string) bool {
	for i := 1; i+1 < len(expr); i++ {
		if expr[i] != '.' {
			continue
		}
		before, after := expr[i-1], expr[i+1]
		if (isNameByte(before) || before == ']' || before == '"') &&
			(isNameByte(after) && !('0' <= after && after <= '9') || after == '[' || after == '"') {
			return true
		}
	}
	return false
}

// isNameByte reports whether b may be part of an unquoted name (every
// non-ASCII byte counts).
func isNameByte(b byte) bool {
	return b >= 0x80 || b == '_' || b == '@' || b == '#' || b == '$' ||
		'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// userObjects restricts sys.all_objects to what a user created. The reader
// lists objects from sys.all_objects rather than sys.objects: the user
// objects of the two are the same on SQL Server, and Babelfish lists the
// internal tables of table types (type TT) only in sys.all_objects.
const userObjects = `o.is_ms_shipped = 0`

func readObjects(ctx context.Context, q Querier) ([]ObjectRow, error) {
	return query(ctx, q, "sys.all_objects", `SELECT o.object_id, SCHEMA_NAME(o.schema_id), o.name, RTRIM(o.type), o.parent_object_id
FROM sys.all_objects AS o
WHERE `+userObjects+`
ORDER BY o.object_id`, func(rs *sql.Rows, r *ObjectRow) error {
		return rs.Scan(&r.ObjectID, nstr{&r.Schema}, &r.Name, &r.Type, &r.ParentObjectID)
	})
}

func readSchemas(ctx context.Context, q Querier) ([]SchemaRow, error) {
	// The built-in schemas are told by name and owner, not by id: on SQL
	// Server they are schema_id 1..4 (dbo, guest, INFORMATION_SCHEMA, sys)
	// and 16384 and up (one per fixed database role, named after and owned
	// by it), but Babelfish's schema ids are PostgreSQL OIDs.
	return query(ctx, q, "sys.schemas", `SELECT s.schema_id, s.name, p.name
FROM sys.schemas AS s
LEFT JOIN sys.database_principals AS p ON p.principal_id = s.principal_id
WHERE s.name NOT IN (N'dbo', N'guest', N'INFORMATION_SCHEMA', N'sys')
  AND NOT EXISTS (SELECT 1 FROM sys.database_principals AS r
    WHERE r.principal_id = s.principal_id AND r.is_fixed_role = 1 AND r.name = s.name)
ORDER BY s.name`, func(rs *sql.Rows, r *SchemaRow) error {
		return rs.Scan(&r.SchemaID, &r.Name, nstr{&r.Owner})
	})
}

func readTypes(ctx context.Context, q Querier, s *Server) ([]TypeRow, error) {
	// A memory-optimized table type (2014+) needs WITH (MEMORY_OPTIMIZED =
	// ON): without it its hash and inline indexes would not be valid.
	return query(ctx, q, "sys.types", `SELECT t.user_type_id, t.system_type_id, SCHEMA_NAME(t.schema_id), t.name,
  t.max_length, t.precision, t.scale, t.is_nullable, t.is_user_defined, t.is_assembly_type, t.is_table_type,
  tt.type_table_object_id,
  `+s.col("table_types", "is_memory_optimized", "tt.is_memory_optimized", "bit")+`,
  t.default_object_id, t.rule_object_id
FROM sys.types AS t
LEFT JOIN sys.table_types AS tt ON tt.user_type_id = t.user_type_id
ORDER BY t.user_type_id`, func(rs *sql.Rows, r *TypeRow) error {
		return rs.Scan(&r.UserTypeID, &r.SystemTypeID, nstr{&r.Schema}, &r.Name, &r.MaxLength, &r.Precision, &r.Scale,
			nbool{&r.IsNullable}, nbool{&r.IsUserDefined}, nbool{&r.IsAssemblyType}, nbool{&r.IsTableType}, nint64{&r.TypeTableObjectID},
			nbool{&r.IsMemoryOptimized}, nint64{&r.DefaultObjectID}, nint64{&r.RuleObjectID})
	})
}

func readXMLSchemas(ctx context.Context, q Querier, s *Server) ([]XMLSchemaRow, error) {
	// xml_collection_id 1 is the built-in sys collection. Without
	// XML_SCHEMA_NAMESPACE the definition stays empty, and assembly leaves
	// such a collection out with a warning.
	definition := "CAST(NULL AS nvarchar(max))"
	if s.HasFunction("XML_SCHEMA_NAMESPACE") {
		definition = "CONVERT(nvarchar(max), XML_SCHEMA_NAMESPACE(SCHEMA_NAME(x.schema_id), x.name))"
	}
	return query(ctx, q, "sys.xml_schema_collections", `SELECT x.xml_collection_id, SCHEMA_NAME(x.schema_id), x.name,
  `+definition+`
FROM sys.xml_schema_collections AS x
WHERE x.xml_collection_id > 1
ORDER BY x.xml_collection_id`, func(rs *sql.Rows, r *XMLSchemaRow) error {
		return rs.Scan(&r.CollectionID, &r.Schema, &r.Name, nstr{&r.Definition})
	})
}

func readSequences(ctx context.Context, q Querier, s *Server) ([]SequenceRow, error) {
	if s.Babelfish {
		return readBabelfishSequences(ctx, q)
	}
	lastUsed := s.col("sequences", "last_used_value",
		"CASE WHEN s.last_used_value IS NULL THEN 0 ELSE 1 END", "int")
	return query(ctx, q, "sys.sequences", `SELECT SCHEMA_NAME(s.schema_id), s.name, s.user_type_id, s.precision, s.scale,
  CONVERT(nvarchar(64), s.start_value), CONVERT(nvarchar(64), s.increment),
  CONVERT(nvarchar(64), s.minimum_value), CONVERT(nvarchar(64), s.maximum_value),
  s.is_cycling, s.is_cached, s.cache_size, CONVERT(nvarchar(64), s.current_value), s.is_exhausted,
  `+lastUsed+`
FROM sys.sequences AS s
ORDER BY s.object_id`, func(rs *sql.Rows, r *SequenceRow) error {
		return rs.Scan(&r.Schema, &r.Name, &r.UserTypeID, &r.Precision, &r.Scale, nstr{&r.Start}, nstr{&r.Increment},
			nstr{&r.Min}, nstr{&r.Max}, nbool{&r.IsCycling}, nbool{&r.IsCached}, nintptr{&r.CacheSize}, nstr{&r.Current},
			nbool{&r.IsExhausted}, nbool{&r.LastUsed})
	})
}

// readBabelfishSequences reads sequences where Babelfish keeps them: its
// sys.sequences is empty, its sequences are sys.objects of type SO with
// their settings in PostgreSQL's pg_sequence (and the last value handed out
// in pg_sequences, NULL until one is). The sequences PostgreSQL made for
// identity columns, owned by their column (pg_depend 'a' or 'i'), are not
// the user's.
func readBabelfishSequences(ctx context.Context, q Querier) ([]SequenceRow, error) {
	type row struct {
		SequenceRow
		cache int64
	}
	rows, err := query(ctx, q, "pg_catalog.pg_sequence", `SELECT SCHEMA_NAME(o.schema_id), o.name, CAST(sq.seqtypid AS int), t.precision, t.scale,
  CONVERT(nvarchar(64), CAST(sq.seqstart AS bigint)), CONVERT(nvarchar(64), CAST(sq.seqincrement AS bigint)),
  CONVERT(nvarchar(64), CAST(sq.seqmin AS bigint)), CONVERT(nvarchar(64), CAST(sq.seqmax AS bigint)),
  CAST(sq.seqcycle AS int), CAST(sq.seqcache AS bigint), CONVERT(nvarchar(64), CAST(ps.last_value AS bigint))
FROM sys.objects AS o
JOIN pg_catalog.pg_sequence AS sq ON sq.seqrelid = o.object_id
LEFT JOIN sys.types AS t ON t.user_type_id = CAST(sq.seqtypid AS int)
`+babelfishSequenceState("LEFT JOIN", "o")+`
WHERE o.type = 'SO' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend AS d
  WHERE d.classid = CAST(1259 AS int) AND d.objid = sq.seqrelid AND CAST(d.deptype AS varchar(1)) IN ('a', 'i'))
ORDER BY o.object_id`, func(rs *sql.Rows, r *row) error {
		return rs.Scan(&r.Schema, &r.Name, &r.UserTypeID, nint{&r.Precision}, nint{&r.Scale}, nstr{&r.Start}, nstr{&r.Increment},
			nstr{&r.Min}, nstr{&r.Max}, nbool{&r.IsCycling}, nint64{&r.cache}, nstr{&r.Current})
	})
	if err != nil {
		return nil, err
	}
	out := make([]SequenceRow, len(rows))
	for i, r := range rows {
		out[i] = r.SequenceRow
		out[i].LastUsed = r.Current != ""
		if !out[i].LastUsed {
			out[i].Current = out[i].Start
		}
		// PostgreSQL's cache of 1 (its "no cache") is read as the default
		// cache: Babelfish refuses NO CACHE, and a cache changes no value a
		// sequence hands out, only how many a crash may skip.
		out[i].IsCached = true
		if r.cache > 1 {
			n := int(r.cache)
			out[i].CacheSize = &n
		}
	}
	return out, nil
}

func readSynonyms(ctx context.Context, q Querier) ([]SynonymRow, error) {
	return query(ctx, q, "sys.synonyms", `SELECT SCHEMA_NAME(s.schema_id), s.name, s.base_object_name
FROM sys.synonyms AS s
ORDER BY s.object_id`, func(rs *sql.Rows, r *SynonymRow) error {
		return rs.Scan(&r.Schema, &r.Name, nstr{&r.Target})
	})
}

func readTables(ctx context.Context, q Querier, s *Server) ([]TableRow, error) {
	ct := "CAST(0 AS bit)"
	if s.HasView("change_tracking_tables") {
		ct = "CASE WHEN EXISTS (SELECT 1 FROM sys.change_tracking_tables AS ctt WHERE ctt.object_id = t.object_id) THEN 1 ELSE 0 END"
	}
	// Dropped ledger tables stay in sys.tables under a generated name; ledger
	// history tables are created by SQL Server with their ledger table.
	ledgerView := s.col("tables", "is_dropped_ledger_table", "t.is_dropped_ledger_table", "bit")
	// A ledger table's view and the names of its four ledger columns
	// (sys.columns.ledger_view_column_type 1..4 of the view, 2022+).
	ledgerViewNames := "CAST(NULL AS sysname), CAST(NULL AS sysname), CAST(NULL AS sysname), CAST(NULL AS sysname), CAST(NULL AS sysname), CAST(NULL AS sysname)"
	if s.Has("tables", "ledger_view_id") && s.Has("columns", "ledger_view_column_type") {
		lvCol := func(n int) string {
			return "(SELECT TOP (1) lc.name FROM sys.columns AS lc WHERE lc.object_id = t.ledger_view_id AND lc.ledger_view_column_type = " +
				strconv.Itoa(n) + " ORDER BY lc.column_id DESC)"
		}
		ledgerViewNames = "OBJECT_SCHEMA_NAME(t.ledger_view_id), OBJECT_NAME(t.ledger_view_id), " +
			lvCol(1) + ",\n  " + lvCol(2) + ",\n  " + lvCol(3) + ",\n  " + lvCol(4)
	}
	return query(ctx, q, "sys.tables", `SELECT t.object_id, SCHEMA_NAME(t.schema_id), t.name, t.lock_escalation_desc,
  `+s.col("tables", "is_memory_optimized", "t.is_memory_optimized", "bit")+`,
  `+s.col("tables", "durability_desc", "t.durability_desc", "nvarchar(60)")+`,
  `+s.col("tables", "temporal_type", "t.temporal_type", "tinyint")+`,
  `+s.col("tables", "history_table_id", "t.history_table_id", "int")+`,
  `+s.col("tables", "history_retention_period", "t.history_retention_period", "int")+`,
  `+s.col("tables", "history_retention_period_unit_desc", "t.history_retention_period_unit_desc", "nvarchar(60)")+`,
  `+s.col("tables", "is_node", "t.is_node", "bit")+`,
  `+s.col("tables", "is_edge", "t.is_edge", "bit")+`,
  `+s.col("tables", "ledger_type_desc", "t.ledger_type_desc", "nvarchar(60)")+`,
  `+ledgerView+`,
  ds.name, CASE WHEN ds.type = 'PS' THEN 1 ELSE 0 END, lds.name,
  `+dataCompression(s, "t.object_id", "IN (0, 1)")+`,
  `+ct+`,
  `+s.col("tables", "is_external", "t.is_external", "bit")+`,
  `+s.col("tables", "is_filetable", "t.is_filetable", "bit")+`,
  `+ledgerViewNames+`
FROM sys.tables AS t
LEFT JOIN sys.indexes AS i ON i.object_id = t.object_id AND i.index_id IN (0, 1)
LEFT JOIN sys.data_spaces AS ds ON ds.data_space_id = i.data_space_id
LEFT JOIN sys.data_spaces AS lds ON lds.data_space_id = t.lob_data_space_id
WHERE t.is_ms_shipped = 0
ORDER BY t.object_id`, func(rs *sql.Rows, r *TableRow) error {
		return rs.Scan(&r.ObjectID, &r.Schema, &r.Name, nstr{&r.LockEscalation}, nbool{&r.MemoryOptimized},
			nstr{&r.Durability}, nint{&r.TemporalType}, nint64{&r.HistoryTableID}, nint{&r.RetentionPeriod},
			nstr{&r.RetentionUnit}, nbool{&r.IsNode}, nbool{&r.IsEdge}, nstr{&r.LedgerType}, nbool{&r.LedgerView},
			nstr{&r.FileGroup}, nbool{&r.Partitioned}, nstr{&r.TextImageOn}, nstr{&r.Compression}, nbool{&r.ChangeTracking},
			nbool{&r.IsExternal}, nbool{&r.IsFileTable}, nstr{&r.LedgerViewSchema}, nstr{&r.LedgerViewName},
			nstr{&r.LedgerTxColumn}, nstr{&r.LedgerSeqColumn}, nstr{&r.LedgerOpColumn}, nstr{&r.LedgerOpDescColumn})
	})
}

func readColumns(ctx context.Context, q Querier, s *Server) ([]ColumnRow, error) {
	mask := "CAST(NULL AS nvarchar(4000))"
	maskJoin := ""
	if s.HasView("masked_columns") {
		mask = "mc.masking_function"
		maskJoin = "LEFT JOIN sys.masked_columns AS mc ON mc.object_id = c.object_id AND mc.column_id = c.column_id\n"
	}
	identity := `CONVERT(nvarchar(64), ic.seed_value), CONVERT(nvarchar(64), ic.increment_value),
  CONVERT(nvarchar(64), ic.last_value), ic.is_not_for_replication`
	identityJoin := "LEFT JOIN sys.identity_columns AS ic ON ic.object_id = c.object_id AND ic.column_id = c.column_id\n"
	if s.Babelfish {
		identity, identityJoin = babelfishIdentity, ""
	}
	return query(ctx, q, "sys.columns", `SELECT c.object_id, c.column_id, c.name, c.user_type_id, c.max_length, c.precision, c.scale,
  c.collation_name, c.is_nullable, c.is_identity, c.is_computed, c.is_sparse, c.is_column_set, c.is_rowguidcol,
  c.is_filestream, c.xml_collection_id, c.is_xml_document,
  `+s.col("columns", "generated_always_type_desc", "c.generated_always_type_desc", "nvarchar(60)")+`,
  `+s.col("columns", "is_hidden", "c.is_hidden", "bit")+`,
  `+s.col("columns", "graph_type_desc", "c.graph_type_desc", "nvarchar(60)")+`,
  `+s.col("columns", "is_dropped_ledger_column", "c.is_dropped_ledger_column", "bit")+`,
  `+mask+`,
  `+identity+`,
  cc.definition, cc.is_persisted,
  dc.name, dc.definition, dc.is_system_named, CASE WHEN c.default_object_id <> 0 THEN 1 ELSE 0 END,
  c.default_object_id, c.rule_object_id
FROM sys.columns AS c
JOIN sys.all_objects AS o ON o.object_id = c.object_id
`+identityJoin+`LEFT JOIN sys.computed_columns AS cc ON cc.object_id = c.object_id AND cc.column_id = c.column_id
LEFT JOIN sys.default_constraints AS dc ON dc.object_id = c.default_object_id
`+maskJoin+`WHERE o.type IN ('U', 'TT') AND o.is_ms_shipped = 0
ORDER BY c.object_id, c.column_id`, func(rs *sql.Rows, r *ColumnRow) error {
		// max_length, precision and scale are NULL on Babelfish for a
		// column of an alias type made with sp_addtype.
		return rs.Scan(&r.ObjectID, &r.ColumnID, &r.Name, &r.UserTypeID, nint{&r.MaxLength}, nint{&r.Precision}, nint{&r.Scale},
			nstr{&r.Collation}, nbool{&r.IsNullable}, nbool{&r.IsIdentity}, nbool{&r.IsComputed}, nbool{&r.IsSparse}, nbool{&r.IsColumnSet}, nbool{&r.IsRowGUIDCol},
			nbool{&r.IsFileStream}, nint64{&r.XMLCollectionID}, nbool{&r.IsXMLDocument},
			nstr{&r.GeneratedAlways}, nbool{&r.IsHidden}, nstr{&r.GraphType}, nbool{&r.IsDroppedLedger}, nstr{&r.MaskingFunction},
			nstr{&r.IdentitySeed}, nstr{&r.IdentityIncr}, nstr{&r.IdentityLast}, nbool{&r.IdentityNFR},
			nstr{&r.ComputedDef}, nbool{&r.ComputedPersist},
			nstr{&r.DefaultName}, nstr{&r.DefaultDef}, nbool{&r.DefaultSysNamed}, nbool{&r.HasDefaultObject},
			nint64{&r.DefaultObjectID}, nint64{&r.RuleObjectID})
	})
}

// babelfishSequenceState joins, to the sys.objects row alias of a
// sequence, pg_sequences (as ps): where PostgreSQL shows the last value a
// sequence handed out. It is found by the schema's PostgreSQL name, which
// sys.babelfish_namespace_ext maps from the T-SQL one.
func babelfishSequenceState(join, alias string) string {
	return join + " sys.babelfish_namespace_ext AS e ON e.dbid = DB_ID() AND e.orig_name = SCHEMA_NAME(" + alias + ".schema_id)\n" +
		join + " pg_catalog.pg_sequences AS ps ON ps.schemaname = e.nspname AND ps.sequencename = " + alias + ".name"
}

// babelfishIdentity reads an identity column's seed, increment and last
// value on Babelfish, whose sys.identity_columns gives NULL seed and
// increment outside dbo and can match one column more than once:
// IDENT_SEED and IDENT_INCR, and the last value of the sequence PostgreSQL
// keeps for the column (NULL until it has handed one out).
var babelfishIdentity = `CASE WHEN c.is_identity = 1 THEN CONVERT(nvarchar(64), IDENT_SEED(QUOTENAME(OBJECT_SCHEMA_NAME(c.object_id)) + N'.' + QUOTENAME(OBJECT_NAME(c.object_id)))) END,
  CASE WHEN c.is_identity = 1 THEN CONVERT(nvarchar(64), IDENT_INCR(QUOTENAME(OBJECT_SCHEMA_NAME(c.object_id)) + N'.' + QUOTENAME(OBJECT_NAME(c.object_id)))) END,
  (SELECT TOP (1) CONVERT(nvarchar(64), CAST(ps.last_value AS bigint))
   FROM pg_catalog.pg_depend AS d
   JOIN sys.objects AS so ON so.object_id = d.objid AND so.type = 'SO'
   ` + babelfishSequenceState("JOIN", "so") + `
   WHERE c.is_identity = 1 AND d.refobjid = c.object_id AND d.refobjsubid = c.column_id AND CAST(d.deptype AS varchar(1)) IN ('a', 'i')),
  CAST(0 AS bit)`

// dataCompression is the data_compression_desc of the first partition of
// the heap or index that index (a condition on p.index_id) picks of the
// object whose id is objectID. Babelfish's sys.partitions says 'NONE' for
// every partition (PostgreSQL compresses no table the SQL Server way),
// which the model reads as no compression, and the correlated subquery
// cost a third of a second per query there: NULL says the same.
func dataCompression(s *Server, objectID, index string) string {
	if s.Babelfish {
		return "CAST(NULL AS nvarchar(60))"
	}
	return "(SELECT TOP (1) p.data_compression_desc FROM sys.partitions AS p\n   WHERE p.object_id = " + objectID +
		" AND p.index_id " + index + " ORDER BY p.partition_number)"
}

// indexKindColumns selects what hash, XML and spatial indexes add (NULLs
// where the engine has no such view), with the joins that read it.
func indexKindColumns(s *Server) (bucket, xmlPrimary, xmlSecondary, xmlType, spatial, joins string) {
	bucket = "CAST(NULL AS bigint)"
	if s.HasView("hash_indexes") {
		bucket = "hi.bucket_count"
		joins += "LEFT JOIN sys.hash_indexes AS hi ON hi.object_id = i.object_id AND hi.index_id = i.index_id\n"
	}
	xmlPrimary, xmlSecondary, xmlType = "CAST(NULL AS sysname)", "CAST(NULL AS nvarchar(60))", "CAST(NULL AS tinyint)"
	if s.HasView("xml_indexes") {
		xmlPrimary = "(SELECT px.name FROM sys.indexes AS px WHERE px.object_id = xi.object_id AND px.index_id = xi.using_xml_index_id)"
		xmlSecondary = "xi.secondary_type_desc"
		// xml_index_type 2 and 3 are selective XML indexes, which a plain
		// CREATE [PRIMARY] XML INDEX would not reproduce.
		xmlType = s.col("xml_indexes", "xml_index_type", "xi.xml_index_type", "tinyint")
		joins += "LEFT JOIN sys.xml_indexes AS xi ON xi.object_id = i.object_id AND xi.index_id = i.index_id\n"
	}
	spatial = "CAST(NULL AS nvarchar(60)), CAST(NULL AS float), CAST(NULL AS float), CAST(NULL AS float), CAST(NULL AS float), " +
		"CAST(NULL AS nvarchar(60)), CAST(NULL AS nvarchar(60)), CAST(NULL AS nvarchar(60)), CAST(NULL AS nvarchar(60)), CAST(NULL AS int)"
	if s.HasView("spatial_index_tessellations") {
		spatial = "st.tessellation_scheme, st.bounding_box_xmin, st.bounding_box_ymin, st.bounding_box_xmax, st.bounding_box_ymax, " +
			"st.level_1_grid_desc, st.level_2_grid_desc, st.level_3_grid_desc, st.level_4_grid_desc, st.cells_per_object"
		joins += "LEFT JOIN sys.spatial_index_tessellations AS st ON st.object_id = i.object_id AND st.index_id = i.index_id\n"
	}
	return
}

func readIndexes(ctx context.Context, q Querier, s *Server) ([]IndexRow, error) {
	bucket, xmlPrimary, xmlSecondary, xmlType, spatial, joins := indexKindColumns(s)
	type row struct {
		IndexRow
		box   [4]sql.NullFloat64
		grids [4]string
	}
	rows, err := query(ctx, q, "sys.indexes", `SELECT i.object_id, i.index_id, i.name, i.type, i.is_unique, i.is_primary_key,
  i.is_unique_constraint, i.ignore_dup_key, i.fill_factor, i.is_padded, i.is_disabled, i.allow_row_locks,
  i.allow_page_locks, i.has_filter, i.filter_definition, ds.name, CASE WHEN ds.type = 'PS' THEN 1 ELSE 0 END,
  kc.is_system_named,
  stats.no_recompute,
  `+dataCompression(s, "i.object_id", "= i.index_id")+`,
  `+bucket+`, `+xmlPrimary+`, `+xmlSecondary+`, `+xmlType+`,
  `+spatial+`
FROM sys.indexes AS i
JOIN sys.all_objects AS o ON o.object_id = i.object_id
LEFT JOIN sys.data_spaces AS ds ON ds.data_space_id = i.data_space_id
LEFT JOIN sys.key_constraints AS kc ON kc.parent_object_id = i.object_id AND kc.unique_index_id = i.index_id
  AND kc.type IN ('PK', 'UQ')
LEFT JOIN sys.stats AS stats ON stats.object_id = i.object_id AND stats.stats_id = i.index_id
`+joins+`WHERE i.type > 0 AND i.is_hypothetical = 0 AND o.type IN ('U', 'TT', 'V') AND o.is_ms_shipped = 0
ORDER BY i.object_id, i.index_id`, func(rs *sql.Rows, r *row) error {
		return rs.Scan(&r.ObjectID, &r.IndexID, nstr{&r.Name}, &r.Type, nbool{&r.IsUnique}, nbool{&r.IsPrimaryKey},
			nbool{&r.IsUniqueCons}, nbool{&r.IgnoreDupKey}, &r.FillFactor, nbool{&r.IsPadded}, nbool{&r.IsDisabled}, nbool{&r.AllowRowLocks},
			nbool{&r.AllowPageLocks}, nbool{&r.HasFilter}, nstr{&r.Filter}, nstr{&r.FileGroup}, nbool{&r.Partitioned}, nbool{&r.IsSystemNamed},
			nbool{&r.NoRecompute}, nstr{&r.Compression}, nint64{&r.BucketCount}, nstr{&r.XMLPrimaryName},
			nstr{&r.XMLSecondaryType}, nint{&r.XMLIndexType}, nstr{&r.SpatialScheme}, &r.box[0], &r.box[1], &r.box[2], &r.box[3],
			nstr{&r.grids[0]}, nstr{&r.grids[1]}, nstr{&r.grids[2]}, nstr{&r.grids[3]}, nint{&r.SpatialCellsPerOb})
	})
	if err != nil {
		return nil, err
	}
	out := make([]IndexRow, len(rows))
	for i, r := range rows {
		out[i] = r.IndexRow
		if r.box[0].Valid {
			for _, f := range r.box {
				out[i].SpatialBox = append(out[i].SpatialBox, strconv.FormatFloat(f.Float64, 'g', -1, 64))
			}
		}
		for _, g := range r.grids {
			if g != "" {
				out[i].SpatialGrids = append(out[i].SpatialGrids, g)
			}
		}
	}
	return out, nil
}

func readIndexColumns(ctx context.Context, q Querier) ([]IndexColumnRow, error) {
	return query(ctx, q, "sys.index_columns", `SELECT ic.object_id, ic.index_id, ic.key_ordinal, ic.index_column_id, c.name,
  ic.is_descending_key, ic.is_included_column
FROM sys.index_columns AS ic
JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
JOIN sys.all_objects AS o ON o.object_id = ic.object_id
WHERE o.type IN ('U', 'TT', 'V') AND o.is_ms_shipped = 0
ORDER BY ic.object_id, ic.index_id, ic.key_ordinal, ic.index_column_id`, func(rs *sql.Rows, r *IndexColumnRow) error {
		return rs.Scan(&r.ObjectID, &r.IndexID, &r.KeyOrdinal, &r.IndexColumnID, &r.Name, nbool{&r.Descending}, nbool{&r.Included})
	})
}

func readForeignKeys(ctx context.Context, q Querier) ([]ForeignKeyRow, error) {
	return query(ctx, q, "sys.foreign_keys", `SELECT fk.object_id, fk.parent_object_id, fk.name,
  SCHEMA_NAME(rt.schema_id), rt.name, fk.delete_referential_action_desc, fk.update_referential_action_desc,
  fk.is_not_for_replication, fk.is_disabled, fk.is_not_trusted, fk.is_system_named
FROM sys.foreign_keys AS fk
JOIN sys.objects AS rt ON rt.object_id = fk.referenced_object_id
WHERE fk.is_ms_shipped = 0
ORDER BY fk.object_id`, func(rs *sql.Rows, r *ForeignKeyRow) error {
		return rs.Scan(&r.ObjectID, &r.ParentObjectID, &r.Name, &r.RefSchema, &r.RefName, nstr{&r.OnDelete},
			nstr{&r.OnUpdate}, nbool{&r.NFR}, nbool{&r.Disabled}, nbool{&r.NotTrusted}, nbool{&r.IsSystemNamed})
	})
}

func readFKColumns(ctx context.Context, q Querier) ([]FKColumnRow, error) {
	return query(ctx, q, "sys.foreign_key_columns", `SELECT fkc.constraint_object_id, fkc.constraint_column_id,
  pc.name, rc.name
FROM sys.foreign_key_columns AS fkc
JOIN sys.columns AS pc ON pc.object_id = fkc.parent_object_id AND pc.column_id = fkc.parent_column_id
JOIN sys.columns AS rc ON rc.object_id = fkc.referenced_object_id AND rc.column_id = fkc.referenced_column_id
ORDER BY fkc.constraint_object_id, fkc.constraint_column_id`, func(rs *sql.Rows, r *FKColumnRow) error {
		return rs.Scan(&r.ObjectID, &r.Ordinal, &r.Column, &r.RefColumn)
	})
}

func readChecks(ctx context.Context, q Querier) ([]CheckRow, error) {
	return query(ctx, q, "sys.check_constraints", `SELECT cc.parent_object_id, cc.name, cc.definition, c.name,
  cc.is_not_for_replication, cc.is_disabled, cc.is_not_trusted, cc.is_system_named
FROM sys.check_constraints AS cc
LEFT JOIN sys.columns AS c ON c.object_id = cc.parent_object_id AND c.column_id = cc.parent_column_id
WHERE cc.is_ms_shipped = 0
ORDER BY cc.parent_object_id, cc.object_id`, func(rs *sql.Rows, r *CheckRow) error {
		return rs.Scan(&r.ParentObjectID, &r.Name, nstr{&r.Definition}, nstr{&r.Column}, nbool{&r.NFR}, nbool{&r.Disabled},
			nbool{&r.NotTrusted}, nbool{&r.IsSystemNamed})
	})
}

func readModules(ctx context.Context, q Querier, s *Server) ([]ModuleRow, error) {
	// Stand-alone defaults (type D without a parent; DEFAULT constraints
	// have their table as parent) and rules (R) have their CREATE DEFAULT /
	// CREATE RULE text in sys.sql_modules too.
	// A ledger table's ledger view (2022+) is created by SQL Server with the
	// table (CREATE TABLE ... LEDGER = ON): scripting it again would fail
	// with "There is already an object named ...". Dropped ledger views
	// stay behind under generated names, like dropped ledger tables.
	ledgerViews := ""
	if s.Has("views", "ledger_view_type") && s.Has("views", "is_dropped_ledger_view") {
		ledgerViews = `
  AND NOT EXISTS (SELECT 1 FROM sys.views AS lv WHERE lv.object_id = o.object_id
    AND (lv.ledger_view_type <> 0 OR lv.is_dropped_ledger_view = 1))`
	}
	return query(ctx, q, "sys.sql_modules", `SELECT o.object_id, SCHEMA_NAME(o.schema_id), o.name, RTRIM(o.type), m.definition,
  m.uses_ansi_nulls, m.uses_quoted_identifier, m.is_schema_bound,
  CONVERT(bit, ISNULL(OBJECTPROPERTY(o.object_id, 'IsEncrypted'), 0)),
  CASE WHEN m.object_id IS NULL THEN 0 ELSE 1 END
FROM sys.objects AS o
LEFT JOIN sys.sql_modules AS m ON m.object_id = o.object_id
WHERE (o.type IN ('V', 'P', 'FN', 'IF', 'TF', 'PC', 'FS', 'FT', 'AF', 'RF', 'X', 'R')
    OR (o.type = 'D' AND o.parent_object_id = 0))
  AND o.is_ms_shipped = 0`+ledgerViews+`
ORDER BY o.object_id`, func(rs *sql.Rows, r *ModuleRow) error {
		return rs.Scan(&r.ObjectID, &r.Schema, &r.Name, &r.Type, nptr{&r.Definition}, nbool{&r.AnsiNulls},
			nbool{&r.QuotedIdent}, nbool{&r.SchemaBound}, nbool{&r.IsEncrypted}, nbool{&r.HasSQLModule})
	})
}

func readTriggers(ctx context.Context, q Querier) ([]TriggerRow, error) {
	return query(ctx, q, "sys.triggers", `SELECT t.object_id, t.name, t.parent_class, t.parent_id, t.is_disabled, m.definition,
  m.uses_ansi_nulls, m.uses_quoted_identifier,
  CONVERT(bit, ISNULL(OBJECTPROPERTY(t.object_id, 'IsEncrypted'), 0)),
  CASE WHEN t.type = 'TA' THEN 1 ELSE 0 END
FROM sys.triggers AS t
LEFT JOIN sys.sql_modules AS m ON m.object_id = t.object_id
WHERE t.is_ms_shipped = 0 AND t.parent_class IN (0, 1)
ORDER BY t.object_id`, func(rs *sql.Rows, r *TriggerRow) error {
		return rs.Scan(&r.ObjectID, &r.Name, &r.ParentClass, &r.ParentID, nbool{&r.Disabled}, nptr{&r.Definition},
			nbool{&r.AnsiNulls}, nbool{&r.QuotedIdent}, nbool{&r.IsEncrypted}, nbool{&r.IsCLR})
	})
}

func readTriggerEvents(ctx context.Context, q Querier) ([]TriggerEventRow, error) {
	return query(ctx, q, "sys.trigger_events", `SELECT te.object_id, te.type_desc, te.is_first, te.is_last
FROM sys.trigger_events AS te
WHERE te.is_first = 1 OR te.is_last = 1
ORDER BY te.object_id, te.type`, func(rs *sql.Rows, r *TriggerEventRow) error {
		return rs.Scan(&r.ObjectID, &r.Event, nbool{&r.IsFirst}, nbool{&r.IsLast})
	})
}

// extPropValue renders a sql_variant property value as text the DDL writer
// converts back to its base type without loss. CONVERT's default style 0
// keeps 6 digits of a float, 2 decimals of money and whole minutes of a
// datetime ("Jan  1 2024 12:00AM", read back by language); styles 3
// (float/real, every value distinct: 2016+ and Azure, else 2), 2 (money)
// and 126 (ISO 8601, language-neutral) keep every digit.
func extPropValue(s *Server) string {
	floatStyle := "2"
	if s.MajorVersion >= 13 || s.IsAzure() {
		floatStyle = "3"
	}
	return `CASE CONVERT(sysname, SQL_VARIANT_PROPERTY(ep.value, 'BaseType'))
    WHEN 'float' THEN CONVERT(nvarchar(max), CONVERT(float, ep.value), ` + floatStyle + `)
    WHEN 'real' THEN CONVERT(nvarchar(max), CONVERT(real, ep.value), ` + floatStyle + `)
    WHEN 'money' THEN CONVERT(nvarchar(max), CONVERT(money, ep.value), 2)
    WHEN 'smallmoney' THEN CONVERT(nvarchar(max), CONVERT(smallmoney, ep.value), 2)
    WHEN 'datetime' THEN CONVERT(nvarchar(max), CONVERT(datetime, ep.value), 126)
    WHEN 'smalldatetime' THEN CONVERT(nvarchar(max), CONVERT(smalldatetime, ep.value), 126)
    WHEN 'varbinary' THEN CONVERT(nvarchar(max), CONVERT(varbinary(8000), ep.value), 1)
    WHEN 'binary' THEN CONVERT(nvarchar(max), CONVERT(varbinary(8000), ep.value), 1)
    ELSE CONVERT(nvarchar(max), ep.value)
  END`
}

// parameterName names a procedure or function parameter (extended property
// class 2): sys.parameters where the engine has it, else
// sys.all_parameters (Babelfish has only that), else NULL, and the property
// is then left out.
func parameterName(s *Server) string {
	for _, view := range []string{"parameters", "all_parameters"} {
		if !s.Lacks(view) {
			return "(SELECT p.name FROM sys." + view + " AS p WHERE p.object_id = ep.major_id AND p.parameter_id = ep.minor_id)"
		}
	}
	return "CAST(NULL AS sysname)"
}

func readExtProps(ctx context.Context, q Querier, s *Server) ([]ExtPropRow, error) {
	return query(ctx, q, "sys.extended_properties", `SELECT ep.class, ep.major_id, ep.minor_id,
  CASE ep.class
    WHEN 6 THEN (SELECT SCHEMA_NAME(t.schema_id) FROM sys.types AS t WHERE t.user_type_id = ep.major_id)
    WHEN 10 THEN (SELECT SCHEMA_NAME(x.schema_id) FROM sys.xml_schema_collections AS x WHERE x.xml_collection_id = ep.major_id)
  END,
  CASE ep.class
    WHEN 3 THEN SCHEMA_NAME(ep.major_id)
    WHEN 4 THEN USER_NAME(ep.major_id)
    WHEN 6 THEN (SELECT t.name FROM sys.types AS t WHERE t.user_type_id = ep.major_id)
    WHEN 10 THEN (SELECT x.name FROM sys.xml_schema_collections AS x WHERE x.xml_collection_id = ep.major_id)
  END,
  CASE ep.class
    WHEN 1 THEN COL_NAME(ep.major_id, ep.minor_id)
    WHEN 2 THEN `+parameterName(s)+`
    WHEN 7 THEN (SELECT i.name FROM sys.indexes AS i WHERE i.object_id = ep.major_id AND i.index_id = ep.minor_id)
  END,
  ep.name,
  `+extPropValue(s)+`, CONVERT(nvarchar(128), SQL_VARIANT_PROPERTY(ep.value, 'BaseType')),
  CASE WHEN ep.value IS NULL THEN 1 ELSE 0 END
FROM sys.extended_properties AS ep
WHERE ep.class IN (0, 1, 2, 3, 4, 6, 7, 10)
ORDER BY ep.class, ep.major_id, ep.minor_id, ep.name`, func(rs *sql.Rows, r *ExtPropRow) error {
		return rs.Scan(&r.Class, &r.MajorID, &r.MinorID, nstr{&r.MajorSchema}, nstr{&r.MajorName}, nstr{&r.MinorName}, &r.Name, nstr{&r.Value}, nstr{&r.BaseType}, nbool{&r.IsNull})
	})
}

func readDependencies(ctx context.Context, q Querier) ([]DependencyRow, error) {
	return query(ctx, q, "sys.sql_expression_dependencies", `SELECT d.referencing_id, d.referenced_id,
  d.referenced_schema_name, d.referenced_entity_name
FROM sys.sql_expression_dependencies AS d
WHERE d.referencing_class = 1 AND d.referenced_class = 1
  AND d.referenced_server_name IS NULL AND d.referenced_database_name IS NULL
ORDER BY d.referencing_id, d.referenced_id, d.referenced_schema_name, d.referenced_entity_name`, func(rs *sql.Rows, r *DependencyRow) error {
		return rs.Scan(&r.ReferencingID, nint64{&r.ReferencedID}, nstr{&r.ReferencedSch}, nstr{&r.ReferencedName})
	})
}

func readPrincipals(ctx context.Context, q Querier, s *Server) ([]PrincipalRow, error) {
	// principal_id 0 is public, 1..4 are dbo, guest, INFORMATION_SCHEMA and
	// sys; fixed roles are is_fixed_role = 1.
	return query(ctx, q, "sys.database_principals", `SELECT p.principal_id, p.name, RTRIM(p.type), p.default_schema_name,
  SUSER_SNAME(p.sid),
  `+s.col("database_principals", "authentication_type_desc", "p.authentication_type_desc", "nvarchar(60)")+`,
  p.owning_principal_id
FROM sys.database_principals AS p
WHERE p.principal_id > 4 AND p.is_fixed_role = 0 AND p.type IN ('S', 'U', 'G', 'R', 'A', 'E', 'X')
  AND p.name NOT LIKE N'##%'
ORDER BY p.principal_id`, func(rs *sql.Rows, r *PrincipalRow) error {
		return rs.Scan(&r.PrincipalID, &r.Name, &r.Type, nstr{&r.DefaultSchema}, nstr{&r.Login}, nstr{&r.AuthType},
			nint64{&r.OwnerID})
	})
}

func readRoleMembers(ctx context.Context, q Querier) ([]RoleMemberRow, error) {
	return query(ctx, q, "sys.database_role_members", `SELECT r.name, m.name
FROM sys.database_role_members AS rm
JOIN sys.database_principals AS r ON r.principal_id = rm.role_principal_id
JOIN sys.database_principals AS m ON m.principal_id = rm.member_principal_id
WHERE m.principal_id > 4 AND m.name NOT LIKE N'##%'
ORDER BY r.principal_id, m.principal_id`, func(rs *sql.Rows, r *RoleMemberRow) error {
		return rs.Scan(&r.Role, &r.Member)
	})
}

func readPermissions(ctx context.Context, q Querier) ([]PermissionRow, error) {
	// Grants on system objects (negative ids, or is_ms_shipped) belong to
	// SQL Server, not to the database being dumped.
	return query(ctx, q, "sys.database_permissions", `SELECT dp.class, dp.major_id, dp.minor_id,
  CASE dp.class
    WHEN 1 THEN OBJECT_SCHEMA_NAME(dp.major_id)
    WHEN 6 THEN (SELECT SCHEMA_NAME(t.schema_id) FROM sys.types AS t WHERE t.user_type_id = dp.major_id)
    WHEN 10 THEN (SELECT SCHEMA_NAME(x.schema_id) FROM sys.xml_schema_collections AS x WHERE x.xml_collection_id = dp.major_id)
  END,
  CASE dp.class
    WHEN 1 THEN OBJECT_NAME(dp.major_id)
    WHEN 3 THEN SCHEMA_NAME(dp.major_id)
    WHEN 6 THEN (SELECT t.name FROM sys.types AS t WHERE t.user_type_id = dp.major_id)
    WHEN 10 THEN (SELECT x.name FROM sys.xml_schema_collections AS x WHERE x.xml_collection_id = dp.major_id)
  END,
  CASE WHEN dp.class = 1 AND dp.minor_id > 0 THEN COL_NAME(dp.major_id, dp.minor_id) END,
  dp.permission_name, dp.state_desc, g.name
FROM sys.database_permissions AS dp
JOIN sys.database_principals AS g ON g.principal_id = dp.grantee_principal_id
LEFT JOIN sys.all_objects AS o ON dp.class = 1 AND o.object_id = dp.major_id
WHERE dp.grantee_principal_id NOT IN (1, 3, 4) AND g.name NOT LIKE N'##%'
  AND (dp.class <> 1 OR (o.object_id IS NOT NULL AND o.is_ms_shipped = 0))
  AND dp.class IN (0, 1, 3, 6, 10)
ORDER BY dp.class, dp.major_id, dp.minor_id, dp.grantee_principal_id, dp.permission_name, dp.state_desc`, func(rs *sql.Rows, r *PermissionRow) error {
		return rs.Scan(&r.Class, &r.MajorID, &r.MinorID, nstr{&r.MajorSchema}, nstr{&r.MajorName}, nstr{&r.MinorName},
			&r.Permission, &r.State, &r.Grantee)
	})
}
