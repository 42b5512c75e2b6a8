package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// Warning reports something the catalog holds that the model cannot carry
// (a CLR module, a permission of an unsupported class, ...). Its Code is one
// of the model.Warn* codes, WarnEngineLacks or WarnBabelfishExpression.
type Warning struct {
	Code    string
	Object  string
	Message string
}

// Assemble builds the model from catalog rows. It is pure: it does not
// modify r, and the same rows in any order give the same model, every slice
// sorted by binary (ordinal) name order, never by object id, because ids
// change on restore.
func Assemble(r *Rows) (*model.Database, []Warning) {
	if r.Server != nil && r.Server.Babelfish {
		r = babelfishRows(r)
	}
	a := newAssembler(r)
	return a.run()
}

// assembler holds the rows and the lookups the builders share. types and
// objects are filled from the rows up front; the others by the builder
// named beside them, which run calls before any builder that reads them.
type assembler struct {
	rows     *Rows // Objects is assembly's own trimmed copy; the rest is read only
	warnings []Warning

	types   map[int64]*TypeRow      // sys.types by user_type_id
	objects map[int64]*ObjectRow    // sys.objects by object_id
	xml     map[int64]*model.QName  // XML schema collections by xml_collection_id (buildXMLSchemaCollections)
	tables  map[int64]*model.Table  // tables and table-type bodies by object id (buildTables, buildTableTypeBodies)
	views   map[int64]*model.Module // indexed views' indexes by object id (buildIndexes)
}

// newAssembler indexes the rows by id. The object types are trimmed on a
// copy of r.Objects: Assemble must leave its input as it found it.
func newAssembler(r *Rows) *assembler {
	rows := *r
	rows.Objects = trimmedObjects(r.Objects)
	a := &assembler{
		rows:     &rows,
		warnings: append([]Warning(nil), r.Warnings...), // nil when none, as callers have always seen it
		types:    map[int64]*TypeRow{},
		objects:  map[int64]*ObjectRow{},
		xml:      map[int64]*model.QName{},
		tables:   map[int64]*model.Table{},
		views:    map[int64]*model.Module{},
	}
	for i := range rows.Types {
		a.types[rows.Types[i].UserTypeID] = &rows.Types[i]
	}
	for i := range rows.Objects {
		a.objects[rows.Objects[i].ObjectID] = &rows.Objects[i]
	}
	return a
}

// trimmedObjects copies objects with sys.objects.type trimmed: the column
// is char(2), so one-letter types arrive padded ("U ").
func trimmedObjects(objects []ObjectRow) []ObjectRow {
	out := slices.Clone(objects)
	for i := range out {
		out[i].Type = strings.TrimSpace(out[i].Type)
	}
	return out
}

// run calls every builder once, in the one order their lookups need: XML
// schema collections before the xml columns they type; tables (with
// table-type bodies) before their columns, indexes and constraints;
// indexes before modules (an indexed view's indexes); tables before types
// and triggers, which attach to them. What the builders append is put in
// name order by sortDatabase at the end, not left in call order.
func (a *assembler) run() (*model.Database, []Warning) {
	db := a.newDatabase()
	a.buildXMLSchemaCollections(db)
	a.buildSchemas(db)
	a.buildTables(db)
	a.buildTableTypeBodies()
	a.buildColumns()
	a.buildIndexes()
	a.buildForeignKeys()
	a.buildChecks()
	a.buildTypes(db)
	a.buildSequences(db)
	a.buildSynonyms(db)
	a.buildModules(db)
	a.buildBindables(db)
	a.buildTriggers(db)
	a.buildExtProps(db)
	a.buildPrincipals(db)
	a.buildRoleMembers(db)
	a.buildPermissions(db)
	a.buildDependencies(db)
	sortDatabase(db)
	slices.SortFunc(a.warnings, func(x, y Warning) int {
		return cmp.Or(cmp.Compare(x.Code, y.Code), cmp.Compare(x.Object, y.Object), cmp.Compare(x.Message, y.Message))
	})
	return db, a.warnings
}

// newDatabase is the model with the database-level settings and no objects.
func (a *assembler) newDatabase() *model.Database {
	db := &model.Database{}
	if s := a.rows.Server; s != nil {
		db.Name = s.Database
		db.Collation = s.Collation
		db.CompatibilityLevel = s.Compatibility
		db.SnapshotIsolation = s.SnapshotAllowed()
	}
	return db
}

func (a *assembler) warn(code, object, format string, args ...any) {
	a.warnings = append(a.warnings, Warning{Code: code, Object: object, Message: fmt.Sprintf(format, args...)})
}

// qname is the schema-qualified name warnings use, or the bare name of an
// object without a schema (a database trigger).
func qname(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}
