package ddl

import (
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// dropSection returns the text of the AddDropTable object.
func dropSection(t *testing.T, s *Script) string {
	t.Helper()
	for _, o := range s.Objects {
		if o.Type == TypeDrop {
			return o.Text
		}
	}
	t.Fatal("the script has no drop section")
	return ""
}

func TestAddDropTableDropsEveryForeignKeyIntoADumpedTableBeforeDroppingThatTable(t *testing.T) {
	db := loadFixture(t, "torture")
	drops := dropSection(t, Build(db, Options{AddDropTable: true}))
	dumped := map[model.QName]bool{}
	for _, tb := range db.Tables {
		dumped[tb.QName] = true
	}
	checked := 0
	for _, tb := range db.Tables {
		for _, fk := range tb.ForeignKeys {
			if !dumped[fk.References] {
				continue
			}
			dropFK := strings.Index(drops, "ALTER TABLE "+qn(tb.QName)+" DROP CONSTRAINT "+ident(fk.Name)+";")
			guard := strings.Index(drops, "IF OBJECT_ID("+nlit(qn(model.QName{Schema: tb.Schema, Name: fk.Name}))+", N'F') IS NOT NULL\n")
			dropTable := strings.Index(drops, "DROP TABLE IF EXISTS "+qn(fk.References)+";")
			if dropFK < 0 || dropTable < 0 || dropFK > dropTable {
				t.Errorf("FK %s on %s: dropped at %d, its referenced table %s at %d", fk.Name, objName(tb.QName), dropFK, objName(fk.References), dropTable)
			}
			if guard < 0 || guard > dropFK {
				t.Errorf("FK %s on %s is dropped without an OBJECT_ID guard", fk.Name, objName(tb.QName))
			}
			checked++
		}
	}
	if checked < 3 {
		t.Fatalf("the torture fixture has only %d FKs between dumped tables; the test checks nothing", checked)
	}
	// FKs from tables outside the dump: a catch-all over sys.foreign_keys,
	// one FK per iteration, before the first DROP TABLE.
	loop := strings.Index(drops, "SELECT TOP (1) @drop = ")
	firstTable := strings.Index(drops, "DROP TABLE IF EXISTS ")
	if loop < 0 || loop > firstTable || !strings.Contains(drops, "WHILE 1 = 1") || !strings.Contains(drops, "THROW;") {
		t.Errorf("no bounded one-at-a-time catch-all before the first DROP TABLE:\n%s", drops)
	}
	if strings.Contains(drops, "@drop +=") {
		t.Error("the drop section still aggregates with SELECT @drop += ..., which may assign only once")
	}
	for q := range dumped {
		if !strings.Contains(drops, "\t\tOBJECT_ID("+nlit(qn(q))+")") {
			t.Errorf("the catch-all does not look for FKs into %s", objName(q))
		}
	}
}

func TestAddDropTableWithNoDumpedTableHasNoForeignKeyDrops(t *testing.T) {
	def := "CREATE PROCEDURE dbo.p AS SELECT 1"
	db := &model.Database{Modules: []*model.Module{{QName: model.QName{Schema: "dbo", Name: "p"}, Kind: model.KindProcedure, Definition: &def,
		UsesAnsiNulls: true, UsesQuotedIdentifier: true}}}
	drops := dropSection(t, Build(db, Options{AddDropTable: true}))
	if strings.Contains(drops, "sys.foreign_keys") || strings.Contains(drops, "DROP CONSTRAINT") {
		t.Errorf("FK drops without any table:\n%s", drops)
	}
}

// Babelfish keeps no sys.sql_expression_dependencies rows: a schema-bound
// view must still be dropped before the table it reads.
func TestAddDropTableDropsViewsBeforeTablesEvenWithoutDependencyRows(t *testing.T) {
	def := "CREATE VIEW dbo.v WITH SCHEMABINDING AS SELECT id FROM dbo.z"
	db := &model.Database{
		Tables: []*model.Table{{QName: model.QName{Schema: "dbo", Name: "z"}, Columns: []*model.Column{{Name: "id", Type: model.Type{Name: "int", System: "int"}}}}},
		Modules: []*model.Module{{QName: model.QName{Schema: "dbo", Name: "v"}, Kind: model.KindView, Definition: &def,
			SchemaBound: true, UsesAnsiNulls: true, UsesQuotedIdentifier: true}},
	}
	drops := dropSection(t, Build(db, Options{AddDropTable: true}))
	view, table := strings.Index(drops, "DROP VIEW IF EXISTS [dbo].[v];"), strings.Index(drops, "DROP TABLE IF EXISTS [dbo].[z];")
	if view < 0 || table < 0 || view > table {
		t.Errorf("view dropped at %d, its table at %d:\n%s", view, table, drops)
	}
}
