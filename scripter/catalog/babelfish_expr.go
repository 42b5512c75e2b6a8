package catalog

import (
	"regexp"
	"strings"
)

// Babelfish reads CHECK constraints back from PostgreSQL's parse tree
// (sys.check_constraints.definition is its tsql_get_constraintdef), which
// keeps a few PostgreSQL spellings: LIKE on a case-insensitive column is
// stored as ILIKE (~~*), with a range test on the pattern's fixed prefix
// added for the planner, and string concatenation as ||.
// babelfishExpression turns these back into T-SQL; ok is false when
// something else PostgreSQL-only is left, and the caller then keeps the
// text and warns.

// likePrefixRange is the range test PostgreSQL adds after a LIKE whose
// pattern starts with fixed text: AND ((col >= 'p') AND (col < ('p' ||
// '<U+FFFF>' COLLATE c))).
var likePrefixRange = regexp.MustCompile(` AND \(\((\[[^\]]*\]|"[^"]*"|[\w@#$]+) >= '((?:[^']|'')*)'\) AND \((\[[^\]]*\]|"[^"]*"|[\w@#$]+) < \('((?:[^']|'')*)' \|\| '\x{FFFF}' COLLATE [\w]+\)\)\)`)

// postgresOperators are rewritten outside string literals, longest first.
var postgresOperators = []struct{ pg, tsql string }{
	{"!~~*", "NOT LIKE"},
	{"~~*", "LIKE"},
	{"!~~", "NOT LIKE"},
	{"~~", "LIKE"},
	{"||", "+"},
}

// postgresLeftovers are spellings with no T-SQL meaning that the rewrite
// does not handle.
var postgresLeftovers = []string{"::", "~", " ANY (", "ARRAY[", " ILIKE ", " SIMILAR TO "}

func babelfishExpression(def string) (string, bool) {
	def = likePrefixRange.ReplaceAllStringFunc(def, func(m string) string {
		sub := likePrefixRange.FindStringSubmatch(m)
		if sub[1] != sub[3] || sub[2] != sub[4] {
			return m // not the planner's pair of bounds
		}
		return ""
	})
	var b strings.Builder
	ok := true
	for i := 0; i < len(def); {
		switch c := def[i]; {
		case c == '\'':
			j := i + 1
			for j < len(def) {
				if def[j] == '\'' {
					if j+1 < len(def) && def[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(def) {
				return def, false // unterminated literal: leave it alone
			}
			b.WriteString(def[i : j+1])
			i = j + 1
		case c == '[' || c == '"':
			end := byte(']')
			if c == '"' {
				end = '"'
			}
			j := strings.IndexByte(def[i+1:], end)
			if j < 0 {
				return def, false
			}
			b.WriteString(def[i : i+1+j+1])
			i += j + 2
		default:
			replaced := false
			for _, op := range postgresOperators {
				if strings.HasPrefix(def[i:], op.pg) {
					b.WriteString(op.tsql)
					i += len(op.pg)
					replaced = true
					break
				}
			}
			if replaced {
				continue
			}
			for _, l := range postgresLeftovers {
				if strings.HasPrefix(def[i:], l) {
					ok = false
				}
			}
			b.WriteByte(c)
			i++
		}
	}
	if !ok {
		return def, false
	}
	return b.String(), true
}
