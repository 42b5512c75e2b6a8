// Package cfn loads CloudFormation YAML templates (short-form intrinsic tags
// such as !Ref, !Sub and !GetAtt included) into plain Go values, checks them
// against mssqldump's own deployment rules — what no resource schema can
// see — and renders launch-template user data for shell checks.
package cfn

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is a parsed template: map[string]any / []any / string / bool /
// int64 / float64 / nil, with short-form tags expanded to their long form
// ({"Ref": x}, {"Fn::Sub": x}, {"Fn::GetAtt": [res, attr]}, ...).
type Template struct {
	Path string
	Root map[string]any
}

// Resource is one entry of Resources.
type Resource struct {
	ID         string
	Type       string
	Properties map[string]any
}

// Load reads and parses a template file.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

// Parse parses template text; path is used in messages only.
func Parse(path string, b []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: empty template", path)
	}
	v, err := convert(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: template is not a mapping", path)
	}
	return &Template{Path: path, Root: root}, nil
}

// convert turns a YAML node into plain values, expanding intrinsic tags.
func convert(n *yaml.Node) (any, error) {
	var v any
	var err error
	switch n.Kind {
	case yaml.AliasNode:
		return convert(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", n.Content[i].Line, k)
			}
			if m[k], err = convert(n.Content[i+1]); err != nil {
				return nil, err
			}
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			cv, err := convert(c)
			if err != nil {
				return nil, err
			}
			s = append(s, cv)
		}
		v = s
	case yaml.ScalarNode:
		v = scalar(n)
	default:
		return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
	}
	tag := n.Tag
	if !strings.HasPrefix(tag, "!") || strings.HasPrefix(tag, "!!") {
		return v, nil
	}
	name := strings.TrimPrefix(tag, "!")
	switch name {
	case "Ref", "Condition":
		return map[string]any{name: v}, nil
	case "GetAtt":
		if s, ok := v.(string); ok {
			res, attr, found := strings.Cut(s, ".")
			if !found {
				return nil, fmt.Errorf("line %d: !GetAtt %q needs Resource.Attribute", n.Line, s)
			}
			return map[string]any{"Fn::GetAtt": []any{res, attr}}, nil
		}
		return map[string]any{"Fn::GetAtt": v}, nil
	case "Base64", "Sub", "If", "Join", "Select", "Split", "FindInMap", "GetAZs", "ImportValue",
		"Equals", "Not", "And", "Or", "Cidr", "Length", "ToJsonString":
		return map[string]any{"Fn::" + name: v}, nil
	}
	return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, tag)
}

func scalar(n *yaml.Node) any {
	switch n.Tag {
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!bool":
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b
		}
		return strings.EqualFold(n.Value, "yes") || strings.EqualFold(n.Value, "on")
	case "!!null":
		return nil
	}
	return n.Value
}

// Resources returns the resources sorted by logical ID.
func (t *Template) Resources() []Resource {
	rs, _ := t.Root["Resources"].(map[string]any)
	out := make([]Resource, 0, len(rs))
	for id, raw := range rs {
		m, _ := raw.(map[string]any)
		typ, _ := m["Type"].(string)
		props, _ := m["Properties"].(map[string]any)
		out = append(out, Resource{ID: id, Type: typ, Properties: props})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ResourcesOfType returns the resources of one type.
func (t *Template) ResourcesOfType(typ string) []Resource {
	var out []Resource
	for _, r := range t.Resources() {
		if r.Type == typ {
			out = append(out, r)
		}
	}
	return out
}

// Parameter returns the named parameter's definition, or nil.
func (t *Template) Parameter(name string) map[string]any {
	ps, _ := t.Root["Parameters"].(map[string]any)
	p, _ := ps[name].(map[string]any)
	return p
}

// path walks maps by key; it returns nil when any step is missing.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
