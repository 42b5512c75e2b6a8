package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// The codes SQL Server's catalog views use, named once so that assembly
// reads as what it means ("a view", "an XML index") rather than as the
// catalog's letters and numbers. Only the codes assembly tests for are here;
// those the model carries on (Module.TypeCode, Principal.Type) are model's.

// sys.objects.type, trimmed (the column is char(2), so "U" arrives as "U ").
const (
	objectTable             = "U"
	objectView              = model.TypeCodeView
	objectProcedure         = model.TypeCodeProcedure
	objectCLRProcedure      = model.TypeCodeCLRProcedure
	objectExtendedProcedure = model.TypeCodeExtendedProcedure
	objectReplicationFilter = model.TypeCodeReplicationFilter
	objectScalarFunction    = "FN"
	objectInlineFunction    = "IF"
	objectTableFunction     = "TF"
	objectCLRScalarFunction = model.TypeCodeCLRScalarFunction
	objectCLRTableFunction  = model.TypeCodeCLRTableFunction
	objectCLRAggregate      = model.TypeCodeCLRAggregate
	objectSequence          = "SO"
	objectSynonym           = "SN"
	objectTableType         = "TT"
	objectPrimaryKey        = "PK"
	objectUniqueConstraint  = "UQ"
	objectForeignKey        = "F"
	objectCheck             = "C"
	objectDefault           = "D" // a DEFAULT constraint, or a stand-alone default when it has no parent
	objectRule              = "R"
	objectTrigger           = model.TypeCodeTrigger
	objectEdgeConstraint    = "EC"
)

// Securable classes: sys.extended_properties.class and
// sys.database_permissions.class share the numbering.
const (
	classDatabase            = 0
	classObject              = 1 // an object, or one of its columns (minor_id > 0)
	classParameter           = 2
	classSchema              = 3
	classPrincipal           = 4
	classType                = 6
	classIndex               = 7
	classXMLSchemaCollection = 10
)

// sys.triggers.parent_class: a database (DDL) trigger or a DML trigger on
// an object.
const triggerOnDatabase = 0

// sys.indexes.type.
const (
	indexClustered               = 1
	indexNonclustered            = 2
	indexXML                     = 3
	indexSpatial                 = 4
	indexClusteredColumnstore    = 5
	indexNonclusteredColumnstore = 6
	indexHash                    = 7
)

// sys.xml_indexes.xml_index_type of the selective XML indexes (0 and 1 are
// the primary and secondary XML indexes assembly scripts).
const (
	xmlIndexSelective          = 2
	xmlIndexSecondarySelective = 3
)

// sys.tables.temporal_type of a system-versioned table (1 is its history).
const temporalSystemVersioned = 2

// sys.tables.ledger_type_desc.
const (
	ledgerHistoryTable    = "HISTORY_TABLE"
	ledgerUpdatableTable  = "UPDATABLE_LEDGER_TABLE"
	ledgerAppendOnlyTable = "APPEND_ONLY_LEDGER_TABLE"
)

// systemTypeTimestamp is sys.types.system_type_id of rowversion/timestamp.
const systemTypeTimestamp = 189

// sys.database_principals.type, trimmed (model.Principal.Type carries them).
const (
	principalRole            = model.PrincipalRole
	principalApplicationRole = model.PrincipalApplicationRole
	principalSQLUser         = model.PrincipalSQLUser
)

// sys.database_principals.authentication_type_desc.
const (
	authNone     = "NONE"     // a user without login
	authDatabase = "DATABASE" // a contained user with a password
)

// principalDBO is the principal_id of dbo in every database.
const principalDBO = 1
