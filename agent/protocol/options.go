package protocol

import "github.com/mssqldump/mssqldump/scripter"

// Options is the wire form of scripter.Options in a Job: the same JSON
// names and shapes, but owned by the protocol, so that a change to the
// scripter's struct (a renamed field, a new JSON tag) cannot change
// protocol v1 without a change here. OptionsFrom and Scripter convert
// field by field; a test fails when the scripter gains a field this struct
// does not carry. Counts and Stats do the same for scripter.Progress and
// scripter.Stats.
type Options struct {
	NoData                 bool     `json:"no_data,omitempty"`
	NoCreateInfo           bool     `json:"no_create_info,omitempty"`
	Where                  string   `json:"where,omitempty"`
	Tables                 []string `json:"tables,omitempty"`
	IgnoreTables           []string `json:"ignore_tables,omitempty"`
	IncludeSchemas         []string `json:"include_schemas,omitempty"`
	ExcludeSchemas         []string `json:"exclude_schemas,omitempty"`
	IncludeTypes           []string `json:"include_types,omitempty"`
	ExcludeTypes           []string `json:"exclude_types,omitempty"`
	IncludeObjects         []string `json:"include_objects,omitempty"`
	ExcludeObjects         []string `json:"exclude_objects,omitempty"`
	AddDropTable           bool     `json:"add_drop_table,omitempty"`
	IfNotExists            bool     `json:"if_not_exists,omitempty"`
	RowsPerInsert          int      `json:"rows_per_insert,omitempty"`
	MaxInsertBytes         int      `json:"max_insert_bytes,omitempty"`
	SkipRoutines           bool     `json:"skip_routines,omitempty"`
	SkipTriggers           bool     `json:"skip_triggers,omitempty"`
	SkipExtendedProperties bool     `json:"skip_extended_properties,omitempty"`
	Permissions            bool     `json:"permissions,omitempty"`
	// Format is "sql" (default) or "zip"; Validate checks it.
	Format      string `json:"format,omitempty"`
	Consistency string `json:"consistency,omitempty"`
	// Jobs is how many connections the agent opens to read data.
	Jobs      int   `json:"jobs,omitempty"`
	ChunkRows int64 `json:"chunk_rows,omitempty"`
	DumpDate  bool  `json:"dump_date,omitempty"`
}

// OptionsFrom is the wire form of o. o.Progress, a callback, never travels.
func OptionsFrom(o scripter.Options) Options {
	return Options{
		NoData:                 o.NoData,
		NoCreateInfo:           o.NoCreateInfo,
		Where:                  o.Where,
		Tables:                 o.Tables,
		IgnoreTables:           o.IgnoreTables,
		IncludeSchemas:         o.IncludeSchemas,
		ExcludeSchemas:         o.ExcludeSchemas,
		IncludeTypes:           o.IncludeTypes,
		ExcludeTypes:           o.ExcludeTypes,
		IncludeObjects:         o.IncludeObjects,
		ExcludeObjects:         o.ExcludeObjects,
		AddDropTable:           o.AddDropTable,
		IfNotExists:            o.IfNotExists,
		RowsPerInsert:          o.RowsPerInsert,
		MaxInsertBytes:         o.MaxInsertBytes,
		SkipRoutines:           o.SkipRoutines,
		SkipTriggers:           o.SkipTriggers,
		SkipExtendedProperties: o.SkipExtendedProperties,
		Permissions:            o.Permissions,
		Format:                 o.Format,
		Consistency:            o.Consistency,
		Jobs:                   o.Jobs,
		ChunkRows:              o.ChunkRows,
		DumpDate:               o.DumpDate,
	}
}

// Scripter is the scripter.Options the job asks for, without a Progress
// callback (the agent sets its own).
func (o Options) Scripter() scripter.Options {
	return scripter.Options{
		NoData:                 o.NoData,
		NoCreateInfo:           o.NoCreateInfo,
		Where:                  o.Where,
		Tables:                 o.Tables,
		IgnoreTables:           o.IgnoreTables,
		IncludeSchemas:         o.IncludeSchemas,
		ExcludeSchemas:         o.ExcludeSchemas,
		IncludeTypes:           o.IncludeTypes,
		ExcludeTypes:           o.ExcludeTypes,
		IncludeObjects:         o.IncludeObjects,
		ExcludeObjects:         o.ExcludeObjects,
		AddDropTable:           o.AddDropTable,
		IfNotExists:            o.IfNotExists,
		RowsPerInsert:          o.RowsPerInsert,
		MaxInsertBytes:         o.MaxInsertBytes,
		SkipRoutines:           o.SkipRoutines,
		SkipTriggers:           o.SkipTriggers,
		SkipExtendedProperties: o.SkipExtendedProperties,
		Permissions:            o.Permissions,
		Format:                 o.Format,
		Consistency:            o.Consistency,
		Jobs:                   o.Jobs,
		ChunkRows:              o.ChunkRows,
		DumpDate:               o.DumpDate,
	}
}
