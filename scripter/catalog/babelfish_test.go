package catalog

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

// storedIndexName is what Babelfish stores for index name on table.
func storedIndexName(name, table string) string {
	sum := md5.Sum([]byte(name))
	return clipName(name + table + hex.EncodeToString(sum[:]))
}

// clipName cuts s to PostgreSQL's name length without splitting a UTF-8
// character, as its truncate_identifier does.
func clipName(s string) string {
	if len(s) <= postgresNameMax {
		return s
	}
	n := postgresNameMax
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func TestBabelfish_IndexNamesAreDecodedFromNamePlusTablePlusMD5(t *testing.T) {
	for _, tc := range []struct{ name, table string }{
		{"IX_orders_date", "orders"},
		{"aunmind", "authors"},
		{"PK__authors__86CFB8E2", "authors"},
		{"an_index_with_a_rather_long_name_that_pushes_the_md5_off", "the_table"},
		{"ix_ümlaut", "täble"},
	} {
		stored := storedIndexName(tc.name, tc.table)
		if got := babelfishIndexName(stored, tc.table); got != tc.name {
			t.Errorf("babelfishIndexName(%q, %q) = %q, want %q", stored, tc.table, got, tc.name)
		}
	}
}

func TestBabelfish_AnIndexNameThatOnlyLooksEncodedIsKept(t *testing.T) {
	for _, name := range []string{"ix_orders", "ix_orders0123456789abcdef0123456789abcdez", "ix_orders_by_customer_and_date_in_2024", "short"} {
		if got := babelfishIndexName(name, "orders"); got != name {
			t.Errorf("babelfishIndexName(%q) = %q", name, got)
		}
	}
}

func TestBabelfish_PrimaryKeyIsClusteredWhenNothingElseIs(t *testing.T) {
	rows := &Rows{
		Server:  &Server{Babelfish: true},
		Objects: []ObjectRow{{ObjectID: 10, Name: "t", Type: "U"}, {ObjectID: 20, Name: "u", Type: "U"}},
		Indexes: []IndexRow{
			{ObjectID: 10, IndexID: 2, Name: storedIndexName("pk_t", "t"), Type: 2, IsPrimaryKey: true, IsPadded: true},
			{ObjectID: 20, IndexID: 1, Name: "cx_u", Type: 1},
			{ObjectID: 20, IndexID: 2, Name: "pk_u", Type: 2, IsPrimaryKey: true},
		},
	}
	got := babelfishRows(rows).Indexes
	if got[0].Type != 1 || got[0].Name != "pk_t" || got[0].IsPadded {
		t.Errorf("t's primary key = %+v, want clustered pk_t without PAD_INDEX", got[0])
	}
	if got[2].Type != 2 {
		t.Error("u's primary key became clustered although u has a clustered index")
	}
	if rows.Indexes[0].Type != 2 || rows.Indexes[0].Name == "pk_t" {
		t.Error("babelfishRows changed its input")
	}
}

func TestBabelfish_DefaultConstraintNamesAreLeftToTheEngine(t *testing.T) {
	rows := &Rows{Server: &Server{Babelfish: true}, Columns: []ColumnRow{
		{ObjectID: 1, ColumnID: 1, Name: "a", DefaultName: "DF_t_16422", DefaultDef: "((0))"},
		{ObjectID: 1, ColumnID: 2, Name: "b"},
	}}
	got := babelfishRows(rows).Columns
	if got[0].DefaultName != "" || !got[0].DefaultSysNamed || got[0].DefaultDef != "((0))" {
		t.Errorf("column a = %+v", got[0])
	}
	if !strings.HasPrefix(rows.Columns[0].DefaultName, "DF_") {
		t.Error("babelfishRows changed its input")
	}
}

func TestBabelfish_RulesApplyOnlyToBabelfish(t *testing.T) {
	ix := IndexRow{ObjectID: 10, IndexID: 2, Name: storedIndexName("pk_t", "t"), Type: 2, IsPrimaryKey: true}
	r := &Rows{Server: &Server{}, Objects: []ObjectRow{{ObjectID: 10, Schema: "dbo", Name: "t", Type: "U"}},
		Tables: []TableRow{{ObjectID: 10, Schema: "dbo", Name: "t"}}, Indexes: []IndexRow{ix}}
	db, _ := Assemble(r)
	n := 0
	for _, tb := range db.Tables {
		n += len(tb.Indexes)
		if tb.PrimaryKey != nil {
			n++
			if tb.PrimaryKey.Name != ix.Name {
				t.Errorf("a SQL Server primary key was renamed to %q", tb.PrimaryKey.Name)
			}
		}
		for _, i := range tb.Indexes {
			if i.Name != ix.Name {
				t.Errorf("a SQL Server index name was rewritten to %q", i.Name)
			}
		}
	}
	if n == 0 {
		t.Fatal("the index was not assembled, so the test proves nothing")
	}
}

func TestBabelfish_TheReturnTableTypeOfATableValuedFunctionIsLeftOut(t *testing.T) {
	rows := &Rows{Server: &Server{Babelfish: true},
		Objects: []ObjectRow{{ObjectID: 5, Schema: "dbo", Name: "fntotals", Type: "TF"}},
		Types: []TypeRow{
			{UserTypeID: 1, Schema: "dbo", Name: "@t_fntotals", IsTableType: true, IsUserDefined: true},
			{UserTypeID: 2, Schema: "dbo", Name: "@t_other", IsTableType: true, IsUserDefined: true},
			{UserTypeID: 3, Schema: "dbo", Name: "orderlines", IsTableType: true, IsUserDefined: true},
		}}
	var got []string
	for _, ty := range babelfishRows(rows).Types {
		got = append(got, ty.Name)
	}
	if strings.Join(got, ",") != "@t_other,orderlines" {
		t.Errorf("types kept: %v", got)
	}
}

func TestBabelfish_AnIndexNameWhoseMD5IsOfAnotherCaseIsDecodedByShape(t *testing.T) {
	// Northwind's index OrdersOrder_Details on [Order Details], stored lower
	// case with the md5 of the name as written.
	stored := strings.ToLower(storedIndexName("OrdersOrder_Details", "order details"))
	if got := babelfishIndexName(stored, "order details"); got != "ordersorder_details" {
		t.Errorf("babelfishIndexName(%q) = %q", stored, got)
	}
	// As Babelfish 4.3 stored it (the table's name cut, all 32 digits kept).
	seen := "ordersorder_detailsorder detail88887d6f2686b6149c8dcaa5f32da6f5"
	if got := babelfishIndexName(seen, "order details"); got != "ordersorder_details" {
		t.Errorf("babelfishIndexName(%q) = %q", seen, got)
	}
	full := strings.ToLower(storedIndexName("IX_Name", "t"))
	if got := babelfishIndexName(full, "t"); got != "ix_name" {
		t.Errorf("babelfishIndexName(%q) = %q", full, got)
	}
}

func TestBabelfish_CheckConstraintsAreWrittenBackInTSQL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// pubs, as Babelfish 4.3 reports it.
		{`((au_id ~~* '[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]'))`, `((au_id LIKE '[0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][0-9][0-9]'))`},
		{`(((pub_id IN ('1389', '0736', '0877', '1622', '1756')) OR ((pub_id ~~* '99[0-9][0-9]') AND ((pub_id >= '99') AND (pub_id < ('99' || '` + "\uffff" + `' COLLATE latin1_general_ci_as))))))`,
			`(((pub_id IN ('1389', '0736', '0877', '1622', '1756')) OR ((pub_id LIKE '99[0-9][0-9]'))))`},
		{`((min_lvl >= 10))`, `((min_lvl >= 10))`},
		{`((name !~~* 'x%'))`, `((name NOT LIKE 'x%'))`},
		{`(((a || b) <> 'a||b ~~* c'))`, `(((a + b) <> 'a||b ~~* c'))`},
		{`(([we ~~* ird] > 0))`, `(([we ~~* ird] > 0))`},
	} {
		got, ok := babelfishExpression(tc.in)
		if !ok || got != tc.want {
			t.Errorf("babelfishExpression(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestBabelfish_ACheckLeftInPostgresSpellingIsKeptAndWarned(t *testing.T) {
	in := `((a)::text = 'x'::text)`
	if got, ok := babelfishExpression(in); ok || got != in {
		t.Errorf("babelfishExpression(%q) = %q, %v", in, got, ok)
	}
	rows := &Rows{Server: &Server{Babelfish: true}, Objects: []ObjectRow{{ObjectID: 1, Schema: "dbo", Name: "t", Type: "U"}},
		Checks: []CheckRow{{ParentObjectID: 1, Name: "ck", Definition: in}}}
	out := babelfishRows(rows)
	if out.Checks[0].Definition != in || len(out.Warnings) != 1 || out.Warnings[0].Code != WarnBabelfishExpression {
		t.Errorf("checks %+v warnings %+v", out.Checks, out.Warnings)
	}
}
