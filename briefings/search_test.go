package briefings_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"briefbot/briefings"
)

// Two briefings that share some words, for searches across a library.
const riversBriefing = `---
id: rivers
title: River treaty
source: Test desk
date: 2025-04
parties:
  - {id: a, name: Alpha}
  - {id: b, name: Beta}
---
Alpha and Beta dispute the river. Floods annexed the lowlands.

## Positions

Both sides want the water.

| Issue | Alpha | Beta |
|---|---|---|
| Water Rights | Shares the river through tunnels | Keeps the river |
| Dams | Builds a dam | Rejects every dam |

## History

The tunnel systems were dug in 1990. Deaths rose after the invasion.

## Stakes

- **12%**: share of the river lost to tunnel leaks
- Invasions of the valley left deep scars.
`

const tradeBriefing = `---
id: trade
title: Trade pact
source: Test desk
date: 2025-05
parties:
  - {id: g, name: Gamma}
  - {id: d, name: Delta}
---
Gamma is rejecting the river tariffs.

## Positions

| Issue | Gamma | Delta |
|---|---|---|
| Tariffs | Raises them on the river trade | Lowers them |

## Notes

The death of the pact came from annexing the ports.
`

func searchLibrary(t testing.TB) *briefings.Library {
	t.Helper()
	return libraryOf(t, riversBriefing, tradeBriefing)
}

// libraryOf loads briefings written in the test, in order, as from a folder.
func libraryOf(t testing.TB, docs ...string) *briefings.Library {
	t.Helper()
	fsys := fstest.MapFS{}
	for i, doc := range docs {
		fsys[fmt.Sprintf("%03d.md", i)] = &fstest.MapFile{Data: []byte(doc)}
	}
	lib, err := briefings.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// hitString shows a hit as "briefing/section: text" with what matched in [brackets].
func hitString(h briefings.Hit) string {
	var sb strings.Builder
	last := 0
	for _, s := range h.Matches {
		sb.WriteString(h.Text[last:s.Start] + "[" + h.Text[s.Start:s.End] + "]")
		last = s.End
	}
	sb.WriteString(h.Text[last:])
	return h.Briefing.ID + "/" + h.SectionSlug + ": " + sb.String()
}

func TestQuery(t *testing.T) {
	lib := searchLibrary(t)
	tests := []struct {
		name  string
		query string
		want  []string // hits in order
	}{
		// The row outranks the longer paragraph: a positions table hit weighs more.
		{"plural finds singular", "tunnels", []string{
			"rivers/stakes: 12%: share of the river lost to [tunnel] leaks",
			"rivers/positions: Water Rights: Alpha: Shares the river through [tunnels]; Beta: Keeps the river",
			"rivers/history: The [tunnel] systems were dug in 1990. Deaths rose after the invasion.",
		}},
		{"singular finds plural", "tunnel", []string{
			"rivers/stakes: 12%: share of the river lost to [tunnel] leaks",
			"rivers/positions: Water Rights: Alpha: Shares the river through [tunnels]; Beta: Keeps the river",
			"rivers/history: The [tunnel] systems were dug in 1990. Deaths rose after the invasion.",
		}},
		{"deaths and death, in two briefings", "deaths", []string{
			"trade/notes: The [death] of the pact came from annexing the ports.",
			"rivers/history: The tunnel systems were dug in 1990. [Deaths] rose after the invasion.",
		}},
		{"annexing finds annexed", "annexing", []string{
			"rivers/summary: Alpha and Beta dispute the river. Floods [annexed] the lowlands.",
			"trade/notes: The death of the pact came from [annexing] the ports.",
		}},
		{"invasion finds invasions", "invasion", []string{
			"rivers/stakes: [Invasions] of the valley left deep scars.",
			"rivers/history: The tunnel systems were dug in 1990. Deaths rose after the [invasion].",
		}},
		{"rejecting finds rejects", "rejecting", []string{
			"trade/summary: Gamma is [rejecting] the river tariffs.",
			"rivers/positions: Dams: Alpha: Builds a dam; Beta: [Rejects] every dam",
		}},
		{"every word must be there", "river tariffs", []string{
			"trade/summary: Gamma is rejecting the [river] [tariffs].",
			"trade/positions: [Tariffs]: Gamma: Raises them on the [river] trade; Delta: Lowers them",
		}},
		{"a table hit weighs more", "dam", []string{
			"rivers/positions: [Dams]: Alpha: Builds a [dam]; Beta: Rejects every [dam]",
		}},
		{"a quoted phrase, word for word", `"tunnel systems"`, []string{
			"rivers/history: The [tunnel systems] were dug in 1990. Deaths rose after the invasion.",
		}},
		{"a phrase with curly quotes", "“tunnel systems”", []string{
			"rivers/history: The [tunnel systems] were dug in 1990. Deaths rose after the invasion.",
		}},
		{"a phrase and a word", `"the river" tariffs`, []string{
			"trade/summary: Gamma is rejecting [the river] [tariffs].",
			"trade/positions: [Tariffs]: Gamma: Raises them on [the river] trade; Delta: Lowers them",
		}},
		{"a typo", "tunels", []string{
			"rivers/stakes: 12%: share of the river lost to [tunnel] leaks",
			"rivers/positions: Water Rights: Alpha: Shares the river through [tunnels]; Beta: Keeps the river",
			"rivers/history: The [tunnel] systems were dug in 1990. Deaths rose after the invasion.",
		}},
		{"a typo in a long word", "invasoins", []string{
			"rivers/stakes: [Invasions] of the valley left deep scars.",
			"rivers/history: The tunnel systems were dug in 1990. Deaths rose after the [invasion].",
		}},
		{"a prefix", "tunn", []string{
			"rivers/stakes: 12%: share of the river lost to [tunnel] leaks",
			"rivers/positions: Water Rights: Alpha: Shares the river through [tunnels]; Beta: Keeps the river",
			"rivers/history: The [tunnel] systems were dug in 1990. Deaths rose after the invasion.",
		}},
		{"a section title counts", "notes", []string{
			"trade/notes: The death of the pact came from annexing the ports.",
		}},
		{"words that say nothing alone are dropped", "the lowlands", []string{
			"rivers/summary: Alpha and Beta dispute the river. Floods annexed the [lowlands].",
		}},
		{"any case and accents", "LÓWLANDS", []string{
			"rivers/summary: Alpha and Beta dispute the river. Floods annexed the [lowlands].",
		}},
		{"a number", "1990", []string{
			"rivers/history: The tunnel systems were dug in [1990]. Deaths rose after the invasion.",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := lib.Query(tc.query, 10)
			var got []string
			for _, h := range res.Hits {
				got = append(got, hitString(h))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Query(%q) =\n\t%s\nwant\n\t%s", tc.query, strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
			if res.Total != len(tc.want) {
				t.Errorf("Query(%q).Total = %d; want %d", tc.query, res.Total, len(tc.want))
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Errorf("Query(%q): hit %d scores %v, more than the one before it", tc.query, i, res.Hits[i].Score)
				}
			}
		})
	}
}

func TestQueryAcrossBriefingsCountsWhatIsCut(t *testing.T) {
	res := searchLibrary(t).Query("river", 2)
	if len(res.Hits) != 2 || res.Total != 5 {
		t.Fatalf("Query(river, 2) = %d hits of %d; want 2 of 5", len(res.Hits), res.Total)
	}
	ids := map[string]bool{}
	for _, h := range searchLibrary(t).Query("river", 10).Hits {
		ids[h.Briefing.ID] = true
	}
	if !ids["rivers"] || !ids["trade"] {
		t.Errorf("Query(river) found briefings %v; want both", ids)
	}
}

func TestQueryNothingMatches(t *testing.T) {
	lib := searchLibrary(t)
	tests := []struct {
		query     string
		unmatched []string
		closest   []string
	}{
		{"zebra", []string{"zebra"}, nil},
		{"rivxx", []string{"rivxx"}, []string{"river"}},
		{"tunnel rivxx", []string{"rivxx"}, []string{"river"}},
		{`"tunnel system"`, []string{`"tunnel system"`}, []string{"systems"}},
		{`"river tunnel"`, []string{`"river tunnel"`}, nil},
		{"tariffs tunnel", nil, nil}, // each word is somewhere, never both in one passage
		{"", nil, nil},
		{`""`, nil, nil},
	}
	for _, tc := range tests {
		res := lib.Query(tc.query, 10)
		if len(res.Hits) != 0 || res.Total != 0 {
			t.Errorf("Query(%q) = %d hits; want none", tc.query, res.Total)
		}
		if !slices.Equal(res.Unmatched, tc.unmatched) || !slices.Equal(res.Closest, tc.closest) {
			t.Errorf("Query(%q) = unmatched %q, closest %q; want %q, %q", tc.query, res.Unmatched, res.Closest, tc.unmatched, tc.closest)
		}
	}
}

func TestQueryOnTheBuiltInBriefing(t *testing.T) {
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, section, marked string }{
		{"tunnels", "stakes", "tunnel"},
		{"deaths", "stakes", "deaths"},
		{"annexing", "history", "annexed"},
		{"invasion", "history", "invasions"},
		{"rejecting", "summary", "rejects"},
		{"sovreignty", "positions", "Sovereignty"},
		{"U.S. troops", "positions", "U.S."},
		{`"Rio Grande"`, "what-comes-next", "Rio Grande"},
		{"fundamental divide", "positions", "fundamental"},
	} {
		res := lib.Query(tc.query, 20)
		found := false
		for _, h := range res.Hits {
			for _, s := range h.Matches {
				if h.SectionSlug == tc.section && h.Text[s.Start:s.End] == tc.marked {
					found = true
				}
			}
		}
		if !found {
			var got []string
			for _, h := range res.Hits {
				got = append(got, hitString(h))
			}
			t.Errorf("Query(%q) has no hit in %s marking %q; it has:\n\t%s", tc.query, tc.section, tc.marked, strings.Join(got, "\n\t"))
		}
	}
}

// checkHits holds a result to what the engine relies on: marks inside the text, in order, apart;
// places named besides the hit's own, no more than counted.
func checkHits(t *testing.T, query string, res briefings.SearchResult) {
	t.Helper()
	if res.Total < len(res.Hits) {
		t.Fatalf("Query(%q): %d hits of %d", query, len(res.Hits), res.Total)
	}
	for _, h := range res.Hits {
		if h.Elsewhere < len(h.AlsoIn) || slices.Contains(h.AlsoIn, h.Place) {
			t.Fatalf("Query(%q): %q is also in %v, elsewhere %d", query, h.Text, h.AlsoIn, h.Elsewhere)
		}
		end := 0
		for _, s := range h.Matches {
			if s.Start < end || s.End <= s.Start || s.End > len(h.Text) {
				t.Fatalf("Query(%q): span %v in %q (after %d)", query, s, h.Text, end)
			}
			end = s.End
		}
	}
}

// FuzzQuery: whatever is searched for, the answer is well formed and nothing panics.
func FuzzQuery(f *testing.F) {
	for _, q := range append(benchQueries, `"unclosed`, `""`, `" "`, "U.S.A.", "e.g.", "70,000", "México’s", "a.b.c") {
		f.Add(q)
	}
	lib, err := briefings.LoadEmbedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		checkHits(t, q, lib.Query(q, 5))
	})
}

func ExampleLibrary_Query() {
	lib, _ := briefings.LoadEmbedded()
	res := lib.Query("tunnels", 1)
	h := res.Hits[0]
	for _, s := range h.Matches {
		fmt.Printf("%s: %q in %q, %d hit in all\n", h.Section, h.Text[s.Start:s.End], h.Briefing.Title, res.Total)
	}
	for _, p := range h.AlsoIn {
		fmt.Println("also in", p.Section)
	}
	// Output:
	// Stakes: "tunnel" in "Mexico rejects U.S. troops plan", 1 hit in all
	// also in Key figures
	// also in Timeline
}
