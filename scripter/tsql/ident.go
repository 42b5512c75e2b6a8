package tsql

import (
	"errors"
	"strings"
)

// QuoteIdent returns name as a bracket-delimited identifier: [name], with
// every ] doubled. Any string, including an empty one, is quoted.
func QuoteIdent(name string) string {
	return string(AppendIdent(make([]byte, 0, len(name)+2), name))
}

// AppendIdent appends QuoteIdent(name) to dst.
func AppendIdent(dst []byte, name string) []byte {
	dst = appendDoubling(append(dst, '['), name, ']')
	return append(dst, ']')
}

// appendDoubling appends s with every q doubled: the escape of the closing
// delimiter inside [identifiers] and 'strings'.
func appendDoubling(dst []byte, s string, q byte) []byte {
	for {
		i := strings.IndexByte(s, q)
		if i < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:i+1]...)
		dst = append(dst, q)
		s = s[i+1:]
	}
}

// QuoteName returns the two-part name [schema].[name]. An empty schema gives
// the one-part [name].
func QuoteName(schema, name string) string {
	return string(AppendName(make([]byte, 0, len(schema)+len(name)+5), schema, name))
}

// AppendName appends QuoteName(schema, name) to dst.
func AppendName(dst []byte, schema, name string) []byte {
	if schema != "" {
		dst = AppendIdent(dst, schema)
		dst = append(dst, '.')
	}
	return AppendIdent(dst, name)
}

// QuoteString returns s as ONE Unicode string literal token: N'...' with every
// quote doubled and nothing else changed. Use it where T-SQL wants a constant
// and not an expression (EXEC arguments, WITH options). Unlike AppendLiteral it
// is not sqlcmd-safe: if s contains a newline, "$(", a NUL or a backslash
// before a quote, see SqlcmdSafeString before writing it to a script.
func QuoteString(s string) string {
	return string(AppendQuotedString(make([]byte, 0, len(s)+3), s))
}

// AppendQuotedString appends QuoteString(s) to dst.
func AppendQuotedString(dst []byte, s string) []byte {
	dst = appendDoubling(append(dst, 'N', '\''), s, '\'')
	return append(dst, '\'')
}

// SqlcmdSafeString reports whether QuoteString(s) survives sqlcmd and
// line-based splitters unchanged: no line break or other control character
// except TAB, no "$(", no backslash that would precede a quote.
func SqlcmdSafeString(s string) bool {
	q := QuoteString(s)
	return sqlcmdSafe(q)
}

// SqlcmdSafeIdent reports whether QuoteIdent(name) is read by sqlcmd's
// batch lexer exactly as SQL Server reads it. go-sqlcmd does not know
// [brackets]: a quote in a name opens a string for it, "/*" a comment, "--"
// hides the rest of the line, and "$(" is a variable; line breaks split the
// line. A script naming such an object may be split wrongly by sqlcmd
// (Restore in package sqlbatch is not affected), so callers should warn.
func SqlcmdSafeIdent(name string) bool {
	if strings.ContainsAny(name, "'\"") || strings.Contains(name, "/*") ||
		strings.Contains(name, "--") || strings.Contains(name, "$(") {
		return false
	}
	return sqlcmdSafe(name)
}

// sqlcmdSafe checks encoded text against the rules in the package doc.
func sqlcmdSafe(enc string) bool {
	if strings.Contains(enc, "$(") || strings.Contains(enc, "\\'") {
		return false
	}
	for i := 0; i < len(enc); i++ {
		if c := enc[i]; c < 0x20 && c != '\t' {
			return false
		}
	}
	return !strings.Contains(enc, "\u0085") && !strings.Contains(enc, "\u2028") && !strings.Contains(enc, "\u2029")
}

var errBadIdent = errors.New("tsql: malformed identifier")

// ParseIdent reads one identifier at the start of s: [bracketed] with ]]
// escapes, "quoted" with "" escapes, or a regular identifier. It returns the
// unquoted name and the rest of s.
func ParseIdent(s string) (name, rest string, err error) {
	if s == "" {
		return "", s, errBadIdent
	}
	switch s[0] {
	case '[', '"':
		closer := byte(']')
		if s[0] == '"' {
			closer = '"'
		}
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] != closer {
				b.WriteByte(s[i])
				continue
			}
			if i+1 < len(s) && s[i+1] == closer {
				b.WriteByte(closer)
				i++
				continue
			}
			return b.String(), s[i+1:], nil
		}
		return "", s, errBadIdent
	}
	i := 0
	for i < len(s) && (isIdentByte(s[i]) || s[i] >= 0x80) {
		i++
	}
	if i == 0 {
		return "", s, errBadIdent
	}
	return s[:i], s[i:], nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '@' || c == '#' || c == '$' ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// ParseName reads a one- or two-part name ([schema].[name] or [name]).
func ParseName(s string) (schema, name, rest string, err error) {
	first, rest, err := ParseIdent(s)
	if err != nil {
		return "", "", s, err
	}
	if strings.HasPrefix(rest, ".") {
		second, rest2, err := ParseIdent(rest[1:])
		if err != nil {
			return "", "", s, err
		}
		return first, second, rest2, nil
	}
	return "", first, rest, nil
}
