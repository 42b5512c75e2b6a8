package ddl

import (
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// typeSQL renders a column, parameter or sequence type exactly as declared:
// nvarchar(max_length/2), (max), decimal(p,s), datetime2(s), typed xml.
// User-defined (alias, CLR, table) types are schema-qualified and carry no
// parameters of their own.
func typeSQL(t model.Type) string {
	if t.UserDefined {
		return qn(model.QName{Schema: t.Schema, Name: t.Name})
	}
	name := strings.ToLower(t.Name)
	switch name {
	case "varchar", "char", "varbinary", "binary":
		return name + "(" + lengthArg(t.MaxLength, 1) + ")"
	case "nvarchar", "nchar":
		return name + "(" + lengthArg(t.MaxLength, 2) + ")"
	case "decimal", "numeric":
		return name + "(" + strconv.Itoa(t.Precision) + ", " + strconv.Itoa(t.Scale) + ")"
	case "datetime2", "time", "datetimeoffset":
		return name + "(" + strconv.Itoa(t.Scale) + ")"
	case "float":
		// float(24) and below is stored as real; any float column is
		// float(53), the default, which needs no argument.
		if t.Precision != 0 && t.Precision != 53 {
			return "float(" + strconv.Itoa(t.Precision) + ")"
		}
		return "float"
	case "xml":
		if t.XMLCollection != nil {
			kind := "CONTENT"
			if t.XMLDocument {
				kind = "DOCUMENT"
			}
			return "xml(" + kind + " " + qn(*t.XMLCollection) + ")"
		}
		return "xml"
	}
	if t.Schema != "" && t.Schema != "sys" {
		return qn(model.QName{Schema: t.Schema, Name: t.Name})
	}
	return name
}

// lengthArg renders sys.columns.max_length for a type whose characters take
// unit bytes.
func lengthArg(maxLength, unit int) string {
	if maxLength == -1 {
		return "max"
	}
	return strconv.Itoa(maxLength / unit)
}
