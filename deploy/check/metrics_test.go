package check

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// A family is a metric briefbot exports, as its registry describes it.
type family struct {
	name   string
	kind   dto.MetricType
	labels []string
}

// briefbotFamilies are briefbot's own metrics (cmd/briefbot/metrics.go; the list and the meaning
// of each is in README's operations section). TestFamiliesAreExported keeps this list true to the
// code; a query naming anything else fails.
var briefbotFamilies = []family{
	{"briefbot_commands_total", dto.MetricType_COUNTER, []string{"command", "platform", "outcome"}},
	{"briefbot_command_duration_seconds", dto.MetricType_HISTOGRAM, []string{"command", "platform"}},
	{"briefbot_autocompletes_total", dto.MetricType_COUNTER, []string{"platform"}},
	{"briefbot_reloads_total", dto.MetricType_COUNTER, []string{"outcome"}},
	{"briefbot_digest_posts_total", dto.MetricType_COUNTER, []string{"platform", "result"}},
	{"briefbot_rate_limited_total", dto.MetricType_COUNTER, []string{"platform"}},
	{"briefbot_ledger_errors_total", dto.MetricType_COUNTER, []string{"op"}},
	{"briefbot_ready", dto.MetricType_GAUGE, []string{"check"}},
	{"briefbot_build_info", dto.MetricType_GAUGE, []string{"version", "commit", "goversion"}},
	{"briefbot_digest_last_posted_timestamp_seconds", dto.MetricType_GAUGE, []string{"digest"}},
	{"briefbot_digest_next_slot_timestamp_seconds", dto.MetricType_GAUGE, []string{"digest"}},
	{"briefbot_digest_last_failure_timestamp_seconds", dto.MetricType_GAUGE, []string{"digest"}},
	{"briefbot_digest_catch_up_window_seconds", dto.MetricType_GAUGE, []string{"digest"}},
	{"briefbot_digest_failures_total", dto.MetricType_COUNTER, []string{"digest", "reason"}},
	{"briefbot_platform_request_duration_seconds", dto.MetricType_HISTOGRAM, []string{"platform"}},
	{"briefbot_ledger_duration_seconds", dto.MetricType_HISTOGRAM, []string{"op"}},
	{"briefbot_config_last_reload_successful", dto.MetricType_GAUGE, nil},
	{"briefbot_config_last_reload_success_timestamp_seconds", dto.MetricType_GAUGE, nil},
}

// labelValues are the values briefbot gives the labels that take a fixed set, by metric and label:
// a query matching result="psoted" would never match anything, and say nothing.
var labelValues = map[string]map[string][]string{
	"briefbot_digest_posts_total":                       {"result": {"posted", "late", "skipped", "failed"}, "platform": {"discord", "slack"}},
	"briefbot_digest_failures_total":                    {"reason": {"refused", "deadline", "missed", "compose", "ledger"}},
	"briefbot_reloads_total":                            {"outcome": {"ok", "refused"}},
	"briefbot_commands_total":                           {"outcome": {"answered", "not found", "forbidden", "invalid", "unknown"}},
	"briefbot_rate_limited_total":                       {"platform": {"discord", "slack"}},
	"briefbot_platform_request_duration_seconds_bucket": {"platform": {"discord", "slack"}},
}

// targetLabels are added by Prometheus to every series it scrapes (job, instance) or by the usual
// Kubernetes service discovery relabelling.
var targetLabels = []string{"job", "instance", "namespace", "pod", "container", "service", "endpoint"}

// A series is a name a query may select, with the labels it may carry (nil: any, for recording
// rules, whose labels are the rule's to choose).
type series struct {
	family string
	labels []string
}

// exportedSeries are the series names briefbot's /metrics serves: its own families, and the Go
// and process collectors it registers (gathered here from the same collectors, with the same
// options as cmd/briefbot/metrics.go), each histogram and summary with its _bucket, _sum and
// _count; and Prometheus' own "up".
func exportedSeries(t *testing.T) map[string]series {
	t.Helper()
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gathered, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	families := slices.Clone(briefbotFamilies)
	for _, mf := range gathered {
		f := family{name: mf.GetName(), kind: mf.GetType()}
		for _, l := range mf.GetMetric()[0].GetLabel() {
			f.labels = append(f.labels, l.GetName())
		}
		families = append(families, f)
	}
	out := map[string]series{"up": {family: "up"}}
	add := func(name string, f family, extra ...string) {
		out[name] = series{family: f.name, labels: append(slices.Clone(f.labels), extra...)}
	}
	for _, f := range families {
		switch f.kind {
		case dto.MetricType_HISTOGRAM:
			add(f.name+"_bucket", f, "le")
			add(f.name+"_sum", f)
			add(f.name+"_count", f)
		case dto.MetricType_SUMMARY:
			add(f.name, f, "quantile")
			add(f.name+"_sum", f)
			add(f.name+"_count", f)
		default:
			add(f.name, f)
		}
	}
	return out
}

// TestFamiliesAreExported: every family listed above is named in briefbot's code, so that the
// list (and with it every check of a query) follows a metric renamed or removed there.
func TestFamiliesAreExported(t *testing.T) {
	src := briefbotSources(t)
	for _, f := range briefbotFamilies {
		if !bytes.Contains(src, []byte(quoted(f.name))) {
			t.Errorf("%s is not named in briefbot's code: renamed or removed? Update briefbotFamilies, the dashboard and the rules", f.name)
		}
	}
}

// promql parses as a Prometheus server does by default: no experimental functions, names
// unquoted only where they are plain.
var promql = parser.NewParser(parser.Options{})

// exprCheck is what a query is checked against.
type exprCheck struct {
	known map[string]series
	// vars are the Grafana variables each selector must be filtered by (name: the placeholder
	// put in their place before parsing), e.g. job=~"$job"; none for rules.
	vars map[string]string
}

// check parses expr with Prometheus' parser and returns every problem found in it.
func (c exprCheck) check(expr string) []error {
	node, err := promql.ParseExpr(expr)
	if err != nil {
		return []error{err}
	}
	var errs []error
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			errs = append(errs, c.selector(n)...)
		case *parser.AggregateExpr:
			errs = append(errs, c.grouping(n)...)
		case *parser.Call:
			if n.Func.Name == "histogram_quantile" && len(n.Args) == 2 {
				if agg, ok := unwrap(n.Args[1]).(*parser.AggregateExpr); ok && !agg.Without && !slices.Contains(agg.Grouping, "le") {
					errs = append(errs, fmt.Errorf("histogram_quantile over %s without \"le\" in by (...): it has no buckets to read", agg.Op))
				}
			}
		}
		return nil
	})
	return errs
}

func unwrap(e parser.Expr) parser.Expr {
	for {
		p, ok := e.(*parser.ParenExpr)
		if !ok {
			return e
		}
		e = p.Expr
	}
}

func (c exprCheck) selector(vs *parser.VectorSelector) []error {
	name := vs.Name
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
			name = m.Value
		}
	}
	s, ok := c.known[name]
	if !ok {
		return []error{fmt.Errorf("%s: not a metric briefbot exports%s", vs, suggest(name, c.known))}
	}
	var errs []error
	for _, m := range vs.LabelMatchers {
		if m.Name == labels.MetricName {
			continue
		}
		if s.labels != nil && !slices.Contains(s.labels, m.Name) && !slices.Contains(targetLabels, m.Name) {
			errs = append(errs, fmt.Errorf("%s: %s has no label %q (it has %s)", vs, name, m.Name, strings.Join(s.labels, ", ")))
			continue
		}
		if allowed := labelValues[name][m.Name]; allowed != nil {
			for _, v := range literalValues(m) {
				if !slices.Contains(allowed, v) {
					errs = append(errs, fmt.Errorf("%s: %s never takes %s=%q (only %s)", vs, name, m.Name, v, strings.Join(allowed, ", ")))
				}
			}
		}
	}
	for v, placeholder := range c.vars {
		if !slices.ContainsFunc(vs.LabelMatchers, func(m *labels.Matcher) bool {
			return m.Name == v && m.Type == labels.MatchRegexp && m.Value == placeholder
		}) {
			errs = append(errs, fmt.Errorf("%s: not filtered by %s=~\"$%s\" (the dashboard's picker; =~, since it may select several)", vs, v, v))
		}
	}
	return errs
}

// literalValues are the values an = or =~ matcher names: "failed" for result="failed", the
// alternatives of result=~"failed|late".
func literalValues(m *labels.Matcher) []string {
	switch m.Type {
	case labels.MatchEqual, labels.MatchNotEqual:
		return []string{m.Value}
	case labels.MatchRegexp, labels.MatchNotRegexp:
		if regexp.QuoteMeta(strings.ReplaceAll(m.Value, "|", "")) == strings.ReplaceAll(m.Value, "|", "") {
			return strings.Split(m.Value, "|")
		}
	}
	return nil
}

// grouping checks that every label in by (...) is one the series under it carry: a misspelt
// label there groups everything into one series without complaint.
func (c exprCheck) grouping(agg *parser.AggregateExpr) []error {
	if agg.Without || len(agg.Grouping) == 0 {
		return nil
	}
	have := slices.Clone(targetLabels)
	open := false // a label_replace/label_join below may add any label
	parser.Inspect(agg.Expr, func(n parser.Node, _ []parser.Node) error {
		switch n := n.(type) {
		case *parser.VectorSelector:
			s, ok := c.known[n.Name]
			if !ok || s.labels == nil {
				open = true // unknown (reported as such) or a recorded series: any labels
			}
			have = append(have, s.labels...)
		case *parser.Call:
			if n.Func.Name == "label_replace" || n.Func.Name == "label_join" {
				open = true
			}
		case *parser.AggregateExpr:
			if n != agg && !n.Without {
				// An inner by (...) narrows the labels that reach this one; its own check
				// covers them.
				have = append(have, n.Grouping...)
			}
		}
		return nil
	})
	if open {
		return nil
	}
	var errs []error
	for _, l := range agg.Grouping {
		if !slices.Contains(have, l) {
			errs = append(errs, fmt.Errorf("%s by (%s): no series under it has the label %q", agg.Op, strings.Join(agg.Grouping, ", "), l))
		}
	}
	return errs
}

// suggest names the closest known metric, for a typo.
func suggest(name string, known map[string]series) string {
	best, bestDist := "", len(name)/3+1
	names := make([]string, 0, len(known))
	for k := range known {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if d := distance(name, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// TestExprCheck: the checks above catch what they are for, and pass what is right.
func TestExprCheck(t *testing.T) {
	c := exprCheck{known: exportedSeries(t)}
	for _, tc := range []struct {
		expr string
		want string // a part of the first error; "" for none
	}{
		{`sum by (command) (rate(briefbot_commands_total[5m]))`, ""},
		{`histogram_quantile(0.99, sum by (le) (rate(briefbot_command_duration_seconds_bucket[5m])))`, ""},
		{`sum(increase(briefbot_digest_posts_total{result=~"failed|late"}[1h]))`, ""},
		{`rate(process_cpu_seconds_total[5m]) + go_goroutines`, ""},
		{`sum by (command) (rate(briefbot_comands_total[5m]))`, "did you mean briefbot_commands_total"},
		{`sum by (command) (rate(briefbot_commands_total[5m])`, "unclosed left parenthesis"},
		{`sum by (comand) (rate(briefbot_commands_total[5m]))`, `no series under it has the label "comand"`},
		{`briefbot_ready{chek="store"}`, `has no label "chek"`},
		{`briefbot_digest_posts_total{result="psoted"}`, `never takes result="psoted"`},
		{`histogram_quantile(0.99, sum by (command) (rate(briefbot_command_duration_seconds_bucket[5m])))`, `without "le"`},
		{`briefbot_command_duration_seconds{command="help"}`, "not a metric briefbot exports"}, // a histogram has no bare series
	} {
		errs := c.check(tc.expr)
		switch {
		case tc.want == "" && len(errs) > 0:
			t.Errorf("check(%s) = %v; want no error", tc.expr, errs)
		case tc.want != "" && (len(errs) == 0 || !strings.Contains(errs[0].Error(), tc.want)):
			t.Errorf("check(%s) = %v; want an error with %q", tc.expr, errs, tc.want)
		}
	}
	filtered := exprCheck{known: c.known, vars: map[string]string{"instance": "GRAFANA_VAR_instance"}}
	if errs := filtered.check(`up{instance="GRAFANA_VAR_instance"}`); len(errs) == 0 {
		t.Errorf(`check(up{instance="$instance"}) found nothing; want =~ asked for`)
	}
}
