package tsql

import (
	"strconv"
	"unicode/utf8"
)

// plain marks the bytes an open N'...' chunk can take verbatim. Everything
// else goes through the slow path in appendNString: the quote (doubled), the
// backslash and the dollar (sqlcmd hazards), control characters (written as
// NCHAR(n) outside the quotes) and the two UTF-8 lead bytes that can start a
// Unicode line break (C2 for U+0085, E2 for U+2028/U+2029).
var plain = func() (p [256]bool) {
	for c := 0x20; c < 0x100; c++ {
		p[c] = true
	}
	p['\t'] = true
	p['\''] = false
	p['\\'] = false
	p['$'] = false
	p[0xC2] = false
	p[0xE2] = false
	return p
}()

// lineBreakRune reports whether r must be written as NCHAR(r) outside any
// quoted chunk: every control character except TAB, and the Unicode line
// breaks some splitters honour (U+0085, U+2028, U+2029).
func lineBreakRune(r rune) bool {
	return (r < 0x20 && r != '\t') || r == 0x85 || r == 0x2028 || r == 0x2029
}

// specialAt reports whether the character starting at s[j] is written as
// NCHAR(n) (and so closes the current chunk).
func specialAt(s string, j int) bool {
	c := s[j]
	switch {
	case c < 0x20:
		return c != '\t'
	case c == 0xC2:
		return j+1 < len(s) && s[j+1] == 0x85
	case c == 0xE2:
		return j+2 < len(s) && s[j+1] == 0x80 && (s[j+2] == 0xA8 || s[j+2] == 0xA9)
	}
	return false
}

// maxNonMaxChars is the longest nvarchar that is not nvarchar(max): a "+"
// of non-max operands is truncated to this many characters.
const maxNonMaxChars = 4000

// strEnc writes a string value as a "+"-concatenation of N'...' chunks and
// NCHAR(n) calls.
type strEnc struct {
	dst    []byte
	open   bool // a chunk is open (N' written, closing ' not yet)
	pieces int  // chunks and NCHAR calls written so far
}

func (e *strEnc) openChunk() {
	if e.open {
		return
	}
	if e.pieces > 0 {
		e.dst = append(e.dst, '+')
	}
	e.dst = append(e.dst, 'N', '\'')
	e.open = true
	e.pieces++
}

func (e *strEnc) closeChunk() {
	if e.open {
		e.dst = append(e.dst, '\'')
		e.open = false
	}
}

func (e *strEnc) nchar(r rune) {
	e.closeChunk()
	if e.pieces > 0 {
		e.dst = append(e.dst, '+')
	}
	e.dst = append(e.dst, "NCHAR("...)
	e.dst = strconv.AppendInt(e.dst, int64(r), 10)
	e.dst = append(e.dst, ')')
	e.pieces++
}

// AppendStringExpr appends s as a sqlcmd-safe T-SQL expression of type
// nvarchar whose value is exactly s (which must be valid UTF-8). See the
// package documentation for the rules; in short: one line, no "$(", no NUL,
// no backslash right before a quote, and an empty nvarchar(max) operand
// first when a long value is built from several pieces, so nothing truncates.
func AppendStringExpr(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "N''"...)
	}
	start := len(dst)
	e := strEnc{dst: dst}
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			j := i + 1
			for j < len(s) && plain[s[j]] {
				j++
			}
			e.openChunk()
			e.dst = append(e.dst, s[i:j]...)
			i = j
			continue
		}
		switch {
		case c == '\'':
			e.openChunk()
			e.dst = append(e.dst, '\'', '\'')
			i++
		case c == '$':
			e.openChunk()
			e.dst = append(e.dst, '$')
			i++
			if i < len(s) && s[i] == '(' {
				// "$(" would start an sqlcmd variable: end the chunk between them.
				e.closeChunk()
			}
		case c == '\\':
			// go-sqlcmd lets a backslash swallow the next character inside a
			// quoted string, so an odd run of backslashes must never sit
			// right before a quote (the chunk's closing one or a doubled one).
			j := i + 1
			for j < len(s) && s[j] == '\\' {
				j++
			}
			n := j - i
			quoteNext := j == len(s) || s[j] == '\'' || specialAt(s, j)
			if quoteNext && n%2 == 1 {
				if n > 1 {
					e.openChunk()
					e.dst = append(e.dst, s[i:j-1]...)
				}
				e.nchar('\\')
			} else {
				e.openChunk()
				e.dst = append(e.dst, s[i:j]...)
			}
			i = j
		case c < 0x80:
			e.nchar(rune(c))
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if lineBreakRune(r) {
				e.nchar(r)
			} else {
				e.openChunk()
				e.dst = append(e.dst, s[i:i+size]...)
			}
			i += size
		}
	}
	e.closeChunk()
	dst = e.dst
	if e.pieces > 1 && len(s) > maxNonMaxChars {
		// More than 4000 UTF-16 units may be concatenated from non-max
		// pieces, which T-SQL would truncate to nvarchar(4000). A leading
		// nvarchar(max) operand makes the whole left-associative "+" max.
		const prefix = "CONVERT(nvarchar(max),N'')+"
		dst = append(dst, prefix...)
		copy(dst[start+len(prefix):], dst[start:len(dst)-len(prefix)])
		copy(dst[start:], prefix)
	}
	return dst
}
