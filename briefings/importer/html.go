package importer

import (
	"bytes"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// ReadHTML reads a page saved from a news site: readability finds the article among the
// navigation, ads and links around it, and the article's own tree gives its headings,
// paragraphs and tables. The page's metadata gives the title, the publisher and the date.
func ReadHTML(src []byte) (*Article, error) {
	if err := checkText(src); err != nil {
		return nil, err
	}
	doc, err := html.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, ErrNoArticle
	}
	parser := readability.NewParser()
	// Bounds the work on a page: readability gives up on a page with more elements than this.
	parser.MaxElemsToParse = 200_000
	// A page readability would not offer to read (a menu, a list of links) has no article.
	if !parser.CheckDocument(doc) {
		return nil, ErrNoArticle
	}
	art, err := parser.ParseDocument(doc, nil)
	if err != nil || art.Node == nil {
		return nil, ErrNoArticle
	}
	a := &Article{Format: "HTML", Title: normalize(art.Title())}
	if s := normalize(art.SiteName()); s != "" {
		a.Source, a.SourceFrom = s, "the page's metadata (site name)"
	} else if s := normalize(art.Byline()); s != "" {
		a.Source, a.SourceFrom = s, "the page's byline"
	}
	if t, err := art.PublishedTime(); err == nil && t.Year() > 1000 {
		a.Date, a.DateFrom = t.Format("2006-01-02"), "the page's metadata (published time)"
	}
	w := &htmlWalker{a: a}
	w.walk(art.Node)
	w.flush()
	if len(a.Blocks) == 0 {
		return nil, ErrNoArticle
	}
	// The page's title is often repeated as the article's first heading; it is the title once.
	if first := a.Blocks[0]; first.Kind == Heading && first.Text == a.Title {
		a.Blocks = a.Blocks[1:]
	}
	return a, nil
}

// htmlWalker turns the article's tree into blocks: a heading per h1-h6, a paragraph per p, li,
// blockquote or other block with text of its own, a table per table.
type htmlWalker struct {
	a      *Article
	inline strings.Builder // loose text of the block being walked
}

func (w *htmlWalker) flush() {
	if t := normalize(w.inline.String()); t != "" {
		w.a.Blocks = append(w.a.Blocks, Block{Kind: Paragraph, Text: t})
	}
	w.inline.Reset()
}

func (w *htmlWalker) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode:
			w.inline.WriteString(c.Data)
		case c.Type != html.ElementNode:
		case c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Noscript:
		case isHeading(c.DataAtom):
			w.flush()
			if t := normalize(textOf(c)); t != "" {
				w.a.Blocks = append(w.a.Blocks, Block{Kind: Heading, Text: t})
			}
		case c.DataAtom == atom.Table:
			w.flush()
			// A caption stands before its table, as a plain-text article writes it.
			for cap := c.FirstChild; cap != nil; cap = cap.NextSibling {
				if t := normalize(textOf(cap)); cap.DataAtom == atom.Caption && t != "" {
					w.a.Blocks = append(w.a.Blocks, Block{Kind: Heading, Text: t})
				}
			}
			if t := readTable(c); t != nil {
				w.a.Blocks = append(w.a.Blocks, Block{Kind: TableBlock, Table: t})
			}
		case c.DataAtom == atom.Br:
			w.inline.WriteString(" ")
		case isBlock(c.DataAtom):
			w.flush()
			w.walk(c)
			w.flush()
		default:
			w.walk(c)
		}
	}
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol, atom.Blockquote, atom.Section, atom.Article,
		atom.Figure, atom.Figcaption, atom.Pre, atom.Dd, atom.Dt, atom.Dl, atom.Header, atom.Footer,
		atom.Main, atom.Aside, atom.Hr, atom.Caption:
		return true
	}
	return false
}

// textOf is the text of a node and its descendants, scripts and styles aside.
func textOf(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch {
		case n.Type == html.TextNode:
			sb.WriteString(n.Data)
		case n.DataAtom == atom.Script || n.DataAtom == atom.Style:
			return
		case n.DataAtom == atom.Br:
			sb.WriteString(" ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode && (isBlock(n.DataAtom) || n.DataAtom == atom.Td || n.DataAtom == atom.Th) {
			sb.WriteString(" ")
		}
	}
	walk(n)
	return sb.String()
}

// readTable reads a table's rows: the first row is its header (th cells, a thead, or the first
// row as it stands). Nested tables are read as their cells' text.
func readTable(n *html.Node) *Table {
	var rows [][]string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.DataAtom {
			case atom.Tr:
				var cells []string
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.DataAtom == atom.Td || td.DataAtom == atom.Th {
						cells = append(cells, normalize(textOf(td)))
					}
				}
				if len(cells) > 0 {
					rows = append(rows, cells)
				}
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(c)
			}
		}
	}
	walk(n)
	if len(rows) == 0 {
		return nil
	}
	return &Table{Header: rows[0], Rows: rows[1:]}
}
