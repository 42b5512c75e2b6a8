package catalog

import (
	"database/sql"
	"reflect"
	"testing"
)

func objNullID(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: true} }

func TestPlainObjects_ShippedObjectsAreLeftOutAndTheTypeIsTrimmedAsRTRIMTrimsIt(t *testing.T) {
	all := []plainObject{
		{ObjectID: 10, SchemaID: 1, Name: "sysview", Type: "V ", IsMSShipped: true},
		{ObjectID: 20, SchemaID: 2, Name: "t", Type: "U "},
		{ObjectID: 30, SchemaID: 2, Name: "PK_t", Type: "PK", ParentObjectID: 20},
		{ObjectID: 40, SchemaID: 9, Name: "orphan", Type: "P "},
	}
	got := userObjectRows(all, map[int64]string{1: "sys", 2: "dbo"})
	want := []ObjectRow{
		{ObjectID: 20, Schema: "dbo", Name: "t", Type: "U"},
		{ObjectID: 30, Schema: "dbo", Name: "PK_t", Type: "PK", ParentObjectID: 20},
		{ObjectID: 40, Schema: "", Name: "orphan", Type: "P"}, // SCHEMA_NAME of no schema is NULL
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainSchemas_BuiltinSchemasAndFixedRoleSchemasAreLeftOutWhateverTheirCase(t *testing.T) {
	principals := []objPrincipal{
		{PrincipalID: objNullID(5), Name: "db_owner", IsFixedRole: true},
		{PrincipalID: objNullID(6), Name: "dbo", IsFixedRole: true},
		{PrincipalID: objNullID(7), Name: "alice"},
	}
	schemas := []objSchema{
		{SchemaID: 1, Name: "DBO", PrincipalID: objNullID(5)},
		{SchemaID: 2, Name: "information_schema", PrincipalID: objNullID(6)},
		{SchemaID: 3, Name: "DB_Owner", PrincipalID: objNullID(5)}, // the fixed role's own schema
		{SchemaID: 4, Name: "db_owner", PrincipalID: objNullID(7)}, // same name, another owner: a user schema
		{SchemaID: 5, Name: "sales", PrincipalID: objNullID(7)},
	}
	got := userSchemaRows(schemas, principals)
	want := []SchemaRow{{SchemaID: 4, Name: "db_owner", Owner: "alice"}, {SchemaID: 5, Name: "sales", Owner: "alice"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainSchemas_ASchemaGetsOneRowPerPrincipalItsOwnerIdMatchesAndNoneWithoutOwner(t *testing.T) {
	// Babelfish gives public, sys and INFORMATION_SCHEMA the id -1.
	principals := []objPrincipal{{PrincipalID: objNullID(-1), Name: "public"}, {PrincipalID: objNullID(-1), Name: "sys"}}
	schemas := []objSchema{{SchemaID: 1, Name: "shared", PrincipalID: objNullID(-1)}, {SchemaID: 2, Name: "nobody"}}
	got := userSchemaRows(schemas, principals)
	want := []SchemaRow{{SchemaID: 2, Name: "nobody"}, {SchemaID: 1, Name: "shared", Owner: "public"}, {SchemaID: 1, Name: "shared", Owner: "sys"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainSchemas_AreOrderedByNameIgnoringCaseAsBabelfishsCollationOrdersThem(t *testing.T) {
	schemas := []objSchema{{SchemaID: 1, Name: "b"}, {SchemaID: 2, Name: "C"}, {SchemaID: 3, Name: "A"}}
	var names []string
	for _, s := range userSchemaRows(schemas, nil) {
		names = append(names, s.Name)
	}
	if !reflect.DeepEqual(names, []string{"A", "b", "C"}) {
		t.Errorf("order %v", names)
	}
}

func TestPlainTypes_ATableTypeGetsItsTableObjectAndBuiltinTypesTheirSystemSchema(t *testing.T) {
	types := []objType{
		{TypeRow: TypeRow{UserTypeID: 300, Name: "tt", IsTableType: true, IsUserDefined: true}, SchemaID: 2},
		{TypeRow: TypeRow{UserTypeID: 56, SystemTypeID: 56, Name: "int", MaxLength: 4, Precision: 10}, SchemaID: 11},
		{TypeRow: TypeRow{UserTypeID: 200, Name: "money_t", IsUserDefined: true}, SchemaID: 2},
	}
	tableTypes := []objTableType{{UserTypeID: 300, TypeTableObjectID: 301, IsMemoryOptimized: true}}
	got := typeRows(types, tableTypes, map[int64]string{2: "dbo", 11: "pg_catalog"})
	want := []TypeRow{
		{UserTypeID: 56, SystemTypeID: 56, Schema: "pg_catalog", Name: "int", MaxLength: 4, Precision: 10},
		{UserTypeID: 200, Schema: "dbo", Name: "money_t", IsUserDefined: true},
		{UserTypeID: 300, Schema: "dbo", Name: "tt", IsTableType: true, IsUserDefined: true, TypeTableObjectID: 301, IsMemoryOptimized: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainXMLSchemas_TheBuiltinCollectionIsLeftOutAndTheRestOrderedById(t *testing.T) {
	rows := []objXMLSchema{{CollectionID: 65537, SchemaID: 2, Name: "b"}, {CollectionID: 1, SchemaID: 4, Name: "sys"},
		{CollectionID: 65536, SchemaID: 2, Name: "a"}}
	got := xmlSchemaRows(rows, map[int64]string{2: "dbo", 4: "sys"})
	want := []XMLSchemaRow{{CollectionID: 65536, Schema: "dbo", Name: "a"}, {CollectionID: 65537, Schema: "dbo", Name: "b"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainTables_TheHeapOrClusteredIndexGivesTheFileGroupAndTheLobDataSpaceTheTextImageOn(t *testing.T) {
	tables := []objTable{
		{TableRow: TableRow{ObjectID: 20, Name: "clustered", LockEscalation: "TABLE"}, SchemaID: 2, LobDataSpaceID: 1},
		{TableRow: TableRow{ObjectID: 10, Name: "heap"}, SchemaID: 2},
		{TableRow: TableRow{ObjectID: 30, Name: "partitioned"}, SchemaID: 2},
		{TableRow: TableRow{ObjectID: 40, Name: "no index row"}, SchemaID: 2},
	}
	indexes := []objIndexSpace{
		{ObjectID: 20, IndexID: 2, DataSpaceID: 3}, // a nonclustered index: not the table's data space
		{ObjectID: 20, IndexID: 1, DataSpaceID: 3},
		{ObjectID: 10, IndexID: 0, DataSpaceID: 1},
		{ObjectID: 30, IndexID: 1, DataSpaceID: 5},
	}
	spaces := []objDataSpace{{ID: 1, Name: "PRIMARY", Type: "FG"}, {ID: 3, Name: "FG2", Type: "FG"}, {ID: 5, Name: "ps", Type: "PS"}}
	got := tableRows(tables, indexes, spaces, nil, map[int64]string{2: "dbo"})
	want := []TableRow{
		{ObjectID: 10, Schema: "dbo", Name: "heap", FileGroup: "PRIMARY"},
		{ObjectID: 20, Schema: "dbo", Name: "clustered", LockEscalation: "TABLE", FileGroup: "FG2", TextImageOn: "PRIMARY"},
		{ObjectID: 30, Schema: "dbo", Name: "partitioned", FileGroup: "ps", Partitioned: true},
		{ObjectID: 40, Schema: "dbo", Name: "no index row"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainTables_ShippedTablesAreLeftOutAndChangeTrackedOnesMarked(t *testing.T) {
	tables := []objTable{
		{TableRow: TableRow{ObjectID: 1, Name: "shipped"}, IsMSShipped: true},
		{TableRow: TableRow{ObjectID: 2, Name: "tracked"}},
		{TableRow: TableRow{ObjectID: 3, Name: "untracked"}},
	}
	got := tableRows(tables, nil, nil, map[int64]bool{1: true, 2: true}, nil)
	want := []TableRow{{ObjectID: 2, Name: "tracked", ChangeTracking: true}, {ObjectID: 3, Name: "untracked"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// The plain server detection (server.go) picks what the joined one's
// WHERE and OBJECT_ID find.

func TestPlainDetection_TheCurrentDatabaseIsFoundByItsNameExactlyFirstThenIgnoringCase(t *testing.T) {
	dbs := []databaseRow{{Name: "Sales", Compatibility: 1}, {Name: "sales", Compatibility: 2}, {Name: "Other", Compatibility: 3}}
	if d, ok := currentDatabase(dbs, "sales"); !ok || d.Compatibility != 2 {
		t.Errorf("exact name: %+v, %v", d, ok)
	}
	if d, ok := currentDatabase(dbs, "OTHER"); !ok || d.Name != "Other" {
		t.Errorf("name in another case: %+v, %v", d, ok)
	}
	if _, ok := currentDatabase(dbs, "none"); ok {
		t.Error("a database that is not listed was found")
	}
}

func TestPlainDetection_ProbedNamesAreLookedUpInTheSysSchemaOnlyAndGatedViewsGetTheirColumns(t *testing.T) {
	const sysID = 4
	objects := []plainObject{
		{ObjectID: 100, SchemaID: sysID, Name: "TABLES", Type: "V "},
		{ObjectID: 101, SchemaID: sysID, Name: "objectproperty", Type: "FN"},
		{ObjectID: 102, SchemaID: sysID, Name: "ident_seed", Type: "FN"},
		{ObjectID: 103, SchemaID: sysID, Name: "ident_seed", Type: "FN"}, // an overload
		{ObjectID: 200, SchemaID: 7, Name: "synonyms", Type: "U "},       // a user's table, not sys.synonyms
		{ObjectID: 104, SchemaID: sysID, Name: "unprobed", Type: "V "},
	}
	cols := []probeColumn{{ObjectID: 100, Name: "is_node"}, {ObjectID: 100, Name: "Name"}, {ObjectID: 104, Name: "x"}, {ObjectID: 200, Name: "y"}}
	s := &Server{columns: map[string]bool{}, views: map[string]bool{}}
	s.recordProbe(sysSchemaObjects(objects, sysID), cols)
	wantViews := map[string]bool{"tables": true, "objectproperty": true, "ident_seed": true}
	wantCols := map[string]bool{"tables.is_node": true, "tables.Name": true}
	if !reflect.DeepEqual(s.views, wantViews) || !reflect.DeepEqual(s.columns, wantCols) || !s.listsBuiltins {
		t.Errorf("views %v, columns %v, listsBuiltins %v", s.views, s.columns, s.listsBuiltins)
	}
}
