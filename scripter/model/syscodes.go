package model

// The sys.* codes the model carries as the catalog gives them, named once
// here, the package catalog, filter and ddl all import, so that no two of
// them spell a code differently.

// Module.TypeCode values (sys.objects.type, trimmed) that filter and ddl
// test.
const (
	TypeCodeView              = "V"
	TypeCodeProcedure         = "P"
	TypeCodeCLRProcedure      = "PC"
	TypeCodeExtendedProcedure = "X"
	TypeCodeReplicationFilter = "RF" // a replication-filter procedure
	TypeCodeCLRScalarFunction = "FS"
	TypeCodeCLRTableFunction  = "FT"
	TypeCodeCLRAggregate      = "AF"
	TypeCodeTrigger           = "TR"
	TypeCodeCLRTrigger        = "TA"
)

// Principal.Type values (sys.database_principals.type, trimmed).
const (
	PrincipalSQLUser         = "S"
	PrincipalWindowsGroup    = "G"
	PrincipalRole            = "R"
	PrincipalApplicationRole = "A"
	PrincipalExternalUser    = "E" // an Entra ID user
	PrincipalExternalGroup   = "X" // an Entra ID group
)
