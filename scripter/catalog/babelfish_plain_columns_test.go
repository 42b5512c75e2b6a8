package catalog

import (
	"context"
	"database/sql"
	"reflect"
	"testing"
	"time"
)

// fixtureObjects indexes objects by id, as objectsByID does.
func fixtureObjects(objects ...plainObject) map[int64]plainObject {
	out := map[int64]plainObject{}
	for _, o := range objects {
		out[o.ObjectID] = o
	}
	return out
}

// Two tables in schema s2 (PostgreSQL namespace 500, "db_s2") with an
// identity column each, t1 (object 10) whose sequence 11 handed out 7,
// and t2 (object 20) whose sequence 21 handed out nothing yet.
var (
	identityObjects = fixtureObjects(
		plainObject{ObjectID: 10, SchemaID: 500, Name: "t1", Type: "U "},
		plainObject{ObjectID: 11, SchemaID: 500, Name: "t1_id_seq", Type: "SO"},
		plainObject{ObjectID: 12, SchemaID: 500, Name: "pk_t1", Type: "PK", ParentObjectID: 10},
		plainObject{ObjectID: 20, SchemaID: 500, Name: "t2", Type: "U "},
		plainObject{ObjectID: 21, SchemaID: 500, Name: "t2_id_seq", Type: "SO"},
	)
	identitySources = plainIdentitySources{
		Depends: []plainDepend{
			// The primary key depends on t1's column too ('a'), but it
			// is no sequence.
			{ClassID: 2606, ObjID: 12, RefClassID: 1259, RefObjID: 10, RefObjSubID: 1, DepType: "a"},
			{ClassID: 1259, ObjID: 11, RefClassID: 1259, RefObjID: 10, RefObjSubID: 1, DepType: "i"},
			{ClassID: 1259, ObjID: 21, RefClassID: 1259, RefObjID: 20, RefObjSubID: 2, DepType: "i"},
		},
		Sequences: map[int64]pgSequence{
			11: {RelID: 11, Start: -5, Increment: -3},
			21: {RelID: 21, Start: 9000000000, Increment: 1000},
		},
		Namespaces: map[int64]string{500: "db_s2"},
		LastValues: map[pgSequenceName]sql.NullInt64{
			{"db_s2", "t1_id_seq"}: {Int64: 7, Valid: true}, {"db_s2", "t2_id_seq"}: {},
			{"other_s2", "t1_id_seq"}: {Int64: 99, Valid: true},
		},
	}
)

func TestPlainColumns_AnIdentityColumnOutsideDboGetsItsSeedFromItsSequence(t *testing.T) {
	cols := []ColumnRow{{ObjectID: 10, ColumnID: 1, Name: "id", IsIdentity: true}, {ObjectID: 10, ColumnID: 2, Name: "v"}}
	setPlainIdentities(cols, identitySources, identityObjects)
	want := []ColumnRow{
		{ObjectID: 10, ColumnID: 1, Name: "id", IsIdentity: true, IdentitySeed: "-5", IdentityIncr: "-3", IdentityLast: "7"},
		{ObjectID: 10, ColumnID: 2, Name: "v"},
	}
	if !reflect.DeepEqual(cols, want) {
		t.Errorf("got %+v\nwant %+v", cols, want)
	}
}

func TestPlainColumns_AnIdentityWhoseSequenceHandedOutNothingHasNoLastValue(t *testing.T) {
	cols := []ColumnRow{{ObjectID: 20, ColumnID: 2, Name: "id", IsIdentity: true}}
	setPlainIdentities(cols, identitySources, identityObjects)
	got := cols[0]
	if got.IdentitySeed != "9000000000" || got.IdentityIncr != "1000" || got.IdentityLast != "" || got.IdentityNFR {
		t.Errorf("got seed %q increment %q last %q NFR %v", got.IdentitySeed, got.IdentityIncr, got.IdentityLast, got.IdentityNFR)
	}
}

func TestPlainColumns_AColumnWithoutASequenceHasNoIdentityValues(t *testing.T) {
	// IDENT_SEED is NULL when the table has no identity sequence, and the
	// last value's subquery finds nothing.
	cols := []ColumnRow{{ObjectID: 30, ColumnID: 1, Name: "id", IsIdentity: true}}
	setPlainIdentities(cols, identitySources, identityObjects)
	if c := cols[0]; c.IdentitySeed != "" || c.IdentityIncr != "" || c.IdentityLast != "" {
		t.Errorf("got %+v", c)
	}
}

func TestPlainColumns_OnlyColumnsOfUserTablesAndTableTypesAreReadInColumnOrder(t *testing.T) {
	objects := fixtureObjects(
		plainObject{ObjectID: 1, Type: "U "}, plainObject{ObjectID: 2, Type: "TT"},
		plainObject{ObjectID: 3, Type: "V "}, plainObject{ObjectID: 4, Type: "U ", IsMSShipped: true},
	)
	src := plainColumnSources{Columns: []ColumnRow{
		{ObjectID: 2, ColumnID: 1}, {ObjectID: 1, ColumnID: 2}, {ObjectID: 3, ColumnID: 1},
		{ObjectID: 4, ColumnID: 1}, {ObjectID: 5, ColumnID: 1}, {ObjectID: 1, ColumnID: 1},
	}}
	got := joinPlainColumns(src, objects)
	want := []ColumnRow{{ObjectID: 1, ColumnID: 1}, {ObjectID: 1, ColumnID: 2}, {ObjectID: 2, ColumnID: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainColumns_AColumnGetsItsComputedDefinitionDefaultConstraintAndMask(t *testing.T) {
	objects := fixtureObjects(plainObject{ObjectID: 1, Type: "U"})
	src := plainColumnSources{
		Columns: []ColumnRow{
			{ObjectID: 1, ColumnID: 1, Name: "a", DefaultObjectID: 40},
			{ObjectID: 1, ColumnID: 2, Name: "b", IsComputed: true},
		},
		Computed: []plainComputed{{ObjectID: 1, ColumnID: 2, Definition: "([a]*(2))", IsPersisted: true}},
		Defaults: []plainDefault{{ObjectID: 40, Name: "df_a", Definition: "((0))", IsSystemNamed: true}},
		Masks:    []plainMask{{ObjectID: 1, ColumnID: 1, Function: "default()"}},
	}
	got := joinPlainColumns(src, objects)
	want := []ColumnRow{
		{ObjectID: 1, ColumnID: 1, Name: "a", DefaultObjectID: 40, HasDefaultObject: true, DefaultName: "df_a",
			DefaultDef: "((0))", DefaultSysNamed: true, MaskingFunction: "default()"},
		{ObjectID: 1, ColumnID: 2, Name: "b", IsComputed: true, ComputedDef: "([a]*(2))", ComputedPersist: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainColumns_TheIdentityViewsAreReadOnlyWhenAColumnIsAnIdentity(t *testing.T) {
	if hasIdentity([]ColumnRow{{Name: "a"}, {Name: "b"}}) {
		t.Error("no identity column, yet pg_depend would be read")
	}
	if !hasIdentity([]ColumnRow{{Name: "a"}, {Name: "id", IsIdentity: true}}) {
		t.Error("an identity column, yet pg_depend would not be read")
	}
}

func TestPlainColumns_TypeCodesCompareAsTSQLCharDoes(t *testing.T) {
	for _, c := range []struct {
		typ  string
		want bool
	}{{"U ", true}, {"u", true}, {"TT", true}, {"V ", false}, {"", false}} {
		if got := sqlTypeIs(c.typ, "U", "TT"); got != c.want {
			t.Errorf("sqlTypeIs(%q, U, TT) = %v, want %v", c.typ, got, c.want)
		}
	}
}

// indexFixture is an index of object 1 (a user table).
func indexFixture(id int, name string, typ int) plainIndex {
	return plainIndex{IndexRow: IndexRow{ObjectID: 1, IndexID: id, Name: name, Type: typ}, DataSpaceID: 1,
		IsHypothetical: sql.NullBool{Valid: true}}
}

func TestPlainIndexes_HeapsHypotheticalIndexesAndIndexesOfOtherObjectsAreLeftOut(t *testing.T) {
	objects := fixtureObjects(plainObject{ObjectID: 1, Type: "U "}, plainObject{ObjectID: 2, Type: "IT"},
		plainObject{ObjectID: 3, Type: "V "})
	hypothetical := indexFixture(3, "hyp", 2)
	hypothetical.IsHypothetical.Bool = true
	unknown := indexFixture(4, "unknown", 2)
	unknown.IsHypothetical.Valid = false // NULL fails "is_hypothetical = 0"
	internal := indexFixture(1, "internal", 1)
	internal.ObjectID = 2
	view := indexFixture(1, "view_cix", 1)
	view.ObjectID = 3
	src := plainIndexSources{Indexes: []plainIndex{view, indexFixture(2, "ix", 2), indexFixture(0, "", 0),
		hypothetical, unknown, internal, indexFixture(1, "cix", 1)}}
	var got []string
	for _, r := range joinPlainIndexes(src, objects) {
		got = append(got, r.Name)
	}
	if want := []string{"cix", "ix", "view_cix"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPlainIndexes_AnIndexGetsItsFileGroupKeyConstraintAndStatistics(t *testing.T) {
	objects := fixtureObjects(plainObject{ObjectID: 1, Type: "U "})
	pk, ix := indexFixture(1, "pk_t", 1), indexFixture(2, "ix_t", 2)
	ix.DataSpaceID = 65601
	src := plainIndexSources{
		Indexes: []plainIndex{pk, ix},
		DataSpaces: map[int64][]objDataSpace{1: {{Name: "PRIMARY", Type: "FG"}},
			65601: {{Name: "ps_date", Type: "PS"}}},
		KeyConstraints: []plainKeyConstraint{
			{ParentObjectID: 1, UniqueIndexID: 1, Type: "PK", IsSystemNamed: true},
			// Only PRIMARY KEY and UNIQUE constraints count.
			{ParentObjectID: 1, UniqueIndexID: 2, Type: "F ", IsSystemNamed: true},
		},
		NoRecompute: map[plainIndexKey][]bool{{1, 2}: {true}},
	}
	got := joinPlainIndexes(src, objects)
	want := []IndexRow{
		{ObjectID: 1, IndexID: 1, Name: "pk_t", Type: 1, FileGroup: "PRIMARY", IsSystemNamed: true},
		{ObjectID: 1, IndexID: 2, Name: "ix_t", Type: 2, FileGroup: "ps_date", Partitioned: true, NoRecompute: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainIndexes_NoIndexesIsAnEmptySliceAsTheJoinedQueryGives(t *testing.T) {
	if got := joinPlainIndexes(plainIndexSources{}, nil); got == nil || len(got) != 0 {
		t.Errorf("got %#v, want an empty non-nil slice", got)
	}
}

func TestPlainIndexes_XMLSpatialAndHashIndexesGetWhatTheirViewsAdd(t *testing.T) {
	objects := fixtureObjects(plainObject{ObjectID: 1, Type: "U "})
	src := plainIndexSources{
		Indexes: []plainIndex{indexFixture(1, "pk", 1), indexFixture(2, "pxml", 3), indexFixture(3, "sxml", 3),
			indexFixture(4, "geo", 4), indexFixture(5, "hash", 7)},
		XML: []plainXMLIndex{{ObjectID: 1, IndexID: 2}, {ObjectID: 1, IndexID: 3, UsingXMLIndexID: 2,
			SecondaryType: "PATH", XMLIndexType: 1}},
		Spatial: []plainSpatial{{ObjectID: 1, IndexID: 4, Scheme: "GEOMETRY_GRID", CellsPerObject: 16,
			Box:   [4]sql.NullFloat64{{Float64: 0, Valid: true}, {Float64: -1.5, Valid: true}, {Float64: 100, Valid: true}, {Float64: 2e10, Valid: true}},
			Grids: [4]string{"MEDIUM", "MEDIUM", "LOW", "HIGH"}}},
		Buckets: map[plainIndexKey][]int64{{1, 5}: {1024}},
	}
	got := joinPlainIndexes(src, objects)
	if len(got) != 5 {
		t.Fatalf("got %d rows: %+v", len(got), got)
	}
	if g := got[1]; g.XMLPrimaryName != "" || g.XMLSecondaryType != "" || g.XMLIndexType != 0 {
		t.Errorf("primary XML index: %+v", g)
	}
	if g := got[2]; g.XMLPrimaryName != "pxml" || g.XMLSecondaryType != "PATH" || g.XMLIndexType != 1 {
		t.Errorf("secondary XML index: %+v", g)
	}
	g := got[3]
	if g.SpatialScheme != "GEOMETRY_GRID" || g.SpatialCellsPerOb != 16 ||
		!reflect.DeepEqual(g.SpatialBox, []string{"0", "-1.5", "100", "2e+10"}) ||
		!reflect.DeepEqual(g.SpatialGrids, []string{"MEDIUM", "MEDIUM", "LOW", "HIGH"}) {
		t.Errorf("spatial index: %+v", g)
	}
	if got[4].BucketCount != 1024 || got[0].SpatialBox != nil || got[0].BucketCount != 0 {
		t.Errorf("hash index: %+v, clustered index: %+v", got[4], got[0])
	}
}

func TestPlainIndexColumns_AreNamedFilteredAndOrderedByKeyOrdinalThenIndexColumnID(t *testing.T) {
	objects := fixtureObjects(plainObject{ObjectID: 1, Type: "U "}, plainObject{ObjectID: 2, Type: "S ", IsMSShipped: true})
	names := map[columnKey]string{{1, 1}: "a", {1, 2}: "b", {1, 3}: "c", {2, 1}: "sys"}
	rows := []plainIndexColumn{
		{IndexColumnRow{ObjectID: 1, IndexID: 2, KeyOrdinal: 0, IndexColumnID: 3, Included: true}, 3},
		{IndexColumnRow{ObjectID: 1, IndexID: 2, KeyOrdinal: 1, IndexColumnID: 2, Descending: true}, 2},
		{IndexColumnRow{ObjectID: 1, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1}, 1},
		{IndexColumnRow{ObjectID: 2, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1}, 1},
		{IndexColumnRow{ObjectID: 1, IndexID: 1, KeyOrdinal: 2, IndexColumnID: 2}, 9}, // no such column
	}
	got := joinPlainIndexColumns(rows, names, objects)
	want := []IndexColumnRow{
		{ObjectID: 1, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1, Name: "a"},
		{ObjectID: 1, IndexID: 2, KeyOrdinal: 0, IndexColumnID: 3, Name: "c", Included: true},
		{ObjectID: 1, IndexID: 2, KeyOrdinal: 1, IndexColumnID: 2, Name: "b", Descending: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// identityScript makes identity columns in three schemas (one with a space
// and capitals in its name, where the column is not the first), of
// several types, negative and large seeds and increments, used and unused
// sequences, a table type's, and a user sequence beside them.
var identityScript = []string{
	"CREATE SCHEMA s2",
	"CREATE SCHEMA [Mixed Case]",
	"CREATE TABLE dbo.t_int (id int IDENTITY(1,1) PRIMARY KEY, v int)",
	"CREATE TABLE s2.t_neg (id bigint IDENTITY(-5,-3) NOT NULL, v int)",
	"CREATE TABLE s2.t_big (id bigint IDENTITY(9000000000,1000) NOT NULL, v int)",
	"CREATE TABLE [Mixed Case].[Odd Name] (v int, [The Id] smallint IDENTITY(7,2) NOT NULL)",
	"CREATE TABLE s2.t_dec (id decimal(12,0) IDENTITY(100,10) NOT NULL, v int)",
	"CREATE TABLE s2.t_tiny (id tinyint IDENTITY(3,1) NOT NULL, v int)",
	"CREATE TABLE s2.t_int (id int IDENTITY(50,5) PRIMARY KEY, v int)",
	"INSERT INTO s2.t_neg (v) VALUES (1), (2)",
	"INSERT INTO [Mixed Case].[Odd Name] (v) VALUES (1)",
	"INSERT INTO s2.t_big (v) VALUES (1), (2), (3)",
	"INSERT INTO s2.t_int (v) VALUES (1)",
	"CREATE TYPE dbo.tt_ident AS TABLE (id int IDENTITY(10,10), v int)",
	"CREATE SEQUENCE s2.plainseq START WITH 4 INCREMENT BY 2",
	"SELECT NEXT VALUE FOR s2.plainseq",
}

// TestIntegrationOnBabelfishThePlainColumnsHaveTheIdentityValuesOfTheJoinedQuery
// reads the columns of a database of identity columns both ways.
func TestIntegrationOnBabelfishThePlainColumnsHaveTheIdentityValuesOfTheJoinedQuery(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dsn, master := requireBabelfish(ctx, t)
	db, _ := createScratchDatabase(ctx, t, dsn, master, "mssqldump_identity")
	for _, stmt := range identityScript {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	plainRows, joinedRows := readBothWays(ctx, t, conn, Scope{DataOnly: true})
	identities := 0
	for _, c := range joinedRows.Columns {
		if c.IsIdentity && c.IdentitySeed != "" {
			identities++
		}
	}
	if identities != 8 {
		t.Errorf("the joined query read %d identity columns with a seed, want 8", identities)
	}
	if diff := firstRowDifference(plainRows, joinedRows); diff != "" {
		t.Error(diff)
	}
}
