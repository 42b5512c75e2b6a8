package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// buildExtProps adds the extended properties sp_addextendedproperty can
// name: on the database, a schema, a user, a type, an XML schema
// collection, an object or one of its columns, parameters, indexes,
// constraints and triggers. Properties on objects the dump leaves out are
// dropped; ones on an object kind it cannot name are dropped with a warning.
func (a *assembler) buildExtProps(db *model.Database) {
	for _, e := range a.rows.ExtProps {
		p := &model.ExtendedProperty{Name: e.Name, Value: e.Value, IsNull: e.IsNull}
		if e.BaseType != "nvarchar" {
			p.BaseType = e.BaseType
		}
		if e.IsNull {
			p.Value, p.BaseType = "", ""
		}
		if !a.setExtPropLevels(p, e) {
			continue
		}
		if p.Level0Type != "" && p.Level0Name == "" {
			continue
		}
		db.ExtendedProperties = append(db.ExtendedProperties, p)
	}
}

// setExtPropLevels sets p's level0/1/2 type and name from e's securable
// class, or reports false when p is not scripted.
func (a *assembler) setExtPropLevels(p *model.ExtendedProperty, e ExtPropRow) bool {
	switch e.Class {
	case classDatabase:
	case classObject, classParameter, classIndex:
		return a.setObjectExtPropLevels(p, e)
	case classSchema:
		p.Level0Type, p.Level0Name = "SCHEMA", e.MajorName
	case classPrincipal:
		p.Level0Type, p.Level0Name = "USER", e.MajorName
	case classType:
		p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", e.MajorSchema, "TYPE", e.MajorName
	case classXMLSchemaCollection:
		p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", e.MajorSchema, "XML SCHEMA COLLECTION", e.MajorName
	default:
		return false
	}
	return true
}

// setObjectExtPropLevels sets the levels of a property on an object (class
// 1, 2 or 7): a constraint or trigger is level 2 under its parent, a
// column, parameter or index level 2 under its object.
func (a *assembler) setObjectExtPropLevels(p *model.ExtendedProperty, e ExtPropRow) bool {
	o := a.objects[e.MajorID]
	if o == nil {
		return false // a system object, or one the dump leaves out
	}
	switch o.Type {
	case objectPrimaryKey, objectUniqueConstraint, objectForeignKey, objectCheck, objectDefault, objectTrigger, objectEdgeConstraint:
		parent := a.objects[o.ParentObjectID]
		if parent == nil {
			return false
		}
		sch, l1t, l1n, ok := a.objectLevels(parent)
		if !ok {
			return false
		}
		p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", sch, l1t, l1n
		p.Level2Type, p.Level2Name = "CONSTRAINT", o.Name
		if o.Type == objectTrigger {
			p.Level2Type = "TRIGGER"
		}
		return true
	}
	sch, l1t, l1n, ok := a.objectLevels(o)
	if !ok {
		a.warn(model.WarnExtendedPropertySkipped, qname(o.Schema, o.Name), "extended property %s on %s (type %s) is not scripted", e.Name, qname(o.Schema, o.Name), o.Type)
		return false
	}
	p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", sch, l1t, l1n
	switch {
	case e.Class == classObject && e.MinorID > 0:
		p.Level2Type, p.Level2Name = "COLUMN", e.MinorName
	case e.Class == classParameter:
		p.Level2Type, p.Level2Name = "PARAMETER", e.MinorName
	case e.Class == classIndex:
		p.Level2Type, p.Level2Name = "INDEX", e.MinorName
	}
	return p.Level2Type == "" || p.Level2Name != ""
}

// level1Type maps sys.objects.type to sp_addextendedproperty's level1type.
func level1Type(typ string) string {
	switch typ {
	case objectTable:
		return "TABLE"
	case objectView:
		return "VIEW"
	case objectProcedure, objectCLRProcedure, objectExtendedProcedure, objectReplicationFilter:
		return "PROCEDURE"
	case objectScalarFunction, objectInlineFunction, objectTableFunction, objectCLRScalarFunction, objectCLRTableFunction:
		return "FUNCTION"
	case objectCLRAggregate:
		return "AGGREGATE"
	case objectSequence:
		return "SEQUENCE"
	case objectSynonym:
		return "SYNONYM"
	case objectTableType:
		return "TYPE"
	}
	return ""
}

// objectLevels returns level0/1 names of a top-level object. A table
// type's object is named after its type, not its internal table name.
func (a *assembler) objectLevels(o *ObjectRow) (schema, l1type, l1name string, ok bool) {
	if o.Type == objectTableType {
		q, ok := a.typeTableName(o.ObjectID)
		return q.Schema, "TYPE", q.Name, ok
	}
	l1 := level1Type(o.Type)
	return o.Schema, l1, o.Name, l1 != ""
}

// typeTableName is the name of the table type whose body has object id
// objectID.
func (a *assembler) typeTableName(objectID int64) (model.QName, bool) {
	for _, t := range a.rows.Types {
		if t.IsTableType && t.TypeTableObjectID == objectID {
			return model.QName{Schema: t.Schema, Name: t.Name}, true
		}
	}
	return model.QName{}, false
}
