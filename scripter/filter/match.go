package filter

import (
	"fmt"
	"regexp"
	"slices"
)

// matcher is a list of exact names and /regexp/ patterns.
type matcher struct {
	exact []string
	res   []*regexp.Regexp
}

func (m *matcher) empty() bool { return m == nil || (len(m.exact) == 0 && len(m.res) == 0) }

func (m *matcher) match(s string) bool {
	if m == nil {
		return false
	}
	if slices.Contains(m.exact, s) {
		return true
	}
	for _, re := range m.res {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// compileMatcher parses a list of entries; an entry written /.../ is a
// regular expression (matched anywhere unless anchored), others are exact.
// normalize canonicalises exact entries.
func compileMatcher(option string, entries []string, normalize func(string) (string, error)) (*matcher, error) {
	m := &matcher{}
	for _, e := range entries {
		if len(e) >= 2 && e[0] == '/' && e[len(e)-1] == '/' {
			re, err := regexp.Compile(e[1 : len(e)-1])
			if err != nil {
				return nil, &Error{Option: option, Message: fmt.Sprintf("bad regular expression %q: %v", e, err), Err: err}
			}
			m.res = append(m.res, re)
			continue
		}
		if normalize != nil {
			n, err := normalize(e)
			if err != nil {
				return nil, &Error{Option: option, Message: err.Error(), Err: err}
			}
			e = n
		}
		m.exact = append(m.exact, e)
	}
	return m, nil
}
