package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// permissionClasses are the securable classes whose permissions are
// scripted, by the model's name for them.
var permissionClasses = map[int]string{
	classDatabase:            "DATABASE",
	classObject:              "OBJECT",
	classSchema:              "SCHEMA",
	classType:                "TYPE",
	classXMLSchemaCollection: "XML_SCHEMA_COLLECTION",
}

// buildPermissions adds the GRANT / DENY rows on the database, schemas,
// objects (and their columns), types and XML schema collections. Other
// classes are left out with a warning; one whose securable has no schema
// name is dropped.
func (a *assembler) buildPermissions(db *model.Database) {
	for _, p := range a.rows.Permissions {
		class, ok := permissionClasses[p.Class]
		if !ok {
			a.warn(model.WarnPermissionSkipped, p.Grantee, "%s %s to %s (class %d) is not scripted", p.State, p.Permission, p.Grantee, p.Class)
			continue
		}
		perm := model.Permission{State: p.State, Permission: p.Permission, Class: class, Grantee: p.Grantee}
		switch p.Class {
		case classObject, classType, classXMLSchemaCollection:
			perm.Schema, perm.Object = p.MajorSchema, p.MajorName
			perm.Column = p.MinorName
		case classSchema:
			perm.Schema = p.MajorName
		}
		if p.Class != classDatabase && perm.Schema == "" {
			continue
		}
		db.Permissions = append(db.Permissions, perm)
	}
}
