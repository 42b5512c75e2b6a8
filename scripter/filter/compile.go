package filter

import "github.com/mssqldump/mssqldump/scripter/model"

// Filter is a compiled Spec. It is immutable: Apply may run it over any
// number of catalogs.
type Filter struct {
	tables               *matcher // Spec.Tables; empty = all
	ignore               *matcher
	inSchemas, exSchemas *matcher
	inTypes, exTypes     *matcher
	inObjects, exObjects *matcher
	// tablesOnly: Spec.Tables is set, and a table list keeps tables, their
	// triggers and what they need, nothing else.
	tablesOnly bool
	// The Skip* options and Permissions, as in Spec.
	skipRoutines, skipTriggers, skipExtendedProperties bool
	permissions                                        bool
}

// Compile validates every entry of s, so that a bad pattern fails before
// any connection or output. Its errors are *Error.
func Compile(s Spec) (*Filter, error) {
	f := &Filter{skipRoutines: s.SkipRoutines, skipTriggers: s.SkipTriggers,
		skipExtendedProperties: s.SkipExtendedProperties, permissions: s.Permissions}
	for _, c := range []struct {
		m         **matcher
		option    string
		entries   []string
		normalize func(string) (string, error)
	}{
		{&f.tables, "Tables", s.Tables, objectKey},
		{&f.ignore, "IgnoreTables", s.IgnoreTables, objectKey},
		{&f.inSchemas, "IncludeSchemas", s.IncludeSchemas, nil},
		{&f.exSchemas, "ExcludeSchemas", s.ExcludeSchemas, nil},
		{&f.inTypes, "IncludeTypes", s.IncludeTypes, typeName},
		{&f.exTypes, "ExcludeTypes", s.ExcludeTypes, typeName},
		{&f.inObjects, "IncludeObjects", s.IncludeObjects, objectName},
		{&f.exObjects, "ExcludeObjects", s.ExcludeObjects, objectName},
	} {
		m, err := compileMatcher(c.option, c.entries, c.normalize)
		if err != nil {
			return nil, err
		}
		*c.m = m
	}
	f.tablesOnly = !f.tables.empty()
	return f, nil
}

// admits applies an include list (empty: everything) and an exclude list.
func admits(include, exclude *matcher, s string) bool {
	return (include.empty() || include.match(s)) && !exclude.match(s)
}

// keepSchema applies the schema filters.
func (f *Filter) keepSchema(schema string) bool { return admits(f.inSchemas, f.exSchemas, schema) }

// keepType applies the type filters.
func (f *Filter) keepType(typ string) bool { return admits(f.inTypes, f.exTypes, typ) }

// keepName applies the object filters.
func (f *Filter) keepName(name string) bool { return admits(f.inObjects, f.exObjects, name) }

// keep decides a schema-scoped object.
func (f *Filter) keep(typ string, q model.QName) bool {
	if f.tablesOnly && typ != model.TypeTable && typ != model.TypeTrigger {
		return false
	}
	return f.keepSchema(q.Schema) && f.keepType(typ) && f.keepName(key(q))
}

// keepTable decides a table by the table lists (tables is Spec.Tables
// resolved for this catalog), then as any object.
func (f *Filter) keepTable(tables *matcher, q model.QName) bool {
	k := key(q)
	if f.tablesOnly && !tables.match(k) {
		return false
	}
	if f.ignore.match(k) {
		return false
	}
	return f.keep(model.TypeTable, q)
}

// keepUnscoped decides an object with a one-part name (a schema, a
// principal, a database DDL trigger): a table list leaves all of them out.
func (f *Filter) keepUnscoped(typ, name string) bool {
	return !f.tablesOnly && f.keepType(typ) && f.keepName(name)
}
