package catalog

// Row structs: one per catalog query, fields named after the catalog
// columns. NULL text becomes "" unless the difference matters (then a
// pointer or an explicit Is... flag). Object ids appear only to join rows
// during assembly; the model never keeps them.

// Rows is everything the query layer read; Assemble turns it into a model.
type Rows struct {
	Server       *Server
	Objects      []ObjectRow
	Schemas      []SchemaRow
	Types        []TypeRow
	XMLSchemas   []XMLSchemaRow
	Sequences    []SequenceRow
	Synonyms     []SynonymRow
	Tables       []TableRow
	Columns      []ColumnRow
	Indexes      []IndexRow
	IndexColumns []IndexColumnRow
	ForeignKeys  []ForeignKeyRow
	FKColumns    []FKColumnRow
	Checks       []CheckRow
	Modules      []ModuleRow
	Triggers     []TriggerRow
	TriggerOrder []TriggerEventRow
	ExtProps     []ExtPropRow
	Principals   []PrincipalRow
	RoleMembers  []RoleMemberRow
	Permissions  []PermissionRow
	Dependencies []DependencyRow
	// Warnings are what reading found missing (catalog views this engine
	// lacks); Assemble returns them with its own.
	Warnings []Warning
}

// ObjectRow is one user object of sys.objects (tables, views, routines,
// constraints, triggers, synonyms, sequences, table-type tables).
type ObjectRow struct {
	ObjectID       int64
	Schema         string
	Name           string
	Type           string // sys.objects.type as read, char(2) so "U " (Assemble trims a copy): U, V, P, FN, IF, TF, TR, PK, UQ, F, C, D, SO, SN, TT ...
	ParentObjectID int64
}

// SchemaRow is one user schema.
type SchemaRow struct {
	SchemaID int64
	Name     string
	Owner    string
}

// TypeRow is one row of sys.types (system and user types alike, so that a
// column's user_type_id resolves to its name and base type).
type TypeRow struct {
	UserTypeID     int64
	SystemTypeID   int64
	Schema         string
	Name           string
	MaxLength      int
	Precision      int
	Scale          int
	IsNullable     bool
	IsUserDefined  bool
	IsAssemblyType bool
	IsTableType    bool
	// TypeTableObjectID is sys.table_types.type_table_object_id for a table
	// type: its columns and constraints hang off that object id.
	TypeTableObjectID int64
	// IsMemoryOptimized is sys.table_types.is_memory_optimized (2014+).
	IsMemoryOptimized bool
	// DefaultObjectID / RuleObjectID are the stand-alone default and rule
	// bound to an alias type (0 when none).
	DefaultObjectID int64
	RuleObjectID    int64
}

// XMLSchemaRow is one XML schema collection with its XML_SCHEMA_NAMESPACE text.
type XMLSchemaRow struct {
	CollectionID int64
	Schema       string
	Name         string
	Definition   string
}

// SequenceRow is one row of sys.sequences; numbers are decimal text.
type SequenceRow struct {
	Schema      string
	Name        string
	UserTypeID  int64
	Precision   int
	Scale       int
	Start       string
	Increment   string
	Min         string
	Max         string
	IsCycling   bool
	IsCached    bool
	CacheSize   *int
	Current     string
	IsExhausted bool
	LastUsed    bool
}

// SynonymRow is one row of sys.synonyms.
type SynonymRow struct {
	Schema string
	Name   string
	Target string
}

// TableRow is one user table of sys.tables.
type TableRow struct {
	ObjectID        int64
	Schema          string
	Name            string
	LockEscalation  string
	MemoryOptimized bool
	Durability      string
	TemporalType    int // 0 none, 1 history, 2 system-versioned
	HistoryTableID  int64
	RetentionPeriod int // -1 = infinite
	RetentionUnit   string
	IsNode          bool
	IsEdge          bool
	LedgerType      string // NON_LEDGER_TABLE, HISTORY_TABLE, UPDATABLE_LEDGER_TABLE, APPEND_ONLY_LEDGER_TABLE
	LedgerView      bool   // an internal ledger view or history: never scripted
	FileGroup       string
	TextImageOn     string
	Compression     string
	ChangeTracking  bool
	Partitioned     bool // on a partition scheme: scripted on the default filegroup (warning)
	IsExternal      bool // PolyBase external table: not scripted (warning)
	IsFileTable     bool // FileTable: not scripted (warning)
	// LedgerView*: a ledger table's ledger view and its ledger column names.
	LedgerViewSchema   string
	LedgerViewName     string
	LedgerTxColumn     string
	LedgerSeqColumn    string
	LedgerOpColumn     string
	LedgerOpDescColumn string
}

// ColumnRow is one column with its identity, computed, default and masking
// details joined in.
type ColumnRow struct {
	ObjectID        int64
	ColumnID        int
	Name            string
	UserTypeID      int64
	MaxLength       int
	Precision       int
	Scale           int
	Collation       string
	IsNullable      bool
	IsIdentity      bool
	IsComputed      bool
	IsSparse        bool
	IsColumnSet     bool
	IsRowGUIDCol    bool
	IsFileStream    bool
	XMLCollectionID int64
	IsXMLDocument   bool
	GeneratedAlways string // generated_always_type_desc: NOT_APPLICABLE, AS_ROW_START, ...
	IsHidden        bool
	GraphType       string // graph_type_desc
	// IsDroppedLedger is sys.columns.is_dropped_ledger_column: a column
	// dropped from a ledger table, kept hidden under a generated name.
	IsDroppedLedger  bool
	MaskingFunction  string
	IdentitySeed     string
	IdentityIncr     string
	IdentityLast     string
	IdentityNFR      bool
	ComputedDef      string
	ComputedPersist  bool
	DefaultName      string
	DefaultDef       string
	DefaultSysNamed  bool
	HasDefaultObject bool
	// DefaultObjectID is sys.columns.default_object_id: a DEFAULT
	// constraint or a bound stand-alone default; RuleObjectID is the bound
	// rule.
	DefaultObjectID int64
	RuleObjectID    int64
}

// IndexRow is one index (heaps excluded) with its constraint flags.
type IndexRow struct {
	ObjectID         int64
	IndexID          int
	Name             string
	Type             int // 1 clustered, 2 nonclustered, 3 xml, 4 spatial, 5 CCI, 6 NCCI, 7 hash
	IsUnique         bool
	IsPrimaryKey     bool
	IsUniqueCons     bool
	IgnoreDupKey     bool
	FillFactor       int
	IsPadded         bool
	IsDisabled       bool
	AllowRowLocks    bool
	AllowPageLocks   bool
	HasFilter        bool
	Filter           string
	FileGroup        string
	Partitioned      bool
	IsSystemNamed    bool
	NoRecompute      bool
	Compression      string
	BucketCount      int64
	XMLPrimaryName   string
	XMLSecondaryType string // VALUE, PATH, PROPERTY ("" for a primary XML index)
	// XMLIndexType is sys.xml_indexes.xml_index_type: 0 primary, 1
	// secondary, 2 selective, 3 secondary selective.
	XMLIndexType      int
	SpatialScheme     string // GEOMETRY_GRID, GEOGRAPHY_GRID, ..._AUTO_GRID
	SpatialBox        []string
	SpatialGrids      []string
	SpatialCellsPerOb int
}

// IndexColumnRow is one column of an index.
type IndexColumnRow struct {
	ObjectID      int64
	IndexID       int
	KeyOrdinal    int
	IndexColumnID int
	Name          string
	Descending    bool
	Included      bool
}

// ForeignKeyRow is one foreign key.
type ForeignKeyRow struct {
	ObjectID       int64
	ParentObjectID int64
	Name           string
	RefSchema      string
	RefName        string
	OnDelete       string // delete_referential_action_desc: NO_ACTION, CASCADE, SET_NULL, SET_DEFAULT
	OnUpdate       string
	NFR            bool
	Disabled       bool
	NotTrusted     bool
	IsSystemNamed  bool
}

// FKColumnRow is one column pair of a foreign key.
type FKColumnRow struct {
	ObjectID  int64 // constraint_object_id
	Ordinal   int
	Column    string
	RefColumn string
}

// CheckRow is one check constraint.
type CheckRow struct {
	ParentObjectID int64
	Name           string
	Definition     string
	Column         string // "" for a table-level check
	NFR            bool
	Disabled       bool
	NotTrusted     bool
	IsSystemNamed  bool
}

// ModuleRow is one view, procedure or function (CLR ones included, with no
// definition, so that they can be reported).
type ModuleRow struct {
	ObjectID     int64
	Schema       string
	Name         string
	Type         string
	Definition   *string
	AnsiNulls    bool
	QuotedIdent  bool
	SchemaBound  bool
	IsEncrypted  bool
	HasSQLModule bool
	ParentID     int64
}

// TriggerRow is one trigger: DML triggers (ParentClass 1) and database DDL
// triggers (ParentClass 0, which have no schema).
type TriggerRow struct {
	ObjectID    int64
	Name        string
	ParentClass int
	ParentID    int64
	Disabled    bool
	Definition  *string
	AnsiNulls   bool
	QuotedIdent bool
	IsEncrypted bool
	IsCLR       bool
}

// TriggerEventRow is one sys.trigger_events row marked first or last.
type TriggerEventRow struct {
	ObjectID int64
	Event    string
	IsFirst  bool
	IsLast   bool
}

// ExtPropRow is one sys.extended_properties row.
type ExtPropRow struct {
	Class   int
	MajorID int64
	MinorID int64
	// MajorSchema/MajorName name a schema (class 3), user (4), type (6) or
	// XML schema collection (10); MinorName a column (1), parameter (2) or
	// index (7). Objects (class 1, 2, 7) resolve through ObjectRow.
	MajorSchema string
	MajorName   string
	MinorName   string
	Name        string
	Value       string
	BaseType    string
	IsNull      bool
}

// PrincipalRow is one database user or role.
type PrincipalRow struct {
	PrincipalID   int64
	Name          string
	Type          string
	DefaultSchema string
	Login         string
	AuthType      string // authentication_type_desc: NONE, INSTANCE, DATABASE, WINDOWS, EXTERNAL
	OwnerID       int64
}

// RoleMemberRow is one role membership.
type RoleMemberRow struct {
	Role   string
	Member string
}

// PermissionRow is one sys.database_permissions row.
type PermissionRow struct {
	Class       int
	MajorID     int64
	MinorID     int64
	MajorSchema string // object, type or XML schema collection schema
	MajorName   string // object, schema, type or XML schema collection name
	MinorName   string // column of a column-level permission
	Permission  string
	State       string // GRANT, DENY, GRANT_WITH_GRANT_OPTION
	Grantee     string
}

// DependencyRow is one sys.sql_expression_dependencies row between objects
// of this database.
type DependencyRow struct {
	ReferencingID  int64
	ReferencedID   int64 // 0 when unresolved (deferred name resolution)
	ReferencedSch  string
	ReferencedName string
}
