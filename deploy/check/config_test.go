package check

import (
	"fmt"
	"go/ast"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// configValue is the scalar at path in the config, as written.
func configValue(n *yaml.Node, path ...string) string {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return ""
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	if n == nil {
		return ""
	}
	return n.Value
}

// envRef is config/load.go's ${NAME} or ${NAME:-default}.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^$}]*))?\}`)

// configVars are the variables the config's values read, each with whether it may be left
// unset (${NAME:-...}).
func configVars(n *yaml.Node) map[string]bool {
	vars := map[string]bool{}
	var walk func(n *yaml.Node, isKey bool)
	walk = func(n *yaml.Node, isKey bool) {
		if n.Kind == yaml.ScalarNode && !isKey {
			for _, m := range envRef.FindAllStringSubmatch(n.Value, -1) {
				optional := m[2] != ""
				if was, seen := vars[m[1]]; seen {
					optional = optional && was
				}
				vars[m[1]] = optional
			}
		}
		for i, c := range n.Content {
			walk(c, n.Kind == yaml.MappingNode && i%2 == 0)
		}
	}
	walk(n, false)
	return vars
}

// checkConfigKeys returns the keys of the config that package config does not declare, and the
// values that cannot be what the type says (a mapping where a list goes), following its types
// from config.Config down.
func checkConfigKeys(s configSchema, n *yaml.Node) []string {
	var bad []string
	var walk func(typ string, n *yaml.Node, path string)
	walk = func(typ string, n *yaml.Node, path string) {
		keys := s.keys(typ)
		if n.Kind != yaml.MappingNode {
			bad = append(bad, fmt.Sprintf("%s: want a mapping", path))
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i].Value, n.Content[i+1]
			at := strings.TrimPrefix(path+"."+key, ".")
			t, ok := keys[key]
			if !ok {
				bad = append(bad, fmt.Sprintf("line %d: unknown key %s", n.Content[i].Line, at))
				continue
			}
			switch t := t.(type) {
			case *ast.Ident:
				if s.structs[t.Name] != nil {
					walk(t.Name, value, at)
				} else if value.Kind != yaml.ScalarNode {
					bad = append(bad, fmt.Sprintf("line %d: %s: want a single value", value.Line, at))
				}
			case *ast.ArrayType:
				if value.Kind != yaml.SequenceNode {
					bad = append(bad, fmt.Sprintf("line %d: %s: want a list", value.Line, at))
					continue
				}
				if elem, ok := t.Elt.(*ast.Ident); ok && s.structs[elem.Name] != nil {
					for j, item := range value.Content {
						walk(elem.Name, item, fmt.Sprintf("%s[%d]", at, j))
					}
				}
			}
		}
	}
	top := n
	if top.Kind == yaml.DocumentNode && len(top.Content) > 0 {
		top = top.Content[0]
	}
	walk("Config", top, "")
	return bad
}

// TestConfig: the bot's config in the ConfigMap has only keys briefbot knows (read from package
// config's types), takes every secret from the environment, and suits replicas: the ledger on
// PostgreSQL, from ${...}, and no gateway or Socket Mode, which are one connection per bot.
func TestConfig(t *testing.T) {
	d := readDeployment(t)
	schema := readConfigSchema(t)
	for _, problem := range checkConfigKeys(schema, d.config) {
		t.Errorf("config/briefbot.yaml: %s", problem)
	}
	if dsn := configValue(d.config, "store", "dsn"); !regexp.MustCompile(`^\$\{[A-Z_]+\}$`).MatchString(dsn) {
		t.Errorf("store.dsn %q: want the whole DSN from the environment, ${NAME}", dsn)
	}
	for _, path := range [][]string{{"discord", "token"}, {"discord", "public_key"}, {"slack", "bot_token"}, {"slack", "signing_secret"}, {"slack", "app_token"}} {
		if v := configValue(d.config, path...); v != "" && !envRef.MatchString(v) {
			t.Errorf("%s is written in the config; want ${NAME}", strings.Join(path, "."))
		}
	}
	if v := configValue(d.config, "discord", "gateway"); v == "true" {
		t.Error("discord.gateway: true; replicas take Discord's interactions over HTTP")
	}
	if v := configValue(d.config, "slack", "app_token"); v != "" {
		t.Error("slack.app_token is set: Socket Mode is one connection per app, not for replicas")
	}
	for _, bad := range []string{"{http: {listen: \":8080\"}, stor: {dsn: x}}", "{digests: [{name: m, shedule: x}]}", "{discord: {admin_role_ids: x}}"} {
		var n yaml.Node
		if err := yaml.Unmarshal([]byte(bad), &n); err != nil {
			t.Fatal(err)
		}
		if len(checkConfigKeys(schema, &n)) == 0 {
			t.Errorf("checkConfigKeys(%s) found nothing; want a problem", bad)
		}
	}
}
