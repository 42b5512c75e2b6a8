package catalog

import (
	"cmp"
	"database/sql"
	"slices"
	"strings"
)

// plainObjectSteps are the plain reads of babelfish_plain_objects.go: the
// objects, schemas, types, XML schema collections and tables.
func plainObjectSteps() map[string]plainStep {
	return map[string]plainStep{
		"user objects":           plainReadObjects,
		"schemas":                plainReadSchemas,
		"types":                  plainReadTypes,
		"XML schema collections": plainReadXMLSchemas,
		"tables":                 plainReadTables,
	}
}

// --- names SCHEMA_NAME gives ---

// objSchemaNames maps schema_id to what SCHEMA_NAME returns for
// every schema a catalog row may name: sys.schemas lists only the
// database's own schemas, while the built-in types live in the sys and
// pg_catalog schemas, which SCHEMA_NAME names by their PostgreSQL
// namespace (the name of pg_catalog.pg_namespace).
func (p *plainCatalog) objSchemaNames() (map[int64]string, error) {
	return cached(p, "schema names with system schemas", func() (map[int64]string, error) {
		own, err := p.schemaNames()
		if err != nil {
			return nil, err
		}
		namespaces, err := p.namespaceNames()
		out := make(map[int64]string, len(namespaces)+len(own))
		for oid, name := range namespaces {
			out[oid] = name
		}
		for id, n := range own {
			out[id] = n
		}
		return out, err
	})
}

// --- user objects ---

// plainReadObjects is readObjects: the rows of sys.all_objects a user
// created, in object_id order.
func plainReadObjects(p *plainCatalog, r *Rows) error {
	all, err := p.allObjects()
	if err != nil {
		return err
	}
	schemas, err := p.objSchemaNames()
	if err != nil {
		return err
	}
	r.Objects = userObjectRows(all, schemas)
	return nil
}

// userObjectRows keeps the objects that are not is_ms_shipped, with their
// schema's name and their type trimmed as RTRIM trims it. all is in
// object_id order already.
func userObjectRows(all []plainObject, schemas map[int64]string) []ObjectRow {
	var out []ObjectRow
	for _, o := range all {
		if o.IsMSShipped {
			continue
		}
		out = append(out, ObjectRow{ObjectID: o.ObjectID, Schema: schemas[o.SchemaID], Name: o.Name,
			Type: trimType(o.Type), ParentObjectID: o.ParentObjectID})
	}
	return out
}

// --- schemas ---

// objSchema is a row of sys.schemas.
type objSchema struct {
	SchemaID    int64
	Name        string
	PrincipalID sql.NullInt64
}

// objPrincipal is a row of sys.database_principals.
type objPrincipal struct {
	PrincipalID sql.NullInt64
	Name        string
	IsFixedRole bool
}

// plainReadSchemas is readSchemas.
func plainReadSchemas(p *plainCatalog, r *Rows) error {
	schemas, err := p.sysSchemas()
	if err != nil {
		return err
	}
	principals, err := p.objPrincipals()
	if err != nil {
		return err
	}
	r.Schemas = userSchemaRows(schemas, principals)
	return nil
}

// sysSchemas reads sys.schemas, which the schemas step and schemaNames
// read.
func (p *plainCatalog) sysSchemas() ([]objSchema, error) {
	return cached(p, "sys.schemas", func() ([]objSchema, error) {
		var s objSchema
		return readAll(p.ctx, p.q, selectFrom("schemas").col("schema_id", &s.SchemaID).col("name", &s.Name).
			col("principal_id", &s.PrincipalID), &s)
	})
}

// objPrincipals reads sys.database_principals (its ids, names and whether
// each is a fixed role).
func (p *plainCatalog) objPrincipals() ([]objPrincipal, error) {
	return cached(p, "objects: database principals", func() ([]objPrincipal, error) {
		var d objPrincipal
		return readAll(p.ctx, p.q, selectFrom("database_principals").col("principal_id", &d.PrincipalID).
			col("name", nstr{&d.Name}).col("is_fixed_role", nbool{&d.IsFixedRole}), &d)
	})
}

// objBuiltinSchemas are the schemas every database has, left out by name.
var objBuiltinSchemas = []string{"dbo", "guest", "INFORMATION_SCHEMA", "sys"}

// userSchemaRows joins the user schemas to their owner as readSchemas
// does: not a built-in schema nor a fixed role's own schema (named after
// and owned by it), names compared case-insensitively as Babelfish's
// collation compares them; one row per owner the principal_id matches
// (Babelfish gives several principals the id -1), sorted by name the
// same way.
func userSchemaRows(schemas []objSchema, principals []objPrincipal) []SchemaRow {
	var out []SchemaRow
	for _, s := range schemas {
		if slices.ContainsFunc(objBuiltinSchemas, func(b string) bool { return strings.EqualFold(b, s.Name) }) ||
			slices.ContainsFunc(principals, func(r objPrincipal) bool {
				return objSamePrincipal(r.PrincipalID, s.PrincipalID) && r.IsFixedRole && strings.EqualFold(r.Name, s.Name)
			}) {
			continue
		}
		owned := false
		for _, o := range principals {
			if objSamePrincipal(o.PrincipalID, s.PrincipalID) {
				out = append(out, SchemaRow{SchemaID: s.SchemaID, Name: s.Name, Owner: o.Name})
				owned = true
			}
		}
		if !owned {
			out = append(out, SchemaRow{SchemaID: s.SchemaID, Name: s.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b SchemaRow) int { return objCmpNameFold(a.Name, b.Name) })
	return out
}

// objSamePrincipal is SQL's a = b on two nullable ids: NULL matches nothing.
func objSamePrincipal(a, b sql.NullInt64) bool { return a.Valid && b.Valid && a.Int64 == b.Int64 }

// objCmpNameFold orders names case-insensitively, as ORDER BY on a name does
// under Babelfish's default collation.
func objCmpNameFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// --- types ---

// objType is a row of sys.types.
type objType struct {
	TypeRow
	SchemaID int64
}

// objTableType is a row of sys.table_types: what a table type adds.
type objTableType struct {
	UserTypeID, TypeTableObjectID int64
	IsMemoryOptimized             bool
}

// plainReadTypes is readTypes.
func plainReadTypes(p *plainCatalog, r *Rows) error {
	types, err := p.sysTypes()
	if err != nil {
		return err
	}
	var tt objTableType
	tableTypes, err := readAll(p.ctx, p.q, selectFrom("table_types").col("user_type_id", &tt.UserTypeID).
		col("type_table_object_id", nint64{&tt.TypeTableObjectID}).
		gated(p.s, "is_memory_optimized", nbool{&tt.IsMemoryOptimized}), &tt)
	if err != nil {
		return err
	}
	schemas, err := p.objSchemaNames()
	if err != nil {
		return err
	}
	r.Types = typeRows(types, tableTypes, schemas)
	return nil
}

// sysTypes reads sys.types, which the types and the sequences read.
func (p *plainCatalog) sysTypes() ([]objType, error) {
	return cached(p, "sys.types", func() ([]objType, error) {
		var t objType
		return readAll(p.ctx, p.q, selectFrom("types").col("user_type_id", &t.UserTypeID).
			col("system_type_id", &t.SystemTypeID).col("schema_id", nint64{&t.SchemaID}).col("name", &t.Name).
			col("max_length", nint{&t.MaxLength}).col("precision", nint{&t.Precision}).col("scale", nint{&t.Scale}).
			col("is_nullable", nbool{&t.IsNullable}).col("is_user_defined", nbool{&t.IsUserDefined}).
			col("is_assembly_type", nbool{&t.IsAssemblyType}).col("is_table_type", nbool{&t.IsTableType}).
			col("default_object_id", nint64{&t.DefaultObjectID}).col("rule_object_id", nint64{&t.RuleObjectID}), &t)
	})
}

// typeRows joins each type to its table type's row, if any (one row per
// match, as the LEFT JOIN gives), names its schema and sorts by
// user_type_id.
func typeRows(types []objType, tableTypes []objTableType, schemas map[int64]string) []TypeRow {
	byType := groupBy(tableTypes, func(tt objTableType) int64 { return tt.UserTypeID })
	var out []TypeRow
	for _, t := range types {
		row := t.TypeRow
		row.Schema = schemas[t.SchemaID]
		for _, tt := range orNone(byType[t.UserTypeID]) {
			row.TypeTableObjectID, row.IsMemoryOptimized = tt.TypeTableObjectID, tt.IsMemoryOptimized
			out = append(out, row)
		}
	}
	slices.SortStableFunc(out, func(a, b TypeRow) int { return cmp.Compare(a.UserTypeID, b.UserTypeID) })
	return out
}

// --- XML schema collections ---

// objXMLSchema is a row of sys.xml_schema_collections.
type objXMLSchema struct {
	CollectionID, SchemaID int64
	Name                   string
}

// plainReadXMLSchemas is readXMLSchemas. An engine with
// XML_SCHEMA_NAMESPACE gets the joined query, which calls it for each
// collection's text; Babelfish has no such function.
func plainReadXMLSchemas(p *plainCatalog, r *Rows) (err error) {
	if p.s.HasFunction("XML_SCHEMA_NAMESPACE") {
		r.XMLSchemas, err = readXMLSchemas(p.ctx, p.q, p.s)
		return err
	}
	var x objXMLSchema
	rows, err := readAll(p.ctx, p.q, selectFrom("xml_schema_collections").col("xml_collection_id", &x.CollectionID).
		col("schema_id", nint64{&x.SchemaID}).col("name", &x.Name), &x)
	if err != nil {
		return err
	}
	schemas, err := p.objSchemaNames()
	if err != nil {
		return err
	}
	r.XMLSchemas = xmlSchemaRows(rows, schemas)
	return nil
}

// xmlSchemaRows leaves out the built-in sys collection (id 1) and sorts
// by collection id; the definition stays empty without
// XML_SCHEMA_NAMESPACE.
func xmlSchemaRows(rows []objXMLSchema, schemas map[int64]string) []XMLSchemaRow {
	var out []XMLSchemaRow
	for _, x := range rows {
		if x.CollectionID > 1 {
			out = append(out, XMLSchemaRow{CollectionID: x.CollectionID, Schema: schemas[x.SchemaID], Name: x.Name})
		}
	}
	slices.SortStableFunc(out, func(a, b XMLSchemaRow) int { return cmp.Compare(a.CollectionID, b.CollectionID) })
	return out
}
