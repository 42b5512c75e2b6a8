package ddl

// nameRef is an object name as written in module text. Omitted parts are
// empty: "dbo.t" has no db, "db..t" has no schema.
type nameRef struct {
	db, schema, name string
}

// scanNameRefs returns the one-, two- and three-part names in a T-SQL module
// definition, in order of appearance, duplicates included. It is a lexer, not
// a parser: every name outside comments and string literals is reported,
// columns, aliases and keywords included, and the caller keeps those that
// name an object. Four-part (linked server) names, @variables and #temporary
// tables are left out: none of them is an object the script creates.
//
// quotedIdentifier is the module's QUOTED_IDENTIFIER setting: when it is off,
// "..." is a string literal, not a name.
func scanNameRefs(def string, quotedIdentifier bool) []nameRef {
	var refs []nameRef
	s := refScanner{src: def, quoted: quotedIdentifier}
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch {
		case c == '-' && s.peek(1) == '-':
			s.skipLineComment()
		case c == '/' && s.peek(1) == '*':
			s.skipBlockComment()
		case c == '\'':
			s.skipQuoted('\'')
		case (c == 'N' || c == 'n') && s.peek(1) == '\'':
			s.pos++
			s.skipQuoted('\'')
		case c == '"' && !quotedIdentifier:
			s.skipQuoted('"')
		case c >= '0' && c <= '9':
			// a number, or 0x... binary: never a name (1e5, 0xFF)
			for s.pos < len(s.src) && identByte(s.src[s.pos]) {
				s.pos++
			}
		case c == '@' || c == '#':
			// variables, @@functions, #temporary and ##global tables
			s.pos++
			for s.pos < len(s.src) && identByte(s.src[s.pos]) {
				s.pos++
			}
		case s.atPart():
			if parts := s.multipartName(); len(parts) <= 3 && parts[len(parts)-1] != "" {
				r := nameRef{name: parts[len(parts)-1]}
				if len(parts) >= 2 {
					r.schema = parts[len(parts)-2]
				}
				if len(parts) == 3 {
					r.db = parts[0]
				}
				refs = append(refs, r)
			}
		default:
			s.pos++
		}
	}
	return refs
}

type refScanner struct {
	src    string
	pos    int
	quoted bool // QUOTED_IDENTIFIER ON: "..." is a name
}

func (s *refScanner) peek(off int) byte {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

// identStart reports the first byte of a regular identifier; bytes of
// non-ASCII UTF-8 sequences count as letters (SQL Server allows Unicode
// letters in names).
func identStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func identByte(c byte) bool {
	return identStart(c) || (c >= '0' && c <= '9') || c == '@' || c == '#' || c == '$'
}

func (s *refScanner) skipLineComment() {
	for s.pos < len(s.src) && s.src[s.pos] != '\n' {
		s.pos++
	}
}

// skipBlockComment skips a /* */ comment, nested as SQL Server nests them.
func (s *refScanner) skipBlockComment() {
	depth := 0
	for s.pos < len(s.src) {
		switch {
		case s.src[s.pos] == '/' && s.peek(1) == '*':
			depth++
			s.pos += 2
		case s.src[s.pos] == '*' && s.peek(1) == '/':
			depth--
			s.pos += 2
			if depth == 0 {
				return
			}
		default:
			s.pos++
		}
	}
}

// skipQuoted skips a construct opened by q at s.pos, where a doubled q is
// an escaped one. An unterminated construct runs to the end of the text.
func (s *refScanner) skipQuoted(q byte) {
	s.quotedText(q, nil)
}

// quotedText reads the construct opened at s.pos and closed by closer,
// appending its unescaped text to buf when buf is not nil.
func (s *refScanner) quotedText(closer byte, buf []byte) []byte {
	s.pos++ // the opening byte
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		s.pos++
		if c != closer {
			if buf != nil {
				buf = append(buf, c)
			}
			continue
		}
		if s.pos < len(s.src) && s.src[s.pos] == closer {
			s.pos++
			if buf != nil {
				buf = append(buf, c)
			}
			continue
		}
		break
	}
	return buf
}

// atPart reports whether a name part starts at s.pos.
func (s *refScanner) atPart() bool {
	if s.pos >= len(s.src) {
		return false
	}
	c := s.src[s.pos]
	return identStart(c) || c == '[' || (c == '"' && s.quoted)
}

// part reads one identifier: [bracketed] with ]] escapes, "quoted" with ""
// escapes, or regular.
func (s *refScanner) part() string {
	switch c := s.src[s.pos]; c {
	case '[':
		return string(s.quotedText(']', []byte{}))
	case '"':
		return string(s.quotedText('"', []byte{}))
	}
	start := s.pos
	for s.pos < len(s.src) && identByte(s.src[s.pos]) {
		s.pos++
	}
	return s.src[start:s.pos]
}

// spaceEnd returns the position after the white space at from (SQL Server
// accepts white space around the dots of a multi-part name).
func (s *refScanner) spaceEnd(from int) int {
	for from < len(s.src) {
		switch s.src[from] {
		case ' ', '\t', '\r', '\n', '\f', '\v':
			from++
		default:
			return from
		}
	}
	return from
}

// multipartName reads part(.part)* at s.pos; an omitted part (db..t) is
// empty. A dot followed by something other than a part (t.* or a
// trailing dot) ends the name with the parts read so far.
func (s *refScanner) multipartName() []string {
	parts := []string{s.part()}
	for {
		dot := s.spaceEnd(s.pos)
		if dot >= len(s.src) || s.src[dot] != '.' {
			return parts
		}
		next := s.spaceEnd(dot + 1)
		switch {
		case next < len(s.src) && s.src[next] == '.':
			parts = append(parts, "")
			s.pos = next
		case next < len(s.src) && (identStart(s.src[next]) || s.src[next] == '[' || (s.src[next] == '"' && s.quoted)):
			s.pos = next
			parts = append(parts, s.part())
		default:
			s.pos = dot + 1
			return parts
		}
	}
}
