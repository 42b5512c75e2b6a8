package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// An edge is kept only between two kept objects; an INSTEAD OF trigger
// counts as kept with its view.
func TestDependenciesAreKeptBetweenKeptObjectsOnly(t *testing.T) {
	db := &model.Database{
		Tables: []*model.Table{{QName: dbo("T")}, {QName: dbo("Gone")}},
		Modules: []*model.Module{{QName: dbo("V"), Kind: model.KindView},
			{QName: dbo("trg_V"), Kind: model.KindTrigger, Parent: ptr(dbo("V"))}},
		Dependencies: []model.Dependency{
			{Referencing: dbo("V"), Referenced: dbo("T")},
			{Referencing: dbo("trg_V"), Referenced: dbo("T")},
			{Referencing: dbo("V"), Referenced: dbo("Gone")},
			{Referencing: dbo("V"), Referenced: in("otherdb", "X")},
		},
	}
	apply(t, Spec{IgnoreTables: []string{"Gone"}}, db)
	equal(t, "dependencies", db.Dependencies, []model.Dependency{
		{Referencing: dbo("V"), Referenced: dbo("T")},
		{Referencing: dbo("trg_V"), Referenced: dbo("T")},
	})
}
