package ddl

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestScanNameRefsReadsEveryIdentifierForm(t *testing.T) {
	cases := []struct {
		name, def        string
		quotedIdentifier bool
		want             []nameRef
	}{
		{"regular one- and two-part", "FROM dbo.Orders o", true,
			[]nameRef{{name: "FROM"}, {schema: "dbo", name: "Orders"}, {name: "o"}}},
		{"bracketed with an escaped bracket and spaces", "[my schema].[Order]]s Qry]", true,
			[]nameRef{{schema: "my schema", name: "Order]s Qry"}}},
		{"quoted under QUOTED_IDENTIFIER ON", `"sales"."Big ""Deal"""`, true,
			[]nameRef{{schema: "sales", name: `Big "Deal"`}}},
		{"quoted is a string under QUOTED_IDENTIFIER OFF", `"sales"."t" x`, false,
			[]nameRef{{name: "x"}}},
		{"three-part", "Shop.dbo.t", true, []nameRef{{db: "Shop", schema: "dbo", name: "t"}}},
		{"three-part without schema", "Shop..t", true, []nameRef{{db: "Shop", name: "t"}}},
		{"four-part (linked server) is left out", "srv.Shop.dbo.t", true, nil},
		{"white space around dots", "dbo . [t]\n.\tc", true, []nameRef{{db: "dbo", schema: "t", name: "c"}}},
		{"t.* ends at the star", "t.*", true, []nameRef{{name: "t"}}},
		{"line comment", "a -- b.c\nd", true, []nameRef{{name: "a"}, {name: "d"}}},
		{"nested block comment", "a /* b /* c */ d */ e", true, []nameRef{{name: "a"}, {name: "e"}}},
		{"strings, N strings and doubled quotes", "a 'b''c' N'd' e", true, []nameRef{{name: "a"}, {name: "e"}}},
		{"a name ending in N before a string", "IN'x' y", true, []nameRef{{name: "IN"}, {name: "y"}}},
		{"variables, temp tables and numbers are left out", "@v @@ROWCOUNT #t ##g 1e5 0xAB x", true, []nameRef{{name: "x"}}},
		{"unterminated bracket runs to the end", "[a", true, []nameRef{{name: "a"}}},
		{"non-ASCII letters", "dbo.Bücher", true, []nameRef{{schema: "dbo", name: "Bücher"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := scanNameRefs(c.def, c.quotedIdentifier); !reflect.DeepEqual(got, c.want) {
				t.Errorf("scanNameRefs(%q) = %+v, want %+v", c.def, got, c.want)
			}
		})
	}
}

// FuzzScanNameRefsFindsABracketedName: whatever text comes before it, a
// [bracketed] name after a line break (which ends any -- comment) is found
// as written, unless the text leaves a string, quoted name or block comment
// open; and scanning never panics.
func FuzzScanNameRefsFindsABracketedName(f *testing.F) {
	for _, s := range [][2]string{
		{"SELECT x FROM ", "Order Details"},
		{"-- comment ", "a]]b"},
		{"/* a */ N'x' ", "dbo"},
		{"'open", "t"},
		{"/* open", "t"},
		{"\"open", "t"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, prefix, name string) {
		if name == "" || !utf8.ValidString(name) {
			t.Skip("a name is non-empty text")
		}
		refs := scanNameRefs(prefix+"\n["+strings.ReplaceAll(name, "]", "]]")+"]", true)
		for _, r := range refs {
			if r.name == "" {
				t.Fatalf("empty name in %+v", refs)
			}
		}
		if open := scanNameRefs(prefix+"\nsentinel_x", true); len(open) == 0 || open[len(open)-1] != (nameRef{name: "sentinel_x"}) {
			return // prefix leaves a construct open (or ends in a dot that joins the names)
		}
		if len(refs) == 0 || refs[len(refs)-1].name != name {
			t.Fatalf("prefix %q: [%s] not found last in %+v", prefix, name, refs)
		}
	})
}
