package briefings_test

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"briefbot/briefings"
)

func TestDiff(t *testing.T) {
	raw, err := fs.ReadFile(briefings.Embedded(), "us-mexico-troops.md")
	if err != nil {
		t.Fatal(err)
	}
	old := parse(t, "v1.md", string(raw))
	edits := []struct{ old, new string }{
		// a position reworded
		{"| Prioritizes independence and historical context |", "| Puts independence first, mindful of history |"},
		// an issue added
		{"| Sovereignty |", "| Trade | Tariffs on imports | Tariffs on nothing |\n| Sovereignty |"},
		// a figure removed
		{"- **Record drug seizures**: U.S. border states, especially Texas, Arizona, and California, continue to experience record drug seizures (source: USnewsSphere.com / apn)\n", ""},
		// a figure changed
		{"- **Over 70%**:", "- **Over 75%**:"},
		// a section edited
		{"These invasions left deep scars.", "These invasions left deep and lasting scars."},
	}
	src := string(raw)
	for _, e := range edits {
		if !strings.Contains(src, e.old) {
			t.Fatalf("the built-in briefing has no %q to edit", e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
	}
	edited := parse(t, "v2.md", src)

	got := briefings.Diff(old, edited)
	want := briefings.Changes{
		From: old.Version, To: edited.Version,
		Positions: []briefings.PositionChange{{Issue: "Sovereignty", Slug: "sovereignty", Party: "Mexico", PartyID: "mx",
			Old: "Prioritizes independence and historical context", New: "Puts independence first, mindful of history"}},
		IssuesAdded: []briefings.Issue{{Slug: "trade", Name: "Trade", Positions: []string{"Tariffs on imports", "Tariffs on nothing"}}},
		FiguresRemoved: []briefings.Fact{{Figure: "Record drug seizures",
			Text:   "U.S. border states, especially Texas, Arizona, and California, continue to experience record drug seizures",
			Source: "USnewsSphere.com / apn"}},
		FiguresChanged: []briefings.FactChange{{Old: old.Facts[0], New: edited.Facts[0]}},
		SectionsEdited: []string{"History"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff =\n%+v\nwant\n%+v", got, want)
	}
	if got.Empty() {
		t.Errorf("Diff(...).Empty() = true")
	}
	if c := briefings.Diff(old, old); !c.Empty() {
		t.Errorf("Diff(b, b) = %+v; want no changes", c)
	}
	back := briefings.Diff(edited, old)
	if len(back.IssuesRemoved) != 1 || len(back.FiguresAdded) != 1 || back.Positions[0].New != old.Issues[4].Positions[1] {
		t.Errorf("Diff(new, old) = %+v; want the edits undone", back)
	}
}

func TestDiffFieldsPartiesSectionsEvents(t *testing.T) {
	old := parse(t, "v1.md", valid)
	src := strings.Replace(valid, "title: Sample briefing", "title: Sample briefing, revised", 1)
	src = strings.Replace(src, "- **2001**: The treaty.", "- **2002**: The treaty.", 1)
	src = strings.Replace(src, "## Timeline", "## Outlook\n\nMore rain.\n\n## Timeline", 1)
	src = strings.Replace(src, "A summary paragraph.", "A summary paragraph, longer.", 1)
	c := briefings.Diff(old, parse(t, "v2.md", src))
	if len(c.Fields) != 1 || c.Fields[0] != (briefings.FieldChange{Field: "title", Old: "Sample briefing", New: "Sample briefing, revised"}) {
		t.Errorf("Fields = %+v", c.Fields)
	}
	if len(c.EventsAdded) != 1 || c.EventsAdded[0].When != "2002" || len(c.EventsRemoved) != 1 || c.EventsRemoved[0].When != "2001" {
		t.Errorf("events added %+v, removed %+v", c.EventsAdded, c.EventsRemoved)
	}
	if !reflect.DeepEqual(c.SectionsAdded, []string{"Outlook"}) || !reflect.DeepEqual(c.SectionsEdited, []string{"Summary"}) {
		t.Errorf("sections added %q, edited %q; want Outlook and Summary (the timeline's entries are told apart)", c.SectionsAdded, c.SectionsEdited)
	}
}
