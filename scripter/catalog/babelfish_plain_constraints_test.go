package catalog

import (
	"database/sql"
	"reflect"
	"strings"
	"testing"
)

var (
	constraintsShipped   = sql.NullBool{Valid: true, Bool: true}
	constraintsUnshipped = sql.NullBool{Valid: true}
)

func plainFKFixture(id, parent, ref int64, name string, isShipped sql.NullBool) plainFK {
	return plainFK{ForeignKeyRow: ForeignKeyRow{ObjectID: id, ParentObjectID: parent, Name: name, OnDelete: "CASCADE",
		OnUpdate: "NO_ACTION", IsSystemNamed: true}, ReferencedObjectID: ref, IsMSShipped: isShipped}
}

func TestPlainForeignKeys_TakeTheReferencedTablesSchemaAndNameInObjectIDOrder(t *testing.T) {
	objects := []plainObject{
		{ObjectID: 10, SchemaID: 1, Name: "parent", Type: "U "},
		{ObjectID: 11, SchemaID: 2, Name: "other", Type: "U "},
	}
	schemas := map[int64]string{1: "dbo", 2: "s2"}
	got, err := joinForeignKeys([]plainFK{
		plainFKFixture(30, 12, 11, "fk_b", constraintsUnshipped),
		plainFKFixture(20, 12, 10, "fk_a", constraintsUnshipped),
	}, objects, schemas)
	if err != nil {
		t.Fatal(err)
	}
	want := []ForeignKeyRow{
		{ObjectID: 20, ParentObjectID: 12, Name: "fk_a", RefSchema: "dbo", RefName: "parent", OnDelete: "CASCADE", OnUpdate: "NO_ACTION", IsSystemNamed: true},
		{ObjectID: 30, ParentObjectID: 12, Name: "fk_b", RefSchema: "s2", RefName: "other", OnDelete: "CASCADE", OnUpdate: "NO_ACTION", IsSystemNamed: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainForeignKeys_AKeyWhoseTableIsNoUserObjectOrThatIsShippedIsLeftOut(t *testing.T) {
	// sys.objects holds only the user objects: the INNER JOIN leaves out
	// a key on a shipped or unknown table; "is_ms_shipped = 0" leaves out
	// a shipped key and one whose flag is NULL.
	objects := []plainObject{{ObjectID: 10, SchemaID: 1, Name: "t"}, {ObjectID: 11, SchemaID: 1, Name: "sys_t", IsMSShipped: true}}
	got, err := joinForeignKeys([]plainFK{
		plainFKFixture(20, 12, 11, "on_shipped_table", constraintsUnshipped),
		plainFKFixture(21, 12, 99, "on_unknown_table", constraintsUnshipped),
		plainFKFixture(22, 12, 10, "constraintsShipped", constraintsShipped),
		plainFKFixture(23, 12, 10, "null_shipped", sql.NullBool{}),
	}, objects, map[int64]string{1: "dbo"})
	if err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Errorf("got %+v, want nil (as the joined query reads no row)", got)
	}
}

func TestPlainForeignKeys_ATableWhoseSchemaHasNoNameFailsAsTheJoinedQueryDoes(t *testing.T) {
	_, err := joinForeignKeys([]plainFK{plainFKFixture(20, 12, 10, "fk", constraintsUnshipped)},
		[]plainObject{{ObjectID: 10, SchemaID: 7, Name: "t"}}, map[int64]string{1: "dbo"})
	if err == nil || !strings.Contains(err.Error(), "no schema 7") {
		t.Errorf("got %v, want an error naming schema 7", err)
	}
}

func TestPlainFKColumns_NameBothColumnsInConstraintAndOrdinalOrder(t *testing.T) {
	names := map[columnKey]string{{1, 1}: "id", {1, 2}: "a", {2, 1}: "pa", {2, 2}: "pb", {2, 3}: "self"}
	got := joinFKColumns([]plainFKColumn{
		{ConstraintObjectID: 9, ConstraintColumnID: 2, ParentObjectID: 2, ParentColumnID: 1, ReferencedObjectID: 1, ReferencedColumnID: 2},
		{ConstraintObjectID: 9, ConstraintColumnID: 1, ParentObjectID: 2, ParentColumnID: 2, ReferencedObjectID: 1, ReferencedColumnID: 1},
		{ConstraintObjectID: 8, ConstraintColumnID: 1, ParentObjectID: 2, ParentColumnID: 3, ReferencedObjectID: 2, ReferencedColumnID: 1},
	}, names)
	want := []FKColumnRow{
		{ObjectID: 8, Ordinal: 1, Column: "self", RefColumn: "pa"},
		{ObjectID: 9, Ordinal: 1, Column: "pb", RefColumn: "id"},
		{ObjectID: 9, Ordinal: 2, Column: "pa", RefColumn: "a"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainFKColumns_APairWithAColumnMissingFromSysColumnsIsLeftOut(t *testing.T) {
	names := map[columnKey]string{{1, 1}: "id", {2, 1}: "pa"}
	got := joinFKColumns([]plainFKColumn{
		{ConstraintObjectID: 9, ConstraintColumnID: 1, ParentObjectID: 2, ParentColumnID: 5, ReferencedObjectID: 1, ReferencedColumnID: 1},
		{ConstraintObjectID: 9, ConstraintColumnID: 2, ParentObjectID: 2, ParentColumnID: 1, ReferencedObjectID: 1, ReferencedColumnID: 5},
		{ConstraintObjectID: 9, ConstraintColumnID: 3, ParentObjectID: 2, ParentColumnID: 0, ReferencedObjectID: 1, ReferencedColumnID: 1},
	}, names)
	if got != nil {
		t.Errorf("got %+v, want nil", got)
	}
}

func TestPlainChecks_AColumnCheckNamesItsColumnATableCheckNoneInParentThenObjectOrder(t *testing.T) {
	names := map[columnKey]string{{5, 1}: "x", {5, 2}: "y", {4, 1}: "lo"}
	check := func(parent, id, col int64, name string, isShipped sql.NullBool) plainCheck {
		return plainCheck{CheckRow: CheckRow{ParentObjectID: parent, Name: name, Definition: "((" + name + "))"},
			ObjectID: id, ParentColumnID: col, IsMSShipped: isShipped}
	}
	got := joinChecks([]plainCheck{
		check(5, 30, 2, "ck_y", constraintsUnshipped),
		check(5, 20, 0, "ck_table", constraintsUnshipped),
		check(4, 40, 1, "ck_lo", constraintsUnshipped),
		check(4, 41, 1, "ck_shipped", constraintsShipped),
		check(4, 42, 1, "ck_null_shipped", sql.NullBool{}),
	}, names)
	want := []CheckRow{
		{ParentObjectID: 4, Name: "ck_lo", Definition: "((ck_lo))", Column: "lo"},
		{ParentObjectID: 5, Name: "ck_table", Definition: "((ck_table))"},
		{ParentObjectID: 5, Name: "ck_y", Definition: "((ck_y))", Column: "y"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if got := joinChecks(nil, names); got != nil {
		t.Errorf("no check: got %#v, want nil", got)
	}
}

func TestPlainTriggers_JoinTheirModulesInObjectIDOrderAndAreNeverEncrypted(t *testing.T) {
	def := "CREATE TRIGGER t ON x AFTER INSERT AS SELECT 1"
	got := joinTriggers([]plainTrigger{
		{ObjectID: 30, Name: "t_no_module", ParentClass: 1, ParentID: 3, Type: "TR", IsMSShipped: constraintsUnshipped},
		{ObjectID: 20, Name: "t", ParentClass: 1, ParentID: 2, Disabled: true, Type: "TR", IsMSShipped: constraintsUnshipped},
		{ObjectID: 25, Name: "t_clr", ParentClass: 0, Type: "ta", IsMSShipped: constraintsUnshipped},
		{ObjectID: 26, Name: "t_shipped", ParentClass: 1, Type: "TR", IsMSShipped: constraintsShipped},
		{ObjectID: 27, Name: "t_null_shipped", ParentClass: 1, Type: "TR"},
		{ObjectID: 28, Name: "t_other_class", ParentClass: 2, Type: "TR", IsMSShipped: constraintsUnshipped},
	}, []plainModule{
		{ObjectID: 99, Definition: &def},
		{ObjectID: 20, Definition: &def, AnsiNulls: true, QuotedIdent: true},
	})
	want := []TriggerRow{
		{ObjectID: 20, Name: "t", ParentClass: 1, ParentID: 2, Disabled: true, Definition: &def, AnsiNulls: true, QuotedIdent: true},
		{ObjectID: 25, Name: "t_clr", ParentClass: 0, IsCLR: true},
		{ObjectID: 30, Name: "t_no_module", ParentClass: 1, ParentID: 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestPlainTriggers_ATriggerWithTwoModuleRowsIsTwoRowsAsTheLeftJoinGives(t *testing.T) {
	a, b := "a", "b"
	got := joinTriggers([]plainTrigger{{ObjectID: 20, Name: "t", ParentClass: 1, Type: "TR", IsMSShipped: constraintsUnshipped}},
		[]plainModule{{ObjectID: 20, Definition: &a}, {ObjectID: 20, Definition: &b}})
	if len(got) != 2 || got[0].Definition != &a || got[1].Definition != &b {
		t.Errorf("got %+v, want the trigger with a, then with b", got)
	}
}

func TestPlainTriggerOrders_KeepTheFirstOrLastEventsInObjectAndTypeOrder(t *testing.T) {
	ev := func(id, typ int64, desc string, first, last bool) plainTriggerEvent {
		return plainTriggerEvent{TriggerEventRow: TriggerEventRow{ObjectID: id, Event: desc, IsFirst: first, IsLast: last}, Type: typ}
	}
	got := filterTriggerEvents([]plainTriggerEvent{
		ev(9, 3, "DELETE", false, true),
		ev(9, 1, "INSERT", true, false),
		ev(8, 2, "UPDATE", true, true),
		ev(8, 1, "INSERT", false, false),
	})
	want := []TriggerEventRow{
		{ObjectID: 8, Event: "UPDATE", IsFirst: true, IsLast: true},
		{ObjectID: 9, Event: "INSERT", IsFirst: true},
		{ObjectID: 9, Event: "DELETE", IsLast: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Babelfish 4.3 marks no event first or last: no row, nil as the
	// joined query's.
	if got := filterTriggerEvents([]plainTriggerEvent{ev(9, 1, "INSERT", false, false)}); got != nil {
		t.Errorf("got %#v, want nil", got)
	}
}
