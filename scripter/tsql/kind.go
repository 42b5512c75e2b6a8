package tsql

// kind groups system types by how their values are written.
type kind uint8

const (
	kindUnknown kind = iota
	kindInt
	kindBit
	kindFloat
	kindReal
	kindDecimal // decimal, numeric, money, smallmoney: exact text
	kindChar    // char, varchar, text: non-Unicode character data
	kindNChar   // nchar, nvarchar, ntext, sysname, json
	kindBinary  // binary, varbinary, image, timestamp: 0x...
	kindCLR     // hierarchyid, geometry, geography, CLR UDTs: CAST(0x... AS type)
	kindGUID
	kindDate
	kindTime
	kindDateTime
	kindSmallDateTime
	kindDateTime2
	kindDateTimeOffset
	kindXML
	kindVariant
	kindVector
)

// kindOf maps a lower-case system type name to its kind.
func kindOf(name string) kind {
	switch name {
	case "int", "bigint", "smallint", "tinyint":
		return kindInt
	case "bit":
		return kindBit
	case "float":
		return kindFloat
	case "real":
		return kindReal
	case "decimal", "numeric", "money", "smallmoney":
		return kindDecimal
	case "nvarchar", "nchar", "ntext", "sysname", "json":
		return kindNChar
	case "varchar", "char", "text":
		return kindChar
	case "varbinary", "binary", "image", "timestamp":
		return kindBinary
	case "hierarchyid", "geometry", "geography":
		return kindCLR
	case "uniqueidentifier":
		return kindGUID
	case "date":
		return kindDate
	case "time":
		return kindTime
	case "datetime":
		return kindDateTime
	case "smalldatetime":
		return kindSmallDateTime
	case "datetime2":
		return kindDateTime2
	case "datetimeoffset":
		return kindDateTimeOffset
	case "xml":
		return kindXML
	case "sql_variant":
		return kindVariant
	case "vector":
		return kindVector
	}
	return kindUnknown
}
