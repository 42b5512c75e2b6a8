package catalog

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildPrincipals adds the database users and roles. dbo is left implicit
// where CREATE USER / CREATE ROLE default to it (a role's owner, a user's
// default schema); passwords cannot be read, so application roles and
// contained users are scripted without theirs, with a warning.
func (a *assembler) buildPrincipals(db *model.Database) {
	names := map[int64]string{principalDBO: "dbo"}
	for _, p := range a.rows.Principals {
		names[p.PrincipalID] = p.Name
	}
	for _, p := range a.rows.Principals {
		typ := strings.TrimSpace(p.Type)
		mp := &model.Principal{Name: p.Name, Type: typ, DefaultSchema: p.DefaultSchema}
		switch typ {
		case principalRole, principalApplicationRole:
			a.setRole(mp, p, names)
		default:
			a.setUser(mp, p)
		}
		db.Principals = append(db.Principals, mp)
	}
}

// setRole sets a role's owner (names holds every principal's name by id)
// and the default schema only an application role has.
func (a *assembler) setRole(mp *model.Principal, p PrincipalRow, names map[int64]string) {
	if p.OwnerID != 0 {
		mp.Owner = names[p.OwnerID]
		if mp.Owner == "dbo" {
			mp.Owner = ""
		}
	}
	mp.DefaultSchema = ""
	if mp.Type == principalApplicationRole {
		mp.DefaultSchema = p.DefaultSchema
		a.warn(model.WarnApplicationRolePassword, p.Name, "application role %s is scripted with a placeholder password: its password cannot be read", p.Name)
	}
}

// setUser sets how a user authenticates: through its login, or without one.
func (a *assembler) setUser(mp *model.Principal, p PrincipalRow) {
	switch {
	case p.AuthType == authNone && mp.Type == principalSQLUser:
		mp.WithoutLogin = true
	case p.AuthType == authDatabase:
		a.warn(model.WarnContainedUserPassword, p.Name, "contained user %s has a password that cannot be read; it is scripted without login", p.Name)
		mp.WithoutLogin = true
	default:
		mp.Login = p.Login
	}
	if mp.DefaultSchema == "dbo" {
		mp.DefaultSchema = ""
	}
}

// buildRoleMembers adds the role memberships as the catalog names them.
func (a *assembler) buildRoleMembers(db *model.Database) {
	for _, m := range a.rows.RoleMembers {
		db.RoleMembers = append(db.RoleMembers, model.RoleMember{Role: m.Role, Member: m.Member})
	}
}
