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

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "round\t")
	for _, s := range servers {
		fmt.Fprintf(tw, "%s req/s\tp50 ms\tp99 ms\t", s)
	}
	for _, o := range others {
		fmt.Fprintf(tw, "serve/%s\t", o)
	}
	fmt.Fprintln(tw)
	column := map[string][]float64{}
	var failed int64
	for _, n := range ns {
		fmt.Fprintf(tw, "%d\t", n)
		r := rounds[n]
		for _, s := range servers {
			f := r[s]
			failed += f.Failed
			fmt.Fprintf(tw, "%.0f\t%.2f\t%.2f\t", f.Throughput, f.LatencyMS.P50, f.LatencyMS.P99)
			column[s+" rps"] = append(column[s+" rps"], f.Throughput)
			column[s+" p50"] = append(column[s+" p50"], f.LatencyMS.P50)
			column[s+" p99"] = append(column[s+" p99"], f.LatencyMS.P99)
		}
		for _, o := range others {
			ratio := r["serve"].Throughput / r[o].Throughput
			fmt.Fprintf(tw, "%.3f\t", ratio)
			column["serve/"+o] = append(column["serve/"+o], ratio)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "median\t")
	for _, s := range servers {
		fmt.Fprintf(tw, "%.0f\t%.2f\t%.2f\t", median(column[s+" rps"]), median(column[s+" p50"]), median(column[s+" p99"]))
	}
	for _, o := range others {
		fmt.Fprintf(tw, "%.3f\t", median(column["serve/"+o]))
	}
	fmt.Fprintln(tw)
	if err := tw.Flush(); err != nil {
		return err
	}
	if err := cpuTable(w, ns, rounds, servers, others); err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d requests were not answered as expected: the figures do not compare like with like", failed)
	}
	return nil
}

// cpuTable prints each server's CPU time per request, round by round, and serve's as a multiple
// of the others'. It is left out when the script recorded no CPU times.
func cpuTable(w io.Writer, ns []int, rounds map[int]map[string]figures, servers, others []string) error {
	perRequest := func(f figures) float64 {
		if f.Requests == 0 {
			return 0
		}
		return f.CPU / float64(f.Requests) * 1e6
	}
	if perRequest(rounds[ns[0]]["serve"]) == 0 {
		return nil
	}
	fmt.Fprintln(w, "\nserver CPU time per request (user + system, every thread), µs")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "round\t")
	for _, s := range servers {
		fmt.Fprintf(tw, "%s\t", s)
	}
	for _, o := range others {
		fmt.Fprintf(tw, "serve÷%s\t", o)
	}
	fmt.Fprintln(tw)
	column := map[string][]float64{}
	for _, n := range ns {
		fmt.Fprintf(tw, "%d\t", n)
		for _, s := range servers {
			us := perRequest(rounds[n][s])
			fmt.Fprintf(tw, "%.1f\t", us)
			column[s] = append(column[s], us)
		}
		for _, o := range others {
			ratio := perRequest(rounds[n]["serve"]) / perRequest(rounds[n][o])
			fmt.Fprintf(tw, "%.3f\t", ratio)
			column["serve÷"+o] = append(column["serve÷"+o], ratio)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprint(tw, "median\t")
	for _, s := range servers {
		fmt.Fprintf(tw, "%.1f\t", median(column[s]))
	}
	for _, o := range others {
		fmt.Fprintf(tw, "%.3f\t", median(column["serve÷"+o]))
	}
	fmt.Fprintln(tw)
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
