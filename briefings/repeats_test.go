package briefings_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"briefbot/briefings"
)

// A briefing that repeats itself as briefings do: a timeline item and a paragraph tell the same
// event; a figure says more around the same words; two paragraphs share a sentence and each say
// more; a short sentence comes back.
const portsBriefing = `---
id: ports
title: Port dispute
source: Test desk
date: 2025-06
parties:
  - {id: a, name: Alpha}
  - {id: b, name: Beta}
---
Alpha closed the northern harbour to Beta's grain ships in May. Talks resumed in June.

## Positions

| Issue | Alpha | Beta |
|---|---|---|
| Harbour Access | Keeps the harbour closed | Demands it open |

## Timeline

- **May 2025**: Alpha closed the northern harbour to Beta's grain ships.
- **June 2025**: Talks resumed.

## Key figures

- **40%**: share of Beta's grain that shipped through the northern harbour before Alpha shut it (source: Port authority)

## Stakes

Grain prices rose. Alpha closed the northern harbour to Beta's grain ships in May, and the smugglers followed.
`

// A second briefing that tells the closing again, in a list item labelled its own way.
const followUpBriefing = `---
id: ports-follow-up
title: Port dispute, six months on
source: Test desk
date: 2025-12
parties:
  - {id: a, name: Alpha}
  - {id: b, name: Beta}
---
The harbour is open again.

## Positions

| Issue | Alpha | Beta |
|---|---|---|
| Harbour Access | Opened it | Uses it |

## Background

- **Spring**: Alpha closed the northern harbour to Beta's grain ships, as every report recalls.
`

// placesString shows where else a hit appears as "briefing/section" names.
func placesString(h briefings.Hit) string {
	var out []string
	for _, p := range h.AlsoIn {
		out = append(out, p.Briefing.ID+"/"+p.SectionSlug+" ("+p.Section+")")
	}
	return strings.Join(out, ", ")
}

// TestQueryFoldsRepeatedSentences: passages that carry the same sentence are one hit, the one
// with the most context, which says where else the sentence is; Total counts such hits.
func TestQueryFoldsRepeatedSentences(t *testing.T) {
	embedded, err := briefings.LoadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	ports := libraryOf(t, portsBriefing)
	both := libraryOf(t, portsBriefing, followUpBriefing)
	type hit struct{ text, alsoIn string }
	tests := []struct {
		name  string
		lib   *briefings.Library
		query string
		want  []hit
	}{
		{"the DHS memo once, from the stakes, in the built-in briefing", embedded, "tunnels", []hit{
			{"us-mexico-troops/stakes: A Department of Homeland Security (DHS) memo leaked in March showed that cartel operations have become more sophisticated, using drones, cryptocurrency, and [tunnel] systems. U.S. border states—especially Texas, Arizona, and California—continue to experience record drug seizures.",
				"us-mexico-troops/key-figures (Key figures), us-mexico-troops/timeline (Timeline)"},
		}},
		{"the item goes to the longer of two paragraphs that tell it", ports, "northern harbour", []hit{
			{"ports/stakes: Grain prices rose. Alpha closed the [northern] [harbour] to Beta's grain ships in May, and the smugglers followed.",
				"ports/timeline (Timeline)"},
			// The summary shares the sentence but says more besides: it stays a hit.
			{"ports/summary: Alpha closed the [northern] [harbour] to Beta's grain ships in May. Talks resumed in June.", ""},
			// The figure uses the words to say something else.
			{"ports/key-figures: 40%: share of Beta's grain that shipped through the [northern] [harbour] before Alpha shut it (source: Port authority)", ""},
		}},
		{"a short sentence is too common to call the same", ports, "talks resumed", []hit{
			{"ports/timeline: June 2025: [Talks] [resumed].", ""},
			{"ports/summary: Alpha closed the northern harbour to Beta's grain ships in May. [Talks] [resumed] in June.", ""},
		}},
		{"a repeat that does not match goes unnamed", both, "grain ships smugglers", []hit{
			{"ports/stakes: [Grain] prices rose. Alpha closed the northern harbour to Beta's [grain] [ships] in May, and the [smugglers] followed.", ""},
		}},
		{"across briefings, the other briefing's item folds in", both, "closed grain ships", []hit{
			{"ports/stakes: [Grain] prices rose. Alpha [closed] the northern harbour to Beta's [grain] [ships] in May, and the smugglers followed.",
				"ports/timeline (Timeline), ports-follow-up/background (Background)"},
			{"ports/summary: Alpha [closed] the northern harbour to Beta's [grain] [ships] in May. Talks resumed in June.", ""},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := tc.lib.Query(tc.query, 10)
			var got, want []hit
			for _, h := range res.Hits {
				got = append(got, hit{hitString(h), placesString(h)})
				if h.Elsewhere != len(h.AlsoIn) {
					t.Errorf("Query(%q): %q is elsewhere %d times, but names %d places", tc.query, h.Text, h.Elsewhere, len(h.AlsoIn))
				}
			}
			want = tc.want
			if !slices.Equal(got, want) {
				t.Errorf("Query(%q) =\n\t%q\nwant\n\t%q", tc.query, got, want)
			}
			if res.Total != len(tc.want) {
				t.Errorf("Query(%q).Total = %d; want %d", tc.query, res.Total, len(tc.want))
			}
		})
	}
}

// TestQueryCountsFoldedHits: a hit counts once however many passages repeat it, and says the
// same whatever the limit.
func TestQueryCountsFoldedHits(t *testing.T) {
	lib := libraryOf(t, portsBriefing, followUpBriefing)
	all := lib.Query("northern harbour", 10)
	cut := lib.Query("northern harbour", 1)
	if len(cut.Hits) != 1 || cut.Total != all.Total || all.Total != len(all.Hits) {
		t.Errorf("Query(northern harbour, 1) = %d hits of %d; Query(northern harbour, 10) = %d of %d; want 1 of n, n of n",
			len(cut.Hits), cut.Total, len(all.Hits), all.Total)
	}
	const alsoIn = "ports/timeline (Timeline), ports-follow-up/background (Background)"
	if got := placesString(all.Hits[0]); got != alsoIn {
		t.Errorf("Query(northern harbour, 10): the best hit, %q, is also in %q; want %q", all.Hits[0].Text, got, alsoIn)
	}
	if cut.Hits[0].Text != all.Hits[0].Text || placesString(cut.Hits[0]) != placesString(all.Hits[0]) {
		t.Errorf("the best hit differs with the limit: %q (also in %s) and %q (also in %s)",
			cut.Hits[0].Text, placesString(cut.Hits[0]), all.Hits[0].Text, placesString(all.Hits[0]))
	}
}

// TestQueryNamesAFewPlaces: a sentence in every briefing of a library is one hit that names a
// few of the other places and counts them all.
func TestQueryNamesAFewPlaces(t *testing.T) {
	var files []string
	for i := range 7 {
		files = append(files, strings.NewReplacer("id: ports-follow-up", fmt.Sprintf("id: copy-%d", i),
			"title: Port dispute, six months on", fmt.Sprintf("title: Copy %d", i)).Replace(followUpBriefing))
	}
	res := libraryOf(t, files...).Query("recalls", 10)
	if len(res.Hits) != 1 || res.Total != 1 {
		t.Fatalf("Query(recalls) = %d hits of %d; want 1 of 1", len(res.Hits), res.Total)
	}
	h := res.Hits[0]
	const want = "copy-1/background (Background), copy-2/background (Background), copy-3/background (Background), copy-4/background (Background), copy-5/background (Background)"
	if h.Briefing.ID != "copy-0" || placesString(h) != want || h.Elsewhere != 6 {
		t.Errorf("Query(recalls) = %s/%s, also in %s, elsewhere %d; want copy-0/background, also in %s, elsewhere 6",
			h.Briefing.ID, h.SectionSlug, placesString(h), h.Elsewhere, want)
	}
}
