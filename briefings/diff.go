package briefings

import (
	"slices"
	"strings"
)

// Changes is what moved between two versions of a briefing, in the order of the newer one.
type Changes struct {
	From, To string // the versions compared

	Fields    []FieldChange // the front matter's title, source or date
	Positions []PositionChange
	// IssuesAdded and IssuesRemoved are rows of the positions table, known by their slug: a
	// renamed issue is one removed and one added.
	IssuesAdded, IssuesRemoved   []Issue
	PartiesAdded, PartiesRemoved []Party
	FiguresAdded, FiguresRemoved []Fact
	FiguresChanged               []FactChange
	EventsAdded, EventsRemoved   []Event
	// SectionsEdited are the titles of sections whose text changed, besides what the fields
	// above tell: the rows of the table, the figures and the timeline's entries.
	SectionsAdded, SectionsRemoved, SectionsEdited []string
}

// A FieldChange is one front matter field that changed.
type FieldChange struct {
	Field    string // "title", "source", "date"
	Old, New string
}

// A PositionChange is one party's position on an issue, reworded.
type PositionChange struct {
	Issue    string // the issue's name in the newer version
	Slug     string
	Party    string // the party's name
	PartyID  string
	Old, New string
}

// A FactChange is a key figure that is still there but reads differently: the figure, what it
// measures or its source.
type FactChange struct{ Old, New Fact }

// Empty reports whether nothing moved.
func (c Changes) Empty() bool {
	return len(c.Fields)+len(c.Positions)+len(c.IssuesAdded)+len(c.IssuesRemoved)+
		len(c.PartiesAdded)+len(c.PartiesRemoved)+len(c.FiguresAdded)+len(c.FiguresRemoved)+
		len(c.FiguresChanged)+len(c.EventsAdded)+len(c.EventsRemoved)+
		len(c.SectionsAdded)+len(c.SectionsRemoved)+len(c.SectionsEdited) == 0
}

// Diff tells what moved from old to new, two versions of one briefing.
func Diff(old, new *Briefing) Changes {
	c := Changes{From: old.Version, To: new.Version}
	for _, f := range []FieldChange{{"title", old.Title, new.Title}, {"source", old.Source, new.Source}, {"date", old.Date, new.Date}} {
		if f.Old != f.New {
			c.Fields = append(c.Fields, f)
		}
	}
	diffParties(&c, old, new)
	diffIssues(&c, old, new)
	diffFacts(&c, old.Facts, new.Facts)
	for _, e := range new.Events {
		if !slices.Contains(old.Events, e) {
			c.EventsAdded = append(c.EventsAdded, e)
		}
	}
	for _, e := range old.Events {
		if !slices.Contains(new.Events, e) {
			c.EventsRemoved = append(c.EventsRemoved, e)
		}
	}
	diffSections(&c, old, new)
	return c
}

func diffParties(c *Changes, old, new *Briefing) {
	for _, p := range new.Parties {
		if partyIndex(old, p.ID) < 0 {
			c.PartiesAdded = append(c.PartiesAdded, p)
		}
	}
	for _, p := range old.Parties {
		if partyIndex(new, p.ID) < 0 {
			c.PartiesRemoved = append(c.PartiesRemoved, p)
		}
	}
}

func partyIndex(b *Briefing, id string) int {
	return slices.IndexFunc(b.Parties, func(p Party) bool { return p.ID == id })
}

func issueIndex(b *Briefing, slug string) int {
	return slices.IndexFunc(b.Issues, func(i Issue) bool { return i.Slug == slug })
}

func diffIssues(c *Changes, old, new *Briefing) {
	for _, iss := range new.Issues {
		i := issueIndex(old, iss.Slug)
		if i < 0 {
			c.IssuesAdded = append(c.IssuesAdded, iss)
			continue
		}
		for pi, p := range new.Parties {
			op := partyIndex(old, p.ID)
			if op < 0 {
				continue // a new party: told once, in PartiesAdded
			}
			was, is := old.Issues[i].Positions[op], iss.Positions[pi]
			if was != is {
				c.Positions = append(c.Positions, PositionChange{Issue: iss.Name, Slug: iss.Slug,
					Party: p.Name, PartyID: p.ID, Old: was, New: is})
			}
		}
	}
	for _, iss := range old.Issues {
		if issueIndex(new, iss.Slug) < 0 {
			c.IssuesRemoved = append(c.IssuesRemoved, iss)
		}
	}
}

// diffFacts pairs the figures of two versions: the same figure, then the same measure, then the
// same figure label, then the most alike in words; what stays unpaired was added or removed.
func diffFacts(c *Changes, old, new []Fact) {
	pairedOld := make([]bool, len(old))
	pair := make([]int, len(new))
	for i := range pair {
		pair[i] = -1
	}
	rules := []func(a, b Fact) bool{
		func(a, b Fact) bool { return a == b },
		func(a, b Fact) bool { return claimKey(a.Text) == claimKey(b.Text) },
		func(a, b Fact) bool { return claimKey(a.Figure) == claimKey(b.Figure) },
		func(a, b Fact) bool { return alike(a.Text, b.Text) >= 0.5 },
	}
	for _, same := range rules {
		for ni, nf := range new {
			if pair[ni] >= 0 {
				continue
			}
			for oi, of := range old {
				if !pairedOld[oi] && same(of, nf) {
					pair[ni], pairedOld[oi] = oi, true
					break
				}
			}
		}
	}
	for ni, nf := range new {
		switch oi := pair[ni]; {
		case oi < 0:
			c.FiguresAdded = append(c.FiguresAdded, nf)
		case old[oi] != nf:
			c.FiguresChanged = append(c.FiguresChanged, FactChange{Old: old[oi], New: nf})
		}
	}
	for oi, of := range old {
		if !pairedOld[oi] {
			c.FiguresRemoved = append(c.FiguresRemoved, of)
		}
	}
}

// claimKey compares texts by their words alone.
func claimKey(s string) string {
	var words []string
	scan(s, func(_, _ int, w []byte) { words = append(words, string(w)) })
	return strings.Join(words, " ")
}

// alike is the share of words two texts have in common (Jaccard).
func alike(a, b string) float64 {
	set := map[string]int{}
	scan(a, func(_, _ int, w []byte) { set[string(w)] |= 1 })
	scan(b, func(_, _ int, w []byte) { set[string(w)] |= 2 })
	both := 0
	for _, v := range set {
		if v == 3 {
			both++
		}
	}
	if len(set) == 0 {
		return 0
	}
	return float64(both) / float64(len(set))
}

func diffSections(c *Changes, old, new *Briefing) {
	for _, s := range new.Sections {
		i := slices.IndexFunc(old.Sections, func(o Section) bool { return o.Slug == s.Slug })
		if i < 0 {
			c.SectionsAdded = append(c.SectionsAdded, s.Title)
			continue
		}
		if !slices.Equal(prose(old.Sections[i]), prose(s)) {
			c.SectionsEdited = append(c.SectionsEdited, s.Title)
		}
	}
	for _, s := range old.Sections {
		if !slices.ContainsFunc(new.Sections, func(n Section) bool { return n.Slug == s.Slug }) {
			c.SectionsRemoved = append(c.SectionsRemoved, s.Title)
		}
	}
}

// prose is a section's blocks but those Changes tells apart: the table's rows, the figures, the
// timeline's entries.
func prose(s Section) []Block {
	var out []Block
	for _, b := range s.Blocks {
		switch {
		case b.Kind == Row,
			b.Kind == Item && (s.Slug == "timeline" || s.Slug == "key-figures" || s.Slug == "figures" || s.Slug == "facts"):
			continue
		}
		out = append(out, b)
	}
	return out
}
