package importer

import (
	"fmt"
	"strings"
)

// render writes the draft in the briefing format and records in each item the places that hold
// it. It returns the Markdown and, by line, the list entries written, so that an entry the
// loader refuses can be found by the line it names.
func (b *builder) render() ([]byte, map[int]*entry) {
	for i := range b.items {
		b.items[i].Where = nil
	}
	w := &writer{lines: map[int]*entry{}}
	b.writeFrontMatter(w)
	for _, p := range b.summary {
		b.writePart(w, p, "summary")
	}
	if b.quote != nil {
		w.para("> " + escapeLine(b.quote.text))
		if b.quote.speaker != "" {
			w.write("> — " + escapeInline(b.quote.speaker) + "\n")
		}
		b.place(b.quote.item, "summary (the quote)")
	}
	b.writePositions(w)
	for _, s := range b.sections {
		w.para("## " + escapeInline(s.title))
		where := "section " + s.slug
		b.place(s.item, where+" (its heading)")
		for _, p := range s.parts {
			b.writePart(w, p, where)
		}
	}
	b.writeList(w, "Key figures", b.facts, func(e *entry) string {
		return fmt.Sprintf("- **%s**: %s (source: %s)", escapeInline(e.label), escapeInline(b.items[e.item].Text), escapeInline(e.source))
	}, func(e *entry) string { return fmt.Sprintf("key figures (%s)", e.label) })
	b.writeList(w, "Timeline", b.events, func(e *entry) string {
		return fmt.Sprintf("- **%s**: %s", escapeInline(e.label), escapeInline(b.items[e.item].Text))
	}, func(e *entry) string {
		if e.upcoming {
			return fmt.Sprintf("timeline (%s, upcoming)", e.label)
		}
		return fmt.Sprintf("timeline (%s)", e.label)
	})
	return []byte(w.buf.String()), w.lines
}

// writer keeps the line count as the draft is written.
type writer struct {
	buf   strings.Builder
	lines map[int]*entry
	line  int // lines written so far
}

func (w *writer) write(s string) {
	w.buf.WriteString(s)
	w.line += strings.Count(s, "\n")
}

// para writes a block of one or more lines after a blank line.
func (w *writer) para(s string) {
	w.write("\n" + s + "\n")
}

// lineNow is the number of the next line to be written, 1-based.
func (w *writer) lineNow() int { return w.line + 1 }

func (b *builder) place(item int, where string) {
	b.items[item].Where = append(b.items[item].Where, where)
}

func (b *builder) writeFrontMatter(w *writer) {
	var sb strings.Builder
	sb.WriteString("---\n")
	fmt.Fprintf(&sb, "id: %s\ntitle: %s\nsource: %s\n", b.id, yamlString(b.title), yamlString(b.source))
	if b.date != "" {
		fmt.Fprintf(&sb, "date: %s\n", b.date)
	}
	sb.WriteString("parties:\n")
	for _, p := range b.parties {
		fmt.Fprintf(&sb, "  - {id: %s, name: %s}\n", p.ID, yamlString(p.Name))
	}
	sb.WriteString("# Aliases are left to you, the analyst: add the words readers will type, as in\n")
	sb.WriteString("#   - {id: us, name: United States, aliases: [u.s., usa, washington]}\n")
	sb.WriteString("# and for issues, by the slug of their name:\n")
	sb.WriteString("# aliases:\n#   military-troop-deployment: [troops, military]\n")
	sb.WriteString("---\n")
	w.write(sb.String())
	for _, it := range []string{"title", "source"} {
		for i := range b.items {
			if b.items[i].Kind == it {
				b.place(i, "front matter "+it)
			}
		}
	}
}

func (b *builder) writePart(w *writer, p part, where string) {
	switch {
	case p.heading >= 0:
		w.para("### " + escapeInline(b.items[p.heading].Text))
		b.place(p.heading, where+" (a subheading: its name is one the draft gives a section of its own, or too long for one)")
	case p.table != nil:
		width := 0
		for _, r := range p.cells {
			width = max(width, len(r))
		}
		var lines []string
		for r, cells := range p.cells {
			texts := make([]string, width)
			for c, it := range cells {
				texts[c] = b.items[it].Text
				b.place(it, fmt.Sprintf("%s, a table, row %d, column %d", where, r, c+1))
			}
			lines = append(lines, tableRow(texts))
			if r == 0 {
				lines = append(lines, "|"+strings.Repeat("---|", width))
			}
		}
		w.para(strings.Join(lines, "\n"))
	default:
		var texts []string
		for _, it := range p.sents {
			texts = append(texts, b.items[it].Text)
			b.place(it, where)
		}
		w.para(escapeLine(strings.Join(texts, " ")))
	}
}

func (b *builder) writePositions(w *writer) {
	w.para("## Positions")
	if len(b.intro) > 0 {
		var texts []string
		for _, it := range b.intro {
			texts = append(texts, b.items[it].Text)
			b.place(it, "positions (the sentence that frames the table)")
		}
		w.para(escapeLine(strings.Join(texts, " ")))
	}
	if b.caption >= 0 {
		w.para("### " + escapeInline(b.items[b.caption].Text))
		b.place(b.caption, "positions (a subheading: the table's caption)")
	}
	header := []string{b.table.Header[0]}
	b.place(b.header[0], "positions table header, kept in the draft (the bot heads the column \"Issue\")")
	for i, p := range b.parties {
		header = append(header, p.Name)
		b.place(b.header[i+1], fmt.Sprintf("front matter party %s, named %q, whose column it heads", p.ID, p.Name))
	}
	lines := []string{tableRow(header), "|" + strings.Repeat("---|", len(header))}
	var held []string
	for _, r := range b.rows {
		name := b.items[r.cells[0]].Text
		if r.held != "" {
			for c, it := range r.cells {
				if b.items[it].Text == "" {
					b.items[it].LeftOut = fmt.Sprintf("empty in the article (row %q)", name)
					continue
				}
				col := fmt.Sprintf("column %d", c+1)
				if c < len(b.table.Header) && b.table.Header[c] != "" {
					col = b.table.Header[c]
				}
				if c == 0 {
					held = append(held, "- **"+escapeInline(name)+"**")
				} else {
					held = append(held, fmt.Sprintf("- **%s, %s**: %s", escapeInline(name), escapeInline(col), escapeInline(b.items[it].Text)))
				}
				b.place(it, fmt.Sprintf("positions, listed under the table (%s)", r.held))
			}
			continue
		}
		texts := make([]string, len(r.cells))
		for c, it := range r.cells {
			texts[c] = b.items[it].Text
			if c == 0 {
				b.place(it, fmt.Sprintf("positions table, row %q (the issue)", name))
			} else {
				b.place(it, fmt.Sprintf("positions table, row %q, column %s", name, b.parties[c-1].Name))
			}
		}
		lines = append(lines, tableRow(texts))
	}
	w.para(strings.Join(lines, "\n"))
	if len(held) > 0 {
		w.para(strings.Join(held, "\n"))
	}
}

// writeList writes "## title" and one list entry per entry the loader has not refused; a
// refused one's item gets the loader's reason as a note.
func (b *builder) writeList(w *writer, title string, entries []*entry, line func(*entry) string, where func(*entry) string) {
	first := true
	for _, e := range entries {
		if e.refused != "" {
			b.items[e.item].Note = fmt.Sprintf("not in %s: %s", strings.ToLower(title), e.refused)
			continue
		}
		if first {
			w.para("## " + title)
			w.write("\n")
			first = false
		}
		w.lines[w.lineNow()] = e
		w.write(line(e) + "\n")
		b.place(e.item, where(e))
	}
}
