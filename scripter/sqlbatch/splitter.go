// Package sqlbatch splits a T-SQL script into batches the way sqlcmd does
// and runs them against a database (Restore).
//
// # Batch rules
//
// A line whose only content is GO ends the batch: case-insensitive, with
// optional spaces or tabs around it, an optional repeat count (GO 5 runs the
// batch five times) and an optional trailing -- comment. GO counts only at
// the start of a line that is outside every quoted construct and comment:
//
//   - '...' strings (a doubled quote is an escaped quote; N'...' is the same),
//   - "..." quoted identifiers (with "" escapes),
//   - [...] bracketed identifiers (with ]] escapes),
//   - /* ... */ comments, nested as SQL Server nests them,
//   - -- comments (to the end of the line).
//
// So a GO inside a multi-line string, identifier or comment is text, not a
// separator. A script that ends inside one of them is an error naming the
// line where it opened (a truncated file must not restore silently).
//
// Batch.Text is the exact text between separator lines, line endings
// included (CRLF stays CRLF), except the line ending just before the GO
// line, which belongs to the separator. Module definitions therefore restore
// byte for byte: a script written as definition + "\nGO\n" gives back the
// definition. Whitespace-only lines before a batch's first text are
// skipped (StartLine is the first line with text, so server line numbers map
// onto the script), and so are batches containing only whitespace. Text after
// the last GO is a batch of its own; the end of the script acts as a GO line
// (the last line ending is dropped too).
//
// sqlcmd substitutes $(name) everywhere outside comments, inside strings
// too. This package never substitutes; it reports the references it finds
// in Batch.Variables so callers can warn that sqlcmd would change the batch.
//
// These are SQL Server's lexical rules. go-sqlcmd's own lexer differs in
// ways that only matter for odd identifiers and hand-written scripts: it does
// not know [brackets] (a quote inside [O'Brien] opens a string for it), does
// not nest /* */ comments, lets a backslash swallow the next character inside
// a string, and wants a space between GO and a trailing comment. Literals
// written by package tsql read the same under both (its tests model
// go-sqlcmd's lexer); tsql.SqlcmdSafeIdent flags names that do not.
//
// The splitter streams: it holds one batch in memory, never the script.
//
// # Restore
//
// Restore runs the batches on one connection. A batch creating a view,
// procedure, function or trigger that fails only because an object it names
// does not exist yet (error 208 and the few others listed in retry.go, and
// Babelfish's equivalents) is set aside, with every later batch failing the
// same way while some are set aside, and run again after the rest of the
// script, in script order and under the SET options it first ran under,
// for at most RestoreOptions.RetryPasses passes and only while a pass gets
// one through. What still fails is a BatchError with the batch's own number
// and line; RestoreStats.Retried counts the batches set aside.
package sqlbatch

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Batch is one batch of a script.
type Batch struct {
	// Text is the batch, without its GO line (see the package doc).
	Text string
	// StartLine is the 1-based script line where Text begins.
	StartLine int
	// Repeat is how many times to run it (GO n); 1 by default.
	Repeat int
	// Variables lists the sqlcmd variable references ($(name)) outside
	// comments, in order of first appearance; nil when there are none.
	Variables []string
}

// ErrSyntax is wrapped by the splitter's errors about the script itself.
var ErrSyntax = errors.New("sqlbatch: script syntax")

// Splitter reads batches from a script.
type Splitter struct {
	r    *bufio.Reader
	line int // lines read so far

	// lexer state carried across lines
	closer      byte // inside a quoted construct ending with this byte, or 0
	depth       int  // /* */ nesting depth
	openedAt    int  // line where the open quote/comment began
	buf         []byte
	start       int // StartLine of the batch in buf
	pendingEOL  int // length of the last line ending in buf (dropped before GO)
	vars        []string
	err         error
	lineScratch []byte
	bomDone     bool
}

// NewSplitter returns a Splitter reading the script from r. A leading
// UTF-8 byte order mark is skipped; a UTF-16 one (SSMS can save scripts so)
// switches to decoding UTF-16, as sqlcmd does.
func NewSplitter(r io.Reader) *Splitter {
	return &Splitter{r: bufio.NewReaderSize(r, 64*1024)}
}

// readBOM handles a byte order mark before the first line.
func (s *Splitter) readBOM() error {
	s.bomDone = true
	head, err := s.r.Peek(3)
	if err != nil && err != io.EOF {
		return err
	}
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		_, err = s.r.Discard(3)
		return err
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.BOMOverride(unicode.UTF8.NewDecoder())
		s.r = bufio.NewReaderSize(transform.NewReader(s.r, dec), 64*1024)
	}
	return nil
}

// Next returns the next non-empty batch, or io.EOF after the last one.
func (s *Splitter) Next() (Batch, error) {
	if s.err != nil {
		return Batch{}, s.err
	}
	if !s.bomDone {
		if err := s.readBOM(); err != nil {
			s.err = err
			return Batch{}, err
		}
	}
	for {
		line, err := s.readLine()
		if len(line) > 0 {
			s.line++
			if s.closer == 0 && s.depth == 0 {
				if repeat, isGo, gerr := parseGo(line); isGo {
					if gerr != nil {
						s.err = fmt.Errorf("%w: line %d: %v", ErrSyntax, s.line, gerr)
						return Batch{}, s.err
					}
					if b, ok := s.take(repeat); ok {
						return b, nil
					}
					continue
				}
			}
			if len(s.buf) == 0 {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				s.start = s.line
			}
			s.scan(line)
			s.buf = append(s.buf, line...)
			s.pendingEOL = eolLen(line)
		}
		if err == io.EOF {
			if s.closer != 0 || s.depth != 0 {
				what := "string"
				switch {
				case s.depth != 0:
					what = "/* comment"
				case s.closer == ']':
					what = "[identifier"
				case s.closer == '"':
					what = `"identifier`
				}
				s.err = fmt.Errorf("%w: script ends inside the %s opened on line %d", ErrSyntax, what, s.openedAt)
				return Batch{}, s.err
			}
			if b, ok := s.take(1); ok {
				return b, nil
			}
			s.err = io.EOF
			return Batch{}, io.EOF
		}
		if err != nil {
			s.err = err
			return Batch{}, err
		}
	}
}

// Line is the number of script lines read so far.
func (s *Splitter) Line() int { return s.line }

// take ends the current batch; ok is false when it is only whitespace.
func (s *Splitter) take(repeat int) (Batch, bool) {
	text := s.buf[:len(s.buf)-s.pendingEOL]
	b := Batch{Text: string(text), StartLine: s.start, Repeat: repeat, Variables: s.vars}
	s.buf, s.vars, s.pendingEOL = s.buf[:0], nil, 0
	if len(bytes.TrimSpace(text)) == 0 {
		return Batch{}, false
	}
	return b, true
}

// readLine returns the next line including its "\n" (the last line may
// have none), however long it is.
func (s *Splitter) readLine() ([]byte, error) {
	line, err := s.r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	s.lineScratch = append(s.lineScratch[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = s.r.ReadSlice('\n')
		s.lineScratch = append(s.lineScratch, line...)
	}
	return s.lineScratch, err
}

func eolLen(line []byte) int {
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		if n > 1 && line[n-2] == '\r' {
			return 2
		}
		return 1
	}
	return 0
}

// neutralStop marks the bytes that can change the lexer state outside
// quotes and comments.
var neutralStop = func() (t [256]bool) {
	for _, c := range []byte("-/'\"[$") {
		t[c] = true
	}
	return t
}()

// scan advances the lexer state over one line.
func (s *Splitter) scan(line []byte) {
	n := len(line)
	for i := 0; i < n; i++ {
		switch {
		case s.depth > 0:
			for i < n && line[i] != '*' && line[i] != '/' {
				i++
			}
			if i+1 >= n {
				return
			}
			if line[i] == '*' && line[i+1] == '/' {
				s.depth--
				i++
			} else if line[i] == '/' && line[i+1] == '*' {
				s.depth++
				i++
			}
		case s.closer != 0:
			closer := s.closer
			if closer == ']' {
				for i < n && line[i] != closer {
					i++
				}
			} else {
				for i < n && line[i] != closer && line[i] != '$' {
					i++
				}
			}
			if i >= n {
				return
			}
			if line[i] == '$' {
				s.variable(line, i)
			} else if i+1 < n && line[i+1] == closer {
				i++
			} else {
				s.closer = 0
			}
		default:
			for i < n && !neutralStop[line[i]] {
				i++
			}
			if i >= n {
				return
			}
			switch c := line[i]; c {
			case '-':
				if i+1 < n && line[i+1] == '-' {
					return
				}
			case '/':
				if i+1 < n && line[i+1] == '*' {
					s.depth, s.openedAt = 1, s.line
					i++
				}
			case '\'', '"':
				s.closer, s.openedAt = c, s.line
			case '[':
				s.closer, s.openedAt = ']', s.line
			case '$':
				s.variable(line, i)
			}
		}
	}
}

// variable records $(name) starting at line[i], if it is one.
func (s *Splitter) variable(line []byte, i int) {
	if i+1 >= len(line) || line[i+1] != '(' {
		return
	}
	j := i + 2
	for j < len(line) && j-i < 130 && line[j] != ')' && line[j] != '\n' {
		j++
	}
	name := string(line[i+2 : j])
	for _, v := range s.vars {
		if v == name {
			return
		}
	}
	s.vars = append(s.vars, name)
}

// parseGo recognises a GO line: [ \t]*GO([ \t]+count)?[ \t]*(--...)?
// isGo is true when the line starts with the word GO; err reports a bad
// count on such a line (sqlcmd rejects it too).
func parseGo(line []byte) (repeat int, isGo bool, err error) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if len(line)-i < 2 || (line[i]|0x20) != 'g' || (line[i+1]|0x20) != 'o' {
		return 0, false, nil
	}
	i += 2
	rest := bytes.TrimRight(line[i:], " \t\r\n")
	if len(rest) == 0 {
		return 1, true, nil
	}
	if rest[0] != ' ' && rest[0] != '\t' && !bytes.HasPrefix(rest, []byte("--")) {
		return 0, false, nil // GOTO, GO;, go_table ...: not a separator
	}
	rest = bytes.TrimLeft(rest, " \t")
	if k := bytes.Index(rest, []byte("--")); k >= 0 {
		rest = bytes.TrimRight(rest[:k], " \t")
	}
	if len(rest) == 0 {
		return 1, true, nil
	}
	n, perr := strconv.Atoi(string(rest))
	if perr != nil || n < 1 {
		return 0, true, fmt.Errorf("GO needs a positive count, not %q", rest)
	}
	return n, true, nil
}
