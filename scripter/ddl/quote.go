package ddl

// Quoting helpers over scripter/tsql, the project's encoders.

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// ident quotes an identifier with brackets, doubling any ].
func ident(s string) string { return tsql.QuoteIdent(s) }

// qn quotes a schema-qualified name.
func qn(q model.QName) string { return tsql.QuoteName(q.Schema, q.Name) }

// identList quotes names and joins them with ", ".
func identList(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ident(n))
	}
	return b.String()
}

// unsafeName reports names that sqlcmd would corrupt even inside brackets:
// a "$(" variable reference or a line break (a following line could read as
// GO).
func unsafeName(s string) bool {
	return strings.Contains(s, "$(") || strings.ContainsAny(s, "\r\n\x00")
}

// strLit returns a T-SQL expression for s. When one N'...' token survives
// sqlcmd and line splitters unchanged, simple is true and expr is that token.
// Otherwise expr is tsql's one-line concatenation (NCHAR() for control
// characters, "$(" split, nvarchar(max) throughout) and simple is false:
// such an expression is not allowed where T-SQL wants a constant (EXEC
// arguments, CREATE XML SCHEMA COLLECTION), so callers bind it to a variable.
func strLit(s string) (expr string, simple bool) {
	if tsql.SqlcmdSafeString(s) {
		return tsql.QuoteString(s), true
	}
	return string(tsql.AppendStringExpr(nil, s)), false
}

// sqlcmdCommandLine reports whether the line starting at rest (up to the next
// line break) is one sqlcmd would treat as a command rather than as batch
// text: GO, RESET, ED, EXIT, QUIT (any case, any argument), or a line
// starting with ':' or "!!". It is deliberately broad: a false positive only
// costs a concatenation.
func sqlcmdCommandLine(rest string) bool {
	if j := strings.IndexAny(rest, "\r\n"); j >= 0 {
		rest = rest[:j]
	}
	rest = strings.TrimLeft(rest, " \t")
	if strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, "!!") {
		return true
	}
	end := 0
	for end < len(rest) {
		c := rest[end]
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') {
			end++
			continue
		}
		break
	}
	switch strings.ToLower(rest[:end]) {
	case "go", "reset", "ed", "exit", "quit":
		return true
	}
	return false
}

// needsDynamic reports whether module text must go through sp_executesql
// to be stored exactly. Clients do not send a batch byte for byte: go-sqlcmd
// joins lines with "\n" (no final one), drops blank lines outside strings and
// the batch's leading white space, and line endings differ between clients.
// So the text is written verbatim only when every client sends exactly it:
// LF line ends, no blank line, no white space at either end, and nothing
// sqlcmd interprets. Anything else (CRLF text from Windows tools is the
// common case) is exact only through a literal.
func needsDynamic(def string) bool {
	if def == "" || strings.TrimSpace(def) != def || strings.ContainsRune(def, '\r') {
		return true
	}
	// "$(" is an sqlcmd variable; NUL ends some clients' text; go-sqlcmd
	// lets a backslash escape the next character inside a quoted string, so
	// a backslash before a quote derails its quote tracking; U+0085/U+2028/
	// U+2029 are line breaks to some splitters.
	if strings.Contains(def, "$(") || strings.IndexByte(def, 0) >= 0 || strings.Contains(def, "\\'") ||
		strings.ContainsAny(def, "\u0085\u2028\u2029") {
		return true
	}
	for line := range strings.SplitSeq(def, "\n") {
		if strings.TrimSpace(line) == "" || sqlcmdCommandLine(line) {
			return true
		}
	}
	return !splitsBackExactly(def)
}

var splitReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64*1024) }}

// splitsBackExactly reports whether def followed by a GO line comes back
// from the project's batch splitter (the restore's) as exactly one batch
// equal to def. A definition SQL Server accepted always does; the check
// guards against text that would leave the splitter inside a quote or
// comment and swallow the GO.
func splitsBackExactly(def string) bool {
	// The splitter buffers 64 KiB; pooled readers of that size are used
	// as they are (bufio.NewReaderSize returns a big enough *bufio.Reader
	// unchanged), so checking thousands of modules does not allocate
	// 64 KiB each.
	br := splitReaders.Get().(*bufio.Reader)
	defer splitReaders.Put(br)
	br.Reset(strings.NewReader(def + "\nGO\n"))
	sp := sqlbatch.NewSplitter(br)
	b, err := sp.Next()
	if err != nil || b.Text != def || len(b.Variables) > 0 {
		return false
	}
	_, err = sp.Next()
	return errors.Is(err, io.EOF)
}

// comment makes s safe inside a "--" comment line: no line breaks, no "$(".
func comment(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	return strings.ReplaceAll(s, "$(", "$ (")
}

func itoa(n int) string { return strconv.Itoa(n) }
