package catalog

// plainPermissionSteps are the plain reads of babelfish_plain_permissions.go.
func plainPermissionSteps() map[string]plainStep {
	return map[string]plainStep{"permissions": plainPermissionsIfAny}
}

// Babelfish 4.3's sys.database_permissions is always empty: its view is
// a row of constants WHERE FALSE (babelfishpg_tsql--4.3.0.sql), whatever
// GRANTs the database has. So readPermissions, whose joined query costs a
// new connection 0.8 s of parsing, returns no row on Babelfish, and the
// plain step only has to prove that with a plain look at the view.
//
// Should a later Babelfish fill the view, the joined query runs (only
// then). Its names come from functions that a join of this database's
// views would not repeat: on Babelfish 4.3 SCHEMA_NAME names the schema
// of any database (sys.schemas only this one's), COL_NAME the column of
// any database's table, and OBJECT_NAME and OBJECT_SCHEMA_NAME give NULL
// for an object the session may not SELECT or EXECUTE (babelfishpg_tsql's
// runtime/functions.c; probed). And with no row to compare them on, a
// join written here could not be checked against the server.

// plainPermission is what the joined query's filter reads of a
// sys.database_permissions row.
type plainPermission struct {
	Class     int
	MajorID   int64
	GranteeID int64
}

// readPermissionClasses are readPermissions' classes (its dp.class IN (...)):
// database, object or column, schema, type and XML schema collection.
var readPermissionClasses = map[int]bool{0: true, 1: true, 3: true, 6: true, 10: true}

// plainPermissionsIfAny runs readPermissions only when a row of
// sys.database_permissions passes its filter; none leaves r.Permissions
// nil, as the joined query's no rows do. The principals and objects the
// filter joins are read only when the view has a row, and both are read
// for the principals and objects steps anyway.
func plainPermissionsIfAny(p *plainCatalog, r *Rows) error {
	var d plainPermission
	q := selectFrom("database_permissions").col("class", nint{&d.Class}).col("major_id", nint64{&d.MajorID}).
		col("grantee_principal_id", nint64{&d.GranteeID})
	perms, err := readAll(p.ctx, p.q, q, &d)
	if err != nil || len(perms) == 0 {
		return err
	}
	principals, err := p.databasePrincipals()
	if err != nil {
		return err
	}
	objects, err := p.objectsByID()
	if err != nil {
		return err
	}
	if !anyPermissionKept(perms, principals, objects) {
		return nil
	}
	r.Permissions, err = readPermissions(p.ctx, p.q)
	return err
}

// anyPermissionKept reports whether readPermissions' WHERE keeps a row of
// perms: its grantee is a principal (the JOIN) other than dbo, INFORMATION_SCHEMA
// and sys (1, 3, 4) and not internal (##), its class is one it reads, and a
// class-1 row's object is in sys.all_objects and not shipped. A NULL class
// or grantee, scanned as 0, may count where the query would not: then the
// joined query runs and finds nothing, which costs time, not rows.
func anyPermissionKept(perms []plainPermission, principals []plainPrincipal, objects map[int64]plainObject) bool {
	granteeOK := map[int64]bool{}
	for _, g := range principals {
		if g.PrincipalID != 1 && g.PrincipalID != 3 && g.PrincipalID != 4 && notInternal(g.Name) {
			granteeOK[g.PrincipalID] = true
		}
	}
	for _, d := range perms {
		if !granteeOK[d.GranteeID] || !readPermissionClasses[d.Class] {
			continue
		}
		if d.Class != 1 {
			return true
		}
		if o, ok := objects[d.MajorID]; ok && !o.IsMSShipped {
			return true
		}
	}
	return false
}
