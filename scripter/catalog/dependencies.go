package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// buildDependencies adds what each object references
// (sys.sql_expression_dependencies), by name, once per pair, for the
// restore order. A default stands for its table, a ledger view for its
// ledger table, and a reference to itself is dropped.
func (a *assembler) buildDependencies(db *model.Database) {
	byName := a.objectsByName()
	ledgerTables := a.ledgerViewTables()
	seen := map[model.Dependency]bool{}
	for _, d := range a.rows.Dependencies {
		from := a.objects[d.ReferencingID]
		if from == nil {
			continue
		}
		if from.Type == objectDefault {
			// A default is created inline with its table, so what it uses
			// (a sequence, a function) must exist before the table.
			if p := a.objects[from.ParentObjectID]; p != nil {
				from = p
			}
		}
		to := a.referenced(d, from, byName)
		if to != nil {
			if t := ledgerTables[to.ObjectID]; t != nil {
				to = t // a ledger view is created with its table
			}
		}
		if to == nil || to.ObjectID == from.ObjectID {
			continue
		}
		dep := model.Dependency{
			Referencing: model.QName{Schema: from.Schema, Name: from.Name},
			Referenced:  model.QName{Schema: to.Schema, Name: to.Name},
		}
		if seen[dep] {
			continue
		}
		seen[dep] = true
		db.Dependencies = append(db.Dependencies, dep)
	}
}

// objectsByName indexes the top-level objects and triggers by name, for
// references SQL Server could not bind to an id (deferred name resolution).
func (a *assembler) objectsByName() map[model.QName]*ObjectRow {
	byName := map[model.QName]*ObjectRow{}
	for i := range a.rows.Objects {
		o := &a.rows.Objects[i]
		if o.ParentObjectID == 0 || o.Type == objectTrigger {
			byName[model.QName{Schema: o.Schema, Name: o.Name}] = o
		}
	}
	return byName
}

// ledgerViewTables maps each ledger view's object to its ledger table's.
func (a *assembler) ledgerViewTables() map[int64]*ObjectRow {
	ledgerTables := map[int64]*ObjectRow{}
	for _, t := range a.rows.Tables {
		if t.LedgerViewName == "" {
			continue
		}
		for i := range a.rows.Objects {
			o := &a.rows.Objects[i]
			if tbl := a.objects[t.ObjectID]; tbl != nil && o.Type == objectView && o.Schema == t.LedgerViewSchema && o.Name == t.LedgerViewName {
				ledgerTables[o.ObjectID] = tbl
			}
		}
	}
	return ledgerTables
}

// referenced is the object d references: by id when SQL Server bound it,
// else by name, schema-qualified, else in the referencing object's schema,
// else in dbo. nil when it is none of the dump's objects.
func (a *assembler) referenced(d DependencyRow, from *ObjectRow, byName map[model.QName]*ObjectRow) *ObjectRow {
	if d.ReferencedID != 0 {
		return a.objects[d.ReferencedID]
	}
	if d.ReferencedName == "" {
		return nil
	}
	for _, s := range []string{d.ReferencedSch, from.Schema, "dbo"} {
		if s == "" {
			continue
		}
		if o := byName[model.QName{Schema: s, Name: d.ReferencedName}]; o != nil {
			return o
		}
	}
	return nil
}
