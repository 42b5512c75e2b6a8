package filter

import "fmt"

// Spec is what a dump selects. Each list holds exact names and /regexp/
// patterns (matched anywhere unless anchored); field names match
// scripter.Options so that an error names the option the user set.
type Spec struct {
	// Tables limits the dump to these tables ("schema.table", or "table"
	// for dbo.table); empty means all. An exact entry that names no table
	// is an error at Apply.
	Tables       []string
	IgnoreTables []string
	// IncludeSchemas / ExcludeSchemas filter by schema name.
	IncludeSchemas, ExcludeSchemas []string
	// IncludeTypes / ExcludeTypes filter by object type (model.FilterTypes).
	IncludeTypes, ExcludeTypes []string
	// IncludeObjects / ExcludeObjects filter by "schema.name", or by the
	// one-part name of a schema or principal.
	IncludeObjects, ExcludeObjects []string
	// SkipRoutines leaves out procedures and functions, SkipTriggers every
	// trigger, SkipExtendedProperties every extended property.
	SkipRoutines, SkipTriggers, SkipExtendedProperties bool
	// Permissions keeps principals, role memberships and permissions;
	// without it they are left as they are (ddl does not script them).
	Permissions bool
}

// Error is a Spec entry Compile or Apply rejects. Option is the Spec field
// (and scripter.Options field) at fault.
type Error struct {
	Option  string
	Message string
	Err     error
}

func (e *Error) Error() string { return fmt.Sprintf("invalid %s: %s", e.Option, e.Message) }

func (e *Error) Unwrap() error { return e.Err }
