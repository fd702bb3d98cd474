package briefings_test

import (
	"testing"

	"briefbot/briefings"
)

// The resolver runs on every typed topic and every autocomplete keystroke; "did you mean" runs
// on every topic that matches nothing. Each benchmark runs its whole list once per op.
var (
	typedTopics = []string{"sovereignty", "Sovereignty", "troops", "intel", "border surv",
		"counter narcotics", "sovreignty", "intelligense", "history", "next", "figures", "banana"}
	keystrokes = []string{"", "s", "so", "sov", "sove", "b", "bo", "bor", "bord", "border s"}
	misses     = []string{"banana", "next steps", "troop movements", "the stakes of it", "qqqq",
		"what the history says", "cartel violence"}
)

func seedResolvers(b *testing.B) []*briefings.Resolver {
	s := seed(b)
	return []*briefings.Resolver{s.IssueResolver(), s.SectionResolver(), s.PartyResolver()}
}

// BenchmarkResolver answers each list with the issues', sections' and parties' resolvers.
func BenchmarkResolver(b *testing.B) {
	rs := seedResolvers(b)
	for _, bc := range []struct {
		name    string
		queries []string
		ask     func(r *briefings.Resolver, q string)
	}{
		{"Resolve", typedTopics, func(r *briefings.Resolver, q string) { r.Resolve(q) }},
		{"Rank", keystrokes, func(r *briefings.Resolver, q string) { r.Rank(q, 25) }},
		{"Closest", misses, func(r *briefings.Resolver, q string) { r.Closest(q, 3) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, r := range rs {
					for _, q := range bc.queries {
						bc.ask(r, q)
					}
				}
			}
		})
	}
}
