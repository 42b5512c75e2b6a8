package catalog

import "testing"

func TestBabelfish_QualifiedNamesAreBracketed(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT c.name, c.type FROM sys.columns AS c", "SELECT c.[name], c.[type] FROM sys.[columns] AS c"},
		// Functions, literals, quoted names, comments and decimals are kept.
		{"SELECT pg_catalog.f(x), dbo.g (1) FROM t", "SELECT pg_catalog.f(x), dbo.g (1) FROM t"},
		{"SELECT N'sys.' + v.name, 'a.b''c.d', [x.y], \"p.q\" -- r.s\nFROM t.u", "SELECT N'sys.' + v.[name], 'a.b''c.d', [x.y], \"p.q\" -- r.s\nFROM t.[u]"},
		{"SELECT 1.5, x.[y], a.b.c, o.*", "SELECT 1.5, x.[y], a.[b].[c], o.*"},
		{"WHERE x.y IN ('a.b')", "WHERE x.[y] IN ('a.b')"},
		{"unclosed 'x.y", "unclosed 'x.y"},
		// A quote in a block comment (nested ones too) starts no literal.
		{"SELECT /* it's a.b */ x.y, N'p.q'", "SELECT /* it's a.b */ x.[y], N'p.q'"},
		{"SELECT /* a /* it's */ b.c */ x.y, N'p.q'", "SELECT /* a /* it's */ b.c */ x.[y], N'p.q'"},
		{"SELECT x.y /* unclosed 'a.b", "SELECT x.[y] /* unclosed 'a.b"},
	} {
		if got := bracketNames(tc.in); got != tc.want {
			t.Errorf("bracketNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBabelfish_OnlyBabelfishGetsBracketedQueries(t *testing.T) {
	if _, ok := forEngine(nil, &Server{}).(bracketQuerier); ok {
		t.Error("SQL Server's queries are rewritten")
	}
	if _, ok := forEngine(nil, &Server{Babelfish: true}).(bracketQuerier); !ok {
		t.Error("Babelfish's queries are not rewritten")
	}
}

// The server properties are read before the engine is known, with their
// names bracketed in the source.
func TestBabelfish_ThePropertiesQueryIsBracketedAlready(t *testing.T) {
	if got := bracketNames(propertiesQuery); got != propertiesQuery {
		t.Errorf("propertiesQuery has bare qualified names:\n%s", got)
	}
}
