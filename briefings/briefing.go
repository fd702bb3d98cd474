// Package briefings holds the domain of briefbot: a briefing with its parties, issues, sections,
// key figures and timeline, the Markdown loader that reads them, and the forgiving resolver that
// turns what a user typed into one of them.
package briefings

import (
	"fmt"
	"strings"
)

// A Briefing is one policy briefing, loaded from one Markdown file.
type Briefing struct {
	ID     string
	Title  string
	Source string // the source line, shown under every answer
	Date   string // as written: 2025-04-01 or 2025-04
	File   string // where it was loaded from, for error messages
	// Version names this exact file content: the first 12 hex digits of its SHA-256, so that a
	// store of versions and /changes can tell edits apart.
	Version string
	// Replaces says that a file on disk means to take the place of the built-in briefing with
	// the same id (front matter "replaces: true").
	Replaces bool

	Parties []Party
	Issues  []Issue
	// PositionsIntro is the text under "## Positions" outside the table, paragraphs separated
	// by a blank line: what frames the comparison. Empty when the section is only the table.
	PositionsIntro string
	Sections       []Section // in file order; the summary first
	Facts          []Fact
	Events         []Event // in time order; see Event.SortKey

	raw        string
	sourceLine string
	issues     *Resolver
	parties    *Resolver
	sections   *Resolver
	idLine     int
	issueByID  map[string]int
}

// Content is the file the briefing was read from, byte for byte, as Version names it.
func (b *Briefing) Content() []byte { return []byte(b.raw) }

// A Party is one side of a briefing, with its own column in the positions table.
type Party struct {
	ID      string
	Name    string
	Aliases []string
}

// An Issue is one row of the positions table: each party's position on it.
type Issue struct {
	Slug      string
	Name      string
	Aliases   []string
	Positions []string // one per party, in the order of Briefing.Parties
}

// A Section is one `##` part of a briefing, addressable by its slug.
type Section struct {
	Slug   string
	Title  string
	Blocks []Block
}

// BlockKind tells a renderer how to show a block.
type BlockKind int

const (
	Paragraph BlockKind = iota
	Item                // one list item; Label holds its bold lead, if any
	Quote               // a quotation; its lines are separated by "\n"
	Subheading
	Row // one row of the positions table, as text
)

// A Block is one paragraph, list item or quotation of a section, as plain text.
type Block struct {
	Kind  BlockKind
	Label string
	Text  string
}

// A Fact is one key figure with the source it comes from.
type Fact struct {
	Figure string
	Text   string
	Source string
}

// An Event is one dated entry of the timeline.
type Event struct {
	// When is the date as the briefing gives it, to be shown as is: "1846–1848", "March",
	// "Later this year". A date the source gives without a year is never given one.
	When      string
	Text      string
	Precision Precision
	// Yearless marks a month or day given without its year ("March"): it is placed by the
	// briefing's date, in the latest such month up to it.
	Yearless bool
	// Upcoming marks what is still to come at the briefing's date: scheduled, planned or
	// expected ("later this year", a date after the briefing's).
	Upcoming bool
	// SortKey orders the timeline across precisions: YYYYMMDD of the start, with 00 for the
	// month or day of a coarser date, so that a year comes before its months. What is due
	// "later this year" sorts after every date of that year.
	SortKey int
}

// SummarySlug addresses the text before the first section.
const SummarySlug = "summary"

// Issue finds an issue by what a user typed: its name, slug, an alias, a prefix or a small typo.
func (b *Briefing) Issue(query string) (Issue, bool) {
	m, ok := b.issues.Resolve(query)
	if !ok {
		return Issue{}, false
	}
	return b.Issues[b.issueByID[m.Key]], true
}

// Party finds a party by its id, name or an alias.
func (b *Briefing) Party(query string) (int, bool) {
	m, ok := b.parties.Resolve(query)
	if !ok {
		return -1, false
	}
	for i, p := range b.Parties {
		if p.ID == m.Key {
			return i, true
		}
	}
	return -1, false
}

// Section finds a section by its title, slug or a forgiving match.
func (b *Briefing) Section(query string) (Section, bool) {
	m, ok := b.sections.Resolve(query)
	if !ok {
		return Section{}, false
	}
	for _, s := range b.Sections {
		if s.Slug == m.Key {
			return s, true
		}
	}
	return Section{}, false
}

// Issues, Parties and Sections expose the resolvers, for suggestions and autocomplete.
func (b *Briefing) IssueResolver() *Resolver   { return b.issues }
func (b *Briefing) PartyResolver() *Resolver   { return b.parties }
func (b *Briefing) SectionResolver() *Resolver { return b.sections }

// DateLabel is the briefing's date as a reader would say it: "April 2025" or "1 April 2025".
func (b *Briefing) DateLabel() string {
	var y, m, d int
	switch n, _ := fmt.Sscanf(b.Date, "%4d-%2d-%2d", &y, &m, &d); n {
	case 3:
		return fmt.Sprintf("%d %s %d", d, monthNames[m-1], y)
	case 2:
		return fmt.Sprintf("%s %d", monthNames[m-1], y)
	case 1:
		return fmt.Sprint(y)
	}
	return b.Date
}

// SourceLine is the attribution shown under answers: "Source: X, April 2025".
func (b *Briefing) SourceLine() string {
	if b.sourceLine != "" {
		return b.sourceLine
	}
	var sb strings.Builder
	sb.WriteString("Source: ")
	sb.WriteString(b.Source)
	if d := b.DateLabel(); d != "" {
		sb.WriteString(", ")
		sb.WriteString(d)
	}
	return sb.String()
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}
