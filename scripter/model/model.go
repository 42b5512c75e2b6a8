// Package model is the in-memory description of a SQL Server database that
// the catalog reader (scripter/catalog) builds and the DDL writer
// (scripter/ddl) scripts. It holds no object ids as identity: objects refer to
// each other by schema-qualified name, because ids change on restore and the
// script must be the same bytes for the same database.
//
// Every type is plain data with JSON tags so that golden fixtures can be whole
// catalogs stored as JSON and scripted without a server.
package model

// QName is a schema-qualified object name.
type QName struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
}

// Database is the whole catalog of one database.
type Database struct {
	Name string `json:"name"`
	// Collation is the database default; columns with another collation
	// script a COLLATE clause.
	Collation          string `json:"collation,omitempty"`
	CompatibilityLevel int    `json:"compatibility_level,omitempty"`
	// SnapshotIsolation reports ALLOW_SNAPSHOT_ISOLATION (reader's concern,
	// kept for the header/warnings).
	SnapshotIsolation bool `json:"snapshot_isolation,omitempty"`

	Schemas              []*Schema              `json:"schemas,omitempty"`
	Types                []*UserType            `json:"types,omitempty"`
	TableTypes           []*TableType           `json:"table_types,omitempty"`
	XMLSchemaCollections []*XMLSchemaCollection `json:"xml_schema_collections,omitempty"`
	Sequences            []*Sequence            `json:"sequences,omitempty"`
	Synonyms             []*Synonym             `json:"synonyms,omitempty"`
	Tables               []*Table               `json:"tables,omitempty"`
	// Modules holds views, procedures and functions. DML triggers live on
	// their table (Table.Triggers); database DDL triggers are here with
	// Kind TRIGGER and no Parent.
	Modules []*Module `json:"modules,omitempty"`
	// Defaults and Rules are stand-alone CREATE DEFAULT / CREATE RULE
	// objects (Kind DEFAULT / RULE), bound with sp_bindefault / sp_bindrule
	// to columns (Column.BoundDefault, BoundRule) and alias types
	// (UserType.BoundDefault, BoundRule).
	Defaults []*Module `json:"defaults,omitempty"`
	Rules    []*Module `json:"rules,omitempty"`

	Principals         []*Principal        `json:"principals,omitempty"`
	RoleMembers        []RoleMember        `json:"role_members,omitempty"`
	Permissions        []Permission        `json:"permissions,omitempty"`
	ExtendedProperties []*ExtendedProperty `json:"extended_properties,omitempty"`
	// Dependencies are name-level edges from sys.sql_expression_dependencies
	// (and FKs are on the tables): Referencing needs Referenced to exist first.
	Dependencies []Dependency `json:"dependencies,omitempty"`
}

// Schema is a user schema (dbo and system schemas are not listed).
type Schema struct {
	Name  string `json:"name"`
	Owner string `json:"owner,omitempty"` // principal name; "" or "dbo" means default
}

// Type names a column, parameter or sequence type. For a system type Name is
// the type (int, nvarchar, ...). For an alias or CLR type Schema/Name name it
// and System is the base system type ("" for CLR types other than
// hierarchyid/geography/geometry, whose System is their own name).
type Type struct {
	Schema string `json:"schema,omitempty"` // set only for user-defined types
	Name   string `json:"name"`
	System string `json:"system,omitempty"` // base system type; equals Name for system types
	// MaxLength is sys.columns.max_length: bytes, -1 for (max). nvarchar(10)
	// has MaxLength 20.
	MaxLength   int  `json:"max_length,omitempty"`
	Precision   int  `json:"precision,omitempty"`
	Scale       int  `json:"scale,omitempty"`
	UserDefined bool `json:"user_defined,omitempty"`
	// XMLCollection is the schema-qualified XML schema collection of a typed
	// xml column; XMLDocument selects DOCUMENT over CONTENT.
	XMLCollection *QName `json:"xml_collection,omitempty"`
	XMLDocument   bool   `json:"xml_document,omitempty"`
}

// UserType is an alias type (CREATE TYPE ... FROM base).
type UserType struct {
	QName
	Base     Type `json:"base"`
	Nullable bool `json:"nullable"`
	// BoundDefault / BoundRule name the stand-alone default and rule bound
	// to the type (sys.types.default_object_id / rule_object_id).
	BoundDefault *QName `json:"bound_default,omitempty"`
	BoundRule    *QName `json:"bound_rule,omitempty"`
}

// TableType is a user-defined table type; its body is a table definition
// (columns, PK/UNIQUE, CHECK, defaults, indexes).
type TableType struct {
	QName
	Table *Table `json:"table"`
}

// XMLSchemaCollection holds the collection's text as XML_SCHEMA_NAMESPACE
// returns it.
type XMLSchemaCollection struct {
	QName
	Definition string `json:"definition"`
}

// Sequence is a SEQUENCE object. Numeric values are kept as decimal text so
// that bigint and decimal(38) sequences are exact.
type Sequence struct {
	QName
	Type      Type   `json:"type"`
	Start     string `json:"start"`
	Increment string `json:"increment"`
	Min       string `json:"min"`
	Max       string `json:"max"`
	Cycle     bool   `json:"cycle,omitempty"`
	// Cache: nil = default cache, 0 = NO CACHE, n = CACHE n.
	Cache *int `json:"cache,omitempty"`
	// Current is current_value; the script restarts the sequence there
	// (RESTART WITH the next value) unless Exhausted/never used.
	Current string `json:"current,omitempty"`
	// Exhausted is sys.sequences.is_exhausted.
	Exhausted bool `json:"exhausted,omitempty"`
	// LastUsed reports whether last_used_value is not NULL (a sequence never
	// used restarts at Start).
	LastUsed bool `json:"last_used,omitempty"`
}

// Synonym points at another object by its (up to 4-part) name.
type Synonym struct {
	QName
	Target string `json:"target"` // base_object_name, already bracket-quoted by SQL Server
}

// Table is a user table (or the body of a table type).
type Table struct {
	QName
	// ObjectID is the object_id the catalog read the table under (0 for a
	// table type's body): what the reader finds the server's row count of
	// the table by on Babelfish. It is not part of the script.
	ObjectID    int64         `json:"-"`
	Columns     []*Column     `json:"columns"`
	PrimaryKey  *Index        `json:"primary_key,omitempty"`
	Uniques     []*Index      `json:"uniques,omitempty"` // UNIQUE constraints
	Indexes     []*Index      `json:"indexes,omitempty"` // other indexes (incl. unique indexes)
	ForeignKeys []*ForeignKey `json:"foreign_keys,omitempty"`
	Checks      []*Check      `json:"checks,omitempty"`
	Triggers    []*Module     `json:"triggers,omitempty"`

	// Temporal is set on a system-versioned table.
	Temporal *Temporal `json:"temporal,omitempty"`
	// HistoryOf names the temporal table whose history this table is.
	HistoryOf *QName `json:"history_of,omitempty"`

	// Compression is the table's (heap/clustered index) data compression:
	// "", NONE, ROW, PAGE, COLUMNSTORE, COLUMNSTORE_ARCHIVE.
	Compression    string `json:"compression,omitempty"`
	LockEscalation string `json:"lock_escalation,omitempty"` // TABLE (default), AUTO, DISABLE
	FileGroup      string `json:"file_group,omitempty"`      // "" or PRIMARY: omitted
	TextImageOn    string `json:"text_image_on,omitempty"`
	// MemoryOptimized tables keep Durability (SCHEMA_AND_DATA / SCHEMA_ONLY).
	MemoryOptimized bool   `json:"memory_optimized,omitempty"`
	Durability      string `json:"durability,omitempty"`
	IsNode          bool   `json:"is_node,omitempty"` // graph node table
	IsEdge          bool   `json:"is_edge,omitempty"` // graph edge table
	// Ledger: "", UPDATABLE or APPEND_ONLY (SQL Server 2022+).
	Ledger string `json:"ledger,omitempty"`
	// LedgerView is the ledger view SQL Server created with a ledger table;
	// naming it (and its columns) in CREATE TABLE gives the restored table
	// the same view.
	LedgerView *LedgerView `json:"ledger_view,omitempty"`
	// LedgerHistory is the history table of an updatable ledger table,
	// created by SQL Server with it (SYSTEM_VERSIONING = ON (HISTORY_TABLE
	// = ...)); without the name SQL Server would make one up from the new
	// object id. LedgerRetention is its HISTORY_RETENTION_PERIOD ("" =
	// INFINITE).
	LedgerHistory   *QName `json:"ledger_history,omitempty"`
	LedgerRetention string `json:"ledger_retention,omitempty"`
	ChangeTracking  bool   `json:"change_tracking,omitempty"`
	// HasIdentity is true when a column is IDENTITY (data needs
	// SET IDENTITY_INSERT and a DBCC CHECKIDENT reseed).
	HasIdentity bool `json:"has_identity,omitempty"`
}

// LedgerView names a ledger table's ledger view and its four ledger columns
// (sys.columns.ledger_view_column_type 1..4 of the view).
type LedgerView struct {
	QName
	TransactionIDColumn     string `json:"transaction_id_column,omitempty"`
	SequenceNumberColumn    string `json:"sequence_number_column,omitempty"`
	OperationTypeColumn     string `json:"operation_type_column,omitempty"`
	OperationTypeDescColumn string `json:"operation_type_desc_column,omitempty"`
}

// Temporal describes SYSTEM_VERSIONING.
type Temporal struct {
	PeriodStart string `json:"period_start"`
	PeriodEnd   string `json:"period_end"`
	History     QName  `json:"history"`
	// RetentionPeriod like "6 MONTHS"; "" = INFINITE.
	RetentionPeriod string `json:"retention_period,omitempty"`
}

// Column is one table (or table type) column.
type Column struct {
	Name      string `json:"name"`
	Type      Type   `json:"type"`
	Collation string `json:"collation,omitempty"` // "" when the database default
	Nullable  bool   `json:"nullable"`

	Identity *Identity `json:"identity,omitempty"`
	Computed *Computed `json:"computed,omitempty"`
	Default  *Default  `json:"default,omitempty"`
	// BoundDefault / BoundRule name a stand-alone default or rule bound to
	// the column (sp_bindefault / sp_bindrule), directly or through its
	// alias type.
	BoundDefault *QName `json:"bound_default,omitempty"`
	BoundRule    *QName `json:"bound_rule,omitempty"`

	Sparse     bool `json:"sparse,omitempty"`
	ColumnSet  bool `json:"column_set,omitempty"` // xml COLUMN_SET FOR ALL_SPARSE_COLUMNS
	RowGUID    bool `json:"rowguidcol,omitempty"`
	FileStream bool `json:"filestream,omitempty"`
	// GeneratedAlways: "", "ROW START", "ROW END" and on 2022+
	// "TRANSACTION_ID START/END", "SEQUENCE_NUMBER START/END".
	GeneratedAlways string `json:"generated_always,omitempty"`
	Hidden          bool   `json:"hidden,omitempty"`
	// MaskingFunction is the dynamic data masking function, e.g. default().
	MaskingFunction string `json:"masking_function,omitempty"`
	// Rowversion columns (timestamp) and computed columns are never inserted.
	IsRowversion bool `json:"is_rowversion,omitempty"`
	// GraphType marks internal graph columns ($node_id, $from_id, ...), which
	// are never scripted as columns.
	GraphType string `json:"graph_type,omitempty"`
}

// Identity keeps seed and increment as decimal text (numeric identities).
type Identity struct {
	Seed              string `json:"seed"`
	Increment         string `json:"increment"`
	NotForReplication bool   `json:"not_for_replication,omitempty"`
	// LastValue is the current identity value ("" when none yet), used for
	// the DBCC CHECKIDENT reseed after data.
	LastValue string `json:"last_value,omitempty"`
}

// Computed is a computed column.
type Computed struct {
	Definition string `json:"definition"`
	Persisted  bool   `json:"persisted,omitempty"`
}

// Default is a DEFAULT constraint.
type Default struct {
	Name          string `json:"name"`
	Definition    string `json:"definition"`
	IsSystemNamed bool   `json:"is_system_named,omitempty"`
}

// IndexColumn is one key column of an index.
type IndexColumn struct {
	Name       string `json:"name"`
	Descending bool   `json:"descending,omitempty"`
}

// Index is an index, or the index behind a PRIMARY KEY / UNIQUE constraint.
type Index struct {
	Name string `json:"name"`
	// Kind: CLUSTERED, NONCLUSTERED, CLUSTERED COLUMNSTORE,
	// NONCLUSTERED COLUMNSTORE, XML, SPATIAL, HASH (memory-optimized).
	Kind               string        `json:"kind"`
	IsPrimaryKey       bool          `json:"is_primary_key,omitempty"`
	IsUniqueConstraint bool          `json:"is_unique_constraint,omitempty"`
	IsUnique           bool          `json:"is_unique,omitempty"`
	IsSystemNamed      bool          `json:"is_system_named,omitempty"`
	Columns            []IndexColumn `json:"columns,omitempty"`
	Included           []string      `json:"included,omitempty"`
	Filter             string        `json:"filter,omitempty"` // filter_definition
	FillFactor         int           `json:"fill_factor,omitempty"`
	PadIndex           bool          `json:"pad_index,omitempty"`
	IgnoreDupKey       bool          `json:"ignore_dup_key,omitempty"`
	NoRecompute        bool          `json:"no_recompute,omitempty"`
	// AllowRowLocks/AllowPageLocks are scripted only when false (the default is ON).
	DisallowRowLocks  bool   `json:"disallow_row_locks,omitempty"`
	DisallowPageLocks bool   `json:"disallow_page_locks,omitempty"`
	Compression       string `json:"compression,omitempty"` // NONE omitted
	FileGroup         string `json:"file_group,omitempty"`
	Disabled          bool   `json:"disabled,omitempty"`
	// XML index: Primary XML index name for a secondary one, and its FOR kind.
	XMLPrimary   string `json:"xml_primary,omitempty"`
	XMLSecondary string `json:"xml_secondary,omitempty"` // VALUE, PATH, PROPERTY
	// BucketCount for HASH indexes on memory-optimized tables.
	BucketCount int64 `json:"bucket_count,omitempty"`
	// Spatial tessellation options kept verbatim (USING ... WITH (...)).
	SpatialOptions string `json:"spatial_options,omitempty"`
}

// ForeignKey is a FOREIGN KEY constraint.
type ForeignKey struct {
	Name              string   `json:"name"`
	Columns           []string `json:"columns"`
	References        QName    `json:"references"`
	RefColumns        []string `json:"ref_columns"`
	OnDelete          string   `json:"on_delete,omitempty"` // NO ACTION omitted; CASCADE, SET NULL, SET DEFAULT
	OnUpdate          string   `json:"on_update,omitempty"`
	NotForReplication bool     `json:"not_for_replication,omitempty"`
	Disabled          bool     `json:"disabled,omitempty"`
	NotTrusted        bool     `json:"not_trusted,omitempty"`
	IsSystemNamed     bool     `json:"is_system_named,omitempty"`
}

// Check is a CHECK constraint.
type Check struct {
	Name              string `json:"name"`
	Definition        string `json:"definition"`
	Column            string `json:"column,omitempty"` // column-level check
	NotForReplication bool   `json:"not_for_replication,omitempty"`
	Disabled          bool   `json:"disabled,omitempty"`
	NotTrusted        bool   `json:"not_trusted,omitempty"`
	IsSystemNamed     bool   `json:"is_system_named,omitempty"`
}

// Module kinds.
const (
	KindView      = "VIEW"
	KindProcedure = "PROCEDURE"
	KindFunction  = "FUNCTION"
	KindTrigger   = "TRIGGER"
	KindDefault   = "DEFAULT" // stand-alone CREATE DEFAULT (Database.Defaults)
	KindRule      = "RULE"    // CREATE RULE (Database.Rules)
)

// Module is a view, procedure, function or trigger, scripted exactly as
// defined (sys.sql_modules.definition).
type Module struct {
	QName
	Kind string `json:"kind"`
	// TypeCode is sys.objects.type: V, P, FN, IF, TF, TR, PC, FS, FT, AF ...
	TypeCode string `json:"type_code"`
	// Definition is nil for encrypted modules (scripted as a warning).
	Definition           *string `json:"definition"`
	Encrypted            bool    `json:"encrypted,omitempty"`
	UsesAnsiNulls        bool    `json:"uses_ansi_nulls"`
	UsesQuotedIdentifier bool    `json:"uses_quoted_identifier"`
	SchemaBound          bool    `json:"schema_bound,omitempty"`
	// Parent is the table or view of a DML trigger; nil for a database
	// DDL trigger.
	Parent   *QName `json:"parent,omitempty"`
	Disabled bool   `json:"disabled,omitempty"` // triggers
	// Indexes of an indexed view (the clustered one first).
	Indexes []*Index `json:"indexes,omitempty"`
	// TriggerOrder: "FIRST"/"LAST" with the events, from sp_settriggerorder.
	TriggerOrder []TriggerOrder `json:"trigger_order,omitempty"`
}

// TriggerOrder is one sp_settriggerorder call.
type TriggerOrder struct {
	Order string `json:"order"` // First or Last
	Event string `json:"event"` // INSERT, UPDATE, DELETE
}

// Principal is a database user or role (Options.Permissions).
type Principal struct {
	Name string `json:"name"`
	// Type is sys.database_principals.type: S (SQL user), U (Windows
	// user), G (Windows group), R (role), A (application role), E/X (external).
	Type          string `json:"type"`
	DefaultSchema string `json:"default_schema,omitempty"`
	Login         string `json:"login,omitempty"` // mapped server login
	WithoutLogin  bool   `json:"without_login,omitempty"`
	Owner         string `json:"owner,omitempty"` // roles
}

// RoleMember is one role membership.
type RoleMember struct {
	Role   string `json:"role"`
	Member string `json:"member"`
}

// Permission is one row of sys.database_permissions.
type Permission struct {
	// State: GRANT, DENY, GRANT_WITH_GRANT_OPTION (REVOKE rows don't exist).
	State      string `json:"state"`
	Permission string `json:"permission"` // SELECT, EXECUTE, ...
	// Class: DATABASE, SCHEMA, OBJECT, TYPE, XML_SCHEMA_COLLECTION.
	Class   string `json:"class"`
	Schema  string `json:"schema,omitempty"`
	Object  string `json:"object,omitempty"`
	Column  string `json:"column,omitempty"`
	Grantee string `json:"grantee"`
}

// ExtendedProperty is one sp_addextendedproperty call: the level names
// follow the procedure's own @level0type.. @level2name arguments.
type ExtendedProperty struct {
	Name       string `json:"name"`
	Value      string `json:"value"`               // CONVERT(nvarchar(max), value); "" with IsNull
	BaseType   string `json:"base_type,omitempty"` // SQL_VARIANT_PROPERTY(value,'BaseType'); nvarchar omitted
	IsNull     bool   `json:"is_null,omitempty"`
	Level0Type string `json:"level0type,omitempty"` // SCHEMA, USER, ...
	Level0Name string `json:"level0name,omitempty"`
	Level1Type string `json:"level1type,omitempty"` // TABLE, VIEW, PROCEDURE, FUNCTION, TYPE, SEQUENCE, SYNONYM ...
	Level1Name string `json:"level1name,omitempty"`
	Level2Type string `json:"level2type,omitempty"` // COLUMN, CONSTRAINT, INDEX, TRIGGER, PARAMETER
	Level2Name string `json:"level2name,omitempty"`
}

// Dependency says Referencing needs Referenced to exist before it.
type Dependency struct {
	Referencing QName `json:"referencing"`
	Referenced  QName `json:"referenced"`
}
