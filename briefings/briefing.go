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

	Parties  []Party
	Issues   []Issue
	Sections []Section // in file order; the summary first
	Facts    []Fact
	Events   []Event // oldest first

	sourceLine string
	issues     *Resolver
	parties    *Resolver
	sections   *Resolver
	passages   []passage
	idLine     int
	issueByID  map[string]int
}

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
	When string
	Text string
	year int
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

// A Hit is one passage that matched a search.
type Hit struct {
	Briefing *Briefing
	Section  string // the section's title
	Text     string
}

type passage struct {
	section string
	text    string
	folded  string
}

// Search returns the passages of b that contain every word, in file order.
func (b *Briefing) Search(words []string, limit int) []Hit {
	var hits []Hit
	for _, p := range b.passages {
		if len(hits) == limit {
			break
		}
		if containsAll(p.folded, words) {
			hits = append(hits, Hit{Briefing: b, Section: p.section, Text: p.text})
		}
	}
	return hits
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return len(words) > 0
}

// fold makes text comparable for search: lower case, typographic quotes and dashes made plain.
var folder = strings.NewReplacer("’", "'", "‘", "'", "“", "\"", "”", "\"", "–", "-", "—", "-")

func fold(s string) string { return folder.Replace(strings.ToLower(s)) }
