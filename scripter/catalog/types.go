package catalog

import (
	"fmt"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// typeOf resolves a column's (or sequence's) type from its user_type_id and
// the column's own length/precision/scale.
func (a *assembler) typeOf(userTypeID int64, maxLen, prec, scale int) model.Type {
	t, ok := a.types[userTypeID]
	if !ok {
		return model.Type{Name: fmt.Sprintf("type#%d", userTypeID), MaxLength: maxLen, Precision: prec, Scale: scale}
	}
	out := model.Type{Name: t.Name, MaxLength: maxLen, Precision: prec, Scale: scale}
	base := ""
	if b, ok := a.types[t.SystemTypeID]; ok && !t.IsAssemblyType {
		base = b.Name
	}
	if !t.IsUserDefined {
		// System types, sysname (whose base is nvarchar) and the system CLR
		// types hierarchyid/geometry/geography (whose base is themselves).
		out.System = t.Name
		if base != "" && t.UserTypeID != t.SystemTypeID {
			out.System = base
		}
		return out
	}
	out.Schema = t.Schema
	out.UserDefined = true
	out.System = base // "" for a CLR user type
	return out
}

// buildTypes adds the user-defined types: alias types with their bound
// default and rule, and table types with the body buildTableTypeBodies and
// the column, index and constraint builders filled. CLR types are left out
// with a warning.
func (a *assembler) buildTypes(db *model.Database) {
	for _, t := range a.rows.Types {
		if !t.IsUserDefined {
			continue
		}
		switch {
		case t.IsTableType:
			body := a.tables[t.TypeTableObjectID]
			if body == nil {
				body = &model.Table{QName: model.QName{Schema: t.Schema, Name: t.Name}}
			}
			db.TableTypes = append(db.TableTypes, &model.TableType{QName: model.QName{Schema: t.Schema, Name: t.Name}, Table: body})
		case t.IsAssemblyType:
			a.warn(model.WarnCLRType, qname(t.Schema, t.Name), "CLR user-defined type %s is not scripted (its assembly is not part of the dump)", qname(t.Schema, t.Name))
		default:
			base := a.typeOf(t.SystemTypeID, t.MaxLength, t.Precision, t.Scale)
			db.Types = append(db.Types, &model.UserType{QName: model.QName{Schema: t.Schema, Name: t.Name}, Base: base, Nullable: t.IsNullable,
				BoundDefault: a.bound(t.DefaultObjectID, objectDefault), BoundRule: a.bound(t.RuleObjectID, objectRule)})
		}
	}
}

// buildXMLSchemaCollections adds the XML schema collections and indexes
// their names for the xml columns typed by them. One whose definition this
// engine cannot read is still indexed, so its columns keep their type, but
// is left out of the script with a warning.
func (a *assembler) buildXMLSchemaCollections(db *model.Database) {
	for _, x := range a.rows.XMLSchemas {
		a.xml[x.CollectionID] = &model.QName{Schema: x.Schema, Name: x.Name}
		if x.Definition == "" {
			a.warn(WarnEngineLacks, qname(x.Schema, x.Name), "XML schema collection %s is not scripted: this engine has no XML_SCHEMA_NAMESPACE to read it with", qname(x.Schema, x.Name))
			continue
		}
		db.XMLSchemaCollections = append(db.XMLSchemaCollections, &model.XMLSchemaCollection{
			QName: model.QName{Schema: x.Schema, Name: x.Name}, Definition: x.Definition})
	}
}
