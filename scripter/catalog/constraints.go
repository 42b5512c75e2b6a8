package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildForeignKeys adds each foreign key to its table or table-type body
// (needs buildTables and buildTableTypeBodies), its column pairs in
// constraint_column_id order.
func (a *assembler) buildForeignKeys() {
	cols := map[int64][]FKColumnRow{}
	for _, c := range a.rows.FKColumns {
		cols[c.ObjectID] = append(cols[c.ObjectID], c) // a copy: sorting it below leaves the rows alone
	}
	for _, f := range a.rows.ForeignKeys {
		t := a.tables[f.ParentObjectID]
		if t == nil {
			continue
		}
		fk := &model.ForeignKey{
			Name: f.Name, References: model.QName{Schema: f.RefSchema, Name: f.RefName},
			OnDelete: refAction(f.OnDelete), OnUpdate: refAction(f.OnUpdate),
			NotForReplication: f.NFR, Disabled: f.Disabled, NotTrusted: f.NotTrusted, IsSystemNamed: f.IsSystemNamed,
		}
		cs := cols[f.ObjectID]
		slices.SortStableFunc(cs, func(x, y FKColumnRow) int { return cmp.Compare(x.Ordinal, y.Ordinal) })
		for _, c := range cs {
			fk.Columns = append(fk.Columns, c.Column)
			fk.RefColumns = append(fk.RefColumns, c.RefColumn)
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
}

// refAction renders ON DELETE / ON UPDATE from its _desc; "" is NO ACTION,
// the default.
func refAction(desc string) string {
	switch desc {
	case "", "NO_ACTION":
		return ""
	}
	return strings.ReplaceAll(desc, "_", " ")
}

// buildChecks adds each CHECK constraint to its table or table-type body
// (needs buildTables and buildTableTypeBodies).
func (a *assembler) buildChecks() {
	for _, c := range a.rows.Checks {
		t := a.tables[c.ParentObjectID]
		if t == nil {
			continue
		}
		t.Checks = append(t.Checks, &model.Check{Name: c.Name, Definition: c.Definition, Column: c.Column,
			NotForReplication: c.NFR, Disabled: c.Disabled, NotTrusted: c.NotTrusted, IsSystemNamed: c.IsSystemNamed})
	}
}
