package tsql

import (
	"fmt"
	"strconv"
	"strings"
)

// Type describes a column (or sql_variant base) type the way SQL Server's
// catalog does (sys.columns joined to sys.types), so a reader can fill it
// straight from a catalog row:
//
//   - Name: the system type name in lower case (int, nvarchar, decimal,
//     datetime2, sql_variant, hierarchyid, geography, ...), or the name of a
//     user-defined type when Schema is set.
//   - Schema: set only for user-defined types (alias, CLR and table types);
//     empty (or "sys") for every system type, including the system CLR
//     types hierarchyid, geometry and geography.
//   - MaxLength: sys.columns.max_length, in BYTES (nvarchar(50) has 100),
//     -1 for (max) and for xml/geography/geometry.
//   - Precision, Scale: sys.columns.precision/scale (decimal(18,2) has 18, 2;
//     datetime2(3), time(3) and datetimeoffset(3) have scale 3).
//   - IsUserDefinedCLR: a CLR user-defined type (sys.types.is_assembly_type
//     for a user type); its values are bytes.
//   - XMLCollectionSchema/XMLCollection/XMLDocument: a typed xml column
//     (sys.columns.xml_collection_id, is_xml_document).
//
// An alias type (CREATE TYPE dbo.Phone FROM nvarchar(20)) is rendered by its
// name, but to encode a value pass its base system type with the column's
// length: AppendLiteral rejects an alias type it cannot see through.
type Type struct {
	Name                string
	Schema              string
	MaxLength           int
	Precision           int
	Scale               int
	IsUserDefinedCLR    bool
	XMLCollectionSchema string
	XMLCollection       string
	XMLDocument         bool
}

// MaxLengthMax is MaxLength for the (max) types.
const MaxLengthMax = -1

// String renders the type as T-SQL, exactly as it must appear in a column
// definition: nvarchar(50) for max_length 100, varbinary(max), decimal(18,2),
// datetime2(7), time(3), float (= float(53)), real, xml(CONTENT [s].[c]),
// [schema].[UserType].
func (t Type) String() string {
	return string(t.Append(make([]byte, 0, 24)))
}

// Append appends t.String() to dst.
func (t Type) Append(dst []byte) []byte {
	if t.Schema != "" && !isSysSchema(t.Schema) {
		return AppendName(dst, t.Schema, t.Name)
	}
	name := t.Name
	if kindOf(name) == kindUnknown {
		name = strings.ToLower(name)
	}
	dst = append(dst, name...)
	switch name {
	case "char", "varchar", "binary", "varbinary":
		dst = appendLength(dst, t.MaxLength)
	case "nchar", "nvarchar":
		if t.MaxLength > 0 {
			dst = appendLength(dst, t.MaxLength/2)
		} else {
			dst = appendLength(dst, t.MaxLength)
		}
	case "decimal", "numeric":
		dst = append(dst, '(')
		dst = strconv.AppendInt(dst, int64(t.Precision), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(t.Scale), 10)
		dst = append(dst, ')')
	case "datetime2", "time", "datetimeoffset":
		dst = append(dst, '(')
		dst = strconv.AppendInt(dst, int64(t.Scale), 10)
		dst = append(dst, ')')
	case "vector":
		dst = append(dst, '(')
		dst = strconv.AppendInt(dst, int64((t.MaxLength-8)/4), 10)
		dst = append(dst, ')')
	case "xml":
		if t.XMLCollection != "" {
			if t.XMLDocument {
				dst = append(dst, "(DOCUMENT "...)
			} else {
				dst = append(dst, "(CONTENT "...)
			}
			dst = AppendName(dst, t.XMLCollectionSchema, t.XMLCollection)
			dst = append(dst, ')')
		}
	}
	return dst
}

func appendLength(dst []byte, n int) []byte {
	if n < 0 {
		return append(dst, "(max)"...)
	}
	dst = append(dst, '(')
	dst = strconv.AppendInt(dst, int64(n), 10)
	return append(dst, ')')
}

// fixedShape is the catalog's max_length/precision/scale of a system type
// without parameters.
var fixedShape = map[string][3]int{
	"bit": {1, 1, 0}, "tinyint": {1, 3, 0}, "smallint": {2, 5, 0}, "int": {4, 10, 0},
	"bigint": {8, 19, 0}, "real": {4, 24, 0}, "float": {8, 53, 0},
	"smallmoney": {4, 10, 4}, "money": {8, 19, 4},
	"date": {3, 10, 0}, "smalldatetime": {4, 16, 0}, "datetime": {8, 23, 3},
	"uniqueidentifier": {16, 0, 0}, "text": {16, 0, 0}, "ntext": {16, 0, 0},
	"image": {16, 0, 0}, "timestamp": {8, 0, 0}, "xml": {-1, 0, 0},
	"sql_variant": {8016, 0, 0}, "hierarchyid": {892, 0, 0},
	"geometry": {-1, 0, 0}, "geography": {-1, 0, 0}, "sysname": {256, 0, 0},
	"json": {-1, 0, 0},
}

var typeSynonyms = map[string]string{
	"rowversion": "timestamp", "integer": "int", "dec": "decimal",
	"double precision": "float", "character": "char", "national char": "nchar",
	"national character": "nchar", "character varying": "varchar",
	"char varying": "varchar", "national character varying": "nvarchar",
	"national char varying": "nvarchar", "binary varying": "varbinary",
	"national text": "ntext",
}

// ParseTypeName parses a T-SQL type as written in a column definition
// ("nvarchar(50)", "NVARCHAR(MAX)", "decimal(18, 2)", "datetime2", "[int]",
// "float(24)", "xml(CONTENT dbo.c)", "[dbo].[Phone]") into the Type the
// catalog would describe, defaults included: varchar is varchar(1), decimal
// is decimal(18,0), datetime2/time/datetimeoffset have scale 7, float(1..24)
// is real, rowversion is timestamp. A user-defined type must be
// schema-qualified; ParseTypeName cannot know whether it is a CLR type.
func ParseTypeName(s string) (Type, error) {
	in := s
	s = strings.TrimSpace(s)
	var t Type
	var schema, name string
	var err error
	if s != "" && (s[0] == '[' || s[0] == '"') {
		schema, name, s, err = ParseName(s)
		if err != nil {
			return Type{}, fmt.Errorf("tsql: type %q: %w", in, err)
		}
	} else {
		// a regular, possibly multi-word, possibly two-part name
		i := strings.IndexByte(s, '(')
		if i < 0 {
			i = len(s)
		}
		name = strings.TrimSpace(s[:i])
		s = s[i:]
		if j := strings.IndexByte(name, '.'); j >= 0 {
			schema, name = strings.TrimSpace(name[:j]), strings.TrimSpace(name[j+1:])
			if len(schema) > 1 && schema[0] == '[' {
				schema, _, _ = ParseIdent(schema)
			}
			if len(name) > 1 && name[0] == '[' {
				name, _, _ = ParseIdent(name)
			}
		}
		name = strings.Join(strings.Fields(name), " ")
	}
	if name == "" {
		return Type{}, fmt.Errorf("tsql: type %q: empty name", in)
	}
	s = strings.TrimSpace(s)
	var args []string
	if strings.HasPrefix(s, "(") {
		end := strings.LastIndexByte(s, ')')
		if end < 0 || strings.TrimSpace(s[end+1:]) != "" {
			return Type{}, fmt.Errorf("tsql: type %q: unbalanced parentheses", in)
		}
		for _, a := range strings.Split(s[1:end], ",") {
			args = append(args, strings.TrimSpace(a))
		}
	} else if s != "" {
		return Type{}, fmt.Errorf("tsql: type %q: unexpected %q", in, s)
	}
	lower := strings.ToLower(name)
	if syn, ok := typeSynonyms[lower]; ok {
		lower = syn
	}
	if schema != "" && !strings.EqualFold(schema, "sys") {
		if args != nil {
			return Type{}, fmt.Errorf("tsql: type %q: a user-defined type takes no arguments", in)
		}
		return Type{Schema: schema, Name: name}, nil
	}
	if kindOf(lower) == kindUnknown {
		return Type{}, fmt.Errorf("tsql: type %q: unknown system type (qualify user-defined types with their schema)", in)
	}
	t.Name = lower
	argInt := func(i int, lo, hi int) (int, error) {
		n, err := strconv.Atoi(args[i])
		if err != nil || n < lo || n > hi {
			return 0, fmt.Errorf("tsql: type %q: argument %q out of range %d..%d", in, args[i], lo, hi)
		}
		return n, nil
	}
	want := func(max int) error {
		if len(args) > max {
			return fmt.Errorf("tsql: type %q: too many arguments", in)
		}
		return nil
	}
	switch lower {
	case "char", "varchar", "binary", "varbinary", "nchar", "nvarchar":
		if err := want(1); err != nil {
			return Type{}, err
		}
		unit, limit := 1, 8000
		if lower[0] == 'n' {
			unit, limit = 2, 4000
		}
		t.MaxLength = unit
		if len(args) == 1 {
			if strings.EqualFold(args[0], "max") {
				if lower == "char" || lower == "nchar" || lower == "binary" {
					return Type{}, fmt.Errorf("tsql: type %q: (max) is only for var types", in)
				}
				t.MaxLength = MaxLengthMax
			} else {
				n, err := argInt(0, 1, limit)
				if err != nil {
					return Type{}, err
				}
				t.MaxLength = n * unit
			}
		}
	case "decimal", "numeric":
		if err := want(2); err != nil {
			return Type{}, err
		}
		t.Precision, t.Scale = 18, 0
		if len(args) >= 1 {
			if t.Precision, err = argInt(0, 1, 38); err != nil {
				return Type{}, err
			}
		}
		if len(args) == 2 {
			if t.Scale, err = argInt(1, 0, t.Precision); err != nil {
				return Type{}, err
			}
		}
		t.MaxLength = DecimalStorage(t.Precision)
	case "datetime2", "time", "datetimeoffset":
		if err := want(1); err != nil {
			return Type{}, err
		}
		t.Scale = 7
		if len(args) == 1 {
			if t.Scale, err = argInt(0, 0, 7); err != nil {
				return Type{}, err
			}
		}
		t.MaxLength, t.Precision = timeShape(lower, t.Scale)
	case "float":
		if err := want(1); err != nil {
			return Type{}, err
		}
		if len(args) == 1 {
			n, err := argInt(0, 1, 53)
			if err != nil {
				return Type{}, err
			}
			if n <= 24 {
				t.Name = "real"
			}
		}
		sh := fixedShape[t.Name]
		t.MaxLength, t.Precision, t.Scale = sh[0], sh[1], sh[2]
	case "vector":
		if err := want(1); err != nil || len(args) != 1 {
			return Type{}, fmt.Errorf("tsql: type %q: vector needs its dimension count", in)
		}
		n, err := argInt(0, 1, 1998)
		if err != nil {
			return Type{}, err
		}
		t.MaxLength = 8 + 4*n
	case "xml":
		sh := fixedShape[lower]
		t.MaxLength = sh[0]
		if len(args) > 1 {
			return Type{}, fmt.Errorf("tsql: type %q: too many arguments", in)
		}
		if len(args) == 1 {
			a := args[0]
			switch up := strings.ToUpper(a); {
			case strings.HasPrefix(up, "DOCUMENT "):
				t.XMLDocument = true
				a = strings.TrimSpace(a[len("DOCUMENT "):])
			case strings.HasPrefix(up, "CONTENT "):
				a = strings.TrimSpace(a[len("CONTENT "):])
			}
			cs, cn, rest, err := ParseName(a)
			if err != nil || strings.TrimSpace(rest) != "" {
				return Type{}, fmt.Errorf("tsql: type %q: bad xml schema collection", in)
			}
			if cs == "" {
				cs = "dbo"
			}
			t.XMLCollectionSchema, t.XMLCollection = cs, cn
		}
	default:
		if len(args) > 0 {
			return Type{}, fmt.Errorf("tsql: type %q: %s takes no arguments", in, lower)
		}
		sh := fixedShape[lower]
		t.MaxLength, t.Precision, t.Scale = sh[0], sh[1], sh[2]
	}
	return t, nil
}

// DecimalStorage is the max_length the catalog reports for decimal(p,s),
// which is also the size of its value on the wire (TDS DECIMALN).
func DecimalStorage(p int) int {
	switch {
	case p <= 9:
		return 5
	case p <= 19:
		return 9
	case p <= 28:
		return 13
	}
	return 17
}

// timeShape is the max_length and precision the catalog reports for
// time(n), datetime2(n) and datetimeoffset(n).
func timeShape(name string, scale int) (maxLength, precision int) {
	frac := 0
	if scale > 0 {
		frac = scale + 1
	}
	size := 3
	if scale > 4 {
		size = 5
	} else if scale > 2 {
		size = 4
	}
	switch name {
	case "time":
		return size, 8 + frac
	case "datetime2":
		return size + 3, 19 + frac
	}
	return size + 5, 26 + frac
}

func isSysSchema(s string) bool { return len(s) == 3 && strings.EqualFold(s, "sys") }
