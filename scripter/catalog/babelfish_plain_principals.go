package catalog

import (
	"cmp"
	"database/sql"
	"encoding/binary"
	"slices"
	"strings"
)

// The plain reads of principals and role memberships (plainModuleSteps).

// plainPrincipal is a row of sys.database_principals.
type plainPrincipal struct {
	PrincipalID   int64
	Name, Type    sql.NullString
	DefaultSchema string
	SID           []byte
	IsFixedRole   sql.NullBool
	AuthType      string
	OwnerID       int64
}

// databasePrincipals reads sys.database_principals whole (the principals
// and the role memberships steps both join it).
func (p *plainCatalog) databasePrincipals() ([]plainPrincipal, error) {
	return cached(p, "principals: sys.database_principals", func() ([]plainPrincipal, error) {
		var d plainPrincipal
		q := selectFrom("database_principals").col("principal_id", &d.PrincipalID).col("name", &d.Name).
			col("type", &d.Type).col("default_schema_name", nstr{&d.DefaultSchema}).col("sid", &d.SID).
			col("is_fixed_role", &d.IsFixedRole).gated(p.s, "authentication_type_desc", nstr{&d.AuthType}).
			col("owning_principal_id", nint64{&d.OwnerID})
		return readAll(p.ctx, p.q, q, &d)
	})
}

// userPrincipalTypes are the principal types readPrincipals reads.
var userPrincipalTypes = map[string]bool{"S": true, "U": true, "G": true, "R": true, "A": true, "E": true, "X": true}

// notInternal is "name NOT LIKE N'##%'" (a NULL name is not).
func notInternal(name sql.NullString) bool {
	return name.Valid && !strings.HasPrefix(name.String, "##")
}

// isUserPrincipal is readPrincipals' filter.
func isUserPrincipal(d plainPrincipal) bool {
	return d.PrincipalID > 4 && d.IsFixedRole.Valid && !d.IsFixedRole.Bool && d.Type.Valid &&
		userPrincipalTypes[trimType(d.Type.String)] && notInternal(d.Name)
}

// plainPrincipals is readPrincipals with plain reads. SUSER_SNAME(sid) is
// what Babelfish's suser_name does with the login's oid the sid holds: the
// role of that oid, if it is a login, by its original name (pg_roles and
// babelfish_authid_login_ext, read only when a principal has a sid). A sid
// that holds no 4-byte oid, or 0 (which SUSER_SNAME takes for the
// session's login), makes the joined query run instead.
func plainPrincipals(p *plainCatalog, r *Rows) error {
	all, err := p.databasePrincipals()
	if err != nil {
		return err
	}
	users := slices.DeleteFunc(slices.Clone(all), func(d plainPrincipal) bool { return !isUserPrincipal(d) })
	var logins loginNames
	if slices.ContainsFunc(users, func(d plainPrincipal) bool { return d.SID != nil }) {
		if logins, err = p.loginNames(); err != nil {
			return err
		}
	}
	out, ok := principalRows(users, logins)
	if !ok {
		r.Principals, err = readPrincipals(p.ctx, p.q, p.s)
		return err
	}
	r.Principals = out
	return nil
}

// loginNames is what SUSER_SNAME reads: each role's name by oid, and each
// login's original name by role name.
type loginNames struct {
	roles  map[uint32]string
	logins map[string]string
}

func (p *plainCatalog) loginNames() (loginNames, error) {
	l := loginNames{roles: map[uint32]string{}, logins: map[string]string{}}
	var oid int64
	var name, orig string
	err := selectFromSchema("pg_catalog", "pg_roles").col("oid", &oid).col("rolname", &name).each(p.ctx, p.q, func() error {
		l.roles[uint32(oid)] = name
		return nil
	})
	if err != nil {
		return l, err
	}
	err = selectFrom("babelfish_authid_login_ext").col("rolname", &name).col("orig_loginname", nstr{&orig}).
		each(p.ctx, p.q, func() error {
			l.logins[name] = orig
			return nil
		})
	return l, err
}

// login is SUSER_SNAME(sid) ("" for NULL); ok is false for a sid it cannot
// reproduce.
func (l loginNames) login(sid []byte) (name string, ok bool) {
	if sid == nil {
		return "", true
	}
	if len(sid) != 4 {
		return "", false
	}
	oid := binary.BigEndian.Uint32(sid) // CAST(sid AS int), as Babelfish's view made it
	if oid == 0 {
		return "", false
	}
	role, found := l.roles[oid]
	if !found {
		return "", true
	}
	return l.logins[role], true // a role that is no login has no login name
}

// principalRows builds readPrincipals' rows from the principals it keeps,
// in principal_id order.
func principalRows(users []plainPrincipal, logins loginNames) ([]PrincipalRow, bool) {
	users = slices.Clone(users)
	slices.SortStableFunc(users, func(a, b plainPrincipal) int { return cmp.Compare(a.PrincipalID, b.PrincipalID) })
	var out []PrincipalRow
	for _, d := range users {
		login, ok := logins.login(d.SID)
		if !ok {
			return nil, false
		}
		out = append(out, PrincipalRow{PrincipalID: d.PrincipalID, Name: d.Name.String, Type: trimType(d.Type.String),
			DefaultSchema: d.DefaultSchema, Login: login, AuthType: d.AuthType, OwnerID: d.OwnerID})
	}
	return out, true
}

// plainRoleMember is a row of sys.database_role_members.
type plainRoleMember struct{ RoleID, MemberID int64 }

// plainRoleMembers is readRoleMembers with plain reads.
func plainRoleMembers(p *plainCatalog, r *Rows) error {
	var m plainRoleMember
	q := selectFrom("database_role_members").col("role_principal_id", nint64{&m.RoleID}).
		col("member_principal_id", nint64{&m.MemberID})
	members, err := readAll(p.ctx, p.q, q, &m)
	if err != nil || len(members) == 0 {
		return err
	}
	principals, err := p.databasePrincipals()
	if err != nil {
		return err
	}
	r.RoleMembers = joinRoleMembers(members, principals)
	return nil
}

// joinRoleMembers is readRoleMembers' join: each membership with its role
// and member (one row per match, as the JOINs give), of members that are
// neither built-in (principal_id 4 and below) nor internal (##), ordered
// by the role's and the member's principal_id.
func joinRoleMembers(members []plainRoleMember, principals []plainPrincipal) []RoleMemberRow {
	byID := groupBy(principals, func(d plainPrincipal) int64 { return d.PrincipalID })
	type keyed struct {
		role, member int64
		row          RoleMemberRow
	}
	var rows []keyed
	for _, rm := range members {
		for _, role := range byID[rm.RoleID] {
			for _, m := range byID[rm.MemberID] {
				if m.PrincipalID > 4 && notInternal(m.Name) {
					rows = append(rows, keyed{role.PrincipalID, m.PrincipalID, RoleMemberRow{Role: role.Name.String, Member: m.Name.String}})
				}
			}
		}
	}
	slices.SortStableFunc(rows, func(a, b keyed) int { return cmp.Or(cmp.Compare(a.role, b.role), cmp.Compare(a.member, b.member)) })
	var out []RoleMemberRow
	for _, k := range rows {
		out = append(out, k.row)
	}
	return out
}
