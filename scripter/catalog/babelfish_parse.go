package catalog

import (
	"context"
	"database/sql"
	"strings"
)

// Babelfish parses each T-SQL statement with an ANTLR parser whose
// prediction cache (DFA) starts empty in every new connection, and a
// dump's catalog read runs on a new connection: parsing its queries took
// about three quarters of the server CPU the read cost there (measured
// with perf: most of it in ParserATNSimulator), executing them the rest.
// Every keyword the parser meets in a new place fills the cache anew, and
// many catalog column names are T-SQL keywords to it (name, type,
// precision, definition, ...). Written as [name], each is the same token
// to the parser as every other bracketed name, so one prediction serves
// them all: on Babelfish 4.3 this cut the server CPU of a data-only
// catalog read from about 2.0 s to 1.7 s (its parsing alone by a fifth).
// SQL Server parses a bracketed name as the bare one, but it is done on
// Babelfish only, so that the queries SQL Server gets stay as they read in
// the source.

// bracketQuerier sends each query with its qualified names bracketed
// (bracketNames).
type bracketQuerier struct{ q Querier }

func (b bracketQuerier) QueryContext(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return b.q.QueryContext(ctx, bracketNames(text), args...)
}

// forEngine returns the Querier the catalog queries go through on s.
func forEngine(q Querier, s *Server) Querier {
	if s != nil && s.Babelfish {
		return bracketQuerier{q}
	}
	return q
}

// bracketNames brackets each bare name that follows a "." (c.name becomes
// c.[name], sys.columns sys.[columns]), except a function's (a name
// followed by "("). String literals, bracketed and double-quoted names and
// comments are copied as they are, and a "." that follows no name (a
// decimal point) is left alone.
func bracketNames(text string) string {
	var b strings.Builder
	b.Grow(len(text) + len(text)/8)
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == '\'' || c == '"' || c == '[':
			n := quotedLen(text[i:])
			b.WriteString(text[i : i+n])
			i += n
		case c == '/' && strings.HasPrefix(text[i:], "/*"):
			// Copied whole, or a quote in it would be taken for the start
			// of a literal, and the names in the literal after it
			// bracketed.
			n := blockCommentLen(text[i:])
			b.WriteString(text[i : i+n])
			i += n
		case c == '-' && strings.HasPrefix(text[i:], "--"):
			n := strings.IndexByte(text[i:], '\n')
			if n < 0 {
				n = len(text) - i
			}
			b.WriteString(text[i : i+n])
			i += n
		case isNameStart(c):
			n := nameLen(text[i:])
			b.WriteString(text[i : i+n])
			i += n
			i = bracketQualifier(&b, text, i)
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// bracketQualifier copies the ".name" parts after a name at text[i:],
// bracketing each bare one that is not a function's, and returns where it
// stopped.
func bracketQualifier(b *strings.Builder, text string, i int) int {
	for i+1 < len(text) && text[i] == '.' {
		b.WriteByte('.')
		i++
		if !isNameStart(text[i]) {
			return i
		}
		n := nameLen(text[i:])
		name := text[i : i+n]
		i += n
		if strings.HasPrefix(strings.TrimLeft(text[i:], " \t\r\n"), "(") {
			b.WriteString(name)
			continue
		}
		b.WriteString("[" + name + "]")
	}
	return i
}

// quotedLen is the length of the quoted string, name or literal that
// starts text ('...', "..." or [...], a doubled closing quote standing
// for one), or of all of text if it is not closed.
func quotedLen(text string) int {
	closing := text[0]
	if closing == '[' {
		closing = ']'
	}
	for i := 1; i < len(text); i++ {
		if text[i] != closing {
			continue
		}
		if i+1 < len(text) && text[i+1] == closing {
			i++
			continue
		}
		return i + 1
	}
	return len(text)
}

// blockCommentLen is the length of the /* ... */ comment that starts text,
// or of all of text if it is not closed. T-SQL nests block comments.
func blockCommentLen(text string) int {
	depth := 0
	for i := 0; i+1 < len(text); i++ {
		switch text[i : i+2] {
		case "/*":
			depth++
			i++
		case "*/":
			depth--
			i++
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(text)
}

func isNameStart(c byte) bool {
	return c == '_' || c == '@' || c == '#' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// nameLen is the length of the bare name (or number, keyword) that
// starts text.
func nameLen(text string) int {
	n := 0
	for n < len(text) && isNameByte(text[n]) {
		n++
	}
	return n
}
