package model

// IsFixedDatabaseRole reports the fixed database roles every database has
// (db_owner ... db_denydatawriter). A user role may also be named db_...,
// so the test is by exact name, never by prefix.
func IsFixedDatabaseRole(name string) bool {
	switch name {
	case "db_owner", "db_accessadmin", "db_securityadmin", "db_ddladmin", "db_backupoperator",
		"db_datareader", "db_datawriter", "db_denydatareader", "db_denydatawriter":
		return true
	}
	return false
}

// IsBuiltinUser reports the principals every database has besides the
// fixed roles (public, dbo, guest): a role membership or a permission
// naming one is valid whatever a filter keeps.
func IsBuiltinUser(name string) bool {
	switch name {
	case "public", "dbo", "guest":
		return true
	}
	return false
}
