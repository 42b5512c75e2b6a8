package tsql

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
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
	e.text(s)
	return e.finish(start, len(s))
}

// text appends the valid UTF-8 s. A piece written after it (an NCHAR call
// or a unit) closes the open chunk, which text treats like the end of s.
func (e *strEnc) text(s string) {
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
}

// finish closes the expression that started at dst[start]; units bounds the
// value's length in UTF-16 code units (a byte count of UTF-8 is an upper
// bound).
func (e *strEnc) finish(start, units int) []byte {
	e.closeChunk()
	dst := e.dst
	if e.pieces > 1 && units > maxNonMaxChars {
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

// unit writes one UTF-16 code unit that is not part of a valid pair (an
// unpaired surrogate) as CONVERT(nvarchar(1),0xLLHH): the bytes are
// reinterpreted as UTF-16LE whatever the collation, where NCHAR(n) of a
// surrogate depends on the collation's SC flag.
func (e *strEnc) unit(u uint16) {
	e.closeChunk()
	if e.pieces > 0 {
		e.dst = append(e.dst, '+')
	}
	e.dst = append(e.dst, "CONVERT(nvarchar(1),"...)
	e.dst = AppendHex(e.dst, []byte{byte(u), byte(u >> 8)})
	e.dst = append(e.dst, ')')
	e.pieces++
}

// UTF16 is nchar/nvarchar/ntext data as SQL Server stores it: UTF-16LE code
// units, which may include unpaired surrogates (SQL Server accepts any
// 16-bit unit; go-mssqldb's string decoding would turn them into U+FFFD).
// The data reader selects Unicode columns as varbinary to get these bytes.
type UTF16 []byte

// AppendUTF16Expr appends the nvarchar expression whose value is exactly
// the UTF-16LE units b: AppendStringExpr's form, with each unpaired
// surrogate as CONVERT(nvarchar(1),0x...). An odd length is an error.
func AppendUTF16Expr(dst []byte, b []byte) ([]byte, error) {
	if len(b)%2 != 0 {
		return dst, fmt.Errorf("%w: UTF-16 data of odd length %d", ErrUnsupported, len(b))
	}
	if len(b) == 0 {
		return append(dst, "N''"...), nil
	}
	start := len(dst)
	e := strEnc{dst: dst}
	// UTF-8 takes at most 3 bytes per UTF-16 unit (4 per surrogate pair).
	var stack [768]byte
	run := stack[:0]
	if 3*len(b)/2 > len(stack) {
		run = make([]byte, 0, 3*len(b)/2)
	}
	flush := func() {
		if len(run) > 0 {
			// run is not modified while the string is in use.
			e.text(unsafe.String(unsafe.SliceData(run), len(run)))
			run = run[:0]
		}
	}
	for i := 0; i < len(b); i += 2 {
		if b[i+1] == 0 && b[i] < utf8.RuneSelf {
			// ASCII runs, the common case, without per-unit decoding.
			j, w := i, len(run)
			run = run[:cap(run)]
			for ; j+8 <= len(b); j += 8 {
				x := binary.LittleEndian.Uint64(b[j:])
				if x&0xFF80FF80FF80FF80 != 0 {
					break
				}
				_ = run[w+3]
				run[w], run[w+1], run[w+2], run[w+3] = byte(x), byte(x>>16), byte(x>>32), byte(x>>48)
				w += 4
			}
			for ; j < len(b) && b[j+1] == 0 && b[j] < utf8.RuneSelf; j += 2 {
				run[w] = b[j]
				w++
			}
			run = run[:w]
			i = j - 2
			continue
		}
		u := uint16(b[i]) | uint16(b[i+1])<<8
		switch {
		case !utf16.IsSurrogate(rune(u)):
			run = utf8.AppendRune(run, rune(u))
		case u < 0xDC00 && i+3 < len(b):
			lo := uint16(b[i+2]) | uint16(b[i+3])<<8
			if lo >= 0xDC00 && lo <= 0xDFFF {
				run = utf8.AppendRune(run, utf16.DecodeRune(rune(u), rune(lo)))
				i += 2
				continue
			}
			fallthrough
		default:
			flush()
			e.unit(u)
		}
	}
	flush()
	return e.finish(start, len(b)/2), nil
}
