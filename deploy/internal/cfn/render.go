package cfn

import (
	"fmt"
	"regexp"
	"strings"
)

// Env supplies sample values for rendering a template offline.
type Env struct {
	// Params overrides parameter values (otherwise the Default, otherwise
	// "sample-<Name>").
	Params map[string]string
	// Conditions gives each condition's truth value (missing = false).
	Conditions map[string]bool
}

// Pseudo parameters used when rendering.
var pseudo = map[string]string{
	"AWS::Region":    "eu-west-1",
	"AWS::AccountId": "123456789012",
	"AWS::StackName": "mssqldump",
	"AWS::URLSuffix": "amazonaws.com",
	"AWS::Partition": "aws",
	"AWS::StackId":   "arn:aws:cloudformation:eu-west-1:123456789012:stack/mssqldump/00000000-0000-0000-0000-000000000000",
}

// UserData renders the user data of a launch template resource as the
// instance would receive it (after Fn::Base64 decoding).
func (t *Template) UserData(resourceID string, env Env) (string, error) {
	var lt *Resource
	for _, r := range t.ResourcesOfType("AWS::EC2::LaunchTemplate") {
		if r.ID == resourceID {
			r := r
			lt = &r
		}
	}
	if lt == nil {
		return "", fmt.Errorf("%s: no launch template %s", t.Path, resourceID)
	}
	ud := path(lt.Properties, "LaunchTemplateData", "UserData")
	if ud == nil {
		return "", fmt.Errorf("%s: %s has no UserData", t.Path, resourceID)
	}
	return t.Eval(ud, env)
}

var subVar = regexp.MustCompile(`\$\{([^}]*)\}`)

// Eval evaluates an intrinsic-function value to a string.
func (t *Template) Eval(v any, env Env) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case int64, float64, bool:
		return fmt.Sprint(x), nil
	case map[string]any:
		if len(x) != 1 {
			return "", fmt.Errorf("cannot evaluate mapping %v", x)
		}
		for fn, arg := range x {
			switch fn {
			case "Ref":
				return t.ref(str(arg), env)
			case "Fn::GetAtt":
				l := list(arg)
				if len(l) != 2 {
					return "", fmt.Errorf("bad Fn::GetAtt %v", arg)
				}
				return t.getAtt(str(l[0]), str(l[1]))
			case "Fn::Base64":
				return t.Eval(arg, env)
			case "Fn::If":
				l := list(arg)
				if len(l) != 3 {
					return "", fmt.Errorf("bad Fn::If %v", arg)
				}
				if env.Conditions[str(l[0])] {
					return t.Eval(l[1], env)
				}
				return t.Eval(l[2], env)
			case "Fn::Join":
				l := list(arg)
				if len(l) != 2 {
					return "", fmt.Errorf("bad Fn::Join %v", arg)
				}
				var parts []string
				for _, p := range list(l[1]) {
					s, err := t.Eval(p, env)
					if err != nil {
						return "", err
					}
					parts = append(parts, s)
				}
				return strings.Join(parts, str(l[0])), nil
			case "Fn::Sub":
				return t.sub(arg, env)
			}
			return "", fmt.Errorf("cannot evaluate %s", fn)
		}
	}
	return "", fmt.Errorf("cannot evaluate %T %v", v, v)
}

func (t *Template) ref(name string, env Env) (string, error) {
	if v, ok := pseudo[name]; ok {
		return v, nil
	}
	if v, ok := env.Params[name]; ok {
		return v, nil
	}
	if p := t.Parameter(name); p != nil {
		if d, ok := p["Default"]; ok && d != nil && fmt.Sprint(d) != "" {
			return fmt.Sprint(d), nil
		}
		return "sample-" + strings.ToLower(name), nil
	}
	if rs, _ := t.Root["Resources"].(map[string]any); rs[name] != nil {
		return "sample-" + strings.ToLower(name), nil
	}
	return "", fmt.Errorf("ref to unknown %q", name)
}

func (t *Template) getAtt(res, attr string) (string, error) {
	if rs, _ := t.Root["Resources"].(map[string]any); rs[res] == nil {
		return "", fmt.Errorf("Fn::GetAtt of unknown resource %q", res)
	}
	return "sample-" + strings.ToLower(res) + "-" + strings.ToLower(attr), nil
}

func (t *Template) sub(arg any, env Env) (string, error) {
	text, vars := "", map[string]any{}
	switch a := arg.(type) {
	case string:
		text = a
	case []any:
		if len(a) != 2 {
			return "", fmt.Errorf("bad Fn::Sub %v", arg)
		}
		text = str(a[0])
		vars, _ = a[1].(map[string]any)
	default:
		return "", fmt.Errorf("bad Fn::Sub %v", arg)
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		if strings.HasPrefix(name, "!") { // ${!Literal} stays ${Literal}
			return "${" + name[1:] + "}"
		}
		var s string
		var err error
		switch v, ok := vars[name]; {
		case ok:
			s, err = t.Eval(v, env)
		case strings.Contains(name, ".") && !strings.HasPrefix(name, "AWS::"):
			res, attr, _ := strings.Cut(name, ".")
			s, err = t.getAtt(res, attr)
		default:
			s, err = t.ref(name, env)
		}
		if err != nil && firstErr == nil {
			firstErr = fmt.Errorf("Fn::Sub %s: %w", m, err)
		}
		return s
	})
	return out, firstErr
}

// HeredocList returns the here-documents of a shell script in order.
func HeredocList(script string) []Heredoc {
	var out []Heredoc
	lines := strings.Split(script, "\n")
	start := regexp.MustCompile(`<<-?\s*'?"?([A-Za-z_][A-Za-z0-9_]*)'?"?\s*$`)
	for i := 0; i < len(lines); i++ {
		m := start.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		word := m[1]
		var body []string
		j := i + 1
		for ; j < len(lines) && lines[j] != word; j++ {
			body = append(body, lines[j])
		}
		out = append(out, Heredoc{Word: word, Opener: lines[i], Body: strings.Join(body, "\n") + "\n"})
		i = j
	}
	return out
}

// Heredoc is one here-document of a shell script.
type Heredoc struct {
	Word   string // delimiter
	Opener string // the line that opens it
	Body   string
}
