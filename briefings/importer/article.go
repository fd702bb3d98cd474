package importer

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// An Article is what a reader found in a file: its blocks in order, and what it says about
// itself. Texts are normalised (see normalize) and nothing else.
type Article struct {
	Format string // "plain text", "Markdown" or "HTML"
	Title  string // the title as written, or "" when the article has none
	Source string // who published it: the closing source line, or the page's site name
	// SourceFrom says where Source was found, for the report: "line 27", "the page's metadata".
	SourceFrom string
	Date       string // YYYY-MM-DD, YYYY-MM or ""; from a dateline or the page's metadata
	DateFrom   string
	Blocks     []Block
}

// BlockKind is what a block of an article is.
type BlockKind int

const (
	Paragraph BlockKind = iota
	Heading
	TableBlock
)

// A Block is one heading, paragraph or table of an article.
type Block struct {
	Kind  BlockKind
	Text  string // a heading's or paragraph's text
	Table *Table
	Line  int // where it starts in the file, 1-based; 0 for HTML, which has no useful lines
}

// A Table is a table of an article as written: its header row and the rows under it, which may
// be ragged.
type Table struct {
	Header     []string
	Rows       [][]string
	HeaderLine int   // the file line of the header, or 0
	Lines      []int // the file line of each row, or nil
}

// MaxArticleSize is the largest article read, 4 MiB: a news page saved with its scripts and
// styles runs to a few MiB, and a page's parsed tree takes many times its size in memory, so a
// larger file is refused unread.
const MaxArticleSize = 4 << 20

// Problems with the input as a whole, for callers that tell them apart.
var (
	ErrEmpty     = errors.New("is empty")
	ErrBinary    = errors.New("is not text (a binary file?)")
	ErrNoArticle = errors.New("holds no article text")
)

// Read reads an article in the format its name or its first bytes say: HTML (.html, .htm, or
// a page that starts like one), else plain text or Markdown, which one reader takes.
func Read(name string, src []byte) (*Article, error) {
	if err := checkText(src); err != nil {
		return nil, err
	}
	if isHTML(name, src) {
		return ReadHTML(src)
	}
	a, err := ReadText(src)
	if a != nil && hasExt(name, ".md", ".markdown") {
		a.Format = "Markdown"
	}
	return a, err
}

func hasExt(name string, exts ...string) bool {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range exts {
		if ext == e {
			return true
		}
	}
	return false
}

func isHTML(name string, src []byte) bool {
	if hasExt(name, ".html", ".htm", ".xhtml") {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(src[:min(len(src), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) ||
		bytes.HasPrefix(head, []byte("<?xml")) && bytes.Contains(head, []byte("<html"))
}

// checkText refuses what is not an article: nothing, a file over the limit, or bytes that are
// not UTF-8 text.
func checkText(src []byte) error {
	if len(src) > MaxArticleSize {
		return fmt.Errorf("is %d bytes, more than the limit of %d MiB", len(src), MaxArticleSize>>20)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(src, []byte("\xef\xbb\xbf")))) == 0 {
		return ErrEmpty
	}
	if bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return ErrBinary
	}
	return nil
}

// counts says how many sentences, cells and headings an article has, for the report's first line.
func (a *Article) counts() (sents, cells, headings int) {
	for _, b := range a.Blocks {
		switch b.Kind {
		case Paragraph:
			sents += len(sentences(b.Text))
		case Heading:
			headings++
		case TableBlock:
			cells += len(b.Table.Header)
			for _, r := range b.Table.Rows {
				cells += len(r)
			}
		}
	}
	return sents, cells, headings
}
