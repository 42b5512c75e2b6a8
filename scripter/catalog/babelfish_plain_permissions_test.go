package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"strings"
	"testing"
)

// permissionFixture is a database with dbo (1), public (2), guest (5), an
// internal principal (6), a user whose name is NULL (7) and two objects:
// a user table (100) and a shipped procedure (200).
func permissionFixture() ([]plainPrincipal, map[int64]plainObject) {
	name := func(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }
	principals := []plainPrincipal{{PrincipalID: 1, Name: name("dbo")}, {PrincipalID: 2, Name: name("public")},
		{PrincipalID: 5, Name: name("guest")}, {PrincipalID: 6, Name: name("##MS_Internal##")}, {PrincipalID: 7}}
	objects := map[int64]plainObject{100: {ObjectID: 100, Name: "t"}, 200: {ObjectID: 200, Name: "sp", IsMSShipped: true}}
	return principals, objects
}

func TestPlainPermissions_AGrantToAUserOnADatabaseSchemaTypeOrXMLSchemaCollectionIsKept(t *testing.T) {
	principals, objects := permissionFixture()
	for _, class := range []int{0, 3, 6, 10} {
		if !anyPermissionKept([]plainPermission{{Class: class, MajorID: 9, GranteeID: 5}}, principals, objects) {
			t.Errorf("class %d: not kept", class)
		}
	}
}

func TestPlainPermissions_AnObjectGrantIsKeptOnlyOnAnObjectOfThisDatabaseThatIsNotShipped(t *testing.T) {
	principals, objects := permissionFixture()
	for major, want := range map[int64]bool{100: true, 200: false, 300: false, -5: false} {
		if got := anyPermissionKept([]plainPermission{{Class: 1, MajorID: major, GranteeID: 2}}, principals, objects); got != want {
			t.Errorf("object %d: kept %v, want %v", major, got, want)
		}
	}
}

func TestPlainPermissions_BuiltInInternalUnnamedAndUnknownGranteesAndOtherClassesAreNotKept(t *testing.T) {
	principals, objects := permissionFixture()
	perms := []plainPermission{
		{Class: 0, GranteeID: 1}, {Class: 0, GranteeID: 3}, {Class: 0, GranteeID: 4}, // dbo, INFORMATION_SCHEMA, sys
		{Class: 0, GranteeID: 6}, {Class: 0, GranteeID: 7}, {Class: 0, GranteeID: 99}, // ##, NULL name, no principal
		{Class: 4, MajorID: 5, GranteeID: 5}, {Class: 25, MajorID: 1, GranteeID: 5}, // a user, a certificate
	}
	if anyPermissionKept(perms, principals, objects) {
		t.Error("kept a row readPermissions leaves out")
	}
	if !anyPermissionKept(append(perms, plainPermission{Class: 0, GranteeID: 5}), principals, objects) {
		t.Error("a kept row among the others was missed")
	}
}

const plainPermissionsQuery = "SELECT [class], [major_id], [grantee_principal_id] FROM sys.[database_permissions]"

// On Babelfish the joined query of the permissions, 0.8 s of parsing on a
// new connection, runs only when sys.database_permissions has a row it
// keeps (on Babelfish 4.3 the view never has a row); otherwise the step
// reads nothing more and leaves no rows, nil as the joined query does.
func TestPlainPermissions_TheJoinedQueryRunsOnlyForAPermissionItKeeps(t *testing.T) {
	for _, c := range []struct {
		name   string
		rows   [][]driver.Value
		reads  int // queries sent
		joined bool
	}{
		{"an empty view", nil, 1, false},
		{"a grant to dbo only", [][]driver.Value{{int64(0), int64(0), int64(1)}}, 1, false},
		{"a grant on a shipped object", [][]driver.Value{{int64(1), int64(200), int64(5)}}, 1, false},
		{"a grant to guest", [][]driver.Value{{int64(1), int64(200), int64(5)}, {int64(3), int64(1), int64(5)}}, 2, true},
	} {
		d := &answeringDriver{answers: map[string][][]driver.Value{plainPermissionsQuery: c.rows}}
		db := sql.OpenDB(d)
		principals, objects := permissionFixture()
		p := &plainCatalog{ctx: context.Background(), q: db, s: babelfishServer(),
			cache: map[string]any{"principals: sys.database_principals": principals, "objects by id": objects}}
		r := &Rows{}
		err := plainPermissionsIfAny(p, r)
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		joined := len(d.queries) == 2 && strings.Contains(d.queries[1], "FROM sys.database_permissions AS dp")
		if len(d.queries) != c.reads || joined != c.joined {
			t.Errorf("%s: queries %q; want %d, the joined query: %v", c.name, d.queries, c.reads, c.joined)
		}
		if c.joined && len(r.Permissions) != 1 || !c.joined && r.Permissions != nil {
			t.Errorf("%s: permissions %#v", c.name, r.Permissions)
		}
	}
}
