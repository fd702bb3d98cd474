package briefings_test

import (
	"regexp"
	"strings"
	"testing"

	"briefbot/briefings"
)

// TestListsAsAnalystsWriteThem: figures and dates plain or in bold, dates in every form the
// sources use.
func TestListsAsAnalystsWriteThem(t *testing.T) {
	src := strings.Replace(valid, "- **12%**: share of the river (source: Survey)",
		"- **12%**: share of the river (source: Survey)\n- 70%: share of the lake (source: DEA)\n- Over 70,000: boats (source: Port office)", 1)
	src = strings.Replace(src, "- **2001**: The treaty.\n- **1990s**: The dispute.\n", `- **2001**: The treaty.
- 1990s: The dispute.
- 1846-1848: The war.
- 2025-06: The summit.
- 2025-03-02: The vote.
- April 2025: The talks.
- March: The memo leaked.
- Later this year: The panel meets again.
`, 1)
	b, err := briefings.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	wantFacts := []briefings.Fact{
		{Figure: "12%", Text: "share of the river", Source: "Survey"},
		{Figure: "70%", Text: "share of the lake", Source: "DEA"},
		{Figure: "Over 70,000", Text: "boats", Source: "Port office"},
	}
	if len(b.Facts) != len(wantFacts) {
		t.Fatalf("facts = %+v; want %+v", b.Facts, wantFacts)
	}
	for i, f := range wantFacts {
		if b.Facts[i] != f {
			t.Errorf("fact %d = %+v; want %+v", i, b.Facts[i], f)
		}
	}
	// The briefing is dated 2025-04-01: March is this year's, the summit in June is to come.
	want := []briefings.Event{
		{When: "1846-1848", Text: "The war.", Precision: briefings.Year, SortKey: 18460000},
		{When: "1990s", Text: "The dispute.", Precision: briefings.Decade, SortKey: 19900000},
		{When: "2001", Text: "The treaty.", Precision: briefings.Year, SortKey: 20010000},
		{When: "March", Text: "The memo leaked.", Precision: briefings.Month, Yearless: true, SortKey: 20250300},
		{When: "2025-03-02", Text: "The vote.", Precision: briefings.Day, SortKey: 20250302}, // a month before its days
		{When: "April 2025", Text: "The talks.", Precision: briefings.Month, SortKey: 20250400},
		{When: "2025-06", Text: "The summit.", Precision: briefings.Month, Upcoming: true, SortKey: 20250600},
		{When: "Later this year", Text: "The panel meets again.", Precision: briefings.Year, Upcoming: true, SortKey: 20251300},
	}
	if len(b.Events) != len(want) {
		t.Fatalf("events = %+v", b.Events)
	}
	for i, e := range want {
		if b.Events[i] != e {
			t.Errorf("event %d = %+v; want %+v", i, b.Events[i], e)
		}
	}
	var labels []string
	for _, s := range b.Sections {
		if s.Slug == "key-figures" {
			for _, blk := range s.Blocks {
				labels = append(labels, blk.Label)
			}
		}
	}
	if strings.Join(labels, "|") != "12%|70%|Over 70,000" {
		t.Errorf("/briefing key-figures labels = %q; plain labels show as bold ones do", labels)
	}
}

func TestMalformedListsAreRefusedAtTheirLine(t *testing.T) {
	const figure, event = "- **12%**: share of the river (source: Survey)", "- **2001**: The treaty."
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"figure without a colon", figure, "- 12% share of the river (source: Survey)", "x.md:23: a key figure is written"},
		{"figure without a source", figure, "- 12%: share of the river", "x.md:23: a key figure is written"},
		{"figure without a measure", figure, "- 12%: (source: Survey)", "x.md:23: a key figure is written"},
		{"event without a colon", event, "- 2001 The treaty.", "x.md:27: a timeline entry is written"},
		{"event without text", event, "- **2001**:", "x.md:27: a timeline entry is written"},
		{"event that is no date", event, "- Soon: The treaty.", `x.md:27: a timeline entry is written "- when: what happened": "Soon" is not a date`},
		{"month 13", event, "- 2025-13: The treaty.", "x.md:27: a timeline entry is written \"- when: what happened\": \"2025-13\" is not a date: the month is written 01 to 12"},
		{"no such day", event, "- 2025-02-30: The treaty.", "x.md:27: a timeline entry is written \"- when: what happened\": \"2025-02-30\" is not a date: there is no day 30"},
		{"no such named day", event, "- **31 April 2025**: The treaty.", "x.md:27: a timeline entry is written \"- when: what happened\": \"31 April 2025\" is not a date: there is no day 31"},
		{"range backwards", event, "- 1848-1846: The war.", "x.md:27: a timeline entry is written \"- when: what happened\": \"1848-1846\" ends before it starts"},
		{"month without the briefing's date", "date: 2025-04-01\n", "", "x.md:26: a timeline entry is written \"- when: what happened\": \"March\" has no year"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := valid
			if tc.name == "month without the briefing's date" {
				src = strings.Replace(src, event, "- March: The memo.", 1)
			}
			src = strings.Replace(src, tc.old, tc.new, 1)
			b, err := briefings.Parse("x.md", []byte(src))
			if err == nil || b != nil {
				t.Fatalf("Parse = %v, %v; want error %q", b, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse error =\n%v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestPositionsIntro(t *testing.T) {
	src := strings.Replace(valid, "## Positions\n", "## Positions\n\nThe divide is the river.\n", 1)
	src = strings.Replace(src, "| Tariffs | Lowers them | Raises them |\n", "| Tariffs | Lowers them | Raises them |\n\nBoth sides *agree* on fish.\n", 1)
	b, err := briefings.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if want := "The divide is the river.\n\nBoth sides agree on fish."; b.PositionsIntro != want {
		t.Errorf("PositionsIntro = %q; want %q", b.PositionsIntro, want)
	}
	if b := seed(t); !strings.HasPrefix(b.PositionsIntro, "The fundamental divide between the U.S. and Mexico") {
		t.Errorf("built-in PositionsIntro = %q; want the source's framing sentence", b.PositionsIntro)
	}
}

func TestVersion(t *testing.T) {
	a, err := briefings.Parse("x.md", []byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(valid, "Keeps the river", "Keeps the whole river", 1)
	b, err := briefings.Parse("x.md", []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(a.Version) {
		t.Errorf("Version = %q; want 12 hex digits", a.Version)
	}
	if a.Version == b.Version {
		t.Errorf("an edited briefing has the same Version %q", a.Version)
	}
	again, _ := briefings.Parse("other.md", []byte(valid))
	if again.Version != a.Version {
		t.Errorf("the same content has versions %q and %q", a.Version, again.Version)
	}
	if string(b.Content()) != edited {
		t.Errorf("Content() is not the file as read")
	}
	b.Content()[0] = 'X'
	if string(b.Content()) != edited {
		t.Errorf("Content() shares its bytes with the briefing")
	}
}
