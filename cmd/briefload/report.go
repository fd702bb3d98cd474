package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is a run's figures, as --format json prints them.
type report struct {
	Target        string           `json:"target"`
	Platforms     []string         `json:"platforms"`
	Mode          string           `json:"mode"` // "closed" or "paced"
	Concurrency   int              `json:"concurrency"`
	RatePerSecond float64          `json:"rate_per_s,omitempty"`
	Requests      int64            `json:"requests"`
	OK            int64            `json:"ok"`
	Failed        int64            `json:"failed"`
	ElapsedS      float64          `json:"elapsed_s"`
	Throughput    float64          `json:"throughput_rps"` // answers of any kind per second
	OKThroughput  float64          `json:"ok_rps"`
	LatencyMS     latencies        `json:"latency_ms"` // of the requests answered as expected
	Kinds         []kindReport     `json:"kinds"`
	Errors        map[string]int64 `json:"errors"`
}

type latencies struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

type kindReport struct {
	Name     string `json:"name"`
	Requests int64  `json:"requests"`
	OK       int64  `json:"ok"`
}

func newReport(o *options, r *result) report {
	rep := report{
		Target: o.base.String(), Platforms: o.platforms, Mode: "closed", Concurrency: o.concurrency,
		Requests: r.total(), Failed: r.failed(), ElapsedS: r.elapsed.Seconds(), Errors: r.errors,
	}
	if o.rate > 0 {
		rep.Mode, rep.RatePerSecond = "paced", o.rate
	}
	for i, t := range r.plan.targets {
		rep.Kinds = append(rep.Kinds, kindReport{Name: t.label, Requests: r.sent[i], OK: r.ok[i]})
		rep.OK += r.ok[i]
	}
	if s := r.elapsed.Seconds(); s > 0 {
		rep.Throughput = float64(rep.Requests) / s
		rep.OKThroughput = float64(rep.OK) / s
	}
	slices.Sort(r.latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	rep.LatencyMS = latencies{
		P50: ms(percentile(r.latencies, 50)), P90: ms(percentile(r.latencies, 90)),
		P99: ms(percentile(r.latencies, 99)), Max: ms(percentile(r.latencies, 100)),
	}
	return rep
}

// percentile is the nearest-rank percentile of sorted: the smallest value at least p percent of
// the values are at or below.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (len(sorted)*p + 99) / 100
	return sorted[max(rank, 1)-1]
}

func writeReport(w io.Writer, o *options, r *result) error {
	rep := newReport(o, r)
	if o.format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mode := fmt.Sprintf("closed loop, %d clients", rep.Concurrency)
	if rep.Mode == "paced" {
		mode = fmt.Sprintf("paced at %s/s (at most %d in flight); latency from when each request was due",
			trim(rep.RatePerSecond), rep.Concurrency)
	}
	fmt.Fprintf(tw, "target\t%s (%s)\n", rep.Target, strings.Join(rep.Platforms, ", "))
	fmt.Fprintf(tw, "mode\t%s\n", mode)
	fmt.Fprintf(tw, "requests\t%d in %s: %s req/s\n", rep.Requests, r.elapsed.Round(time.Millisecond), trim(rep.Throughput))
	fmt.Fprintf(tw, "ok\t%d (%s%%)\n", rep.OK, trim(100*float64(rep.OK)/float64(max(rep.Requests, 1))))
	l := rep.LatencyMS
	fmt.Fprintf(tw, "latency\tp50 %sms  p90 %sms  p99 %sms  max %sms\n", trim(l.P50), trim(l.P90), trim(l.P99), trim(l.Max))
	for _, k := range rep.Kinds {
		fmt.Fprintf(tw, "  %s\t%d sent, %d ok\n", k.Name, k.Requests, k.OK)
	}
	if len(rep.Errors) == 0 {
		fmt.Fprintf(tw, "errors\tnone\n")
	} else {
		fmt.Fprintf(tw, "errors\t%d\n", rep.Failed)
		kinds := make([]string, 0, len(rep.Errors))
		for k := range rep.Errors {
			kinds = append(kinds, k)
		}
		slices.SortFunc(kinds, func(a, b string) int {
			return cmp.Or(cmp.Compare(rep.Errors[b], rep.Errors[a]), strings.Compare(a, b))
		})
		for _, k := range kinds {
			fmt.Fprintf(tw, "  %s\t%d\n", k, rep.Errors[k])
		}
	}
	return tw.Flush()
}

// trim prints a figure with three significant digits after the point at most, as people read it.
func trim(f float64) string {
	switch {
	case f >= 100:
		return fmt.Sprintf("%.0f", f)
	case f >= 10:
		return fmt.Sprintf("%.1f", f)
	}
	return fmt.Sprintf("%.3g", f)
}
