package briefings_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"briefbot/briefings"
)

// sourceDates finds every date the source article gives, as it gives it: month and year, year
// ranges, decades, years, a month alone, and dates relative to the article.
// Month names count only capitalized: "may" is a verb.
var sourceDates = regexp.MustCompile(`\b(?:` +
	`(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{4}` +
	`|\d{4}[–-]\d{4}` +
	`|(?i:early|mid|late) \d{4}s` +
	`|\d{4}s?` +
	`|(?:January|February|March|April|May|June|July|August|September|October|November|December)` +
	`|(?i:later|earlier|next|last) (?:this )?(?:year|month)` +
	`)\b`)

func readSource(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/seed-000_79d959bf3b0a6c77.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// TestTimelineHoldsEverySourceDate: the built-in timeline has an entry for each date the source
// gives, dated as the source dates it, and nothing else.
func TestTimelineHoldsEverySourceDate(t *testing.T) {
	src := readSource(t)
	b := seed(t)
	var whens []string
	for _, e := range b.Events {
		whens = append(whens, strings.ToLower(e.When))
	}
	var dates []string
	for _, d := range sourceDates.FindAllString(src, -1) {
		d = strings.ToLower(d)
		if !slices.Contains(dates, d) {
			dates = append(dates, d)
		}
	}
	want := []string{"april 2025", "1846–1848", "early 1900s", "2023", "2025", "later this year", "march"}
	slices.Sort(dates)
	slices.Sort(want)
	if !slices.Equal(dates, want) {
		t.Fatalf("the source's dates are %q; the test expects %q", dates, want)
	}
	for _, d := range dates {
		if !slices.Contains(whens, d) {
			t.Errorf("the source gives the date %q; no timeline entry has it (entries: %q)", d, whens)
		}
	}
	for _, w := range whens {
		if !slices.Contains(dates, w) {
			t.Errorf("timeline entry dated %q: the source gives no such date", w)
		}
	}
}

// TestTimelineIsWordTrue: every event is the source's own words: each piece of its text between
// punctuation is a run of words of the source.
func TestTimelineIsWordTrue(t *testing.T) {
	src := " " + words(readSource(t)) + " "
	for _, e := range seed(t).Events {
		for _, piece := range strings.FieldsFunc(e.Text, func(r rune) bool { return strings.ContainsRune(".;:()", r) }) {
			if w := words(piece); w != "" && !strings.Contains(src, " "+w+" ") {
				t.Errorf("event %q: %q is not in the source", e.When, strings.TrimSpace(piece))
			}
		}
	}
}

func TestTimelineOrder(t *testing.T) {
	b := seed(t)
	var got []string
	for i, e := range b.Events {
		got = append(got, e.When)
		if i > 0 && b.Events[i-1].SortKey > e.SortKey {
			t.Errorf("event %q (key %d) comes after %q (key %d)", e.When, e.SortKey, b.Events[i-1].When, b.Events[i-1].SortKey)
		}
	}
	want := []string{"1846–1848", "Early 1900s", "2023", "2025", "March", "April 2025", "Later this year"}
	if !slices.Equal(got, want) {
		t.Errorf("timeline = %q; want %q", got, want)
	}
	byWhen := map[string]briefings.Event{}
	for _, e := range b.Events {
		byWhen[e.When] = e
	}
	if e := byWhen["Later this year"]; !e.Upcoming || e.Precision != briefings.Year {
		t.Errorf("Later this year = %+v; want upcoming, to the year", e)
	}
	if e := byWhen["March"]; !e.Yearless || e.Upcoming || e.Precision != briefings.Month || e.SortKey != 20250300 {
		t.Errorf("March = %+v; want a month without its year, placed in March 2025 by the briefing's date", e)
	}
	if e := byWhen["Early 1900s"]; e.Precision != briefings.Decade {
		t.Errorf("Early 1900s = %+v; want a decade", e)
	}
	if e := byWhen["2023"]; !strings.Contains(e.Text, "Centers for Disease Control and Prevention (CDC)") {
		t.Errorf("2023 = %+v; want the CDC's count of deaths", e)
	}
	if e := byWhen["March"]; !strings.Contains(e.Text, "Department of Homeland Security (DHS) memo leaked") {
		t.Errorf("March = %+v; want the DHS memo", e)
	}
	for _, e := range b.Events {
		if e.Upcoming != (e.When == "Later this year") {
			t.Errorf("event %q: upcoming %v", e.When, e.Upcoming)
		}
	}
}

// words reduces text to its words, lower case, one space apart.
func words(s string) string {
	s = strings.NewReplacer("’", "", "'", "").Replace(strings.ToLower(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
}
