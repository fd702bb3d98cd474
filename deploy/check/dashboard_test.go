package check

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

// The parts of a Grafana dashboard (the classic JSON model) that these checks read.
type dashboard struct {
	SchemaVersion int     `json:"schemaVersion"`
	UID           string  `json:"uid"`
	Title         string  `json:"title"`
	Panels        []panel `json:"panels"`
	Templating    struct {
		List []variable `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID         int         `json:"id"`
	Type       string      `json:"type"`
	Title      string      `json:"title"`
	Datasource *datasource `json:"datasource"`
	GridPos    struct {
		X, Y, W, H int
	} `json:"gridPos"`
	Targets []target `json:"targets"`
	Panels  []panel  `json:"panels"` // a collapsed row's
}

type target struct {
	RefID      string      `json:"refId"`
	Expr       string      `json:"expr"`
	Datasource *datasource `json:"datasource"`
}

type datasource struct {
	Type string `json:"type"`
	UID  string `json:"uid"`
}

type variable struct {
	Name       string          `json:"name"`
	Type       string          `json:"type"`
	Query      json.RawMessage `json:"query"`
	Datasource *datasource     `json:"datasource"`
	Multi      bool            `json:"multi"`
	IncludeAll bool            `json:"includeAll"`
}

// The dashboard's data source is a variable, so that it imports into any Grafana whatever its
// Prometheus is called, and provisioning from a file works too.
const datasourceVar = "DS_PROMETHEUS"

// grafanaBuiltins are Grafana's own variables a query may use, with a value of the right kind.
var grafanaBuiltins = map[string]string{
	"__rate_interval": "5m", "__interval": "1m", "__range": "1h",
	"__range_s": "3600", "__range_ms": "3600000", "__interval_ms": "60000",
}

var grafanaVarRef = regexp.MustCompile(`\$(?:\{([A-Za-z0-9_]+)(?::[a-z]+)?\}|([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\])`)

// substitute puts a value in the place of each Grafana variable in expr, as Grafana would before
// sending it: a built-in gets a duration or a number, a dashboard variable a placeholder that
// exprCheck.selector looks for. A variable the dashboard does not define is an error: Grafana
// would send "$instnace" as it is.
func substitute(expr string, vars map[string]string) (string, error) {
	var missing []string
	out := grafanaVarRef.ReplaceAllStringFunc(expr, func(ref string) string {
		m := grafanaVarRef.FindStringSubmatch(ref)
		name := m[1] + m[2] + m[3]
		if v, ok := grafanaBuiltins[name]; ok {
			return v
		}
		if v, ok := vars[name]; ok {
			return v
		}
		missing = append(missing, ref)
		return ref
	})
	if missing != nil {
		return "", fmt.Errorf("variables the dashboard does not define: %s", strings.Join(missing, ", "))
	}
	return out, nil
}

// panelTitles are the panels issue 23 asks for, by a word of their title each.
var panelsAsked = []string{"Commands per second", "p99 answer time", "Digest slots", "Next slot", "Readiness"}

// metricsAsked are the series the asked-for panels must show.
var metricsAsked = []string{
	"briefbot_commands_total", "briefbot_command_duration_seconds_bucket", "briefbot_digest_posts_total",
	"briefbot_digest_next_slot_timestamp_seconds", "briefbot_ready",
}

func readDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	if err := json.Unmarshal(readFile(t, "deploy/grafana/briefbot.json"), &d); err != nil {
		t.Fatalf("deploy/grafana/briefbot.json: %v", err)
	}
	return d
}

// TestDashboard parses every query of deploy/grafana/briefbot.json with Prometheus' own parser
// and checks it against the metrics briefbot exports, and the dashboard's wiring: one data source
// variable used by every panel, the job and instance pickers applied to every query, the panels
// the issue asks for.
func TestDashboard(t *testing.T) {
	d := readDashboard(t)
	if d.UID == "" || d.Title == "" || d.SchemaVersion < 39 {
		t.Errorf("uid %q, title %q, schemaVersion %d: want a uid, a title and a current schema", d.UID, d.Title, d.SchemaVersion)
	}
	known := exportedSeries(t)

	// The variables: the data source, then the pickers, each a label of briefbot's series.
	vars := map[string]string{}
	for _, v := range d.Templating.List {
		if v.Type == "datasource" {
			var q string
			if err := json.Unmarshal(v.Query, &q); err != nil || q != "prometheus" || v.Name != datasourceVar {
				t.Errorf("variable %s: a data source variable is named %s and picks prometheus", v.Name, datasourceVar)
			}
			continue
		}
		vars[v.Name] = "GRAFANA_VAR_" + v.Name
	}
	// Every query follows the job and instance pickers; other variables are free to use.
	pickers := map[string]string{}
	for _, want := range []string{"job", "instance"} {
		if _, ok := vars[want]; !ok {
			t.Errorf("no %q variable: every query is filtered by job and instance", want)
		}
		pickers[want] = vars[want]
	}
	check := exprCheck{known: known, vars: pickers}
	for _, v := range d.Templating.List {
		if v.Type == "datasource" {
			continue
		}
		checkDatasource(t, "variable "+v.Name, v.Datasource)
		if !v.Multi || !v.IncludeAll {
			t.Errorf("variable %s: want multi and includeAll, so that several replicas or jobs can be shown together", v.Name)
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Errorf("variable %s: query %s: %v", v.Name, v.Query, err)
			continue
		}
		// label_values(selector, label): the selector is PromQL, the label one it carries. A
		// variable is filtered only by those defined before it.
		m := regexp.MustCompile(`^label_values\((.+),\s*(\w+)\)$`).FindStringSubmatch(q.Query)
		if m == nil {
			t.Errorf("variable %s: query %q: want label_values(selector, label)", v.Name, q.Query)
			continue
		}
		before, beforePickers := map[string]string{}, map[string]string{}
		for _, w := range d.Templating.List {
			if w.Name == v.Name {
				break
			}
			if w.Type != "datasource" {
				before[w.Name] = vars[w.Name]
				if _, ok := pickers[w.Name]; ok {
					beforePickers[w.Name] = vars[w.Name]
				}
			}
		}
		expr, err := substitute(m[1], before)
		if err == nil {
			varCheck := exprCheck{known: known, vars: beforePickers}
			err = joinErrs(varCheck.check(expr))
		}
		if err != nil {
			t.Errorf("variable %s: %s: %v", v.Name, q.Query, err)
		}
		if names := selectorNames(expr); len(names) == 1 {
			if s := known[names[0]]; !slices.Contains(targetLabels, m[2]) && !slices.Contains(s.labels, m[2]) {
				t.Errorf("variable %s: %s has no label %s", v.Name, names[0], m[2])
			}
		} else {
			t.Errorf("variable %s: %q: want one metric", v.Name, m[1])
		}
	}

	ids := map[int]string{}
	used := map[string]bool{}
	parsed := 0
	var titles []string
	var walk func(panels []panel)
	walk = func(panels []panel) {
		for _, p := range panels {
			name := fmt.Sprintf("panel %d %q", p.ID, p.Title)
			if other, dup := ids[p.ID]; dup {
				t.Errorf("%s: id also used by %s", name, other)
			}
			ids[p.ID] = name
			titles = append(titles, p.Title)
			if p.GridPos.W <= 0 || p.GridPos.H <= 0 || p.GridPos.X < 0 || p.GridPos.X+p.GridPos.W > 24 {
				t.Errorf("%s: gridPos %+v is outside the 24-column grid", name, p.GridPos)
			}
			walk(p.Panels)
			if p.Type == "row" || p.Type == "text" {
				continue
			}
			checkDatasource(t, name, p.Datasource)
			if len(p.Targets) == 0 {
				t.Errorf("%s: no query", name)
			}
			refs := map[string]bool{}
			for _, tg := range p.Targets {
				if tg.RefID == "" || refs[tg.RefID] {
					t.Errorf("%s: refId %q missing or repeated", name, tg.RefID)
				}
				refs[tg.RefID] = true
				if tg.Datasource != nil {
					checkDatasource(t, name+" "+tg.RefID, tg.Datasource)
				}
				expr, err := substitute(tg.Expr, vars)
				if err != nil {
					t.Errorf("%s %s: %v", name, tg.RefID, err)
					continue
				}
				for _, err := range check.check(expr) {
					t.Errorf("%s %s: %s\n\t%v", name, tg.RefID, tg.Expr, err)
				}
				for _, n := range selectorNames(expr) {
					used[n] = true
				}
				parsed++
			}
		}
	}
	walk(d.Panels)
	t.Logf("%d panel queries and %d variable queries parsed and checked", parsed, len(d.Templating.List)-1)
	for _, want := range panelsAsked {
		if !slices.ContainsFunc(titles, func(s string) bool { return strings.Contains(strings.ToLower(s), strings.ToLower(want)) }) {
			t.Errorf("no panel titled with %q (issue 23 asks for it); titles: %q", want, titles)
		}
	}
	for _, want := range metricsAsked {
		if !used[want] {
			t.Errorf("no panel shows %s", want)
		}
	}
}

func checkDatasource(t *testing.T, what string, ds *datasource) {
	t.Helper()
	if ds == nil || ds.Type != "prometheus" || ds.UID != "${"+datasourceVar+"}" {
		t.Errorf("%s: datasource %+v; want {type: prometheus, uid: ${%s}}", what, ds, datasourceVar)
	}
}

// selectorNames are the metric names expr selects; it has been parsed already.
func selectorNames(expr string) []string {
	node, err := promql.ParseExpr(expr)
	if err != nil {
		return nil
	}
	var names []string
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			names = append(names, vs.Name)
		}
		return nil
	})
	return names
}

func joinErrs(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%s", strings.Join(msgs, "; "))
}

// A rule file, as Prometheus reads it; only what the checks need.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert  string `yaml:"alert"`
			Record string `yaml:"record"`
			Expr   string `yaml:"expr"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// ruleFiles are the rule files under deploy/prometheus, by name: promtool's test files (which
// name rule_files and tests at their top) are left out, being promtool's to check.
func ruleFiles(t *testing.T) map[string]ruleFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(root, "deploy", "prometheus", "*.y*ml"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]ruleFile{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var top map[string]any
		if err := yaml.Unmarshal(data, &top); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if _, ok := top["rule_files"]; ok {
			continue
		}
		if _, ok := top["tests"]; ok {
			continue
		}
		var rf ruleFile
		if err := yaml.Unmarshal(data, &rf); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		files[filepath.Base(path)] = rf
	}
	return files
}

// TestRules parses every rule's expression under deploy/prometheus with Prometheus' own parser
// and checks it against the metrics briefbot exports (and the rules' own recorded series).
// The files' structure and the rules' behaviour are promtool's to check (check rules, test rules).
func TestRules(t *testing.T) {
	files := ruleFiles(t)
	if len(files) == 0 {
		t.Fatal("no rule file under deploy/prometheus: issue 23 ships deploy/prometheus/alerts.yaml")
	}
	known := exportedSeries(t)
	for _, rf := range files {
		for _, g := range rf.Groups {
			for _, r := range g.Rules {
				if r.Record != "" {
					known[r.Record] = series{family: r.Record}
				}
			}
		}
	}
	check := exprCheck{known: known}
	parsed := 0
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for _, g := range files[name].Groups {
			for _, r := range g.Rules {
				parsed++
				what := r.Alert + r.Record
				if strings.TrimSpace(r.Expr) == "" {
					t.Errorf("%s: group %s: rule %s: no expr", name, g.Name, what)
				}
				for _, err := range check.check(r.Expr) {
					t.Errorf("%s: group %s: rule %s: %s\n\t%v", name, g.Name, what, strings.TrimSpace(r.Expr), err)
				}
			}
		}
	}
	t.Logf("%d rules in %s parsed and checked", parsed, strings.Join(slices.Sorted(maps.Keys(files)), ", "))
}
