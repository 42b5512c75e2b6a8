package tsql

import "testing"

func TestTypeStringRendersCatalogShapes(t *testing.T) {
	cases := []struct {
		t    Type
		want string
	}{
		{Type{Name: "nvarchar", MaxLength: 100}, "nvarchar(50)"},
		{Type{Name: "nvarchar", MaxLength: -1}, "nvarchar(max)"},
		{Type{Name: "nchar", MaxLength: 2}, "nchar(1)"},
		{Type{Name: "varchar", MaxLength: 8000}, "varchar(8000)"},
		{Type{Name: "varchar", MaxLength: -1}, "varchar(max)"},
		{Type{Name: "varbinary", MaxLength: -1}, "varbinary(max)"},
		{Type{Name: "binary", MaxLength: 16}, "binary(16)"},
		{Type{Name: "decimal", MaxLength: 9, Precision: 18, Scale: 2}, "decimal(18,2)"},
		{Type{Name: "numeric", Precision: 38, Scale: 0}, "numeric(38,0)"},
		{Type{Name: "datetime2", MaxLength: 8, Precision: 27, Scale: 7}, "datetime2(7)"},
		{Type{Name: "time", Scale: 3}, "time(3)"},
		{Type{Name: "datetimeoffset", Scale: 0}, "datetimeoffset(0)"},
		{Type{Name: "float", MaxLength: 8, Precision: 53}, "float"},
		{Type{Name: "real", MaxLength: 4, Precision: 24}, "real"},
		{Type{Name: "datetime"}, "datetime"},
		{Type{Name: "sql_variant"}, "sql_variant"},
		{Type{Name: "hierarchyid"}, "hierarchyid"},
		{Type{Name: "geography", MaxLength: -1}, "geography"},
		{Type{Name: "xml", MaxLength: -1}, "xml"},
		{Type{Name: "xml", XMLCollectionSchema: "dbo", XMLCollection: "Sch]ema"}, "xml(CONTENT [dbo].[Sch]]ema])"},
		{Type{Name: "xml", XMLCollectionSchema: "s", XMLCollection: "c", XMLDocument: true}, "xml(DOCUMENT [s].[c])"},
		{Type{Name: "Phone", Schema: "dbo"}, "[dbo].[Phone]"},
		{Type{Name: "NVARCHAR", MaxLength: 20}, "nvarchar(10)"},
		{Type{Name: "vector", MaxLength: 8 + 4*3}, "vector(3)"},
	}
	for _, c := range cases {
		if got := c.t.String(); got != c.want {
			t.Errorf("%+v: got %s want %s", c.t, got, c.want)
		}
	}
}

func TestParseTypeNameGivesTheCatalogShape(t *testing.T) {
	cases := []struct {
		in   string
		want Type
	}{
		{"int", Type{Name: "int", MaxLength: 4, Precision: 10}},
		{"[int]", Type{Name: "int", MaxLength: 4, Precision: 10}},
		{"INTEGER", Type{Name: "int", MaxLength: 4, Precision: 10}},
		{"nvarchar(50)", Type{Name: "nvarchar", MaxLength: 100}},
		{"[nvarchar](50)", Type{Name: "nvarchar", MaxLength: 100}},
		{"NVARCHAR ( MAX )", Type{Name: "nvarchar", MaxLength: -1}},
		{"varchar", Type{Name: "varchar", MaxLength: 1}},
		{"decimal", Type{Name: "decimal", MaxLength: 9, Precision: 18}},
		{"decimal(18, 2)", Type{Name: "decimal", MaxLength: 9, Precision: 18, Scale: 2}},
		{"numeric(38,10)", Type{Name: "numeric", MaxLength: 17, Precision: 38, Scale: 10}},
		{"numeric(9)", Type{Name: "numeric", MaxLength: 5, Precision: 9}},
		{"datetime2", Type{Name: "datetime2", MaxLength: 8, Precision: 27, Scale: 7}},
		{"datetime2(3)", Type{Name: "datetime2", MaxLength: 7, Precision: 23, Scale: 3}},
		{"datetime2(0)", Type{Name: "datetime2", MaxLength: 6, Precision: 19}},
		{"time", Type{Name: "time", MaxLength: 5, Precision: 16, Scale: 7}},
		{"time(2)", Type{Name: "time", MaxLength: 3, Precision: 11, Scale: 2}},
		{"datetimeoffset", Type{Name: "datetimeoffset", MaxLength: 10, Precision: 34, Scale: 7}},
		{"datetimeoffset(4)", Type{Name: "datetimeoffset", MaxLength: 9, Precision: 31, Scale: 4}},
		{"datetime", Type{Name: "datetime", MaxLength: 8, Precision: 23, Scale: 3}},
		{"float", Type{Name: "float", MaxLength: 8, Precision: 53}},
		{"float(24)", Type{Name: "real", MaxLength: 4, Precision: 24}},
		{"float(25)", Type{Name: "float", MaxLength: 8, Precision: 53}},
		{"double precision", Type{Name: "float", MaxLength: 8, Precision: 53}},
		{"rowversion", Type{Name: "timestamp", MaxLength: 8}},
		{"money", Type{Name: "money", MaxLength: 8, Precision: 19, Scale: 4}},
		{"xml", Type{Name: "xml", MaxLength: -1}},
		{"xml(CONTENT dbo.c)", Type{Name: "xml", MaxLength: -1, XMLCollectionSchema: "dbo", XMLCollection: "c"}},
		{"xml(DOCUMENT [s].[c]]x])", Type{Name: "xml", MaxLength: -1, XMLCollectionSchema: "s", XMLCollection: "c]x", XMLDocument: true}},
		{"[dbo].[Phone]", Type{Name: "Phone", Schema: "dbo"}},
		{"dbo.Phone", Type{Name: "Phone", Schema: "dbo"}},
		{"sys.geography", Type{Name: "geography", MaxLength: -1}},
		{"vector(3)", Type{Name: "vector", MaxLength: 20}},
	}
	for _, c := range cases {
		got, err := ParseTypeName(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%q: got %+v want %+v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"", "nvarchar(4001)", "varchar(0)", "char(max)", "decimal(39)", "decimal(5,6)",
		"datetime2(8)", "int(4)", "mystery", "nvarchar(50", "float(54)", "[dbo].[T](5)", "varchar(x)"} {
		if _, err := ParseTypeName(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTypeStringParsesBack(t *testing.T) {
	for _, s := range []string{"nvarchar(50)", "varbinary(max)", "decimal(18,2)", "datetime2(7)", "time(3)",
		"float", "real", "bit", "sql_variant", "xml(CONTENT [dbo].[c])", "[dbo].[Phone]", "datetimeoffset(0)",
		"char(10)", "nchar(4000)", "uniqueidentifier", "hierarchyid", "geometry", "image", "ntext", "sysname"} {
		ty := mustType(t, s)
		if got := ty.String(); got != s {
			t.Errorf("%s: String() = %s", s, got)
		}
		back := mustType(t, ty.String())
		if back != ty {
			t.Errorf("%s: %+v != %+v", s, back, ty)
		}
	}
}
