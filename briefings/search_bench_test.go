package briefings_test

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/briefings"
)

// benchQueries mix what users type: common words, inflections, phrases, prefixes, typos, several
// words, and words that are nowhere.
var benchQueries = []string{
	"tunnels", "mexico", "border surveillance", `"tunnel systems"`, "surv", "sovreignty",
	"deaths 2023", "zebra", "U.S. troops", "invasion", "annexing", `"Rio Grande" drone`,
	"cartels fentanyl", "rejecting", "intelligense", "the", "bilateral task forces", "cooperation",
}

// manyBriefings makes n briefings the size of the built-in one, each with words of its own: a
// share of the prose's words is swapped, per briefing, for made-up ones, so that the vocabulary
// grows as a real library's does.
func manyBriefings(tb testing.TB, n int) []*briefings.Briefing {
	tb.Helper()
	seedSrc, err := fs.ReadFile(briefings.Embedded(), "us-mexico-troops.md")
	if err != nil {
		tb.Fatal(err)
	}
	src := string(seedSrc)
	end := strings.Index(src[4:], "\n---\n") + 9
	matter, body := src[:end], src[end:]
	word := regexp.MustCompile(`\b[A-Za-z]{4,}\b`)
	syllables := []string{"ka", "lo", "mi", "ren", "to", "sa", "vel", "dor", "qui", "zan", "pe", "nu"}
	var bs []*briefings.Briefing
	for i := range n {
		var lines []string
		for _, line := range strings.Split(body, "\n") {
			// Headings, list labels and the table's header carry structure: keep them.
			if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "| Issue") || strings.HasPrefix(line, "- ") {
				lines = append(lines, line)
				continue
			}
			keep := ""
			if strings.HasPrefix(line, "| ") { // an issue's name: the aliases name it
				cut := strings.Index(line[2:], "|") + 2
				keep, line = line[:cut], line[cut:]
			}
			lines = append(lines, keep+word.ReplaceAllStringFunc(line, func(w string) string {
				h := fnv.New32a()
				fmt.Fprintf(h, "%d/%s", i, strings.ToLower(w))
				x := h.Sum32()
				if x%10 >= 4 {
					return w
				}
				var sb strings.Builder
				for k := 0; k < 2+int(x>>8)%3; k++ {
					sb.WriteString(syllables[(x>>(4*k+12))%uint32(len(syllables))])
				}
				return sb.String()
			}))
		}
		m := strings.Replace(matter, "id: us-mexico-troops", fmt.Sprintf("id: briefing-%03d", i), 1)
		m = strings.Replace(m, "title: Mexico rejects U.S. troops plan", fmt.Sprintf("title: Briefing number %d", i), 1)
		b, err := briefings.Parse(fmt.Sprintf("b%03d.md", i), []byte(m+strings.Join(lines, "\n")))
		if err != nil {
			tb.Fatal(err)
		}
		bs = append(bs, b)
	}
	return bs
}

// BenchmarkQuery searches 100 briefings; p99-µs is the 99th percentile of single queries.
func BenchmarkQuery(b *testing.B) {
	lib, err := briefings.NewLibrary(manyBriefings(b, 100)...)
	if err != nil {
		b.Fatal(err)
	}
	var took []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, q := range benchQueries {
			start := time.Now()
			lib.Query(q, 8)
			took = append(took, time.Since(start))
		}
	}
	b.StopTimer()
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*99/100].Nanoseconds())/1e3, "p99-µs/query")
	b.ReportMetric(float64(took[len(took)/2].Nanoseconds())/1e3, "p50-µs/query")
	b.ReportMetric(0, "ns/op") // the loop runs every query once: per query is what counts
}

// BenchmarkIndexBuild is the cost of making a library of 100 briefings searchable.
func BenchmarkIndexBuild(b *testing.B) {
	bs := manyBriefings(b, 100)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := briefings.NewLibrary(bs...); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchmarkLibraryIsBig(t *testing.T) {
	bs := manyBriefings(t, 100)
	lib, err := briefings.NewLibrary(bs...)
	if err != nil {
		t.Fatal(err)
	}
	// The list items are the same in every briefing: they fold into one hit that counts the rest.
	res := lib.Query("tunnels", 200)
	sections := 0
	for _, h := range res.Hits {
		sections += 1 + h.Elsewhere
	}
	if sections < 100 {
		t.Errorf("Query(tunnels) over 100 briefings finds it in %d sections; want one or more in most", sections)
	}
}
