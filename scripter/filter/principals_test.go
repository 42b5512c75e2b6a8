package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func principalNames(ps []*model.Principal) []string {
	out := []string{}
	for _, p := range ps {
		out = append(out, p.Name)
	}
	return out
}

// security is two users, a role and a schema owned by one user, with a
// membership and a grant of each class.
func security() *model.Database {
	return &model.Database{
		Schemas:    []*model.Schema{{Name: "sales", Owner: "owner"}},
		Tables:     []*model.Table{{QName: in("sales", "Orders")}, {QName: dbo("Other")}},
		Principals: []*model.Principal{{Name: "owner", Type: "S"}, {Name: "app", Type: "S"}, {Name: "readers", Type: "R"}},
		RoleMembers: []model.RoleMember{{Role: "readers", Member: "app"}, {Role: "db_datareader", Member: "app"},
			{Role: "readers", Member: "public"}},
		Permissions: []model.Permission{
			{Class: "OBJECT", Schema: "sales", Object: "Orders", Permission: "SELECT", Grantee: "readers"},
			{Class: "OBJECT", Schema: "dbo", Object: "Other", Permission: "SELECT", Grantee: "app"},
			{Class: "SCHEMA", Schema: "sales", Permission: "SELECT", Grantee: "app"},
			{Class: "DATABASE", Permission: "CONNECT", Grantee: "app"},
		},
	}
}

func TestWithoutPermissionsPrincipalsAreLeftAsTheyAre(t *testing.T) {
	want := security()
	got := apply(t, Spec{ExcludeTypes: []string{model.TypeRole, model.TypeUser}}, security())
	equal(t, "principals", got.Principals, want.Principals)
	equal(t, "role members", got.RoleMembers, want.RoleMembers)
	equal(t, "permissions", got.Permissions, want.Permissions)
}

// A role left out takes its memberships and grants along; a schema owner
// stays, since CREATE SCHEMA names it; a grant follows its object.
func TestPrincipalsMembershipsAndGrantsFollowWhatIsKept(t *testing.T) {
	db := apply(t, Spec{Permissions: true, ExcludeTypes: []string{model.TypeUser}, ExcludeObjects: []string{"dbo.Other"}}, security())
	equal(t, "principals", principalNames(db.Principals), []string{"owner", "readers"})
	equal(t, "role members", db.RoleMembers, []model.RoleMember{{Role: "readers", Member: "public"}})
	equal(t, "permissions", db.Permissions, []model.Permission{
		{Class: "OBJECT", Schema: "sales", Object: "Orders", Permission: "SELECT", Grantee: "readers"}})
}

// A table list scripts no database-level grant: it is no table's.
func TestATableListKeepsOnlyTheGrantsOfKeptObjectsAndSchemas(t *testing.T) {
	db := apply(t, Spec{Permissions: true, Tables: []string{"sales.Orders"}}, security())
	equal(t, "principals", principalNames(db.Principals), []string{"owner", "app", "readers"})
	equal(t, "permissions", db.Permissions, []model.Permission{
		{Class: "OBJECT", Schema: "sales", Object: "Orders", Permission: "SELECT", Grantee: "readers"},
		{Class: "SCHEMA", Schema: "sales", Permission: "SELECT", Grantee: "app"},
	})
}
