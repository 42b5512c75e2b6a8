package filter

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// objectKey is the "schema.name" form filters match; an unqualified name
// means dbo. Either part may be bracketed ([a.b].[c], dbo.[Order Details])
// so that names with dots can be given.
func objectKey(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty object name")
	}
	first, rest, err := namePart(s)
	if err != nil {
		return "", fmt.Errorf("bad name %q: %v", s, err)
	}
	if rest == "" {
		return "dbo." + first, nil
	}
	if !strings.HasPrefix(rest, ".") {
		return "", fmt.Errorf("bad name %q", s)
	}
	rest = rest[1:]
	second := rest
	if strings.HasPrefix(rest, "[") {
		var tail string
		second, tail, err = tsql.ParseIdent(rest)
		if err != nil || tail != "" {
			return "", fmt.Errorf("bad name %q", s)
		}
	}
	if first == "" || second == "" {
		return "", fmt.Errorf("bad name %q", s)
	}
	return first + "." + second, nil
}

// namePart splits the first part of a dotted name from the rest (which
// keeps its leading dot).
func namePart(in string) (name, rest string, err error) {
	if strings.HasPrefix(in, "[") {
		return tsql.ParseIdent(in)
	}
	if i := strings.IndexByte(in, '.'); i >= 0 {
		return in[:i], in[i:], nil
	}
	return in, "", nil
}

// objectName normalises an IncludeObjects / ExcludeObjects entry: a dotted
// or bracketed one is an object key, a plain one is kept as given, since
// principals and schemas have one-part names.
func objectName(s string) (string, error) {
	if strings.ContainsRune(s, '.') || strings.HasPrefix(s, "[") {
		return objectKey(s)
	}
	return s, nil
}

// typeName normalises an IncludeTypes / ExcludeTypes entry.
func typeName(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if !slices.Contains(model.FilterTypes, t) {
		return "", fmt.Errorf("unknown object type %q (known: %s)", s, strings.Join(model.FilterTypes, ", "))
	}
	return t, nil
}

func key(q model.QName) string { return q.Schema + "." + q.Name }
