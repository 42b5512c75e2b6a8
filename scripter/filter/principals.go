package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyPrincipals keeps the users and roles the filter keeps and the
// owners of kept schemas (CREATE SCHEMA ... AUTHORIZATION needs them),
// then the memberships and permissions whose principals are kept or exist
// in every database, and whose object or schema is kept.
func (f *Filter) applyPrincipals(db *model.Database, k *kept) {
	owners := map[string]bool{}
	for _, s := range db.Schemas {
		owners[s.Owner] = true
	}
	db.Principals = slices.DeleteFunc(db.Principals, func(p *model.Principal) bool {
		return !owners[p.Name] && !(f.keepType(model.PrincipalType(p)) && f.keepName(p.Name))
	})
	names := map[string]bool{}
	for _, p := range db.Principals {
		names[p.Name] = true
	}
	member := func(name string) bool { return names[name] || model.IsBuiltinUser(name) }
	// A fixed role cannot be a member, only hold members and permissions.
	exists := func(name string) bool { return member(name) || model.IsFixedDatabaseRole(name) }
	db.RoleMembers = slices.DeleteFunc(db.RoleMembers, func(m model.RoleMember) bool {
		return !member(m.Member) || !exists(m.Role)
	})
	db.Permissions = slices.DeleteFunc(db.Permissions, func(p model.Permission) bool {
		return !exists(p.Grantee) || !f.keepSecurable(p, k)
	})
}

// keepSecurable decides a permission by what it is granted on.
func (f *Filter) keepSecurable(p model.Permission, k *kept) bool {
	switch p.Class {
	case "OBJECT", "TYPE", "XML_SCHEMA_COLLECTION":
		return k.objects[model.QName{Schema: p.Schema, Name: p.Object}]
	case "SCHEMA":
		return k.schemas[p.Schema]
	}
	return !f.tablesOnly
}
