package scripter

// Options choose what Dump scripts and how. The job envelope carries them as
// agent/protocol's own Options (converted field by field; a test there fails
// when a field here has no wire field). The fields are JSON-tagged for
// callers that store them, and the zero value of each field means "the
// default a user expects" wherever possible.
type Options struct {
	// NoData scripts schema only (mysqldump --no-data).
	NoData bool `json:"no_data,omitempty"`
	// NoCreateInfo scripts data only (mysqldump --no-create-info).
	NoCreateInfo bool `json:"no_create_info,omitempty"`
	// Where filters the rows of every dumped table (mysqldump --where).
	Where string `json:"where,omitempty"`
	// Tables limits the dump to these tables ("schema.table" or "table",
	// the latter meaning dbo.table). Empty means all tables.
	Tables []string `json:"tables,omitempty"`
	// IgnoreTables excludes these tables ("schema.table" or "table").
	IgnoreTables []string `json:"ignore_tables,omitempty"`
	// IncludeSchemas / ExcludeSchemas filter by schema name. An entry written
	// as /regexp/ is a regular expression, otherwise an exact name.
	IncludeSchemas []string `json:"include_schemas,omitempty"`
	ExcludeSchemas []string `json:"exclude_schemas,omitempty"`
	// IncludeTypes / ExcludeTypes filter by object type: table, view,
	// procedure, function, trigger, sequence, synonym, type, xml_schema_collection,
	// schema, role, user, default, rule. Exact names or /regexp/.
	IncludeTypes []string `json:"include_types,omitempty"`
	ExcludeTypes []string `json:"exclude_types,omitempty"`
	// IncludeObjects / ExcludeObjects filter by "schema.name", exact or /regexp/.
	IncludeObjects []string `json:"include_objects,omitempty"`
	ExcludeObjects []string `json:"exclude_objects,omitempty"`
	// AddDropTable precedes each CREATE with DROP ... IF EXISTS.
	AddDropTable bool `json:"add_drop_table,omitempty"`
	// IfNotExists guards each CREATE so the script can run over an existing schema.
	IfNotExists bool `json:"if_not_exists,omitempty"`
	// RowsPerInsert caps rows per INSERT statement (1..1000; 0 means 1000).
	RowsPerInsert int `json:"rows_per_insert,omitempty"`
	// MaxInsertBytes caps the bytes of one INSERT statement (0 means 1 MiB).
	MaxInsertBytes int `json:"max_insert_bytes,omitempty"`
	// SkipRoutines / SkipTriggers leave out procedures+functions / triggers.
	// Both are scripted by default: a backup should be complete.
	SkipRoutines bool `json:"skip_routines,omitempty"`
	SkipTriggers bool `json:"skip_triggers,omitempty"`
	// SkipExtendedProperties leaves out sp_addextendedproperty calls.
	SkipExtendedProperties bool `json:"skip_extended_properties,omitempty"`
	// Permissions adds roles, users, role memberships and GRANT/DENY (opt-in).
	Permissions bool `json:"permissions,omitempty"`
	// Format is "sql" (default) or "zip".
	Format string `json:"format,omitempty"`
	// Consistency is "snapshot" (fail if SNAPSHOT isolation is not allowed),
	// "auto" (default: snapshot when allowed, else warn and read committed),
	// or "none" (read committed, no warning).
	Consistency string `json:"consistency,omitempty"`
	// Jobs is how many connections read table data at once (mydumper's
	// --threads; 0 or 1: one). The script is byte-identical whatever Jobs
	// is. With more than one, Consistency decides what happens when the
	// connections cannot read one point in time (see Parallel).
	Jobs int `json:"jobs,omitempty"`
	// ChunkRows: with Jobs > 1, a table with more rows than this whose key
	// starts with an ascending integer is read in key ranges of about this
	// many rows (mydumper's --rows). 0: one range per job, of at least
	// 100,000 rows.
	ChunkRows int64 `json:"chunk_rows,omitempty"`
	// DumpDate adds a "-- Dump completed on" header line (off by default so
	// that unchanged databases give byte-identical dumps).
	DumpDate bool `json:"dump_date,omitempty"`

	// Progress, when set, is called as objects and rows are scripted. It never
	// travels in the envelope.
	Progress func(Progress) `json:"-"`
	// Layout, when set, receives the layout of a sql-format script (see
	// ZipFromScript).
	Layout *Layout `json:"-"`
	// Fleet, when set, shares the table data's parts with other readers
	// (see Fleet); the script stays byte-identical. It never travels: the
	// job asks for it with its own field.
	Fleet Fleet `json:"-"`
}

// Progress is a running count reported while Dump works.
type Progress struct {
	Objects int    `json:"objects"`
	Tables  int    `json:"tables"`
	Rows    int64  `json:"rows"`
	Bytes   int64  `json:"bytes"`
	Object  string `json:"object,omitempty"`
}

// Stats summarise a finished Dump.
type Stats struct {
	Objects  int              `json:"objects"`
	Tables   int              `json:"tables"`
	Rows     map[string]int64 `json:"rows,omitempty"`
	Bytes    int64            `json:"bytes"`
	Warnings []Warning        `json:"warnings,omitempty"`
}

// Warning records something skipped or approximated, with a stable code
// (for example "encrypted_module", "snapshot_unavailable").
type Warning struct {
	Code    string `json:"code"`
	Object  string `json:"object,omitempty"`
	Message string `json:"message"`
}
