package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// principals creates users and roles (Options.Permissions). They come first
// in pre-data because schemas name their owners. Roles are created without
// an owner and handed over afterwards, so a role owned by another role does
// not depend on creation order.
func (b *builder) principals() []Object {
	ps := append([]*model.Principal(nil), b.db.Principals...)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Name < ps[j].Name })
	var users, roles []Object
	var owners strings.Builder
	for _, p := range ps {
		if builtinPrincipal(p.Name) {
			continue
		}
		var sb strings.Builder
		cond := "DATABASE_PRINCIPAL_ID(" + nlit(p.Name) + ") IS NULL"
		switch p.Type {
		case model.PrincipalRole:
			header(&sb, "ROLE", ident(p.Name))
			batch(&sb, b.guardKept(cond, "CREATE ROLE "+ident(p.Name)+";"))
			roles = append(roles, Object{Type: TypeRole, QName: model.QName{Name: p.Name}, Text: sb.String()})
			if p.Owner != "" && p.Owner != "dbo" {
				owners.WriteString("ALTER AUTHORIZATION ON ROLE::" + ident(p.Name) + " TO " + ident(p.Owner) + ";\n")
			}
			continue
		case model.PrincipalApplicationRole:
			b.warn(WarnPrincipalSkipped, p.Name, "application roles need a password, which cannot be read; not scripted")
			continue
		}
		stmt := "CREATE USER " + ident(p.Name)
		var with []string
		switch {
		case p.Type == model.PrincipalExternalUser || p.Type == model.PrincipalExternalGroup:
			stmt += " FROM EXTERNAL PROVIDER"
		case p.WithoutLogin || p.Login == "" && p.Type == model.PrincipalSQLUser:
			stmt += " WITHOUT LOGIN"
		case p.Login != "":
			stmt += " FOR LOGIN " + ident(p.Login)
		}
		if p.DefaultSchema != "" && p.DefaultSchema != "dbo" && p.Type != model.PrincipalWindowsGroup {
			with = append(with, "DEFAULT_SCHEMA = "+ident(p.DefaultSchema))
		}
		if len(with) > 0 {
			stmt += " WITH " + strings.Join(with, ", ")
		}
		header(&sb, "USER", ident(p.Name))
		batch(&sb, b.guardKept(cond, stmt+";"))
		users = append(users, Object{Type: TypeUser, QName: model.QName{Name: p.Name}, Text: sb.String()})
	}
	out := append(users, roles...)
	if owners.Len() > 0 {
		var sb strings.Builder
		header(&sb, "ROLE", "owners")
		batch(&sb, owners.String())
		out = append(out, Object{Type: TypeRole, QName: model.QName{Name: "owners"}, Text: sb.String()})
	}
	return out
}

func (b *builder) roleMembers() []Object {
	ms := append([]model.RoleMember(nil), b.db.RoleMembers...)
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Role != ms[j].Role {
			return ms[i].Role < ms[j].Role
		}
		return ms[i].Member < ms[j].Member
	})
	if len(ms) == 0 {
		return nil
	}
	var st strings.Builder
	for _, m := range ms {
		if m.Member == "dbo" {
			continue // dbo is implicitly db_owner
		}
		st.WriteString("ALTER ROLE " + ident(m.Role) + " ADD MEMBER " + ident(m.Member) + ";\n")
	}
	if st.Len() == 0 {
		return nil
	}
	var sb strings.Builder
	header(&sb, "ROLE MEMBERS", "")
	batch(&sb, st.String())
	return []Object{{Type: TypeRoleMember, QName: model.QName{Name: "role_members"}, Text: sb.String()}}
}

// permissionTarget renders the ON clause of a GRANT/DENY.
func permissionTarget(p model.Permission) string {
	switch p.Class {
	case "DATABASE", "":
		return ""
	case "SCHEMA":
		return " ON SCHEMA::" + ident(p.Schema)
	case "TYPE":
		return " ON TYPE::" + qn(model.QName{Schema: p.Schema, Name: p.Object})
	case "XML_SCHEMA_COLLECTION":
		return " ON XML SCHEMA COLLECTION::" + qn(model.QName{Schema: p.Schema, Name: p.Object})
	case "DATABASE_PRINCIPAL", "ROLE":
		return " ON ROLE::" + ident(p.Object)
	case "USER":
		return " ON USER::" + ident(p.Object)
	}
	s := " ON OBJECT::" + qn(model.QName{Schema: p.Schema, Name: p.Object})
	if p.Column != "" {
		s += " (" + ident(p.Column) + ")"
	}
	return s
}

func (b *builder) permissions() []Object {
	ps := append([]model.Permission(nil), b.db.Permissions...)
	key := func(p model.Permission) string {
		return strings.Join([]string{p.Class, p.Schema, p.Object, p.Column, p.Grantee, p.Permission, p.State}, "\x00")
	}
	sort.SliceStable(ps, func(i, j int) bool { return key(ps[i]) < key(ps[j]) })
	var st strings.Builder
	for _, p := range ps {
		if p.Grantee == "dbo" {
			continue
		}
		if p.Class == "OBJECT" || p.Class == "OBJECT_OR_COLUMN" {
			if _, ok := b.present[model.QName{Schema: p.Schema, Name: p.Object}]; !ok {
				continue // the object is not in this (filtered) dump
			}
		}
		verb, suffix := "GRANT", ""
		switch p.State {
		case "DENY", "D":
			verb = "DENY"
		case "GRANT_WITH_GRANT_OPTION", "W":
			suffix = " WITH GRANT OPTION"
		}
		st.WriteString(verb + " " + p.Permission + permissionTarget(p) + " TO " + ident(p.Grantee) + suffix + ";\n")
	}
	if st.Len() == 0 {
		return nil
	}
	var sb strings.Builder
	header(&sb, "PERMISSIONS", "")
	batch(&sb, st.String())
	return []Object{{Type: TypePermission, QName: model.QName{Name: "permissions"}, Text: sb.String()}}
}
