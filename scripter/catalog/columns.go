package catalog

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// buildColumns adds each column to its table or table-type body (needs
// buildTables and buildTableTypeBodies), in the order the rows give: the
// query reads them in column_id order, which is the table's own order.
func (a *assembler) buildColumns() {
	dbColl := ""
	if a.rows.Server != nil {
		dbColl = a.rows.Server.Collation
	}
	for _, c := range a.rows.Columns {
		t := a.tables[c.ObjectID]
		if t == nil || c.IsDroppedLedger {
			// A column dropped from a ledger table stays behind hidden,
			// renamed; it is not part of the table's definition.
			continue
		}
		col := a.newColumn(c, dbColl)
		if col.Identity != nil {
			t.HasIdentity = true
		}
		if t.Temporal != nil {
			switch col.GeneratedAlways {
			case "ROW START":
				t.Temporal.PeriodStart = c.Name
			case "ROW END":
				t.Temporal.PeriodEnd = c.Name
			}
		}
		t.Columns = append(t.Columns, col)
	}
}

// newColumn is c's model; dbColl is the database collation, which a column
// of the same collation leaves implicit.
func (a *assembler) newColumn(c ColumnRow, dbColl string) *model.Column {
	col := &model.Column{
		Name:            c.Name,
		Type:            a.typeOf(c.UserTypeID, c.MaxLength, c.Precision, c.Scale),
		Nullable:        c.IsNullable,
		Sparse:          c.IsSparse,
		ColumnSet:       c.IsColumnSet,
		RowGUID:         c.IsRowGUIDCol,
		FileStream:      c.IsFileStream,
		GeneratedAlways: generatedAlways(c.GeneratedAlways),
		Hidden:          c.IsHidden,
		MaskingFunction: c.MaskingFunction,
		GraphType:       c.GraphType,
	}
	if c.Collation != "" && c.Collation != dbColl {
		col.Collation = c.Collation
	}
	if tr := a.types[c.UserTypeID]; tr != nil && tr.SystemTypeID == systemTypeTimestamp {
		col.IsRowversion = true
	}
	if c.XMLCollectionID > 0 {
		if q := a.xml[c.XMLCollectionID]; q != nil {
			q := *q
			col.Type.XMLCollection = &q
			col.Type.XMLDocument = c.IsXMLDocument
		}
	}
	if c.IsIdentity {
		col.Identity = &model.Identity{Seed: c.IdentitySeed, Increment: c.IdentityIncr,
			NotForReplication: c.IdentityNFR, LastValue: c.IdentityLast}
	}
	if c.IsComputed {
		col.Computed = &model.Computed{Definition: c.ComputedDef, Persisted: c.ComputedPersist}
	}
	if c.HasDefaultObject && c.DefaultName != "" {
		col.Default = &model.Default{Name: c.DefaultName, Definition: c.DefaultDef, IsSystemNamed: c.DefaultSysNamed}
	} else {
		col.BoundDefault = a.bound(c.DefaultObjectID, objectDefault)
	}
	col.BoundRule = a.bound(c.RuleObjectID, objectRule)
	return col
}

// generatedAlways maps generated_always_type_desc (AS_ROW_START,
// AS_TRANSACTION_ID_END, ...) to the model's "ROW START",
// "TRANSACTION_ID END" form: the clause as written after GENERATED ALWAYS AS.
func generatedAlways(desc string) string {
	if desc == "" || desc == "NOT_APPLICABLE" {
		return ""
	}
	s := strings.TrimPrefix(desc, "AS_")
	if i := strings.LastIndexByte(s, '_'); i >= 0 {
		s = s[:i] + " " + s[i+1:]
	}
	return s
}
