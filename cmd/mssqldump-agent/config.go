package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
	yaml "go.yaml.in/yaml/v3"
)

// applyConfigFile reads the --config file and sets every flag it names that
// was set neither on the command line nor in the environment, so that
// flags beat MSSQLDUMP_* variables, which beat the file.
//
// Two forms are accepted. A file named *.yaml or *.yml is a YAML mapping:
//
//	broker: nats://nats:4222
//	concurrency: 4
//	allow-credentials: ["env:MSSQLDUMP_DB_*", "secretsmanager:*"]
//
// Any other file holds key=value lines (# comments, blank lines, optional
// "export " prefixes and quotes, as in a systemd EnvironmentFile):
//
//	MSSQLDUMP_BROKER=nats://nats:4222
//	concurrency=4
//
// Keys are flag names or their MSSQLDUMP_* variable names. An unknown key is
// an error naming it, so a typo cannot silently fall back to a default.
func applyConfigFile(c *cli.Context, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return usagef("--config: %v", err)
	}
	var entries [][2]string
	if strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml") {
		entries, err = parseYAMLConfig(data)
	} else {
		entries, err = parseKeyValueConfig(data)
	}
	if err != nil {
		return usagef("--config %s: %v", path, err)
	}
	var known []string
	flags := c.App.Flags
	if c.Command != nil && len(c.Command.Flags) > 0 {
		flags = c.Command.Flags
	}
	for _, f := range flags {
		known = append(known, f.Names()...)
	}
	for _, kv := range entries {
		name := flagName(kv[0])
		if name == "config" || !slices.Contains(known, name) {
			return usagef("--config %s: unknown key %q", path, kv[0])
		}
		if c.IsSet(name) {
			continue // the command line or the environment wins
		}
		for _, v := range splitValue(name, kv[1]) {
			if err := c.Set(name, v); err != nil {
				return usagef("--config %s: %s: %v", path, kv[0], err)
			}
		}
	}
	return nil
}

// flagName maps "MSSQLDUMP_SEAL_KEY_FILE" and "seal_key_file" to
// "seal-key-file".
func flagName(key string) string {
	k := strings.ToLower(strings.TrimSpace(key))
	k = strings.TrimPrefix(k, "mssqldump_")
	return strings.ReplaceAll(k, "_", "-")
}

func splitValue(name, v string) []string {
	if name == "allow-credentials" {
		return splitList([]string{v})
	}
	return []string{v}
}

func parseKeyValueConfig(data []byte) ([][2]string, error) {
	var out [][2]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("line %d: want key=value", n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
			v = v[1 : len(v)-1]
		}
		out = append(out, [2]string{strings.TrimSpace(k), v})
	}
	return out, sc.Err()
}

func parseYAMLConfig(data []byte) ([][2]string, error) {
	var m yaml.Node
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if len(m.Content) == 0 {
		return nil, nil // empty file
	}
	doc := m.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("want a mapping of flag names to values")
	}
	var out [][2]string
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch v.Kind {
		case yaml.ScalarNode:
			out = append(out, [2]string{k.Value, v.Value})
		case yaml.SequenceNode:
			var items []string
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("%s: list items must be plain values", k.Value)
				}
				items = append(items, it.Value)
			}
			out = append(out, [2]string{k.Value, strings.Join(items, ",")})
		default:
			return nil, fmt.Errorf("%s: want a value or a list", k.Value)
		}
	}
	return out, nil
}
