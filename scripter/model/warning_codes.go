package model

// Warning codes: the Code of what the catalog reader (scripter/catalog) and
// the DDL writer (scripter/ddl) report as left out or approximated. They
// live here, the one package both import, so that a code both emit is
// spelled once. Callers match on them, so they never change.
const (
	// WarnCLRModule: a CLR or extended procedure, function or trigger; its
	// assembly is not part of the dump.
	WarnCLRModule = "clr_module"
	// WarnCLRType: a CLR user-defined type, left out for the same reason.
	WarnCLRType = "clr_type"
	// WarnExternalTable: an external table (PolyBase), whose data source
	// and file format are outside the database's tables.
	WarnExternalTable = "external_table"
	// WarnFileTable: a FileTable, whose files live in FILESTREAM storage.
	WarnFileTable = "filetable"
	// WarnPartitionedTable: a partitioned table, scripted on the default
	// filegroup (partition functions and schemes are not scripted).
	WarnPartitionedTable = "partitioned_table"
	// WarnSelectiveXMLIndex: a selective XML index, whose promoted paths
	// are not read.
	WarnSelectiveXMLIndex = "selective_xml_index"
	// WarnExtendedPropertySkipped: an extended property on an object kind
	// sp_addextendedproperty cannot name.
	WarnExtendedPropertySkipped = "extended_property_skipped"
	// WarnPermissionSkipped: a permission on a securable class the model
	// does not carry.
	WarnPermissionSkipped = "permission_skipped"
	// WarnApplicationRolePassword: an application role, whose password
	// cannot be read.
	WarnApplicationRolePassword = "application_role_password"
	// WarnContainedUserPassword: a contained user with a password, which
	// cannot be read; it is scripted without login.
	WarnContainedUserPassword = "contained_user_password"
)
