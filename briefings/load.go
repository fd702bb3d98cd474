package briefings

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"go.yaml.in/yaml/v3"
)

// An Error is one thing wrong with a briefing file, at a line of it.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// ReadFS parses every .md file of fsys, walking its folders in lexical order. A file with any
// error is refused whole; the errors of every file are returned together. prefix is put before
// file names in errors (the folder the files came from).
func ReadFS(fsys fs.FS, prefix string) ([]*Briefing, error) {
	var briefings []*Briefing
	var errs []error
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(name) != ".md" || strings.EqualFold(d.Name(), "README.md") {
			return nil
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		b, err := Parse(path.Join(prefix, name), src)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		briefings = append(briefings, b)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read briefings: %w", err)
	}
	return briefings, errors.Join(errs...)
}

// Load reads every briefing of fsys into a library.
func Load(fsys fs.FS) (*Library, error) {
	bs, err := ReadFS(fsys, "")
	if err != nil {
		return nil, err
	}
	return NewLibrary(bs...)
}

// Limits on what users pick from: chat platforms offer choices of at most 100 characters, and a
// button carries a command naming the briefing.
const (
	MaxID   = 64
	MaxName = 100
)

func tooLong(s string) bool { return utf8.RuneCountInString(s) > MaxName }

var markdown = goldmark.New(goldmark.WithExtensions(extension.Table))

// Parse reads one briefing file: YAML front matter between two "---" lines, then Markdown.
// file names the file in errors.
func Parse(file string, src []byte) (*Briefing, error) {
	p := &parser{file: file}
	b := p.parse(src)
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return b, nil
}

type parser struct {
	file    string
	errs    []error
	aliases []pendingAlias // read with the front matter, applied once the issues are known
}

type pendingAlias struct {
	issue string
	names []string
	line  int
}

func (p *parser) errorf(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

type frontMatter struct {
	ID      string              `yaml:"id"`
	Title   string              `yaml:"title"`
	Source  string              `yaml:"source"`
	Date    string              `yaml:"date"`
	Parties []partyMatter       `yaml:"parties"`
	Aliases map[string][]string `yaml:"aliases"`
}

type partyMatter struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Aliases []string `yaml:"aliases"`
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

func (p *parser) parse(src []byte) *Briefing {
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	lines := bytes.SplitAfter(src, []byte("\n"))
	if len(lines) == 0 || strings.TrimSpace(string(lines[0])) != "---" {
		p.errorf(1, "no front matter: the file must start with a line \"---\", then id, title and parties")
		return nil
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(string(lines[i])) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		p.errorf(1, "front matter is not closed: no second \"---\" line")
		return nil
	}
	matter := bytes.Join(lines[1:end], nil)
	body := bytes.Join(lines[end+1:], nil)
	bodyLine := end + 2 // the file line on which body starts

	b := p.frontMatter(matter)
	if b == nil {
		return nil
	}
	p.body(b, body, bodyLine)
	if len(p.errs) > 0 {
		return nil
	}
	p.index(b)
	return b
}

func (p *parser) frontMatter(matter []byte) *Briefing {
	var fm frontMatter
	dec := yaml.NewDecoder(bytes.NewReader(matter))
	dec.KnownFields(true)
	if err := dec.Decode(&fm); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				p.yamlError(msg)
			}
		} else {
			p.yamlError(strings.TrimPrefix(err.Error(), "yaml: "))
		}
		return nil
	}
	var root yaml.Node
	_ = yaml.Unmarshal(matter, &root) // decoded above already; this is for line numbers
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	at := func(n *yaml.Node) int { return n.Line + 1 } // + the opening "---"

	b := &Briefing{ID: fm.ID, Title: strings.TrimSpace(fm.Title), Source: strings.TrimSpace(fm.Source),
		Date: fm.Date, File: p.file, idLine: 1}
	if n := mapValue(doc, "id"); n != nil {
		b.idLine = at(n)
	}
	switch {
	case fm.ID == "":
		p.errorf(b.idLine, "missing id")
	case Slug(fm.ID) != fm.ID:
		p.errorf(b.idLine, "id %q must be lower case letters, digits and hyphens (%q)", fm.ID, Slug(fm.ID))
	case len(fm.ID) > MaxID:
		p.errorf(b.idLine, "id is %d characters; at most %d, so that buttons can carry it", len(fm.ID), MaxID)
	}
	if b.Title == "" {
		p.errorf(lineOr(mapValue(doc, "title"), at, 1), "missing title")
	}
	if b.Source == "" {
		p.errorf(lineOr(mapValue(doc, "source"), at, 1), "missing source: every answer names where it comes from")
	}
	if fm.Date != "" && !validDate(fm.Date) {
		p.errorf(lineOr(mapValue(doc, "date"), at, 1), "date %q is not YYYY-MM-DD, YYYY-MM or YYYY", fm.Date)
	}
	partyNodes := mapValue(doc, "parties")
	if len(fm.Parties) < 1 {
		p.errorf(lineOr(partyNodes, at, 1), "missing parties: name at least one, in the order of the positions table's columns")
	}
	b.parties = NewResolver()
	for i, pm := range fm.Parties {
		line := lineOr(partyNodes, at, 1)
		if partyNodes != nil && i < len(partyNodes.Content) {
			line = at(partyNodes.Content[i])
		}
		if pm.ID == "" || pm.Name == "" {
			p.errorf(line, "party %d needs an id and a name", i+1)
			continue
		}
		if tooLong(pm.ID) || tooLong(pm.Name) {
			p.errorf(line, "party %d: id and name must be at most %d characters", i+1, MaxName)
			continue
		}
		if err := b.parties.Add(pm.ID, pm.Name, pm.Aliases...); err != nil {
			p.errorf(line, "party %s: %v", pm.ID, err)
			continue
		}
		b.Parties = append(b.Parties, Party(pm))
	}
	b.issueByID = map[string]int{}
	aliasNodes := mapValue(doc, "aliases")
	for key, names := range fm.Aliases {
		line := lineOr(aliasNodes, at, 1)
		if aliasNodes != nil {
			for i := 0; i+1 < len(aliasNodes.Content); i += 2 {
				if aliasNodes.Content[i].Value == key {
					line = at(aliasNodes.Content[i])
				}
			}
		}
		p.aliases = append(p.aliases, pendingAlias{issue: key, names: names, line: line})
	}
	sort.Slice(p.aliases, func(i, j int) bool { return p.aliases[i].line < p.aliases[j].line })
	return b
}

func (p *parser) yamlError(msg string) {
	line := 1
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = n + 1
		msg = strings.Replace(msg, m[0], "", 1)
	}
	p.errorf(line, "front matter: %s", msg)
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func lineOr(n *yaml.Node, at func(*yaml.Node) int, fallback int) int {
	if n == nil {
		return fallback
	}
	return at(n)
}

var datePattern = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)

func validDate(s string) bool { return datePattern.MatchString(s) }

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
		switch cur.Slug {
		case "positions":
			if t, ok := n.(*east.Table); ok {
				p.positions(b, t, body, lineOf)
			}
		case "key-figures", "figures", "facts":
			if l, ok := n.(*ast.List); ok {
				p.facts(b, l, body, lineOf)
			}
		case "timeline":
			if l, ok := n.(*ast.List); ok {
				p.events(b, l, body, lineOf)
			}
		}
		cur.Blocks = append(cur.Blocks, blocks(n, body)...)
	}
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
	sort.SliceStable(b.Events, func(i, j int) bool { return b.Events[i].year < b.Events[j].year })
}

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
		label, rest := labelled(item, src)
		m := factSource.FindStringSubmatchIndex(rest)
		if label == "" || m == nil {
			p.errorf(lineOf(item), "a key figure is written \"- **figure**: what it measures (source: who)\"")
			continue
		}
		b.Facts = append(b.Facts, Fact{Figure: label, Text: rest[:m[0]], Source: rest[m[2]:m[3]]})
	}
}

var yearPattern = regexp.MustCompile(`\b(\d{4})s?\b`)

func (p *parser) events(b *Briefing, l *ast.List, src []byte, lineOf func(ast.Node) int) {
	for item := l.FirstChild(); item != nil; item = item.NextSibling() {
		when, rest := labelled(item, src)
		m := yearPattern.FindStringSubmatch(when)
		if when == "" || m == nil || rest == "" {
			p.errorf(lineOf(item), "a timeline entry is written \"- **when, with a year**: what happened\"")
			continue
		}
		year, _ := strconv.Atoi(m[1])
		b.Events = append(b.Events, Event{When: when, Text: rest, year: year})
	}
}

// labelled splits a list item "**label**: text" into its label and text.
func labelled(item ast.Node, src []byte) (label, rest string) {
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
	return "", inlineText(tb, src, " ")
}

// blocks turns one top-level Markdown node into the plain-text blocks of a section.
func blocks(n ast.Node, src []byte) []Block {
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
			label, rest := labelled(item, src)
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

// index prepares what every answer needs, once: the source line and the passages for search.
func (p *parser) index(b *Briefing) {
	b.sourceLine = b.SourceLine()
	if b.sections == nil {
		b.sections = NewResolver()
	}
	for _, s := range b.Sections {
		_ = b.sections.Add(s.Slug, s.Title) // slugs were checked unique while parsing
		for _, blk := range s.Blocks {
			t := blk.Text
			if blk.Label != "" {
				t = blk.Label + ": " + t
			}
			b.passages = append(b.passages, passage{section: s.Title, text: t, folded: fold(t)})
		}
	}
}
