package filter

import (
	"slices"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// applyTypes keeps the alias types, table types and XML schema collections
// the filter keeps, and those a kept table's or kept table type's column
// needs: a column cannot be created without its type.
func (f *Filter) applyTypes(db *model.Database, k *kept) {
	need := columnTypes{types: map[model.QName]bool{}, xml: map[model.QName]bool{}}
	for _, t := range db.Tables {
		need.add(t.Columns)
	}
	db.Types = slices.DeleteFunc(db.Types, func(u *model.UserType) bool {
		return !need.types[u.QName] && !f.keep(model.TypeType, u.QName)
	})
	db.TableTypes = slices.DeleteFunc(db.TableTypes, func(u *model.TableType) bool {
		return !need.types[u.QName] && !f.keep(model.TypeType, u.QName)
	})
	// Table types' columns need XML schema collections (and name alias
	// types, already decided above: a table type is kept with its own).
	for _, tt := range db.TableTypes {
		need.add(tt.Table.Columns)
	}
	db.XMLSchemaCollections = slices.DeleteFunc(db.XMLSchemaCollections, func(x *model.XMLSchemaCollection) bool {
		return !need.xml[x.QName] && !f.keep(model.TypeXMLSchemaCollection, x.QName)
	})
	for _, u := range db.Types {
		k.add(u.QName)
	}
	for _, u := range db.TableTypes {
		k.add(u.QName)
	}
	for _, x := range db.XMLSchemaCollections {
		k.add(x.QName)
	}
}

// columnTypes collects the user-defined types and XML schema collections
// columns are declared with.
type columnTypes struct{ types, xml map[model.QName]bool }

func (n columnTypes) add(cols []*model.Column) {
	for _, c := range cols {
		if c.Type.UserDefined {
			n.types[model.QName{Schema: c.Type.Schema, Name: c.Type.Name}] = true
		}
		if c.Type.XMLCollection != nil {
			n.xml[*c.Type.XMLCollection] = true
		}
	}
}
