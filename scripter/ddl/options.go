package ddl

import "github.com/mssqldump/mssqldump/scripter/model"

// Options is the subset of scripter.Options the DDL writer honours. It is a
// separate type because package scripter imports ddl, not the other way
// round; scripter.Dump copies the fields across.
type Options struct {
	// AddDropTable drops every scripted object (IF EXISTS) at the top of
	// pre-data, in reverse restore order.
	AddDropTable bool
	// IfNotExists guards each CREATE so the script can run over an existing
	// schema.
	IfNotExists bool
	// Permissions scripts users, roles, role memberships and GRANT/DENY.
	Permissions bool
	// DataOnly is scripter's NoCreateInfo: the caller keeps only the
	// objects scripter's dataOnlyObject names around the data. Build then adds, for
	// each system-versioned table, a pre-data object that switches
	// versioning off and drops the period (so the exact period values and
	// the history rows can be inserted into the existing tables), and
	// scripts the post-data SYSTEM_VERSIONING objects guarded, since the
	// target's state is not the script's to know. It also adds the
	// constraint and trigger switches of dataonly_checks.go, so that rows
	// load whatever order cyclic FKs would need and no trigger fires.
	DataOnly bool
}

// Warning reports something skipped or approximated. scripter maps it to
// scripter.Warning field by field.
type Warning struct {
	Code    string `json:"code"`
	Object  string `json:"object,omitempty"`
	Message string `json:"message"`
}

// Warning codes the DDL writer reports (model holds the ones the catalog
// reader reports too).
const (
	WarnEncryptedModule    = "encrypted_module"
	WarnFKTargetNotDumped  = "fk_target_not_dumped"
	WarnSchemaOwnerOmitted = "schema_owner_omitted"
	WarnUnsafeIdentifier   = "unsafe_identifier"
	WarnPrincipalSkipped   = "principal_skipped"
	WarnLedgerTable        = "ledger_table"
	WarnGraphTable         = "graph_table"
	WarnCLRModule          = model.WarnCLRModule
	// WarnBoundDefault / WarnBoundRule: a stand-alone default or rule bound
	// where sp_bindefault / sp_bindrule cannot bind it again (a table
	// type's column, which inherits it from its alias type only when the
	// type was bound first), or bound to a default or rule not scripted.
	WarnBoundDefault = "bound_default"
	WarnBoundRule    = "bound_rule"
)

// Section is where an object goes in a restore.
type Section int

const (
	// PreData objects are created before any row is loaded.
	PreData Section = iota + 1
	// PostData objects are created after all rows are loaded.
	PostData
)

func (s Section) String() string {
	switch s {
	case PreData:
		return "pre-data"
	case PostData:
		return "post-data"
	}
	return "unknown"
}

// MarshalText makes Section readable in JSON restore-order listings.
func (s Section) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Object types, also used as folder names by the zip format.
const (
	TypeSettings            = "settings"
	TypeDrop                = "drop"
	TypeUser                = model.TypeUser
	TypeRole                = model.TypeRole
	TypeSchema              = model.TypeSchema
	TypeXMLSchemaCollection = model.TypeXMLSchemaCollection
	TypeAliasType           = model.TypeType
	TypeTableType           = "table_type"
	TypeSequence            = model.TypeSequence
	TypeTable               = model.TypeTable
	TypeSynonym             = model.TypeSynonym
	TypeView                = model.TypeView
	TypeFunction            = model.TypeFunction
	TypeProcedure           = model.TypeProcedure
	TypeUnique              = "unique"
	TypeIndex               = "index"
	TypeForeignKey          = "foreign_key"
	TypeCheck               = "check"
	TypeTrigger             = model.TypeTrigger
	TypeSystemVersioning    = "system_versioning"
	TypeVersioningOff       = "system_versioning_off"
	// Data-only scripts only: FK and CHECK constraints NOCHECK'ed and DML
	// triggers disabled before the rows, put back after them.
	TypeConstraintsOff   = "constraints_off"
	TypeConstraintsOn    = "constraints_on"
	TypeTriggersOff      = "triggers_off"
	TypeTriggersOn       = "triggers_on"
	TypeDefault          = model.TypeDefault // stand-alone CREATE DEFAULT
	TypeRule             = model.TypeRule    // CREATE RULE
	TypeBinding          = "binding"         // sp_bindefault / sp_bindrule calls
	TypeChangeTracking   = "change_tracking"
	TypeExtendedProperty = "extended_property"
	TypeRoleMember       = "role_member"
	TypePermission       = "permission"
)

// Object is one scriptable unit in restore order. Text is complete batches,
// each terminated by a "GO" line, so objects can be concatenated or stored
// one per file and run in order.
type Object struct {
	Type string `json:"type"`
	// QName names the object. For objects that belong to a table or view
	// (indexes, constraints, triggers) Schema is the parent's schema and
	// Parent names the parent; names of such objects are unique only per
	// parent.
	QName   model.QName `json:"qname"`
	Parent  model.QName `json:"parent,omitzero"`
	Section Section     `json:"section"`
	Text    string      `json:"-"`
}
