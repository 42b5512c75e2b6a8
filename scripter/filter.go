package scripter

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Object types that IncludeTypes/ExcludeTypes name.
const (
	TypeTable               = "table"
	TypeView                = "view"
	TypeProcedure           = "procedure"
	TypeFunction            = "function"
	TypeTrigger             = "trigger"
	TypeSequence            = "sequence"
	TypeSynonym             = "synonym"
	TypeType                = "type" // alias types and table types
	TypeXMLSchemaCollection = "xml_schema_collection"
	TypeSchema              = "schema"
	TypeRole                = "role"
	TypeUser                = "user"
	TypeDefault             = "default" // stand-alone CREATE DEFAULT
	TypeRule                = "rule"    // CREATE RULE
)

var knownTypes = []string{TypeTable, TypeView, TypeProcedure, TypeFunction, TypeTrigger, TypeSequence, TypeSynonym,
	TypeType, TypeXMLSchemaCollection, TypeSchema, TypeRole, TypeUser, TypeDefault, TypeRule}

// matcher is a list of exact names and /regexp/ patterns.
type matcher struct {
	exact []string
	res   []*regexp.Regexp
}

func (m *matcher) empty() bool { return m == nil || (len(m.exact) == 0 && len(m.res) == 0) }

func (m *matcher) match(s string) bool {
	if m == nil {
		return false
	}
	if slices.Contains(m.exact, s) {
		return true
	}
	for _, re := range m.res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// compileMatcher parses a list of entries; an entry written /.../ is a
// regular expression (matched anywhere unless anchored), others are exact.
// normalize canonicalises exact entries.
func compileMatcher(option string, entries []string, normalize func(string) (string, error)) (*matcher, error) {
	m := &matcher{}
	for _, e := range entries {
		if len(e) >= 2 && e[0] == '/' && e[len(e)-1] == '/' {
			re, err := regexp.Compile(e[1 : len(e)-1])
			if err != nil {
				return nil, &OptionError{Option: option, Message: fmt.Sprintf("bad regular expression %q: %v", e, err), Err: err}
			}
			m.res = append(m.res, re)
			continue
		}
		if normalize != nil {
			n, err := normalize(e)
			if err != nil {
				return nil, &OptionError{Option: option, Message: err.Error(), Err: err}
			}
			e = n
		}
		m.exact = append(m.exact, e)
	}
	return m, nil
}

// objectKey is the "schema.name" form filters match; an unqualified name
// means dbo. Either part may be bracketed ([a.b].[c], dbo.[Order Details])
// so that names with dots can be given.
func objectKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty object name")
	}
	part := func(in string) (name, rest string, err error) {
		if strings.HasPrefix(in, "[") {
			return tsql.ParseIdent(in)
		}
		if i := strings.IndexByte(in, '.'); i >= 0 {
			return in[:i], in[i:], nil
		}
		return in, "", nil
	}
	first, rest, err := part(s)
	if err != nil {
		return "", fmt.Errorf("bad name %q: %v", s, err)
	}
	if rest == "" {
		return "dbo." + first, nil
	}
	if !strings.HasPrefix(rest, ".") {
		return "", fmt.Errorf("bad name %q", s)
	}
	rest = rest[1:]
	second := rest
	if strings.HasPrefix(rest, "[") {
		var tail string
		second, tail, err = tsql.ParseIdent(rest)
		if err != nil || tail != "" {
			return "", fmt.Errorf("bad name %q", s)
		}
	}
	if first == "" || second == "" {
		return "", fmt.Errorf("bad name %q", s)
	}
	return first + "." + second, nil
}

func key(q model.QName) string { return q.Schema + "." + q.Name }

// filters is Options' filters, compiled. Compiling validates every entry
// so a bad option fails before any connection or output.
type filters struct {
	tables               *matcher // Options.Tables; empty = all
	tableList            []string // exact entries, to report ones that match nothing
	ignore               *matcher
	inSchemas, exSchemas *matcher
	inTypes, exTypes     *matcher
	inObjects, exObjects *matcher
	tablesOnly           bool
}

func compileFilters(o *Options) (*filters, error) {
	f := &filters{}
	var err error
	if f.tables, err = compileMatcher("Tables", o.Tables, objectKey); err != nil {
		return nil, err
	}
	f.tableList = f.tables.exact
	f.tablesOnly = !f.tables.empty()
	if f.ignore, err = compileMatcher("IgnoreTables", o.IgnoreTables, objectKey); err != nil {
		return nil, err
	}
	if f.inSchemas, err = compileMatcher("IncludeSchemas", o.IncludeSchemas, nil); err != nil {
		return nil, err
	}
	if f.exSchemas, err = compileMatcher("ExcludeSchemas", o.ExcludeSchemas, nil); err != nil {
		return nil, err
	}
	typeName := func(s string) (string, error) {
		t := strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(knownTypes, t) {
			return "", fmt.Errorf("unknown object type %q (known: %s)", s, strings.Join(knownTypes, ", "))
		}
		return t, nil
	}
	if f.inTypes, err = compileMatcher("IncludeTypes", o.IncludeTypes, typeName); err != nil {
		return nil, err
	}
	if f.exTypes, err = compileMatcher("ExcludeTypes", o.ExcludeTypes, typeName); err != nil {
		return nil, err
	}
	objName := func(s string) (string, error) {
		if strings.ContainsRune(s, '.') || strings.HasPrefix(s, "[") {
			return objectKey(s)
		}
		return s, nil // principals and schemas have one-part names
	}
	if f.inObjects, err = compileMatcher("IncludeObjects", o.IncludeObjects, objName); err != nil {
		return nil, err
	}
	if f.exObjects, err = compileMatcher("ExcludeObjects", o.ExcludeObjects, objName); err != nil {
		return nil, err
	}
	return f, nil
}

// keepSchema applies the schema filters.
func (f *filters) keepSchema(schema string) bool {
	if !f.inSchemas.empty() && !f.inSchemas.match(schema) {
		return false
	}
	return !f.exSchemas.match(schema)
}

func (f *filters) keepType(typ string) bool {
	if !f.inTypes.empty() && !f.inTypes.match(typ) {
		return false
	}
	return !f.exTypes.match(typ)
}

func (f *filters) keepName(name string) bool {
	if !f.inObjects.empty() && !f.inObjects.match(name) {
		return false
	}
	return !f.exObjects.match(name)
}

// keep decides a schema-scoped object.
func (f *filters) keep(typ string, q model.QName) bool {
	if f.tablesOnly && typ != TypeTable && typ != TypeTrigger {
		return false
	}
	return f.keepSchema(q.Schema) && f.keepType(typ) && f.keepName(key(q))
}

func (f *filters) keepTable(q model.QName) bool {
	k := key(q)
	if f.tablesOnly && !f.tables.match(k) {
		return false
	}
	if f.ignore.match(k) {
		return false
	}
	return f.keep(TypeTable, q)
}

// resolveTables maps exact Tables entries onto the catalog's names: an
// exact match first, else a unique case-insensitive one (SQL Server names
// are usually case-insensitive). An entry that names no table is an error,
// as in mysqldump.
func (f *filters) resolveTables(db *model.Database) error {
	if len(f.tableList) == 0 {
		return nil
	}
	names := make(map[string]bool, len(db.Tables))
	for _, t := range db.Tables {
		names[key(t.QName)] = true
	}
	for i, want := range f.tableList {
		if names[want] {
			continue
		}
		var found []string
		for n := range names {
			if strings.EqualFold(n, want) {
				found = append(found, n)
			}
		}
		switch len(found) {
		case 1:
			f.tableList[i] = found[0]
			f.tables.exact[i] = found[0]
		case 0:
			return &OptionError{Option: "Tables", Message: fmt.Sprintf("table %q not found in database %q", want, db.Name)}
		default:
			slices.Sort(found)
			return &OptionError{Option: "Tables", Message: fmt.Sprintf("table %q is ambiguous: %s", want, strings.Join(found, ", "))}
		}
	}
	return nil
}

// apply prunes db in place to what the filters keep. Objects a kept object
// needs to exist at all (its schema, the alias types and XML schema
// collections of its columns, a temporal table's history table) are kept
// with it.
func (f *filters) apply(db *model.Database, permissions bool) error {
	if err := f.resolveTables(db); err != nil {
		return err
	}
	keptTables := map[model.QName]*model.Table{}
	for _, t := range db.Tables {
		if f.keepTable(t.QName) {
			keptTables[t.QName] = t
		}
	}
	for _, t := range db.Tables {
		if _, ok := keptTables[t.QName]; ok && t.Temporal != nil {
			for _, h := range db.Tables {
				if h.QName == t.Temporal.History {
					keptTables[h.QName] = h
				}
			}
		}
	}
	db.Tables = slices.DeleteFunc(db.Tables, func(t *model.Table) bool { return keptTables[t.QName] == nil })
	for _, t := range db.Tables {
		t.Triggers = slices.DeleteFunc(t.Triggers, func(m *model.Module) bool { return !f.keep(TypeTrigger, m.QName) })
	}

	kept := map[model.QName]bool{}
	for q := range keptTables {
		kept[q] = true
	}
	db.Modules = slices.DeleteFunc(db.Modules, func(m *model.Module) bool {
		typ := ddl.ModuleType(m)
		if m.Kind == model.KindTrigger && m.Parent == nil {
			// A database DDL trigger has no schema.
			return f.tablesOnly || !f.keepType(typ) || !f.keepName(m.Name)
		}
		return !f.keep(typ, m.QName)
	})
	for _, m := range db.Modules {
		if m.Kind != model.KindTrigger {
			kept[m.QName] = true
		}
	}
	// INSTEAD OF triggers go with their view.
	db.Modules = slices.DeleteFunc(db.Modules, func(m *model.Module) bool {
		return m.Kind == model.KindTrigger && m.Parent != nil && !kept[*m.Parent]
	})
	db.Sequences = slices.DeleteFunc(db.Sequences, func(s *model.Sequence) bool { return !f.keep(TypeSequence, s.QName) })
	db.Synonyms = slices.DeleteFunc(db.Synonyms, func(s *model.Synonym) bool { return !f.keep(TypeSynonym, s.QName) })
	for _, s := range db.Sequences {
		kept[s.QName] = true
	}
	for _, s := range db.Synonyms {
		kept[s.QName] = true
	}

	// Types and XML schema collections: kept by their own filters, or
	// because a kept table's column needs them.
	neededTypes := map[model.QName]bool{}
	neededXML := map[model.QName]bool{}
	for _, t := range db.Tables {
		for _, c := range t.Columns {
			if c.Type.UserDefined {
				neededTypes[model.QName{Schema: c.Type.Schema, Name: c.Type.Name}] = true
			}
			if c.Type.XMLCollection != nil {
				neededXML[*c.Type.XMLCollection] = true
			}
		}
	}
	db.Types = slices.DeleteFunc(db.Types, func(u *model.UserType) bool {
		return !neededTypes[u.QName] && !f.keep(TypeType, u.QName)
	})
	db.TableTypes = slices.DeleteFunc(db.TableTypes, func(u *model.TableType) bool {
		return !neededTypes[u.QName] && !f.keep(TypeType, u.QName)
	})
	for _, tt := range db.TableTypes {
		for _, c := range tt.Table.Columns {
			if c.Type.UserDefined {
				neededTypes[model.QName{Schema: c.Type.Schema, Name: c.Type.Name}] = true
			}
			if c.Type.XMLCollection != nil {
				neededXML[*c.Type.XMLCollection] = true
			}
		}
	}
	db.XMLSchemaCollections = slices.DeleteFunc(db.XMLSchemaCollections, func(x *model.XMLSchemaCollection) bool {
		return !neededXML[x.QName] && !f.keep(TypeXMLSchemaCollection, x.QName)
	})
	// Stand-alone defaults and rules: kept by their own filters, or because
	// a kept table's column or a kept alias type is bound to them.
	neededBound := map[model.QName]bool{}
	need := func(q *model.QName) {
		if q != nil {
			neededBound[*q] = true
		}
	}
	for _, t := range db.Tables {
		for _, c := range t.Columns {
			need(c.BoundDefault)
			need(c.BoundRule)
		}
	}
	for _, u := range db.Types {
		need(u.BoundDefault)
		need(u.BoundRule)
	}
	db.Defaults = slices.DeleteFunc(db.Defaults, func(m *model.Module) bool {
		return !neededBound[m.QName] && !f.keep(TypeDefault, m.QName)
	})
	db.Rules = slices.DeleteFunc(db.Rules, func(m *model.Module) bool {
		return !neededBound[m.QName] && !f.keep(TypeRule, m.QName)
	})
	for _, m := range db.Defaults {
		kept[m.QName] = true
	}
	for _, m := range db.Rules {
		kept[m.QName] = true
	}
	for _, u := range db.Types {
		kept[u.QName] = true
	}
	for _, u := range db.TableTypes {
		kept[u.QName] = true
	}
	for _, x := range db.XMLSchemaCollections {
		kept[x.QName] = true
	}

	// Schemas: those holding a kept object, plus those the filters keep.
	used := map[string]bool{}
	for q := range kept {
		used[q.Schema] = true
	}
	db.Schemas = slices.DeleteFunc(db.Schemas, func(s *model.Schema) bool {
		if used[s.Name] {
			return false
		}
		return f.tablesOnly || !f.keepSchema(s.Name) || !f.keepType(TypeSchema) || !f.keepName(s.Name)
	})
	keptSchemas := map[string]bool{"dbo": true}
	for _, s := range db.Schemas {
		keptSchemas[s.Name] = true
	}

	// Principals only matter with Permissions; schema owners stay.
	if permissions {
		owners := map[string]bool{}
		for _, s := range db.Schemas {
			owners[s.Owner] = true
		}
		db.Principals = slices.DeleteFunc(db.Principals, func(p *model.Principal) bool {
			if owners[p.Name] {
				return false
			}
			typ := TypeUser
			if p.Type == "R" || p.Type == "A" {
				typ = TypeRole
			}
			return !f.keepType(typ) || !f.keepName(p.Name)
		})
		principals := map[string]bool{"public": true, "dbo": true, "guest": true}
		for _, p := range db.Principals {
			principals[p.Name] = true
		}
		db.RoleMembers = slices.DeleteFunc(db.RoleMembers, func(m model.RoleMember) bool {
			return !principals[m.Member] || (!principals[m.Role] && !fixedRole(m.Role))
		})
		db.Permissions = slices.DeleteFunc(db.Permissions, func(p model.Permission) bool {
			if !principals[p.Grantee] && !fixedRole(p.Grantee) {
				return true
			}
			switch p.Class {
			case "OBJECT", "TYPE", "XML_SCHEMA_COLLECTION":
				return !kept[model.QName{Schema: p.Schema, Name: p.Object}]
			case "SCHEMA":
				return !keptSchemas[p.Schema]
			}
			return f.tablesOnly
		})
	}

	// Extended properties follow their object.
	db.ExtendedProperties = slices.DeleteFunc(db.ExtendedProperties, func(p *model.ExtendedProperty) bool {
		switch {
		case p.Level0Type == "":
			return f.tablesOnly
		case p.Level0Type == "SCHEMA" && p.Level1Type == "":
			return !keptSchemas[p.Level0Name]
		case p.Level0Type == "SCHEMA":
			return !kept[model.QName{Schema: p.Level0Name, Name: p.Level1Name}]
		}
		return f.tablesOnly
	})
	for _, m := range db.Modules {
		if m.Kind == model.KindTrigger && m.Parent != nil {
			kept[m.QName] = true
		}
	}
	db.Dependencies = slices.DeleteFunc(db.Dependencies, func(d model.Dependency) bool {
		return !kept[d.Referenced] || !kept[d.Referencing]
	})
	return nil
}

// fixedRole reports a fixed database role, which exists in every database
// whatever the filter keeps.
func fixedRole(name string) bool { return model.IsFixedDatabaseRole(name) }
