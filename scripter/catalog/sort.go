package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// cmpQName orders names by schema, then name, in binary (ordinal) order.
func cmpQName(x, y model.QName) int {
	return cmp.Or(strings.Compare(x.Schema, y.Schema), strings.Compare(x.Name, y.Name))
}

// indexRank puts the clustered index, which the table is created with,
// first and a secondary XML index after the primary one it is built on.
func indexRank(ix *model.Index) int {
	switch {
	case ix.Kind == "CLUSTERED" || ix.Kind == "CLUSTERED COLUMNSTORE":
		return 0
	case ix.Kind == "XML" && ix.XMLSecondary != "":
		return 2 // a secondary XML index needs its primary first
	}
	return 1
}

// sortIndexes orders indexes by rank, then name.
func sortIndexes(ixs []*model.Index) {
	slices.SortStableFunc(ixs, func(x, y *model.Index) int {
		return cmp.Or(cmp.Compare(indexRank(x), indexRank(y)), strings.Compare(x.Name, y.Name))
	})
}

// sortTable orders a table's (or table type's) constraints, indexes and
// triggers; its columns keep their column_id order.
func sortTable(t *model.Table) {
	sortIndexes(t.Uniques)
	sortIndexes(t.Indexes)
	slices.SortStableFunc(t.ForeignKeys, func(x, y *model.ForeignKey) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(t.Checks, func(x, y *model.Check) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(t.Triggers, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
}

// sortDatabase puts every slice in binary name order so the model does not
// depend on object ids or the order rows arrived in.
func sortDatabase(db *model.Database) {
	slices.SortStableFunc(db.Schemas, func(x, y *model.Schema) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(db.Types, func(x, y *model.UserType) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.TableTypes, func(x, y *model.TableType) int { return cmpQName(x.QName, y.QName) })
	for _, t := range db.TableTypes {
		sortTable(t.Table)
	}
	slices.SortStableFunc(db.XMLSchemaCollections, func(x, y *model.XMLSchemaCollection) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Sequences, func(x, y *model.Sequence) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Synonyms, func(x, y *model.Synonym) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Tables, func(x, y *model.Table) int { return cmpQName(x.QName, y.QName) })
	for _, t := range db.Tables {
		sortTable(t)
	}
	slices.SortStableFunc(db.Modules, func(x, y *model.Module) int {
		return cmp.Or(cmpQName(x.QName, y.QName), strings.Compare(x.Kind, y.Kind))
	})
	for _, m := range db.Modules {
		sortIndexes(m.Indexes)
	}
	slices.SortStableFunc(db.Defaults, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Rules, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Principals, func(x, y *model.Principal) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(db.RoleMembers, func(x, y model.RoleMember) int {
		return cmp.Or(strings.Compare(x.Role, y.Role), strings.Compare(x.Member, y.Member))
	})
	slices.SortStableFunc(db.Permissions, func(x, y model.Permission) int {
		return cmp.Or(strings.Compare(x.Class, y.Class), strings.Compare(x.Schema, y.Schema), strings.Compare(x.Object, y.Object),
			strings.Compare(x.Column, y.Column), strings.Compare(x.Grantee, y.Grantee), strings.Compare(x.Permission, y.Permission),
			strings.Compare(x.State, y.State))
	})
	slices.SortStableFunc(db.ExtendedProperties, func(x, y *model.ExtendedProperty) int {
		return cmp.Or(strings.Compare(x.Level0Type, y.Level0Type), strings.Compare(x.Level0Name, y.Level0Name),
			strings.Compare(x.Level1Type, y.Level1Type), strings.Compare(x.Level1Name, y.Level1Name),
			strings.Compare(x.Level2Type, y.Level2Type), strings.Compare(x.Level2Name, y.Level2Name),
			strings.Compare(x.Name, y.Name))
	})
	slices.SortStableFunc(db.Dependencies, func(x, y model.Dependency) int {
		return cmp.Or(cmpQName(x.Referencing, y.Referencing), cmpQName(x.Referenced, y.Referenced))
	})
}
