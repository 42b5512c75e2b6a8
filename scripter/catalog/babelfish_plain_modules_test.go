package catalog

import (
	"database/sql"
	"reflect"
	"testing"
)

func strp(s string) *string { return &s }

func intp(n int) *int { return &n }

// sequenceFixture is a database with schema dbo (oid 10, PostgreSQL name
// db_dbo) and sales (oid 11, db_sales): sequence 100 in sales, used up to
// 25; 101 in dbo, never used; 102 owned by an identity column; 103 a table.
func sequenceFixture() sequenceSources {
	return sequenceSources{
		objects: []plainObject{
			{ObjectID: 100, SchemaID: 11, Name: "orderno", Type: "SO"},
			{ObjectID: 101, SchemaID: 10, Name: "small", Type: "SO"},
			{ObjectID: 102, SchemaID: 10, Name: "t_id_seq", Type: "SO"},
			{ObjectID: 103, SchemaID: 10, Name: "t", Type: "U "},
		},
		sequences: []pgSequence{
			{RelID: 101, TypeID: 21, Start: -5, Increment: 1, Max: 300, Min: -5, Cache: 1, Cycle: true},
			{RelID: 100, TypeID: 20, Start: 10, Increment: 5, Max: 9223372036854775807, Min: -9223372036854775808, Cache: 20},
			{RelID: 102, TypeID: 23, Start: 1, Increment: 1, Max: 2147483647, Min: 1, Cache: 1},
			{RelID: 999, TypeID: 20, Start: 1, Increment: 1, Max: 9, Min: 1, Cache: 1}, // another database's
		},
		owned:      map[int64]bool{102: true},
		types:      map[int64]typeSize{20: {19, 0}, 21: {5, 0}, 23: {10, 0}},
		schemas:    map[int64]string{10: "dbo", 11: "Sales"},
		namespaces: map[int64]string{10: "db_dbo", 11: "db_sales"},
		lastValues: map[pgSequenceName]sql.NullInt64{{"db_sales", "orderno"}: {Int64: 25, Valid: true}, {"db_dbo", "t_id_seq"}: {Int64: 7, Valid: true},
			{"other_sales", "small"}: {Int64: 3, Valid: true}, {"db_sales", "unused"}: {}},
	}
}

func TestPlainSequences_AnIdentitysSequenceIsLeftOutAndTheOthersComeInObjectIDOrder(t *testing.T) {
	got := joinSequences(sequenceFixture())
	if len(got) != 2 || got[0].Name != "orderno" || got[1].Name != "small" {
		t.Fatalf("got %+v, want orderno and small", got)
	}
}

func TestPlainSequences_AUsedSequenceHasItsLastValueAsDecimalTextAndItsCache(t *testing.T) {
	got := joinSequences(sequenceFixture())[0]
	want := SequenceRow{Schema: "Sales", Name: "orderno", UserTypeID: 20, Precision: 19, Scale: 0,
		Start: "10", Increment: "5", Min: "-9223372036854775808", Max: "9223372036854775807",
		IsCached: true, CacheSize: intp(20), Current: "25", LastUsed: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPlainSequences_AnUnusedSequenceRestartsAtItsStartWithTheDefaultCache(t *testing.T) {
	// The last value of a sequence of the same name in another database's
	// schema is not this one's.
	got := joinSequences(sequenceFixture())[1]
	want := SequenceRow{Schema: "dbo", Name: "small", UserTypeID: 21, Precision: 5, Start: "-5", Increment: "1",
		Min: "-5", Max: "300", IsCycling: true, IsCached: true, Current: "-5"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPlainSequences_ATypeSysTypesLacksHasPrecisionAndScaleZero(t *testing.T) {
	src := sequenceFixture()
	src.types = nil
	got := joinSequences(src)[0]
	if got.Precision != 0 || got.Scale != 0 || got.UserTypeID != 20 {
		t.Errorf("got %+v", got)
	}
}

func TestPlainSequences_NoSequenceIsAnEmptySliceAsTheJoinedReaderGives(t *testing.T) {
	got := joinSequences(sequenceSources{})
	if got == nil || len(got) != 0 {
		t.Errorf("got %#v, want an empty non-nil slice", got)
	}
}

func TestPlainSynonyms_EachSynonymGetsItsSchemaNameInObjectIDOrder(t *testing.T) {
	got := sortSynonyms([]plainSynonym{
		{ObjectID: 9, SchemaID: 1, Name: "b", Target: "[dbo].[t]"},
		{ObjectID: 4, SchemaID: 2, Name: "a", Target: "srv.db.dbo.t"},
	}, map[int64]string{1: "dbo", 2: "Sales"})
	want := []SynonymRow{{"Sales", "a", "srv.db.dbo.t"}, {"dbo", "b", "[dbo].[t]"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func moduleFixture() []plainObject {
	return []plainObject{
		{ObjectID: 1, SchemaID: 10, Name: "v", Type: "V "},
		{ObjectID: 2, SchemaID: 10, Name: "t", Type: "U "},
		{ObjectID: 3, SchemaID: 10, Name: "df_t", Type: "D ", ParentObjectID: 2},
		{ObjectID: 4, SchemaID: 10, Name: "zero_default", Type: "D "},
		{ObjectID: 5, SchemaID: 11, Name: "f", Type: "FN"},
		{ObjectID: 6, SchemaID: 10, Name: "shipped", Type: "P ", IsMSShipped: true},
		{ObjectID: 7, SchemaID: 10, Name: "tr", Type: "TR", ParentObjectID: 2},
		{ObjectID: 8, SchemaID: 10, Name: "clr", Type: "PC"},
	}
}

func TestPlainModules_ModulesAndStandAloneDefaultsOfTheUserAreKeptWithTheirSQLModule(t *testing.T) {
	modules := []plainModule{
		{ObjectID: 5, Definition: strp("CREATE FUNCTION f"), AnsiNulls: true, QuotedIdent: true, SchemaBound: true},
		{ObjectID: 1, Definition: strp("CREATE VIEW v"), AnsiNulls: true},
		{ObjectID: 4, Definition: strp("CREATE DEFAULT zero_default AS 0")},
		{ObjectID: 7, Definition: strp("CREATE TRIGGER tr")},
	}
	got := joinModules(moduleFixture(), modules, map[int64]string{10: "dbo", 11: "Sales"}, nil)
	want := []ModuleRow{
		{ObjectID: 1, Schema: "dbo", Name: "v", Type: "V", Definition: strp("CREATE VIEW v"), AnsiNulls: true, HasSQLModule: true},
		{ObjectID: 4, Schema: "dbo", Name: "zero_default", Type: "D", Definition: strp("CREATE DEFAULT zero_default AS 0"), HasSQLModule: true},
		{ObjectID: 5, Schema: "Sales", Name: "f", Type: "FN", Definition: strp("CREATE FUNCTION f"), AnsiNulls: true,
			QuotedIdent: true, SchemaBound: true, HasSQLModule: true},
		{ObjectID: 8, Schema: "dbo", Name: "clr", Type: "PC"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestPlainModules_AnObjectWithTwoSQLModuleRowsGetsARowForEach(t *testing.T) {
	modules := []plainModule{{ObjectID: 1, Definition: strp("a")}, {ObjectID: 1, Definition: nil}}
	got := joinModules(moduleFixture()[:1], modules, nil, nil)
	if len(got) != 2 || *got[0].Definition != "a" || got[1].Definition != nil || !got[1].HasSQLModule {
		t.Errorf("got %+v", got)
	}
}

func TestPlainModules_LedgerViewsAreLeftOut(t *testing.T) {
	got := joinModules(moduleFixture(), nil, nil, map[int64]bool{1: true})
	if len(got) == 0 || got[0].ObjectID == 1 {
		t.Errorf("got %+v, want the ledger view 1 left out", got)
	}
}

func nullInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: true} }

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: true} }

func TestPlainDependencies_OnlyReferencesBetweenObjectsOfThisDatabaseInIDOrderNullFirst(t *testing.T) {
	one := nullInt(1)
	rows := []plainDependency{
		{ReferencingID: 20, ReferencingClass: one, ReferencedClass: one, Schema: nullStr("dbo"), Entity: nullStr("b"), ReferencedID: nullInt(6)},
		{ReferencingID: 20, ReferencingClass: one, ReferencedClass: one, Entity: nullStr("missing")},
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: one, Schema: nullStr("dbo"), Entity: nullStr("a"), ReferencedID: nullInt(5)},
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: one, Server: nullStr("srv"), Entity: nullStr("far")},
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: one, Database: nullStr("db"), Entity: nullStr("other")},
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: nullInt(6), Entity: nullStr("type")},
		{ReferencingID: 10, ReferencedClass: one, Entity: nullStr("unknown class")},
	}
	got, ok := sortDependencies(rows)
	want := []DependencyRow{{10, 5, "dbo", "a"}, {20, 0, "", "missing"}, {20, 6, "dbo", "b"}}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v (ok %v), want %+v", got, ok, want)
	}
}

func TestPlainDependencies_TwoNamesTheCollationWouldOrderAskForTheJoinedQuery(t *testing.T) {
	one := nullInt(1)
	rows := []plainDependency{
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: one, Entity: nullStr("b")},
		{ReferencingID: 10, ReferencingClass: one, ReferencedClass: one, Entity: nullStr("a")},
	}
	if _, ok := sortDependencies(rows); ok {
		t.Error("an order by names was taken for the server's")
	}
	rows[1].Entity = nullStr("b")
	if got, ok := sortDependencies(rows); !ok || len(got) != 2 {
		t.Errorf("two equal references: got %+v, ok %v", got, ok)
	}
}

func TestPlainDependencies_NoneIsNilAsTheJoinedReaderGives(t *testing.T) {
	if got, ok := sortDependencies(nil); got != nil || !ok {
		t.Errorf("got %#v, %v", got, ok)
	}
}

func principalFixture() []plainPrincipal {
	no, yes := sql.NullBool{Valid: true}, sql.NullBool{Bool: true, Valid: true}
	return []plainPrincipal{
		{PrincipalID: 30, Name: nullStr("app"), Type: nullStr("R"), IsFixedRole: no, OwnerID: 20},
		{PrincipalID: 20, Name: nullStr("Ann"), Type: nullStr("S"), DefaultSchema: "sales", SID: []byte{0, 1, 0x58, 0x14},
			IsFixedRole: no, AuthType: "INSTANCE"},
		{PrincipalID: 21, Name: nullStr("orphan"), Type: nullStr("S"), SID: []byte{0, 0, 0, 9}, IsFixedRole: no},
		{PrincipalID: 22, Name: nullStr("norole"), Type: nullStr("S"), SID: []byte{0, 0, 0, 8}, IsFixedRole: no},
		{PrincipalID: 5, Name: nullStr("db_owner"), Type: nullStr("R"), IsFixedRole: yes},
		{PrincipalID: 1, Name: nullStr("dbo"), Type: nullStr("S"), IsFixedRole: no},
		{PrincipalID: 40, Name: nullStr("##internal##"), Type: nullStr("S"), IsFixedRole: no},
		{PrincipalID: 41, Name: nullStr("cert"), Type: nullStr("C"), IsFixedRole: no},
		{PrincipalID: 42, Name: nullStr("unknown"), Type: nullStr("S")},
		{PrincipalID: -1, Name: nullStr("public"), Type: nullStr("R"), SID: []byte{0, 0, 0, 0}, IsFixedRole: no},
	}
}

func TestPlainPrincipals_UsersAndRolesOfTheUserWithTheirLoginInPrincipalIDOrder(t *testing.T) {
	var users []plainPrincipal
	for _, d := range principalFixture() {
		if isUserPrincipal(d) {
			users = append(users, d)
		}
	}
	logins := loginNames{roles: map[uint32]string{0x15814: "ann_login", 8: "some_role"}, logins: map[string]string{"ann_login": "Ann_Login"}}
	got, ok := principalRows(users, logins)
	want := []PrincipalRow{
		{PrincipalID: 20, Name: "Ann", Type: "S", DefaultSchema: "sales", Login: "Ann_Login", AuthType: "INSTANCE"},
		{PrincipalID: 21, Name: "orphan", Type: "S"},
		{PrincipalID: 22, Name: "norole", Type: "S"},
		{PrincipalID: 30, Name: "app", Type: "R", OwnerID: 20},
	}
	if !ok || !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v (ok %v)\nwant %+v", got, ok, want)
	}
}

func TestPlainPrincipals_ASidSUSER_SNAMETakesForTheSessionsLoginAsksForTheJoinedQuery(t *testing.T) {
	for _, sid := range [][]byte{{0, 0, 0, 0}, {1, 2}} {
		users := []plainPrincipal{{PrincipalID: 9, Name: nullStr("x"), Type: nullStr("S"), SID: sid}}
		if _, ok := principalRows(users, loginNames{}); ok {
			t.Errorf("sid %x was read as a login", sid)
		}
	}
}

func TestPlainRoleMembers_EachMembershipByNameOrderedByRoleThenMemberID(t *testing.T) {
	members := []plainRoleMember{{RoleID: 30, MemberID: 22}, {RoleID: 30, MemberID: 20}, {RoleID: 5, MemberID: 1},
		{RoleID: 5, MemberID: 22}, {RoleID: 30, MemberID: 40}, {RoleID: 30, MemberID: 99}}
	got := joinRoleMembers(members, principalFixture())
	want := []RoleMemberRow{{"db_owner", "norole"}, {"app", "Ann"}, {"app", "norole"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}
