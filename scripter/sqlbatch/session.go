package sqlbatch

import (
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// session follows the session settings a script sets, so that a batch run
// again after the rest of the script (see retry.go) runs under the settings
// it first ran under. The DDL writer sets ANSI_NULLS and QUOTED_IDENTIFIER in
// a batch of their own before each module, and both are stored with the
// module: a view retried under the script's final settings would be created
// with other ones.
//
// Only batches made of nothing but SET option statements and USE are
// followed; SET IDENTITY_INSERT, SET TRANSACTION ISOLATION LEVEL and any SET
// inside a batch that does something else are not session settings a
// module keeps.
type session struct {
	keys  []string          // options in the order last set (USE counts as one)
	stmts map[string]string // option -> the statement that set it
}

// observe records the settings of a batch that ran successfully.
func (s *session) observe(text string) {
	// Most batches are rows or DDL: look at the first word before parsing.
	w := words{text: text}
	if first := w.next(); !strings.EqualFold(first, "SET") && !strings.EqualFold(first, "USE") {
		return
	}
	stmts, ok := settingStatements(text)
	if !ok {
		return
	}
	if s.stmts == nil {
		s.stmts = map[string]string{}
	}
	for _, st := range stmts {
		if _, seen := s.stmts[st.key]; seen {
			s.keys = slices.DeleteFunc(s.keys, func(k string) bool { return k == st.key })
		}
		s.keys = append(s.keys, st.key)
		s.stmts[st.key] = st.text
	}
}

// batch is the text that puts a connection back into this state: every
// statement in the order it was last set (options such as ANSI_DEFAULTS set
// others, so order matters). "" when nothing was set.
func (s *session) batch() string {
	var b strings.Builder
	for _, k := range s.keys {
		b.WriteString(s.stmts[k])
		b.WriteByte('\n')
	}
	return b.String()
}

type setting struct{ key, text string }

// settingStatements parses a batch made only of SET option statements
// ("SET ANSI_NULLS ON;", "SET ANSI_NULLS, QUOTED_IDENTIFIER OFF",
// "SET DATEFORMAT dmy") and USE statements, one option per result. ok is
// false for any other batch.
func settingStatements(text string) (out []setting, ok bool) {
	text, ok = stripComments(text)
	if !ok {
		return nil, false
	}
	for _, line := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		words := strings.Fields(line)
		if len(words) == 0 {
			continue
		}
		switch {
		case strings.EqualFold(words[0], "USE") && len(words) == 2:
			out = append(out, setting{key: "USE", text: "USE " + words[1] + ";"})
		case strings.EqualFold(words[0], "SET") && len(words) >= 3:
			value := words[len(words)-1]
			if !plainWord(value) {
				return nil, false
			}
			for _, opt := range strings.Split(strings.Join(words[1:len(words)-1], " "), ",") {
				opt = strings.TrimSpace(opt)
				if !plainWord(opt) || strings.EqualFold(opt, tsql.SetIdentityInsert) {
					return nil, false
				}
				out = append(out, setting{key: strings.ToUpper(opt), text: "SET " + strings.ToUpper(opt) + " " + value + ";"})
			}
		default:
			return nil, false
		}
	}
	return out, len(out) > 0
}

// plainWord reports a word of letters, digits, '_' and '-' (option names
// and values such as ON, dmy, us_english, -1), which is all a setting needs
// and keeps names such as dbo.T (IDENTITY_INSERT's table) out.
func plainWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		switch {
		case r == '_' || r == '-':
		case r >= '0' && r <= '9', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		default:
			return false
		}
	}
	return true
}

// stripComments removes -- and (nested) /* */ comments. ok is false when the
// text has a string literal or an unterminated comment: not a plain
// settings batch.
func stripComments(text string) (string, bool) {
	var b strings.Builder
	w := words{text: text}
	for w.pos < len(text) {
		switch rest := text[w.pos:]; {
		case strings.HasPrefix(rest, "/*"):
			if !w.skipComment() {
				return "", false
			}
		case strings.HasPrefix(rest, "--"):
			w.skipLine()
		case rest[0] == '\'':
			return "", false
		default:
			b.WriteByte(rest[0])
			w.pos++
		}
	}
	return b.String(), true
}
