package briefings

import (
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// body walks the Markdown: the text before the first "##" is the summary; each "##" starts a
// section; "Positions", "Key figures" and "Timeline" are read into their own shapes as well.
func (p *parser) body(b *Briefing, body []byte, firstLine int) {
	doc := markdown.Parser().Parse(text.NewReader(body))
	lineAt := lineIndex(body, firstLine)
	lineOf := func(n ast.Node) int { return lineAt(firstOffset(n)) }

	summary := Section{Slug: SummarySlug, Title: "Summary"}
	cur := &summary
	var sections []Section
	sectionLines := map[string]int{}
	var intro []string
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level <= 2 {
			if h.Level == 1 {
				p.errorf(lineOf(n), "a \"#\" heading: the title belongs in the front matter, sections start with \"##\"")
				continue
			}
			title := inlineText(h, body, " ")
			slug := Slug(title)
			if slug == "" {
				p.errorf(lineOf(n), "a section heading with no words")
				continue
			}
			if tooLong(title) {
				p.errorf(lineOf(n), "section heading is longer than %d characters", MaxName)
				continue
			}
			if prev, dup := sectionLines[slug]; dup || slug == SummarySlug {
				p.errorf(lineOf(n), "duplicate section %q (first at line %d)", title, prev)
				continue
			}
			sectionLines[slug] = lineOf(n)
			sections = append(sections, Section{Slug: slug, Title: title})
			cur = &sections[len(sections)-1]
			continue
		}
		plain := false // list items with a plain "label: text" are read as labelled
		switch cur.Slug {
		case "positions":
			switch n := n.(type) {
			case *east.Table:
				p.positions(b, n, body, lineOf)
			case *ast.Paragraph:
				intro = append(intro, inlineText(n, body, " "))
			}
		case "key-figures", "figures", "facts":
			plain = true
			if l, ok := n.(*ast.List); ok {
				p.facts(b, l, body, lineOf)
			}
		case "timeline":
			plain = true
			if l, ok := n.(*ast.List); ok {
				p.events(b, l, body, lineOf)
			}
		}
		cur.Blocks = append(cur.Blocks, blocks(n, body, plain)...)
	}
	b.PositionsIntro = strings.Join(intro, "\n\n")
	if len(summary.Blocks) == 0 {
		p.errorf(firstLine, "no summary: write a paragraph before the first \"##\" section")
	}
	if _, ok := sectionLines["positions"]; !ok {
		p.errorf(firstLine, "no \"## Positions\" section")
	} else if len(b.Issues) == 0 && len(p.errs) == 0 {
		p.errorf(sectionLines["positions"], "\"## Positions\" has no table of issues")
	}
	b.Sections = append([]Section{summary}, sections...)
	for _, a := range p.aliases {
		idx, ok := b.issueByID[a.issue]
		if b.issues == nil {
			break
		}
		if !ok {
			p.errorf(a.line, "aliases for %q, which is not an issue of the positions table", a.issue)
			continue
		}
		for _, name := range a.names {
			if err := b.issues.addName(a.issue, name); err != nil {
				p.errorf(a.line, "alias %q of %q: %v", name, a.issue, err)
				continue
			}
			b.Issues[idx].Aliases = append(b.Issues[idx].Aliases, name)
		}
	}
	sort.SliceStable(b.Events, func(i, j int) bool { return b.Events[i].SortKey < b.Events[j].SortKey })
}

// blocks turns one top-level Markdown node into the plain-text blocks of a section.
func blocks(n ast.Node, src []byte, plain bool) []Block {
	switch n := n.(type) {
	case *ast.Paragraph:
		return []Block{{Kind: Paragraph, Text: inlineText(n, src, " ")}}
	case *ast.Heading:
		return []Block{{Kind: Subheading, Text: inlineText(n, src, " ")}}
	case *ast.Blockquote:
		var lines []string
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			lines = append(lines, inlineText(c, src, "\n"))
		}
		return []Block{{Kind: Quote, Text: strings.Join(lines, "\n")}}
	case *ast.List:
		var out []Block
		for item := n.FirstChild(); item != nil; item = item.NextSibling() {
			label, rest := labelled(item, src, plain)
			out = append(out, Block{Kind: Item, Label: label, Text: rest})
		}
		return out
	case *east.Table:
		var out []Block
		var header []string
		for row := n.FirstChild(); row != nil; row = row.NextSibling() {
			var cells []string
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, inlineText(c, src, " "))
			}
			if _, ok := row.(*east.TableHeader); ok {
				header = cells
				continue
			}
			var parts []string
			for i := 1; i < len(cells) && i < len(header); i++ {
				parts = append(parts, header[i]+": "+cells[i])
			}
			out = append(out, Block{Kind: Row, Label: cells[0], Text: strings.Join(parts, "; ")})
		}
		return out
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		var sb strings.Builder
		for i := 0; i < n.Lines().Len(); i++ {
			seg := n.Lines().At(i)
			sb.Write(seg.Value(src))
		}
		return []Block{{Kind: Paragraph, Text: strings.TrimRight(sb.String(), "\n")}}
	}
	return nil
}

// inlineText is the plain text of a node's inline content; soft line breaks become sep.
func inlineText(n ast.Node, src []byte, sep string) string {
	var sb strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		writeInline(&sb, c, src, sep)
	}
	return strings.TrimSpace(sb.String())
}

func writeInline(sb *strings.Builder, n ast.Node, src []byte, sep string) {
	switch n := n.(type) {
	case *ast.Text:
		// The Markdown source's escapes and entities (\*, &amp;) become the characters they
		// stand for, as any Markdown renderer shows them.
		sb.Write(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(n.Segment.Value(src)))))
		if n.SoftLineBreak() || n.HardLineBreak() {
			sb.WriteString(sep)
		}
		return
	case *ast.CodeSpan:
		// Code is shown as written: no escapes are read inside it.
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			if t, ok := c.(*ast.Text); ok {
				sb.Write(t.Segment.Value(src))
			}
		}
		return
	case *ast.String:
		sb.Write(n.Value)
		return
	case *ast.AutoLink:
		sb.Write(n.Label(src))
		return
	case *ast.RawHTML:
		return
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		writeInline(sb, c, src, sep)
	}
}

// firstOffset is the byte offset in the body where a node's text starts.
func firstOffset(n ast.Node) int {
	if n.Type() == ast.TypeBlock && n.Lines().Len() > 0 {
		return n.Lines().At(0).Start
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if off := firstOffset(c); off >= 0 {
			return off
		}
	}
	return -1
}

// lineIndex maps a byte offset of body to its line in the file.
func lineIndex(body []byte, firstLine int) func(int) int {
	var starts []int
	starts = append(starts, 0)
	for i, c := range body {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return func(off int) int {
		if off < 0 {
			return firstLine
		}
		return firstLine + sort.SearchInts(starts, off+1) - 1
	}
}
