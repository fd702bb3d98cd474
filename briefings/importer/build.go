package importer

import (
	"fmt"
	"regexp"
	"strings"

	"briefbot/briefings"
)

// builder places an article's pieces in a draft. Each sentence, cell and heading is an item of
// the report; the draft's parts refer to items, and rendering records in each item the places
// that hold it, so that the report says exactly what the draft has.
type builder struct {
	a      *Article
	name   string
	report Report
	items  []Item
	notes  []string

	summary  []part
	sections []*section
	// The positions table and what surrounds it.
	table    *Table
	caption  int   // the table's caption heading, or -1
	intro    []int // the framing sentences
	header   []int // the items of the header cells
	rows     []row
	parties  []briefings.Party
	facts    []*entry
	events   []*entry
	quote    *quotation
	id       string
	title    string
	source   string
	date     string
	reserved map[string]bool // the slugs sections have taken
}

// A part is one piece of a section: a paragraph of sentences, a subheading, or a table kept as
// the article has it.
type part struct {
	sents   []int
	heading int // a subheading's item, or -1
	table   *Table
	cells   [][]int // a table's items, header first
}

type section struct {
	title string
	slug  string
	item  int
	parts []part
}

// A row is one row of the positions table; held says why it is kept out of the table.
type row struct {
	cells []int
	held  string
}

// An entry is one key figure or timeline date, labelled with words of its sentence.
type entry struct {
	label, source string
	item          int
	refused       string // why the loader refused it, once it has
	upcoming      bool
}

type quotation struct {
	text, speaker string
	item          int
}

func (b *builder) item(kind string, line int, text string) int {
	b.items = append(b.items, Item{Kind: kind, Line: line, Text: text})
	return len(b.items) - 1
}

func (b *builder) note(format string, args ...any) {
	b.notes = append(b.notes, fmt.Sprintf(format, args...))
}

// Slugs the draft's own sections take; an article heading that would take one stays a
// subheading of the section before it.
var ownSlugs = []string{briefings.SummarySlug, "positions", "key-figures", "figures", "facts", "timeline"}

// collect walks the article's blocks: the text before the first heading is the summary, each
// heading starts a section, the first table with an issue column and a party column is the
// positions table, and the paragraph just before it frames it.
func (b *builder) collect() {
	b.caption = -1
	b.reserved = map[string]bool{}
	for _, s := range ownSlugs {
		b.reserved[s] = true
	}
	blocks := b.a.Blocks
	pos := -1
	for i, bl := range blocks {
		if bl.Kind == TableBlock && len(bl.Table.Header) >= 2 && len(bl.Table.Rows) > 0 {
			pos = i
			break
		}
	}
	if b.a.Title != "" {
		b.item("title", 0, b.a.Title)
	}
	var cur *section
	add := func(p part) {
		if cur == nil {
			b.summary = append(b.summary, p)
		} else {
			cur.parts = append(cur.parts, p)
		}
	}
	for i, bl := range blocks {
		switch bl.Kind {
		case Heading:
			it := b.item("heading", bl.Line, bl.Text)
			slug := briefings.Slug(bl.Text)
			switch {
			case i+1 == pos:
				b.caption = it
			case slug == "" || b.reserved[slug] || len([]rune(bl.Text)) > briefings.MaxName:
				add(part{heading: it})
			default:
				b.reserved[slug] = true
				b.sections = append(b.sections, &section{title: bl.Text, slug: slug, item: it})
				cur = b.sections[len(b.sections)-1]
			}
		case Paragraph:
			framing := i+1 == pos || i+2 == pos && blocks[i+1].Kind == Heading
			p := part{heading: -1}
			for _, s := range sentences(bl.Text) {
				it := b.item("sentence", bl.Line, s)
				if framing && !strings.HasSuffix(s, ":") {
					b.intro = append(b.intro, it)
				} else {
					p.sents = append(p.sents, it)
				}
			}
			if len(p.sents) > 0 {
				add(p)
			}
		case TableBlock:
			if i == pos {
				b.positions(bl.Table)
				continue
			}
			add(b.otherTable(bl.Table))
		}
	}
	if len(b.summary) == 0 {
		b.leadFromFirstSection()
	}
}

// leadFromFirstSection makes the summary of an article with no text before its first heading:
// the first paragraph of the article moves there, as a briefing needs one.
func (b *builder) leadFromFirstSection() {
	for _, s := range b.sections {
		for j, p := range s.parts {
			if len(p.sents) > 0 {
				b.summary = append(b.summary, p)
				s.parts = append(s.parts[:j:j], s.parts[j+1:]...)
				b.note("the article has no lead before its first heading: its first paragraph, from %q, is the summary", s.title)
				return
			}
		}
	}
}

// positions reads the positions table: the issue column, one column per party; a row that
// cannot be a row of a briefing's table (a cell empty or missing, a cell too many, an issue
// twice) is kept below it as a list, with the reason in the report.
func (b *builder) positions(t *Table) {
	b.table = t
	width := len(t.Header)
	for _, h := range t.Header {
		b.header = append(b.header, b.item("cell", t.HeaderLine, h))
	}
	seen := map[string]bool{}
	for r, cells := range t.Rows {
		line := 0
		if r < len(t.Lines) {
			line = t.Lines[r]
		}
		var rw row
		for _, c := range cells {
			rw.cells = append(rw.cells, b.item("cell", line, c))
		}
		slug := briefings.Slug(cells[0])
		switch {
		case len(cells) != width:
			rw.held = fmt.Sprintf("the row has %d cells, the header %d", len(cells), width)
		case slug == "":
			rw.held = "the row has no issue name"
		case len([]rune(cells[0])) > briefings.MaxName:
			rw.held = fmt.Sprintf("its issue name is longer than %d characters", briefings.MaxName)
		case seen[slug]:
			rw.held = fmt.Sprintf("an earlier row has the issue %q", cells[0])
		}
		for c := 1; c < len(cells) && c < width && rw.held == ""; c++ {
			if cells[c] == "" {
				rw.held = fmt.Sprintf("its cell for %s is empty", t.Header[c])
			}
		}
		if rw.held == "" {
			seen[slug] = true
		} else {
			b.note("positions table row %q is not in the table: %s; its cells are listed under the table", cells[0], rw.held)
		}
		b.rows = append(b.rows, rw)
	}
}

// otherTable keeps a table that is not the positions table in its section, as written.
func (b *builder) otherTable(t *Table) part {
	p := part{heading: -1, table: t}
	var hdr []int
	for _, h := range t.Header {
		hdr = append(hdr, b.item("cell", t.HeaderLine, h))
	}
	p.cells = append(p.cells, hdr)
	for r, cells := range t.Rows {
		line := 0
		if r < len(t.Lines) {
			line = t.Lines[r]
		}
		var rw []int
		for _, c := range cells {
			rw = append(rw, b.item("cell", line, c))
		}
		p.cells = append(p.cells, rw)
	}
	return p
}

// partyWords end a column header without naming its party: "U.S. Position" is the U.S.
var partyWords = regexp.MustCompile(`(?i)(?:'s)?\s+(?:position|positions|stance|view|views|approach|policy)$`)

// partyName reads a party from a column header and says where its name came from. A short form
// ("U.S.") is spelt out when the article spells it out ("the United States"): the name is then
// the article's own words, which /position shows as the column's title.
func (b *builder) partyName(header string) (name, short string) {
	short = strings.TrimSpace(partyWords.ReplaceAllString(header, ""))
	if short == "" {
		short = header
	}
	letters := strings.ReplaceAll(short, ".", "")
	if len(letters) < 2 || len(letters) > 4 || strings.ToUpper(letters) != letters {
		return short, short
	}
	for _, bl := range b.a.Blocks {
		if bl.Kind != Paragraph {
			continue
		}
		if full := spelledOut(bl.Text, letters); full != "" {
			return full, short
		}
	}
	return short, short
}

var capitalRun = regexp.MustCompile(`(?:[A-Z][a-z]+ )+[A-Z][a-z]+`)

// spelledOut finds in text a run of capitalised words whose initials are letters.
func spelledOut(text, letters string) string {
	for _, run := range capitalRun.FindAllString(text, -1) {
		words := strings.Fields(run)
		for i := 0; i+len(letters) <= len(words); i++ {
			ok := true
			for j := range len(letters) {
				ok = ok && words[i+j][0] == letters[j]
			}
			if ok {
				return strings.Join(words[i:i+len(letters)], " ")
			}
		}
	}
	return ""
}
