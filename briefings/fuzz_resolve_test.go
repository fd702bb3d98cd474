package briefings_test

import (
	"strings"
	"testing"

	"briefbot/briefings"
)

// FuzzResolve: whatever a user types, and whatever names a briefing gives its issues, resolution
// never panics and agrees with itself: a topic resolves as its normalized form does, to an entry
// that exists, which ranking puts first; rankings are bounded and ordered; some suggestion is
// always offered.
func FuzzResolve(f *testing.F) {
	for _, q := range []string{"sovereignty", "sovreignty", "SOVEREIGNTY", "troops", "border surv", "intel",
		"counter narcotics", "u.s.", "mexico", "history", "", "!!!", "x", "trade-p", "Año Nuevo", "İstanbul",
		strings.Repeat("a", 70), "\xff\xfe", "ǅ", "ß", "--", "a-b-c-d"} {
		f.Add("Trade Policy|Trade Pacts,pacts|Sovereignty,sov", q)
	}
	f.Add("A|a|B,b,bb", "b")
	f.Add("Año Nuevo,ano|Anos", "año")
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	seed, ok := lib.ByID("us-mexico-troops")
	if !ok {
		f.Fatal("the embedded briefing is missing")
	}
	fixed := map[string]*briefings.Resolver{
		"issues": seed.IssueResolver(), "parties": seed.PartyResolver(), "sections": seed.SectionResolver(),
		"briefings": lib.Resolver(),
	}
	f.Fuzz(func(t *testing.T, names, query string) {
		n := briefings.Normalize(query)
		if again := briefings.Normalize(n); again != n {
			t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q", query, n, n, again)
		}
		for what, r := range fixed {
			checkResolver(t, what, r, query)
		}
		checkResolver(t, "fuzzed", resolverOf(names), query)
	})
}

// resolverOf reads "Name,alias,alias|Name,...", at most eight entries. An entry with a name the
// resolver refuses (no letters, or already another entry's) is refused whole, and the resolver
// goes on as if it had never been offered.
func resolverOf(spec string) *briefings.Resolver {
	r := briefings.NewResolver()
	for i, entry := range strings.Split(spec, "|") {
		if i == 8 {
			break
		}
		names := strings.Split(entry, ",")
		_ = r.Add(briefings.Slug(names[0]), names[0], names[1:]...)
	}
	return r
}

func checkResolver(t *testing.T, what string, r *briefings.Resolver, query string) {
	t.Helper()
	all := r.Rank("", r.Len())
	if len(all) != r.Len() {
		t.Fatalf("%s: Rank(\"\") lists %d of %d entries", what, len(all), r.Len())
	}
	keys := map[string]bool{}
	for _, m := range all {
		keys[m.Key] = true
	}

	m, ok := r.Resolve(query)
	if norm, okNorm := r.Resolve(briefings.Normalize(query)); ok != okNorm || m != norm {
		t.Fatalf("%s: Resolve(%q) = %+v, %v but its normal form %q gives %+v, %v",
			what, query, m, ok, briefings.Normalize(query), norm, okNorm)
	}
	ranked := r.Rank(query, r.Len())
	for i, rm := range ranked {
		if rm.Score <= 0 || !keys[rm.Key] {
			t.Fatalf("%s: Rank(%q)[%d] = %+v: not a known entry with a positive score", what, query, i, rm)
		}
		if i > 0 && rm.Score > ranked[i-1].Score {
			t.Fatalf("%s: Rank(%q) is out of order: %+v", what, query, ranked)
		}
	}
	if ok {
		if !keys[m.Key] || m.Score <= 0 {
			t.Fatalf("%s: Resolve(%q) = %+v: not a known entry with a positive score", what, query, m)
		}
		if len(ranked) == 0 || ranked[0].Key != m.Key {
			t.Fatalf("%s: Resolve(%q) = %q, but Rank puts first %+v", what, query, m.Key, ranked)
		}
	}
	if top := r.Rank(query, 2); len(top) > 2 {
		t.Fatalf("%s: Rank(%q, 2) returned %d matches", what, query, len(top))
	}
	if got := len(r.Closest(query, 3)); got > 3 || (got == 0) != (r.Len() == 0) {
		t.Fatalf("%s: Closest(%q, 3) offers %d suggestions among %d entries; want 1 to 3", what, query, got, r.Len())
	}
}
