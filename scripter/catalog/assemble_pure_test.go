package catalog

import (
	"reflect"
	"slices"
	"testing"
)

// pureFixture is fixtureRows with what assembly is most tempted to change
// in place: padded sys.objects types (trimmed), a two-column foreign key
// and two trigger-order rows listed out of order (sorted), a warning the
// reader found (appended to), and an XML collection and principals.
func pureFixture(babelfish bool) *Rows {
	r := fixtureRows()
	r.Server.Babelfish = babelfish
	r.FKColumns = append(r.FKColumns, FKColumnRow{ObjectID: 300, Ordinal: 0, Column: "Phone", RefColumn: "Id"})
	r.TriggerOrder = append(r.TriggerOrder, TriggerEventRow{ObjectID: 201, Event: "DELETE", IsLast: true})
	slices.Reverse(r.TriggerOrder)
	r.Warnings = []Warning{{Code: WarnEngineLacks, Object: "sys.masked_columns", Message: "read without it"}}
	r.XMLSchemas = []XMLSchemaRow{{CollectionID: 1, Schema: "dbo", Name: "Docs"}}
	r.Principals = []PrincipalRow{
		{PrincipalID: 5, Name: "app", Type: "A ", DefaultSchema: "sales"},
		{PrincipalID: 6, Name: "clerk", Type: "S ", AuthType: "DATABASE", DefaultSchema: "dbo"},
	}
	return r
}

func TestAssembleLeavesItsInputUnchanged(t *testing.T) {
	for _, babelfish := range []bool{false, true} {
		in, want := pureFixture(babelfish), pureFixture(babelfish)
		Assemble(in)
		if changed := changedFields(in, want); len(changed) > 0 {
			t.Errorf("babelfish=%v: Assemble modified its input's %v", babelfish, changed)
		}
	}
}

// changedFields names the fields of Rows that differ between got and want
// (following pointers, so a changed Server shows too).
func changedFields(got, want *Rows) []string {
	var changed []string
	g, w := reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()
	for i := range g.NumField() {
		if !reflect.DeepEqual(g.Field(i).Interface(), w.Field(i).Interface()) {
			changed = append(changed, g.Type().Field(i).Name)
		}
	}
	return changed
}

func TestAssembleTwiceOnTheSameRowsGivesTheSameModel(t *testing.T) {
	r := pureFixture(false)
	first, firstWarnings := Assemble(r)
	second, secondWarnings := Assemble(r)
	if !reflect.DeepEqual(first, second) || !reflect.DeepEqual(firstWarnings, secondWarnings) {
		t.Errorf("a second Assemble of the same rows differs:\n first %+v %v\nsecond %+v %v", first, firstWarnings, second, secondWarnings)
	}
}
