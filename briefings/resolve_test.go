package briefings_test

import (
	"reflect"
	"testing"

	"briefbot/briefings"
)

func seed(t testing.TB) *briefings.Briefing {
	t.Helper()
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := lib.ByID("us-mexico-troops")
	return b
}

func TestIssueResolution(t *testing.T) {
	b := seed(t)
	tests := []struct {
		query string
		want  string // slug, or "" for no match
	}{
		{"sovereignty", "sovereignty"},
		{"Sovereignty", "sovereignty"},
		{"SOVEREIGNTY", "sovereignty"},
		{"troops", "military-troop-deployment"},
		{"military", "military-troop-deployment"},
		{"Military Troop Deployment", "military-troop-deployment"},
		{"military-troop-deployment", "military-troop-deployment"},
		{"intel", "intelligence-sharing"},
		{"counter-narcotics", "counter-narcotics-operations"},
		{"counter narcotics", "counter-narcotics-operations"},
		{"border surv", "border-surveillance"},
		{"surveillance", "border-surveillance"},
		{"sovreignty", "sovereignty"},
		{"soverignty", "sovereignty"},
		{"sovr", "sovereignty"},
		{"intelligense", "intelligence-sharing"},
		{"banana", ""},
		{"", ""},
		{"!!!", ""},
		{"x", ""},
	}
	for _, tc := range tests {
		got, ok := b.Issue(tc.query)
		if tc.want == "" {
			if ok {
				t.Errorf("Issue(%q) = %q; want no match", tc.query, got.Slug)
			}
			continue
		}
		if !ok || got.Slug != tc.want {
			t.Errorf("Issue(%q) = %q, %v; want %q", tc.query, got.Slug, ok, tc.want)
		}
	}
}

func TestPartyAndSectionResolution(t *testing.T) {
	b := seed(t)
	for _, tc := range []struct{ query, want string }{
		{"mexico", "mx"}, {"Mexican", "mx"}, {"sheinbaum", "mx"}, {"mx", "mx"},
		{"U.S.", "us"}, {"usa", "us"}, {"United States", "us"}, {"washington", "us"},
	} {
		i, ok := b.Party(tc.query)
		if !ok || b.Parties[i].ID != tc.want {
			t.Errorf("Party(%q) = %d, %v; want %q", tc.query, i, ok, tc.want)
		}
	}
	for _, tc := range []struct{ query, want string }{
		{"history", "history"}, {"figures", "key-figures"}, {"next", "what-comes-next"},
		{"stakes", "stakes"}, {"conclusion", "conclusion"}, {"summary", "summary"}, {"histroy", "history"},
	} {
		s, ok := b.Section(tc.query)
		if !ok || s.Slug != tc.want {
			t.Errorf("Section(%q) = %q, %v; want %q", tc.query, s.Slug, ok, tc.want)
		}
	}
}

func TestRankingIsDeterministic(t *testing.T) {
	r := seed(t).IssueResolver()
	first := r.Rank("s", 25)
	for range 20 {
		if got := r.Rank("s", 25); !reflect.DeepEqual(got, first) {
			t.Fatalf("Rank(\"s\") changed between calls: %v then %v", first, got)
		}
	}
	if len(first) == 0 || first[0].Key != "sovereignty" {
		t.Errorf("Rank(\"s\") = %v; want sovereignty first (a prefix beats a word prefix)", first)
	}
	all := r.Rank("", 25)
	if len(all) != 5 || all[0].Key != "military-troop-deployment" {
		t.Errorf("Rank(\"\") = %v; want all five issues in table order", all)
	}
	if got := r.Rank("", 2); len(got) != 2 {
		t.Errorf("Rank(\"\", 2) returned %d matches", len(got))
	}
	closest := r.Closest("banana", 3)
	if len(closest) != 3 {
		t.Errorf("Closest(\"banana\", 3) = %v; want three suggestions", closest)
	}
}

func TestAmbiguousGuessResolvesToNothing(t *testing.T) {
	r := briefings.NewResolver()
	for _, name := range []string{"Trade Policy", "Trade Pacts"} {
		if err := r.Add(briefings.Slug(name), name); err != nil {
			t.Fatal(err)
		}
	}
	if m, ok := r.Resolve("trade-p"); ok {
		t.Errorf("Resolve(\"trade-p\") = %v; two entries tie, want no match", m)
	}
	if m, ok := r.Resolve("trade pol"); !ok || m.Key != "trade-policy" {
		t.Errorf("Resolve(\"trade pol\") = %v, %v; want trade-policy", m, ok)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"U.S.":                       "us",
		"Border Surveillance":        "border-surveillance",
		"  Counter--Narcotics  ops ": "counter-narcotics-ops",
		"Mexico's":                   "mexicos",
		"Año Nuevo":                  "año-nuevo",
	} {
		if got := briefings.Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q; want %q", in, got, want)
		}
	}
}

// TestClosestRanksSharedWordsFirst: a name that shares a word with what was typed (by stem, stop
// words aside) is a better suggestion than one that is merely spelt alike; spelling decides the
// rest. Every "did you mean" is built on Closest.
func TestClosestRanksSharedWordsFirst(t *testing.T) {
	b := seed(t)
	custom := func(names ...string) *briefings.Resolver {
		r := briefings.NewResolver()
		for _, n := range names {
			if err := r.Add(briefings.Slug(n), n); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	tests := []struct {
		what  string
		r     *briefings.Resolver
		query string
		want  []string // the first labels, in order
	}{
		{"sections", b.SectionResolver(), "next steps", []string{"What comes next"}},
		{"sections", b.SectionResolver(), "the stakes involved", []string{"Stakes"}},
		{"sections", b.SectionResolver(), "figure it out", []string{"Key figures"}},
		{"issues", b.IssueResolver(), "troop movements", []string{"Military Troop Deployment"}},
		{"issues", b.IssueResolver(), "cartel operations", []string{"Counter-Narcotics Operations"}},
		{"parties", b.PartyResolver(), "states department", []string{"United States"}},
		// Two shared words beat one.
		{"custom", custom("Border Wall", "Border Trade Talks", "Trade Deals"), "trade talks at the border",
			[]string{"Border Trade Talks", "Trade Deals", "Border Wall"}},
		// Words that say nothing alone ("what", "the", "then") share nothing: spelling decides.
		{"custom", custom("What comes next", "Watts"), "what then", []string{"Watts", "What comes next"}},
		// Nothing shared at all: spelling alone, as before.
		{"sections", b.SectionResolver(), "histry of it", []string{"History"}},
	}
	for _, tc := range tests {
		got := tc.r.Closest(tc.query, 3)
		var labels []string
		for _, m := range got {
			labels = append(labels, m.Label)
		}
		if len(labels) < len(tc.want) || !reflect.DeepEqual(labels[:len(tc.want)], tc.want) {
			t.Errorf("%s.Closest(%q, 3) = %q; want it to begin %q", tc.what, tc.query, labels, tc.want)
		}
		for _, m := range got {
			if m.Exact() {
				t.Errorf("%s.Closest(%q, 3) offers %q as exact; a suggestion is a guess", tc.what, tc.query, m.Label)
			}
		}
	}
}

// TestSharedWordIsNoAnswer: a shared word makes a suggestion, never an answer.
func TestSharedWordIsNoAnswer(t *testing.T) {
	b := seed(t)
	for _, q := range []string{"next steps", "troop movements", "the stakes involved"} {
		for what, r := range map[string]*briefings.Resolver{"sections": b.SectionResolver(), "issues": b.IssueResolver()} {
			if m, ok := r.Resolve(q); ok {
				t.Errorf("%s.Resolve(%q) = %q; want no answer", what, q, m.Label)
			}
		}
	}
}
