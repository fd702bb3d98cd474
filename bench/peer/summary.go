package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// figures are what the summary reads of one briefload --format json report, and of the server's
// CPU seconds over that run, which the script writes beside it.
type figures struct {
	CPU        float64 `json:"-"`
	Requests   int64   `json:"requests"`
	Failed     int64   `json:"failed"`
	Throughput float64 `json:"throughput_rps"`
	LatencyMS  struct {
		P50 float64 `json:"p50"`
		P99 float64 `json:"p99"`
	} `json:"latency_ms"`
}

var reportName = regexp.MustCompile(`^round-(\d+)-([a-z]+)\.json$`)

// order is how the servers are listed; serve is the one the ratios are of.
var order = []string{"serve", "bare", "disgo"}

// summary prints every round's figures, serve's ratio to each other server in that round, and
// the median over the rounds. Ratios are taken within a round, where the servers ran moments
// apart, and their median is the figure to quote: a background hiccup on two shared cores moves
// one round, not the median.
func summary(dir string, w io.Writer) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	rounds := map[int]map[string]figures{}
	present := map[string]bool{}
	for _, e := range entries {
		m := reportName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		var f figures
		if err := json.Unmarshal(raw, &f); err != nil {
			return fmt.Errorf("%s: %w", e.Name(), err)
		}
		cpuFile := filepath.Join(dir, strings.TrimSuffix(e.Name(), ".json")+".cpu")
		if raw, err := os.ReadFile(cpuFile); err == nil {
			if f.CPU, err = strconv.ParseFloat(strings.TrimSpace(string(raw)), 64); err != nil {
				return fmt.Errorf("%s: %w", cpuFile, err)
			}
		}
		n, _ := strconv.Atoi(m[1])
		if rounds[n] == nil {
			rounds[n] = map[string]figures{}
		}
		rounds[n][m[2]] = f
		present[m[2]] = true
	}
	if len(rounds) == 0 {
		return fmt.Errorf("%s holds no round-N-SERVER.json reports", dir)
	}
	var servers, others []string
	for _, s := range order {
		if present[s] {
			servers = append(servers, s)
			if s != "serve" {
				others = append(others, s)
			}
		}
	}
	var ns []int
	for n := range rounds {
		ns = append(ns, n)
	}
	slices.Sort(ns)

	var failed int64
	for _, n := range ns {
		for _, s := range servers {
			failed += rounds[n][s].Failed
		}
	}
	if err := speedTable.write(w, ns, rounds, servers, others); err != nil {
		return err
	}
	// The CPU table is left out when the script recorded no CPU times.
	if cpuPerRequest(rounds[ns[0]]["serve"]) != 0 {
		fmt.Fprintln(w, "\nserver CPU time per request (user + system, every thread), µs")
		if err := cpuTable.write(w, ns, rounds, servers, others); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d requests were not answered as expected: the figures do not compare like with like", failed)
	}
	return nil
}

// A table is one of the summary's tables: a row for each round, with figures of each server and
// serve's ratio to each other server on one figure, then a row with the median of every column.
type table struct {
	heading string                  // one server's column headings, tab-separated; %s is its name
	formats []string                // how each of a server's figures is written
	values  func(figures) []float64 // one server's figures in a round, one for each format
	ratio   string                  // the heading of serve's ratio to another server; %s is its name
	ratioOf func(figures) float64   // the figure the ratio compares
}

// speedTable is each server's throughput and latency, and serve's throughput as a multiple of the
// others'.
var speedTable = table{
	heading: "%s req/s\tp50 ms\tp99 ms",
	formats: []string{"%.0f", "%.2f", "%.2f"},
	values:  func(f figures) []float64 { return []float64{f.Throughput, f.LatencyMS.P50, f.LatencyMS.P99} },
	ratio:   "serve/%s",
	ratioOf: func(f figures) float64 { return f.Throughput },
}

// cpuTable is each server's CPU time per request, and serve's as a multiple of the others'.
var cpuTable = table{
	heading: "%s",
	formats: []string{"%.1f"},
	values:  func(f figures) []float64 { return []float64{cpuPerRequest(f)} },
	ratio:   "serve÷%s",
	ratioOf: cpuPerRequest,
}

// cpuPerRequest is the server's CPU time per request in µs; 0 when the script recorded none.
func cpuPerRequest(f figures) float64 {
	if f.Requests == 0 {
		return 0
	}
	return f.CPU / float64(f.Requests) * 1e6
}

// write prints t for the rounds ns, with a column group for each of servers and a ratio column
// for each of others.
func (t table) write(w io.Writer, ns []int, rounds map[int]map[string]figures, servers, others []string) error {
	var formats []string
	for range servers {
		formats = append(formats, t.formats...)
	}
	for range others {
		formats = append(formats, "%.3f")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "round\t")
	for _, s := range servers {
		fmt.Fprintf(tw, t.heading+"\t", s)
	}
	for _, o := range others {
		fmt.Fprintf(tw, t.ratio+"\t", o)
	}
	fmt.Fprintln(tw)
	row := func(label string, cells []float64) {
		fmt.Fprintf(tw, "%s\t", label)
		for i, c := range cells {
			fmt.Fprintf(tw, formats[i]+"\t", c)
		}
		fmt.Fprintln(tw)
	}
	columns := make([][]float64, len(formats))
	for _, n := range ns {
		r := rounds[n]
		var cells []float64
		for _, s := range servers {
			cells = append(cells, t.values(r[s])...)
		}
		for _, o := range others {
			cells = append(cells, t.ratioOf(r["serve"])/t.ratioOf(r[o]))
		}
		for i, c := range cells {
			columns[i] = append(columns[i], c)
		}
		row(strconv.Itoa(n), cells)
	}
	medians := make([]float64, len(columns))
	for i, c := range columns {
		medians[i] = median(c)
	}
	row("median", medians)
	return tw.Flush()
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
