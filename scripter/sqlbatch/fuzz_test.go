package sqlbatch

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// FuzzLiteralScriptSplitsExactly encodes arbitrary strings with
// tsql.AppendLiteral into "SELECT <literal>;" batches separated by GO lines
// (LF or CRLF), splits the script, and checks that each batch is exactly
// the statement written and that its literal parses back to the value.
func FuzzLiteralScriptSplitsExactly(f *testing.F) {
	for _, s := range []string{"", "x", "a\nGO\nb", "\r\nGO 5\r\n", "it's", "/* open", "-- no", "[", "\"", "$(v)", "\\", "\x00"} {
		f.Add(s, "GO\n"+s, false)
	}
	f.Add("'\n/*\nGO", "]]\n--'\nGO\n", true)
	nv := tsql.Type{Name: "nvarchar", MaxLength: tsql.MaxLengthMax}
	f.Fuzz(func(t *testing.T, a, b string, crlf bool) {
		values := []string{a, b, a + b}
		eol := "\n"
		if crlf {
			eol = "\r\n"
		}
		var script []byte
		var want []string
		for _, v := range values {
			if !utf8.ValidString(v) {
				return
			}
			stmt := append([]byte("SELECT "), nil...)
			stmt = tsql.AppendStringExpr(stmt, v)
			stmt = append(stmt, ';')
			want = append(want, string(stmt))
			script = append(script, stmt...)
			script = append(script, eol+"GO"+eol...)
		}
		got, err := splitAll(t, string(script))
		if err != nil {
			t.Fatalf("%q: %v", script, err)
		}
		// sqlcmd (modelled on go-sqlcmd) must send the same batches and
		// find no variable to substitute.
		sq, vars := goSqlcmdSplit(string(script))
		if vars || !reflect.DeepEqual(sq, want) {
			t.Fatalf("%q: go-sqlcmd model sends %q (variables %v), want %q", script, sq, vars, want)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d batches, want %d", script, len(got), len(want))
		}
		for i, bt := range got {
			if bt.Text != want[i] || bt.Repeat != 1 || bt.StartLine != 2*i+1 || bt.Variables != nil {
				t.Fatalf("batch %d: %+v, want %q", i, bt, want[i])
			}
			lit := strings.TrimSuffix(strings.TrimPrefix(bt.Text, "SELECT "), ";")
			v, err := tsql.ParseLiteral(lit, nv)
			if err != nil || v != values[i] {
				t.Fatalf("batch %d: %q parses as %q, %v; want %q", i, lit, v, err, values[i])
			}
		}
	})
}

// FuzzSplitterNeverLosesText splits arbitrary scripts: it must not panic,
// every batch's text must be the script's text at its StartLine, and only
// blank lines, GO lines and line endings may lie between batches.
func FuzzSplitterNeverLosesText(f *testing.F) {
	for _, s := range []string{"SELECT 1\nGO\n", "'\nGO\n'", "/*/*\n*/GO\n*/\nGO 2\n", "[a]]\nGO\n]", "GO x\n", "\r\n\r\nGO\r\n", "GO\nG"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		if hasBOM(script) {
			return // decoded first; TestSplitterReadsByteOrderMarks covers it
		}
		got, err := splitAll(t, script)
		lineStart := []int{0}
		for i := 0; i < len(script); i++ {
			if script[i] == '\n' {
				lineStart = append(lineStart, i+1)
			}
		}
		onlySeparators := func(between string) {
			for _, ln := range strings.Split(between, "\n") {
				ln = strings.TrimSpace(ln)
				if ln != "" && !strings.HasPrefix(strings.ToLower(ln), "go") {
					t.Fatalf("text %q of %q is in no batch", ln, script)
				}
			}
		}
		prevEnd := 0
		for _, b := range got {
			if b.StartLine < 1 || b.StartLine > len(lineStart) {
				t.Fatalf("batch %+v: StartLine out of range in %q", b, script)
			}
			off := lineStart[b.StartLine-1]
			if off < prevEnd || !strings.HasPrefix(script[off:], b.Text) {
				t.Fatalf("batch %+v is not the text at its line in %q", b, script)
			}
			onlySeparators(script[prevEnd:off])
			prevEnd = off + len(b.Text)
		}
		if err == nil {
			onlySeparators(script[prevEnd:])
		}
	})
}

// refSplit is a deliberately simple, whole-script model of the batch rules
// (byte-at-a-time lexer, no streaming) that the optimised Splitter must
// agree with.
func refSplit(script string) (out []Batch, failed bool) {
	var closer byte
	depth := 0
	var text strings.Builder
	start, eol := 0, 0
	var vars []string
	take := func(repeat int) {
		t := text.String()
		t = t[:len(t)-eol]
		if strings.TrimSpace(t) != "" {
			out = append(out, Batch{Text: t, StartLine: start, Repeat: repeat, Variables: vars})
		}
		text.Reset()
		vars, eol = nil, 0
	}
	addVar := func(line string, i int) {
		if i+1 >= len(line) || line[i+1] != '(' {
			return
		}
		j := i + 2
		for j < len(line) && j-i < 130 && line[j] != ')' && line[j] != '\n' {
			j++
		}
		name := line[i+2 : j]
		for _, v := range vars {
			if v == name {
				return
			}
		}
		vars = append(vars, name)
	}
	lines := strings.SplitAfter(script, "\n")
	for n, line := range lines {
		if line == "" {
			continue
		}
		if closer == 0 && depth == 0 {
			if repeat, isGo, err := parseGo([]byte(line)); isGo {
				if err != nil {
					return out, true
				}
				take(repeat)
				continue
			}
		}
		if text.Len() == 0 {
			if strings.TrimSpace(line) == "" {
				continue
			}
			start = n + 1
		}
	scan:
		for i := 0; i < len(line); i++ {
			c := line[i]
			next := byte(0)
			if i+1 < len(line) {
				next = line[i+1]
			}
			switch {
			case depth > 0:
				if c == '*' && next == '/' {
					depth--
					i++
				} else if c == '/' && next == '*' {
					depth++
					i++
				}
			case closer != 0:
				if c == closer {
					if next == closer {
						i++
					} else {
						closer = 0
					}
				} else if c == '$' && closer != ']' {
					addVar(line, i)
				}
			case c == '-' && next == '-':
				break scan
			case c == '/' && next == '*':
				depth = 1
				i++
			case c == '\'' || c == '"':
				closer = c
			case c == '[':
				closer = ']'
			case c == '$':
				addVar(line, i)
			}
		}
		text.WriteString(line)
		eol = 0
		if strings.HasSuffix(line, "\r\n") {
			eol = 2
		} else if strings.HasSuffix(line, "\n") {
			eol = 1
		}
	}
	if closer != 0 || depth != 0 {
		return out, true
	}
	take(1)
	return out, false
}

func FuzzSplitterMatchesReferenceModel(f *testing.F) {
	for _, s := range []string{"SELECT 1\nGO\n", "'\nGO\n'", "/*/*\n*/GO\n*/\nGO 2\n", "[a]]\nGO\n]", "GO x\n", "a*/*\n", "'$(x)' [$(y)] $(z\n", "\"a\"\"\nGO\n\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		if hasBOM(script) {
			return // decoded first; TestSplitterReadsByteOrderMarks covers it
		}
		got, err := splitAll(t, script)
		want, failed := refSplit(script)
		if failed != (err != nil) {
			t.Fatalf("%q: splitter err %v, model failed %v", script, err, failed)
		}
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got  %#v\n want %#v", script, got, want)
		}
	})
}

func hasBOM(s string) bool {
	return strings.HasPrefix(s, "\xEF\xBB\xBF") || strings.HasPrefix(s, "\xFF\xFE") || strings.HasPrefix(s, "\xFE\xFF")
}

// goSqlcmdSplit models go-sqlcmd's batch processing (pkg/sqlcmd batch.go,
// parse.go, commands.go): lines without their CR/LF; GO ([\t ]*GO, then
// spaces and a count, or the end of the line) only at the start of a line
// outside quotes and comments; '...' with backslash-swallows-next and ”
// escapes; "..." strings; non-nested /* */; -- to the end of the line;
// $(name) substituted everywhere outside comments; empty lines outside
// quotes dropped; lines joined with \n. It returns the batch texts and
// whether any variable reference was seen.
func goSqlcmdSplit(script string) (batches []string, vars bool) {
	var quote byte
	comment := false
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			batches = append(batches, strings.Join(cur, "\n"))
		}
		cur = nil
	}
	lines := strings.Split(script, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if quote == 0 && !comment {
			trimmed := strings.TrimLeft(line, " \t")
			if len(trimmed) >= 2 && strings.EqualFold(trimmed[:2], "GO") && (len(trimmed) == 2 || trimmed[2] == ' ') {
				flush()
				continue
			}
		}
	scan:
		for i := 0; i < len(line); i++ {
			c := line[i]
			next := byte(0)
			if i+1 < len(line) {
				next = line[i+1]
			}
			switch {
			case quote != 0:
				switch {
				case c == '$' && next == '(':
					vars = true
				case quote == '\'' && c == '\\':
					i++
				case quote == '\'' && c == '\'' && next == '\'':
					i++
				case c == quote:
					quote = 0
				}
			case comment:
				if c == '*' && next == '/' {
					comment = false
					i++
				}
			case c == '\'' || c == '"':
				quote = c
			case c == '-' && next == '-':
				break scan
			case c == '/' && next == '*':
				comment = true
				i++
			case c == '$' && next == '(':
				vars = true
			}
		}
		if quote != 0 || comment || strings.TrimSpace(line) != "" {
			if len(cur) == 0 {
				line = strings.TrimLeft(line, " \t")
			}
			cur = append(cur, line)
		}
	}
	flush()
	return batches, vars
}

func TestGoSqlcmdModelSeesTheHazards(t *testing.T) {
	// A backslash before the closing quote hides it from go-sqlcmd: the GO
	// below is swallowed into one batch.
	if got, _ := goSqlcmdSplit("SELECT N'a\\'\nGO\nSELECT 1\nGO\n"); len(got) != 1 {
		t.Fatalf("model split %q", got)
	}
	if _, vars := goSqlcmdSplit("SELECT N'$(x)'\nGO\n"); !vars {
		t.Fatal("model missed a variable inside a string")
	}
	if got, _ := goSqlcmdSplit("SELECT N'a'+NCHAR(92)\nGO\nSELECT 1\nGO\n"); len(got) != 2 {
		t.Fatalf("model split %q", got)
	}
}
