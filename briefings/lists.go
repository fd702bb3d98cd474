package briefings

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

func (p *parser) positions(b *Briefing, t *east.Table, src []byte, lineOf func(ast.Node) int) {
	if b.issues != nil {
		p.errorf(lineOf(t), "a second table in \"## Positions\"")
		return
	}
	b.issues = NewResolver()
	if len(b.Parties) == 0 {
		return // refused already: without parties there are no columns to read
	}
	want := len(b.Parties) + 1
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		line := lineOf(row)
		offset := firstOffset(row)
		if offset < 0 { // not a character in any cell: nothing to place it by
			p.errorf(lineOf(t), "a positions row with every cell empty")
			continue
		}
		if got := rawCells(src, offset); got != want {
			p.errorf(line, "positions row has %d cells, want %d (the issue, then one per party: %s)",
				got, want, partyNames(b.Parties))
			continue
		}
		var cells []string
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, inlineText(c, src, " "))
		}
		if len(cells) != want { // the delimiter row decides the parser's columns
			p.errorf(line, "positions table has %d columns, want %d (the issue, then one per party: %s)",
				len(cells), want, partyNames(b.Parties))
			continue
		}
		if _, header := row.(*east.TableHeader); header {
			for i, party := range b.Parties {
				if m, ok := b.parties.Resolve(cells[i+1]); !ok || m.Key != party.ID {
					p.errorf(line, "column %d is headed %q, but party %d is %s: columns follow the front matter's parties",
						i+2, cells[i+1], i+1, party.Name)
				}
			}
			continue
		}
		name := cells[0]
		slug := Slug(name)
		if slug == "" {
			p.errorf(line, "positions row with no issue name")
			continue
		}
		if tooLong(name) {
			p.errorf(line, "issue name is longer than %d characters", MaxName)
			continue
		}
		if err := b.issues.Add(slug, name); err != nil {
			p.errorf(line, "duplicate issue %q: %v", name, err)
			continue
		}
		issue := Issue{Slug: slug, Name: name, Positions: cells[1:]}
		for i, pos := range issue.Positions {
			if pos == "" {
				p.errorf(line, "issue %q has an empty position for %s", name, b.Parties[i].Name)
			}
		}
		b.issueByID[slug] = len(b.Issues)
		b.Issues = append(b.Issues, issue)
	}
}

func partyNames(ps []Party) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// rawCells counts the cells of the table row on the source line holding offset. The parser pads
// short rows and drops extra cells, as GFM says; a briefing must not lose a position that way.
func rawCells(src []byte, offset int) int {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := bytes.IndexByte(src[offset:], '\n')
	if end < 0 {
		end = len(src) - offset
	}
	line := strings.TrimSpace(string(src[start : offset+end]))
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, `\|`) {
		line = line[:len(line)-1]
	}
	cells, inCode := 1, false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '`':
			inCode = !inCode
		case '|':
			if !inCode {
				cells++
			}
		}
	}
	return cells
}

var factSource = regexp.MustCompile(`\s*\(source:\s*(.+)\)\s*$`)

func (p *parser) facts(b *Briefing, l *ast.List, src []byte, lineOf func(ast.Node) int) {
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		label, rest := labelled(item, src, true)
		m := factSource.FindStringSubmatchIndex(rest)
		if label == "" || m == nil || m[0] == 0 {
			p.errorf(lineOf(item), "a key figure is written \"- figure: what it measures (source: who)\", the figure plain or in bold")
			continue
		}
		b.Facts = append(b.Facts, Fact{Figure: label, Text: rest[:m[0]], Source: rest[m[2]:m[3]]})
	}
}

func (p *parser) events(b *Briefing, l *ast.List, src []byte, lineOf func(ast.Node) int) {
	at := parseAnchor(b.Date)
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		label, rest := labelled(item, src, true)
		if label == "" || rest == "" {
			p.errorf(lineOf(item), "a timeline entry is written \"- when: what happened\", when plain or in bold, being %s", whenForms)
			continue
		}
		w, err := parseWhen(label, at)
		if err != nil {
			p.errorf(lineOf(item), "a timeline entry is written \"- when: what happened\": %v", err)
			continue
		}
		b.Events = append(b.Events, Event{When: label, Text: rest, Precision: w.precision,
			Yearless: w.yearless, Upcoming: w.upcoming, SortKey: w.key})
	}
}

// labelled splits a list item "**label**: text" into its label and text. With plain, a label
// written without bold ("70%: text") counts too, up to the first colon and space.
func labelled(item ast.Node, src []byte, plain bool) (label, rest string) {
	tb := item.FirstChild()
	if tb == nil {
		return "", ""
	}
	first := tb.FirstChild()
	if e, ok := first.(*ast.Emphasis); ok && e.Level == 2 {
		label = inlineText(e, src, " ")
		var sb strings.Builder
		for n := first.NextSibling(); n != nil; n = n.NextSibling() {
			writeInline(&sb, n, src, " ")
		}
		rest = strings.TrimSpace(strings.TrimLeft(sb.String(), ":–— "))
		return label, rest
	}
	text := inlineText(tb, src, " ")
	if plain {
		if l, r, ok := strings.Cut(text, ": "); ok && strings.TrimSpace(l) != "" {
			return strings.TrimSpace(l), strings.TrimSpace(r)
		}
	}
	return "", text
}
