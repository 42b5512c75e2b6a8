package model

// Object types: the names --include-types / --exclude-types take, and the
// folder names of the zip format. ddl and filter both name objects by them,
// so the two can never disagree on what a "procedure" is.
const (
	TypeTable               = "table"
	TypeView                = "view"
	TypeProcedure           = "procedure"
	TypeFunction            = "function"
	TypeTrigger             = "trigger"
	TypeSequence            = "sequence"
	TypeSynonym             = "synonym"
	TypeType                = "type" // alias types and table types
	TypeXMLSchemaCollection = "xml_schema_collection"
	TypeSchema              = "schema"
	TypeRole                = "role"
	TypeUser                = "user"
	TypeDefault             = "default" // stand-alone CREATE DEFAULT
	TypeRule                = "rule"    // CREATE RULE
)

// FilterTypes lists the object types a filter can name, in the order an
// error message lists them.
var FilterTypes = []string{TypeTable, TypeView, TypeProcedure, TypeFunction, TypeTrigger, TypeSequence, TypeSynonym,
	TypeType, TypeXMLSchemaCollection, TypeSchema, TypeRole, TypeUser, TypeDefault, TypeRule}

// ModuleType is the object type (TypeView, TypeProcedure, TypeFunction or
// TypeTrigger) of a module: from its Kind, else from its sys.objects
// TypeCode (a catalog row may carry only the code).
func ModuleType(m *Module) string {
	switch m.Kind {
	case KindView:
		return TypeView
	case KindProcedure:
		return TypeProcedure
	case KindFunction:
		return TypeFunction
	case KindTrigger:
		return TypeTrigger
	}
	switch m.TypeCode {
	case TypeCodeView:
		return TypeView
	case TypeCodeProcedure, TypeCodeCLRProcedure, TypeCodeExtendedProcedure, TypeCodeReplicationFilter:
		return TypeProcedure
	case TypeCodeTrigger, TypeCodeCLRTrigger:
		return TypeTrigger
	}
	return TypeFunction
}

// PrincipalType is the object type (TypeRole or TypeUser) of a database
// principal: database and application roles are roles, every kind of
// user or group is a user.
func PrincipalType(p *Principal) string {
	if p.Type == PrincipalRole || p.Type == PrincipalApplicationRole {
		return TypeRole
	}
	return TypeUser
}
