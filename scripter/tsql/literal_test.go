package tsql

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

func mustType(t testing.TB, s string) Type {
	t.Helper()
	ty, err := ParseTypeName(s)
	if err != nil {
		t.Fatal(err)
	}
	return ty
}

// guidWire is 6F9619FF-8B86-D011-B42D-00C04FC964FF as go-mssqldb returns it.
var guidWire = []byte{0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}

func TestAppendLiteralWritesEachTypeExactly(t *testing.T) {
	ist := time.FixedZone("", 5*3600+30*60)
	neg := time.FixedZone("", -(3*3600 + 15*60))
	cases := []struct {
		typ  string
		v    any
		want string
	}{
		{"int", nil, "NULL"},
		{"int", int64(-2147483648), "-2147483648"},
		{"bigint", int64(math.MinInt64), "-9223372036854775808"},
		{"tinyint", int64(255), "255"},
		{"bit", true, "1"},
		{"bit", false, "0"},
		{"float", 0.1, "1e-01"},
		{"float", 1e300, "1e+300"},
		{"float", -2.5, "-2.5e+00"},
		{"float", 0.0, "0e+00"},
		{"float", math.MaxFloat64, "1.7976931348623157e+308"},
		{"float", 5e-324, "5e-324"},
		{"real", float64(float32(0.1)), "1.0000000149011612e-01"},
		{"decimal(38,10)", []byte("-1234567890123456789012345678.0123456789"), "-1234567890123456789012345678.0123456789"},
		{"money", []byte("-922337203685477.5808"), "-922337203685477.5808"},
		{"smallmoney", []byte("0.0001"), "0.0001"},
		{"numeric(5,0)", int64(12345), "12345"},
		{"nvarchar(10)", "", "N''"},
		{"nvarchar(10)", "O'Brien", "N'O''Brien'"},
		{"nvarchar(max)", "a\r\nb", "N'a'+NCHAR(13)+NCHAR(10)+N'b'"},
		{"nvarchar(max)", "\x00", "NCHAR(0)"},
		{"nvarchar(max)", "$(x) $ (", "N'$'+N'(x) $ ('"},
		{"nvarchar(max)", "a\\", "N'a'+NCHAR(92)"},
		{"nvarchar(max)", "a\\\\", "N'a\\\\'"},
		{"nvarchar(max)", "\\'", "NCHAR(92)+N''''"},
		{"nvarchar(max)", "\\\\\\'x", "N'\\\\'+NCHAR(92)+N'''x'"},
		{"nvarchar(max)", "\\n", "N'\\n'"},
		{"nvarchar(max)", "tab\there", "N'tab\there'"},
		{"nvarchar(max)", "\u2028\u0085é", "NCHAR(8232)+NCHAR(133)+N'é'"},
		{"nvarchar(max)", "GO", "N'GO'"},
		{"nvarchar(max)", "😀", "N'😀'"},
		{"varchar(10)", "Grüße", "N'Grüße'"},
		{"varchar(10)", "\xff\xfe", "CONVERT(varchar(max),0xFFFE)"},
		{"text", "x", "N'x'"},
		{"ntext", "x", "N'x'"},
		{"sysname", "x", "N'x'"},
		{"varbinary(max)", []byte{}, "0x"},
		{"varbinary(max)", []byte{0, 0xAB, 0x10}, "0x00AB10"},
		{"image", []byte{1}, "0x01"},
		{"timestamp", []byte{0, 0, 0, 0, 0, 0, 7, 0xD1}, "0x00000000000007D1"},
		{"hierarchyid", []byte{0x58}, "CAST(0x58 AS hierarchyid)"},
		{"hierarchyid", []byte{}, "CAST(0x AS hierarchyid)"},
		{"geography", []byte{0xE6, 0x10}, "CAST(0xE610 AS geography)"},
		{"geometry", []byte{0}, "CAST(0x00 AS geometry)"},
		{"uniqueidentifier", guidWire, "'6F9619FF-8B86-D011-B42D-00C04FC964FF'"},
		{"uniqueidentifier", "6f9619ff-8b86-d011-b42d-00c04fc964ff", "'6F9619FF-8B86-D011-B42D-00C04FC964FF'"},
		{"date", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "'0001-01-01'"},
		{"date", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), "'9999-12-31'"},
		{"time", time.Date(1, 1, 1, 23, 59, 59, 999999900, time.UTC), "'23:59:59.9999999'"},
		{"time(0)", time.Date(1, 1, 1, 1, 2, 3, 0, time.UTC), "'01:02:03'"},
		{"time(3)", time.Date(1, 1, 1, 1, 2, 3, 450000000, time.UTC), "'01:02:03.450'"},
		{"datetime2(7)", time.Date(2024, 2, 29, 13, 14, 15, 123456700, time.UTC), "'2024-02-29T13:14:15.1234567'"},
		{"datetime2(2)", time.Date(2024, 2, 29, 13, 14, 15, 120000000, time.UTC), "'2024-02-29T13:14:15.12'"},
		{"datetime2(0)", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "'0001-01-01T00:00:00'"},
		{"datetimeoffset(7)", time.Date(2024, 1, 2, 3, 4, 5, 100, ist), "'2024-01-02T03:04:05.0000001+05:30'"},
		{"datetimeoffset(0)", time.Date(2024, 1, 2, 3, 4, 5, 0, neg), "'2024-01-02T03:04:05-03:15'"},
		{"datetimeoffset(3)", time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), "'2024-01-02T03:04:05.000+00:00'"},
		// ticks 1 and 2 of a second as the driver reports them (3 ms, 7 ms)
		{"datetime", time.Date(1753, 1, 1, 0, 0, 0, 3000000, time.UTC), "'1753-01-01T00:00:00.003'"},
		{"datetime", time.Date(2000, 1, 1, 0, 0, 0, 7000000, time.UTC), "'2000-01-01T00:00:00.007'"},
		{"datetime", time.Date(2000, 1, 1, 0, 0, 0, 997000000, time.UTC), "'2000-01-01T00:00:00.997'"},
		// rounded to the tick SQL Server would store
		{"datetime", time.Date(2000, 1, 1, 0, 0, 0, 5000000, time.UTC), "'2000-01-01T00:00:00.007'"},
		{"datetime", time.Date(2000, 12, 31, 23, 59, 59, 999000000, time.UTC), "'2001-01-01T00:00:00.000'"},
		{"smalldatetime", time.Date(2079, 6, 6, 23, 59, 0, 0, time.UTC), "'2079-06-06T23:59:00'"},
		{"smalldatetime", time.Date(2000, 1, 1, 10, 20, 29, 998000000, time.UTC), "'2000-01-01T10:20:00'"},
		{"smalldatetime", time.Date(2000, 1, 1, 10, 20, 29, 999000000, time.UTC), "'2000-01-01T10:21:00'"},
		{"xml", "<a> <b/> </a>", "CONVERT(xml,N'<a> <b/> </a>',1)"},
		{"json", `{"a":1}`, `N'{"a":1}'`},
		{"sql_variant", Variant{BaseType: mustType(t, "int"), Value: int64(5)}, "CAST(5 AS int)"},
		{"sql_variant", Variant{BaseType: mustType(t, "decimal(5,2)"), Value: []byte("1.50")}, "CAST(1.50 AS decimal(5,2))"},
		{"sql_variant", Variant{BaseType: mustType(t, "nvarchar(20)"), Value: "a'b"}, "CAST(N'a''b' AS nvarchar(20))"},
		{"sql_variant", Variant{BaseType: mustType(t, "varchar(8)"), Collation: "Greek_CI_AS", Value: "αβ"}, "CAST((N'αβ') COLLATE Greek_CI_AS AS varchar(8))"},
		{"sql_variant", Variant{BaseType: mustType(t, "binary(4)"), Value: []byte{1, 2, 3, 4}}, "CAST(0x01020304 AS binary(4))"},
		{"sql_variant", Variant{BaseType: mustType(t, "datetime2(3)"), Value: time.Date(2020, 1, 1, 0, 0, 0, 5000000, time.UTC)}, "CAST('2020-01-01T00:00:00.005' AS datetime2(3))"},
		{"sql_variant", Variant{BaseType: mustType(t, "uniqueidentifier"), Value: guidWire}, "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)"},
		{"sql_variant", Variant{BaseType: mustType(t, "real"), Value: 0.5}, "CAST(5e-01 AS real)"},
		{"sql_variant", Variant{BaseType: mustType(t, "bit"), Value: true}, "CAST(1 AS bit)"},
		{"sql_variant", Variant{BaseType: mustType(t, "int")}, "NULL"},
		{"[dbo].[Point]", []byte{1, 2}, "CAST(0x0102 AS [dbo].[Point])"},
	}
	for _, c := range cases {
		ty := mustType(t, c.typ)
		if c.typ == "[dbo].[Point]" {
			ty.IsUserDefinedCLR = true
		}
		got, err := AppendLiteral(nil, c.v, ty)
		if err != nil {
			t.Errorf("%s %#v: %v", c.typ, c.v, err)
			continue
		}
		if string(got) != c.want {
			t.Errorf("%s %#v:\n got %s\nwant %s", c.typ, c.v, got, c.want)
		}
	}
}

func TestLongMultiPieceStringIsWidenedToMax(t *testing.T) {
	s := strings.Repeat("x", 4000) + "\n"
	got, err := AppendLiteral(nil, s, mustType(t, "nvarchar(max)"))
	if err != nil {
		t.Fatal(err)
	}
	want := "CONVERT(nvarchar(max),N'')+N'" + strings.Repeat("x", 4000) + "'+NCHAR(10)"
	if string(got) != want {
		t.Fatalf("got %.60s...", got)
	}
	// 4000 bytes in several pieces cannot exceed nvarchar(4000): no widening.
	s = strings.Repeat("x", 3999) + "\n"
	got, _ = AppendLiteral([]byte("prefix "), s, mustType(t, "nvarchar(max)"))
	if !strings.HasPrefix(string(got), "prefix N'xxx") {
		t.Fatalf("got %.60s...", got)
	}
	// one long piece is nvarchar(max) by itself
	s = strings.Repeat("y", 5000)
	got, _ = AppendLiteral(nil, s, mustType(t, "nvarchar(max)"))
	if string(got) != "N'"+s+"'" {
		t.Fatalf("got %.60s...", got)
	}
	// the widening also works when appending after existing bytes
	s = strings.Repeat("z", 4001) + "\x00"
	got, _ = AppendLiteral([]byte("(1,"), s, mustType(t, "nvarchar(max)"))
	if want := "(1,CONVERT(nvarchar(max),N'')+N'" + strings.Repeat("z", 4001) + "'+NCHAR(0)"; string(got) != want {
		t.Fatalf("got %.80s...", got)
	}
}

func TestAppendLiteralRefusesLossyValues(t *testing.T) {
	cases := []struct {
		typ string
		v   any
	}{
		{"float", math.NaN()},
		{"float", math.Inf(1)},
		{"decimal(10,2)", 1.5},
		{"decimal(10,2)", []byte("1e5")},
		{"decimal(10,2)", []byte("1.")},
		{"nvarchar(10)", "\xff"},
		{"datetime2(3)", time.Date(2020, 1, 1, 0, 0, 0, 1, time.UTC)},
		{"time(0)", time.Date(1, 1, 1, 0, 0, 0, 500, time.UTC)},
		{"date", time.Date(2020, 1, 1, 1, 0, 0, 0, time.UTC)},
		{"datetime", time.Date(1752, 12, 31, 0, 0, 0, 0, time.UTC)},
		{"datetimeoffset", time.Date(2020, 1, 1, 0, 0, 0, 0, time.FixedZone("", 30))},
		{"uniqueidentifier", []byte{1, 2}},
		{"uniqueidentifier", "not-a-guid"},
		{"sql_variant", int64(5)},
		{"sql_variant", Variant{BaseType: mustType(t, "nvarchar(max)"), Value: "x"}},
		{"sql_variant", Variant{BaseType: mustType(t, "varchar(2)"), Collation: "x; DROP", Value: "x"}},
		{"sql_variant", Variant{BaseType: mustType(t, "datetime2(0)"), Value: time.Date(2020, 1, 1, 0, 0, 0, 5, time.UTC)}},
		{"[dbo].[Phone]", "123"},
		{"int", "12"},
		{"varbinary(10)", "ab"},
	}
	for _, c := range cases {
		out, err := AppendLiteral([]byte("(1,"), c.v, mustType(t, c.typ))
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("%s %#v: err = %v, want ErrUnsupported", c.typ, c.v, err)
		}
		if string(out) != "(1," {
			t.Errorf("%s %#v: dst became %q on error", c.typ, c.v, out)
		}
	}
}

func TestAppendLiteralAcceptsCatalogSpellings(t *testing.T) {
	for _, c := range []struct {
		t    Type
		v    any
		want string
	}{
		{Type{Name: "INT"}, int64(7), "7"},
		{Type{Name: "geography", Schema: "sys", MaxLength: -1}, []byte{1}, "CAST(0x01 AS geography)"},
		{Type{Name: "NVarChar", MaxLength: 20}, "x", "N'x'"},
	} {
		got, err := AppendLiteral(nil, c.v, c.t)
		if err != nil || string(got) != c.want {
			t.Errorf("%+v: got %s, %v; want %s", c.t, got, err, c.want)
		}
	}
}

func TestAppendLiteralAppendsToDst(t *testing.T) {
	dst := []byte("VALUES (")
	dst, err := AppendLiteral(dst, int64(1), mustType(t, "int"))
	if err != nil {
		t.Fatal(err)
	}
	dst = append(dst, ',')
	dst, _ = AppendLiteral(dst, "x", mustType(t, "nvarchar(1)"))
	if string(dst) != "VALUES (1,N'x'" {
		t.Fatalf("got %s", dst)
	}
}

func TestSqlcmdSafeIdentFlagsWhatSqlcmdMisreads(t *testing.T) {
	for name, want := range map[string]bool{
		"Orders": true, "Order Details": true, "a]b": true, "ünï": true, "a\\b": true,
		"O'Brien": false, `say "hi"`: false, "a/*b": false, "a--b": false, "$(x)": false, "a\nb": false, "a\u2028": false,
	} {
		if got := SqlcmdSafeIdent(name); got != want {
			t.Errorf("SqlcmdSafeIdent(%q) = %v, want %v", name, got, want)
		}
	}
}
