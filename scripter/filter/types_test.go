package filter

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// A column cannot be created without its type, so a kept table keeps the
// alias and table types and XML schema collections its columns use, and a
// kept table type keeps its columns' XML schema collections, whatever the
// type filters say.
func TestKeptColumnsKeepTheirTypesAndXMLSchemaCollections(t *testing.T) {
	db := &model.Database{
		Types:                []*model.UserType{{QName: dbo("Phone")}, {QName: dbo("Unused")}},
		TableTypes:           []*model.TableType{{QName: dbo("Lines"), Table: &model.Table{Columns: []*model.Column{{Name: "doc", Type: model.Type{Name: "xml", XMLCollection: ptr(dbo("LineXML"))}}}}}},
		XMLSchemaCollections: []*model.XMLSchemaCollection{{QName: dbo("OrderXML")}, {QName: dbo("LineXML")}, {QName: dbo("Spare")}},
		Tables: []*model.Table{{QName: dbo("Orders"), Columns: []*model.Column{
			{Name: "phone", Type: model.Type{Schema: "dbo", Name: "Phone", UserDefined: true}},
			{Name: "lines", Type: model.Type{Schema: "dbo", Name: "Lines", UserDefined: true}},
			{Name: "doc", Type: model.Type{Name: "xml", XMLCollection: ptr(dbo("OrderXML"))}},
		}}},
	}
	apply(t, Spec{ExcludeTypes: []string{model.TypeType, model.TypeXMLSchemaCollection}}, db)
	equal(t, "types", qnames(db.Types, func(u *model.UserType) model.QName { return u.QName }), []model.QName{dbo("Phone")})
	equal(t, "table types", qnames(db.TableTypes, func(u *model.TableType) model.QName { return u.QName }), []model.QName{dbo("Lines")})
	equal(t, "xml schema collections", qnames(db.XMLSchemaCollections, func(x *model.XMLSchemaCollection) model.QName { return x.QName }),
		[]model.QName{dbo("OrderXML"), dbo("LineXML")})
}

func TestTypesNoKeptColumnUsesFollowTheTypeFilters(t *testing.T) {
	db := &model.Database{
		Types:                []*model.UserType{{QName: dbo("Phone")}, {QName: in("x", "Zip")}},
		XMLSchemaCollections: []*model.XMLSchemaCollection{{QName: in("x", "Doc")}},
	}
	apply(t, Spec{ExcludeSchemas: []string{"x"}}, db)
	equal(t, "types", qnames(db.Types, func(u *model.UserType) model.QName { return u.QName }), []model.QName{dbo("Phone")})
	equal(t, "xml schema collections", len(db.XMLSchemaCollections), 0)
}
