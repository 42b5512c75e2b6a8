package catalog

import (
	"cmp"
	"database/sql"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
)

// plainModuleSteps are the plain reads of babelfish_plain_modules.go: the
// sequences, synonyms, modules, expression dependencies, principals and
// role memberships, and the look at sys.extended_properties that decides
// whether their joined query runs (babelfish_plain_extprops.go).
func plainModuleSteps() map[string]plainStep {
	return map[string]plainStep{
		"sequences":                           plainSequences,
		"synonyms":                            plainSynonyms,
		"views, routines, defaults and rules": plainModules,
		"dependencies":                        plainDependencies,
		"principals":                          plainPrincipals,
		"role memberships":                    plainRoleMembers,
		"extended properties":                 plainExtPropsIfAny,
	}
}

// sysObjects reads sys.objects whole, in object_id order. The modules and
// sequences are read from sys.objects, as the joined queries read them,
// not from sys.all_objects: on Babelfish 4.3 the two differ for user
// objects. sys.objects calls every function FN (its sys.procedures does),
// where sys.all_objects says IF or TF; it says is_ms_shipped = 0 for the
// procedures Babelfish ships in master_dbo and msdb_dbo; and it lists the
// sequences of the schemas in sys.schemas, not those of schema sys.
func (p *plainCatalog) sysObjects() ([]plainObject, error) {
	return cached(p, "modules: sys.objects", func() ([]plainObject, error) {
		var o plainObject
		q := selectFrom("objects").col("object_id", &o.ObjectID).col("schema_id", nint64{&o.SchemaID}).
			col("name", nstr{&o.Name}).col("type", nstr{&o.Type}).col("parent_object_id", nint64{&o.ParentObjectID}).
			col("is_ms_shipped", nbool{&o.IsMSShipped})
		out, err := readAll(p.ctx, p.q, q, &o)
		slices.SortStableFunc(out, func(a, b plainObject) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
		return out, err
	})
}

// schemaName is what SCHEMA_NAME returns for id. Babelfish's SCHEMA_NAME
// gives any PostgreSQL schema's T-SQL name, sys.schemas only this
// database's; the views, procedures and sequences of sys.objects all join
// sys.schemas, so the two agree on their schema_ids.
func schemaName(names map[int64]string, id int64) string { return names[id] }

// ---- sequences ----

// typeSize is a sys.types row's precision and scale.
type typeSize struct{ Precision, Scale int }

// sequenceSources is what the sequences step joins.
type sequenceSources struct {
	objects    []plainObject                    // sys.objects, object_id order
	sequences  []pgSequence                     // pg_catalog.pg_sequence
	owned      map[int64]bool                   // sequences a column owns (identity), by relid
	types      map[int64]typeSize               // sys.types by user_type_id
	schemas    map[int64]string                 // SCHEMA_NAME by schema_id
	namespaces map[int64]string                 // pg_namespace.nspname by oid
	lastValues map[pgSequenceName]sql.NullInt64 // pg_sequences.last_value
}

// plainSequences is readBabelfishSequences with plain reads.
func plainSequences(p *plainCatalog, r *Rows) error {
	src, err := p.sequenceSources()
	if err != nil {
		return err
	}
	r.Sequences = joinSequences(src)
	return nil
}

// sequenceSources reads the views the sequences step joins. pg_depend is
// read only when a sequence is found, and pg_sequences, pg_namespace and
// sys.types only for a sequence that is no identity's.
func (p *plainCatalog) sequenceSources() (sequenceSources, error) {
	var src sequenceSources
	var err error
	if src.objects, err = p.sysObjects(); err != nil {
		return src, err
	}
	if !slices.ContainsFunc(src.objects, func(o plainObject) bool { return trimType(o.Type) == "SO" }) {
		return src, nil
	}
	if src.sequences, err = p.pgSequences(); err != nil {
		return src, err
	}
	if src.owned, err = p.ownedSequences(); err != nil {
		return src, err
	}
	if src.types, err = p.typeSizes(); err != nil {
		return src, err
	}
	if src.schemas, err = p.schemaNames(); err != nil {
		return src, err
	}
	if src.namespaces, err = p.namespaceNames(); err != nil {
		return src, err
	}
	src.lastValues, err = p.sequenceLastValues()
	return src, err
}

// ownedSequences are the sequences PostgreSQL made for identity (and
// serial) columns: pg_depend rows of class pg_class (1259) with deptype
// 'a' (auto) or 'i' (internal), by the sequence's oid.
func (p *plainCatalog) ownedSequences() (map[int64]bool, error) {
	depends, err := p.pgDepends()
	out := map[int64]bool{}
	for _, d := range depends {
		if d.ClassID == 1259 && (d.DepType == "a" || d.DepType == "i") {
			out[d.ObjID] = true
		}
	}
	return out, err
}

func (p *plainCatalog) typeSizes() (map[int64]typeSize, error) {
	var id int64
	var t typeSize
	out := map[int64]typeSize{}
	q := selectFrom("types").col("user_type_id", &id).col("precision", nint{&t.Precision}).col("scale", nint{&t.Scale})
	err := q.each(p.ctx, p.q, func() error {
		out[id] = t
		return nil
	})
	return out, err
}

// joinSequences is readBabelfishSequences' join: each sys.objects row of
// type SO with its pg_sequence row, unless a column owns it, with its
// type's precision and scale and the last value pg_sequences shows for it
// (found by the PostgreSQL name of its schema, which is what
// babelfish_namespace_ext maps SCHEMA_NAME to), in object_id order. Like
// readBabelfishSequences, it returns an empty slice, not nil, for none.
func joinSequences(src sequenceSources) []SequenceRow {
	byRelID := groupBy(src.sequences, func(s pgSequence) int64 { return s.RelID })
	out := []SequenceRow{}
	for _, o := range src.objects {
		if trimType(o.Type) != "SO" || src.owned[o.ObjectID] {
			continue
		}
		for _, s := range byRelID[o.ObjectID] {
			t := src.types[s.TypeID]
			row := SequenceRow{
				Schema: schemaName(src.schemas, o.SchemaID), Name: o.Name, UserTypeID: s.TypeID,
				Precision: t.Precision, Scale: t.Scale,
				Start: decimal(s.Start), Increment: decimal(s.Increment), Min: decimal(s.Min), Max: decimal(s.Max),
				IsCycling: s.Cycle,
			}
			nsp, ok := src.namespaces[o.SchemaID]
			if last, found := src.lastValues[pgSequenceName{nsp, o.Name}]; ok && found && last.Valid {
				row.Current = decimal(last.Int64)
			}
			out = append(out, finishBabelfishSequence(row, s.Cache))
		}
	}
	return out
}

// finishBabelfishSequence is readBabelfishSequences' reading of a row: no
// last value means none handed out yet (the sequence restarts at its
// start), and PostgreSQL's cache of 1 (its "no cache") is the default
// cache, as Babelfish refuses NO CACHE.
func finishBabelfishSequence(r SequenceRow, cache int64) SequenceRow {
	r.LastUsed = r.Current != ""
	if !r.LastUsed {
		r.Current = r.Start
	}
	r.IsCached = true
	if cache > 1 {
		n := int(cache)
		r.CacheSize = &n
	}
	return r
}

// decimal is CONVERT(nvarchar(64), CAST(x AS bigint)): the decimal text.
func decimal(x int64) string { return strconv.FormatInt(x, 10) }

// trimType is RTRIM(type): sys.objects types are char(2) ("V ").
func trimType(t string) string { return strings.TrimRight(t, " ") }

// ---- synonyms ----

// plainSynonym is a row of sys.synonyms.
type plainSynonym struct {
	ObjectID, SchemaID int64
	Name, Target       string
}

// plainSynonyms is readSynonyms with a plain read. Babelfish 4.3's
// sys.synonyms is always empty (sys.objects has no type SN), so the
// schema names are read only when it is not.
func plainSynonyms(p *plainCatalog, r *Rows) error {
	var s plainSynonym
	q := selectFrom("synonyms").col("object_id", &s.ObjectID).col("schema_id", nint64{&s.SchemaID}).
		col("name", nstr{&s.Name}).col("base_object_name", nstr{&s.Target})
	rows, err := readAll(p.ctx, p.q, q, &s)
	if err != nil || len(rows) == 0 {
		return err
	}
	schemas, err := p.schemaNames()
	if err != nil {
		return err
	}
	r.Synonyms = sortSynonyms(rows, schemas)
	return nil
}

// sortSynonyms names each synonym's schema, in object_id order.
func sortSynonyms(rows []plainSynonym, schemas map[int64]string) []SynonymRow {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b plainSynonym) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
	out := make([]SynonymRow, len(rows))
	for i, s := range rows {
		out[i] = SynonymRow{Schema: schemaName(schemas, s.SchemaID), Name: s.Name, Target: s.Target}
	}
	return out
}

// ---- views, routines, defaults and rules ----

// moduleTypes are the sys.objects types readModules reads, besides the
// stand-alone defaults (D without a parent).
var moduleTypes = map[string]bool{"V": true, "P": true, "FN": true, "IF": true, "TF": true, "PC": true, "FS": true,
	"FT": true, "AF": true, "RF": true, "X": true, "R": true}

// isModuleObject is readModules' filter on sys.objects.
func isModuleObject(o plainObject) bool {
	typ := trimType(o.Type)
	return (moduleTypes[typ] || typ == "D" && o.ParentObjectID == 0) && !o.IsMSShipped
}

// plainModules is readModules with plain reads. Its IsEncrypted is false:
// on Babelfish OBJECTPROPERTY(id, 'IsEncrypted') is NULL for every object
// (babelfishpg_tsql's objectproperty_internal knows no such property and
// returns NULL), which ISNULL(..., 0) makes 0.
func plainModules(p *plainCatalog, r *Rows) error {
	objects, err := p.sysObjects()
	if err != nil || !slices.ContainsFunc(objects, isModuleObject) {
		return err
	}
	modules, err := p.plainSQLModules()
	if err != nil {
		return err
	}
	schemas, err := p.schemaNames()
	if err != nil {
		return err
	}
	ledger, err := p.ledgerViews()
	if err != nil {
		return err
	}
	r.Modules = joinModules(objects, modules, schemas, ledger)
	return nil
}

// ledgerViews are the views readModules leaves out on an engine whose
// sys.views has the ledger columns (SQL Server 2022; not Babelfish 4.3):
// ledger views and dropped ledger views, which SQL Server creates with
// their table.
func (p *plainCatalog) ledgerViews() (map[int64]bool, error) {
	out := map[int64]bool{}
	if !p.s.Has("views", "ledger_view_type") || !p.s.Has("views", "is_dropped_ledger_view") {
		return out, nil
	}
	var id, viewType int64
	var dropped bool
	q := selectFrom("views").col("object_id", &id).col("ledger_view_type", nint64{&viewType}).
		col("is_dropped_ledger_view", nbool{&dropped})
	err := q.each(p.ctx, p.q, func() error {
		// NULLs compare as unknown in the joined query: nint64 and nbool
		// make them 0 and false, which hide nothing either.
		if viewType != 0 || dropped {
			out[id] = true
		}
		return nil
	})
	return out, err
}

// joinModules is readModules' join: each module object of sys.objects
// (objects, in object_id order) with its sys.sql_modules row, if any (one
// row per match, as a LEFT JOIN gives), except hidden ledger views.
func joinModules(objects []plainObject, modules []plainModule, schemas map[int64]string, hidden map[int64]bool) []ModuleRow {
	byID := groupBy(modules, func(m plainModule) int64 { return m.ObjectID })
	var out []ModuleRow
	for _, o := range objects {
		if !isModuleObject(o) || hidden[o.ObjectID] {
			continue
		}
		row := ModuleRow{ObjectID: o.ObjectID, Schema: schemaName(schemas, o.SchemaID), Name: o.Name, Type: trimType(o.Type)}
		ms := byID[o.ObjectID]
		if len(ms) == 0 {
			out = append(out, row)
			continue
		}
		for _, m := range ms {
			withModule := row
			withModule.Definition, withModule.AnsiNulls, withModule.QuotedIdent, withModule.SchemaBound =
				m.Definition, m.AnsiNulls, m.QuotedIdent, m.SchemaBound
			withModule.HasSQLModule = true
			out = append(out, withModule)
		}
	}
	return out
}

// ---- dependencies ----

// plainDependency is a row of sys.sql_expression_dependencies, with the
// NULLs the joined query's filter tells apart.
type plainDependency struct {
	ReferencingID                     int64
	ReferencingClass, ReferencedClass sql.NullInt64
	Server, Database                  sql.NullString
	Schema, Entity                    sql.NullString
	ReferencedID                      sql.NullInt64
}

// plainDependencies is readDependencies with a plain read. Babelfish 4.3's
// sys.sql_expression_dependencies is always empty (its view is WHERE
// false). Should it have rows that the ORDER BY would order by their names
// (two references of one object to the same id, or to none, under
// different names), the joined query runs instead: the names' order is the
// server's collation's.
func plainDependencies(p *plainCatalog, r *Rows) error {
	var d plainDependency
	q := selectFrom("sql_expression_dependencies").col("referencing_id", &d.ReferencingID).
		col("referencing_class", &d.ReferencingClass).col("referenced_class", &d.ReferencedClass).
		col("referenced_server_name", &d.Server).col("referenced_database_name", &d.Database).
		col("referenced_schema_name", &d.Schema).col("referenced_entity_name", &d.Entity).
		col("referenced_id", &d.ReferencedID)
	rows, err := readAll(p.ctx, p.q, q, &d)
	if err != nil {
		return err
	}
	out, ok := sortDependencies(rows)
	if !ok {
		r.Dependencies, err = readDependencies(p.ctx, p.q)
		return err
	}
	r.Dependencies = out
	return nil
}

// sortDependencies is readDependencies' filter (references between
// objects of this database) and ORDER BY referencing_id, referenced_id
// (NULL first, as T-SQL sorts it). ok is false when two rows tie on the
// ids but not on the names, which the ORDER BY orders by collation.
func sortDependencies(rows []plainDependency) (out []DependencyRow, ok bool) {
	var kept []plainDependency
	for _, d := range rows {
		if d.ReferencingClass.Valid && d.ReferencingClass.Int64 == 1 && d.ReferencedClass.Valid && d.ReferencedClass.Int64 == 1 &&
			!d.Server.Valid && !d.Database.Valid {
			kept = append(kept, d)
		}
	}
	byIDs := func(a, b plainDependency) int {
		return cmp.Or(cmp.Compare(a.ReferencingID, b.ReferencingID), compareNullInt(a.ReferencedID, b.ReferencedID))
	}
	slices.SortStableFunc(kept, byIDs)
	for i := 1; i < len(kept); i++ {
		if byIDs(kept[i-1], kept[i]) == 0 && (kept[i-1].Schema != kept[i].Schema || kept[i-1].Entity != kept[i].Entity) {
			return nil, false
		}
	}
	for _, d := range kept {
		out = append(out, DependencyRow{ReferencingID: d.ReferencingID, ReferencedID: d.ReferencedID.Int64,
			ReferencedSch: d.Schema.String, ReferencedName: d.Entity.String})
	}
	return out, true
}

// compareNullInt orders NULL first, as T-SQL's ORDER BY does.
func compareNullInt(a, b sql.NullInt64) int {
	switch {
	case !a.Valid || !b.Valid:
		return cmp.Compare(btoi(a.Valid), btoi(b.Valid))
	}
	return cmp.Compare(a.Int64, b.Int64)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- principals and role memberships ----

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
