package sqlbatch

import "strings"

// words reads the leading keywords of a batch, skipping white space and
// comments.
type words struct {
	text string
	pos  int
}

// next returns the next run of ASCII letters, or "" at anything else.
func (w *words) next() string {
	for w.pos < len(w.text) {
		c := w.text[w.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			w.pos++
		case strings.HasPrefix(w.text[w.pos:], "--"):
			w.skipLine()
		case strings.HasPrefix(w.text[w.pos:], "/*"):
			w.skipComment()
		default:
			start := w.pos
			for w.pos < len(w.text) && (w.text[w.pos]|0x20 >= 'a' && w.text[w.pos]|0x20 <= 'z') {
				w.pos++
			}
			return w.text[start:w.pos]
		}
	}
	return ""
}

// skipLine skips a -- comment up to, not past, its line break.
func (w *words) skipLine() {
	for w.pos < len(w.text) && w.text[w.pos] != '\n' {
		w.pos++
	}
}

// skipComment skips a /* */ comment, nested as SQL Server nests them. It
// reports false when the text ends inside the comment.
func (w *words) skipComment() bool {
	depth := 0
	for w.pos < len(w.text) {
		switch {
		case strings.HasPrefix(w.text[w.pos:], "/*"):
			depth++
			w.pos += 2
		case strings.HasPrefix(w.text[w.pos:], "*/"):
			depth--
			w.pos += 2
			if depth == 0 {
				return true
			}
		default:
			w.pos++
		}
	}
	return false
}
