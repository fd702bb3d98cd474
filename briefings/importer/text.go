package importer

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

var (
	atxHeading   = regexp.MustCompile(`^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$`)
	setextLine   = regexp.MustCompile(`^(=+|-+)\s*$`)
	listItem     = regexp.MustCompile(`^(?:[-*+]|\d{1,3}[.)])\s+(.*)$`)
	delimiterRow = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$`)
	bracketed    = regexp.MustCompile(`^\[([^\[\]]+)\]$`)
	sourceLabel  = regexp.MustCompile(`(?i)^(?:source|sources|via)\s*:\s*(.+)$`)
	// Inline Markdown that is markup, not text: images and links keep their words, emphasis and
	// code lose their marks, a backslash escape keeps the character it escapes.
	mdImage    = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink     = regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`)
	mdStrong   = regexp.MustCompile(`(\*\*|__)(\S(?:.*?\S)?)(\*\*|__)`)
	mdEmphasis = regexp.MustCompile(`(^|[^\w*])\*(\S(?:[^*]*\S)?)\*`)
	mdCode     = regexp.MustCompile("`([^`]+)`")
	mdEscape   = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)
)

// ReadText reads an article in plain text or Markdown: a lead paragraph, heading lines ("#"
// headings, underlined ones, or a short title-case line standing alone), paragraphs (one per
// line, or lines joined up to a blank line when the file wraps its text), pipe tables, and a
// closing source line ("[Publisher / agency]" or "Source: ...").
func ReadText(src []byte) (*Article, error) {
	if err := checkText(src); err != nil {
		return nil, err
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	r := &textReader{a: &Article{Format: "plain text"}, lines: strings.Split(text, "\n")}
	r.wrapped = wrapsParagraphs(r.lines)
	r.read()
	if len(r.a.Blocks) == 0 {
		return nil, ErrNoArticle
	}
	return r.a, nil
}

type textReader struct {
	a        *Article
	lines    []string
	wrapped  bool     // paragraphs run over several lines up to a blank one
	para     []string // the lines of the paragraph being read
	paraLine int
}

// wrapsParagraphs tells a file whose paragraphs are several lines each, ended by a blank line,
// from one that writes each paragraph on a line of its own: most of its lines do not end a
// sentence.
func wrapsParagraphs(lines []string) bool {
	open, total := 0, 0
	for _, l := range lines {
		if l = strings.TrimSpace(l); l == "" || strings.HasPrefix(l, "#") || strings.Contains(l, "|") {
			continue
		}
		total++
		if !strings.ContainsAny(l[len(l)-1:], `.!?:"')]`) {
			open++
		}
	}
	return open*3 > total
}

func (r *textReader) flush() {
	if len(r.para) > 0 {
		if t := normalize(stripInline(strings.Join(r.para, " "))); t != "" {
			r.a.Blocks = append(r.a.Blocks, Block{Kind: Paragraph, Text: t, Line: r.paraLine})
		}
	}
	r.para = r.para[:0]
}

func (r *textReader) add(line int, text string) {
	if len(r.para) == 0 {
		r.paraLine = line
	}
	r.para = append(r.para, text)
	if !r.wrapped {
		r.flush()
	}
}

func (r *textReader) heading(line int, text string) {
	r.flush()
	text = normalize(stripInline(text))
	if text == "" {
		return
	}
	// A heading before anything else names the article.
	if r.a.Title == "" && len(r.a.Blocks) == 0 {
		r.a.Title = text
		return
	}
	r.a.Blocks = append(r.a.Blocks, Block{Kind: Heading, Text: text, Line: line})
}

func (r *textReader) read() {
	last := len(r.lines) - 1
	for last >= 0 && strings.TrimSpace(r.lines[last]) == "" {
		last--
	}
	for i := 0; i <= last; i++ {
		t := strings.TrimSpace(r.lines[i])
		line := i + 1
		next := ""
		if i < last {
			next = strings.TrimSpace(r.lines[i+1])
		}
		switch m := atxHeading.FindStringSubmatch(t); {
		case t == "":
			r.flush()
		case m != nil:
			r.heading(line, m[2])
		case len(r.para) == 1 && r.wrapped && setextLine.MatchString(t):
			head := r.para[0]
			r.para = r.para[:0]
			r.heading(r.paraLine, head)
		case isTableRow(t) && (isTableRow(next) || delimiterRow.MatchString(next)):
			r.flush()
			i = r.table(i, last)
		case i == last && r.source(line, t):
		case sourceLabel.MatchString(t) && r.source(line, t):
		case r.dateline(line, t):
		case listItem.MatchString(t):
			r.flush()
			r.add(line, listItem.FindStringSubmatch(t)[1])
			r.flush()
		case strings.HasPrefix(t, ">"):
			r.add(line, strings.TrimSpace(strings.TrimLeft(t, ">")))
		case (!r.wrapped || len(r.para) == 0 && next == "") && looksLikeHeading(t):
			r.heading(line, t)
		default:
			r.add(line, t)
		}
	}
	r.flush()
}

// source takes a line naming who published the article: "[USnewsSphere.com / apn]" as the
// article's last line, or "Source: ..." anywhere.
func (r *textReader) source(line int, t string) bool {
	m := bracketed.FindStringSubmatch(t)
	if m == nil {
		m = sourceLabel.FindStringSubmatch(t)
	}
	if m == nil || r.a.Source != "" {
		return false
	}
	r.flush()
	r.a.Source = normalize(stripInline(m[1]))
	r.a.SourceFrom = fmt.Sprintf("line %d", line)
	return true
}

// dateline takes a line that is only a date, or "Published ..." with one, near the top.
func (r *textReader) dateline(line int, t string) bool {
	if r.a.Date != "" || len(r.a.Blocks) > 2 {
		return false
	}
	d := strings.TrimSpace(datelineWords.ReplaceAllString(normalize(stripInline(t)), ""))
	iso, ok := isoDate(d)
	if !ok {
		return false
	}
	r.flush()
	r.a.Date, r.a.DateFrom = iso, fmt.Sprintf("the dateline, line %d", line)
	return true
}

var datelineWords = regexp.MustCompile(`(?i)^(?:published|updated|posted|date)\s*(?:on)?\s*:?\s*`)

// table reads the pipe table starting at line i; it returns the index of its last line.
func (r *textReader) table(i, last int) int {
	t := &Table{}
	for ; i <= last; i++ {
		l := strings.TrimSpace(r.lines[i])
		if delimiterRow.MatchString(l) {
			continue
		}
		if !isTableRow(l) {
			break
		}
		cells := splitCells(l)
		if t.Header == nil {
			t.Header, t.HeaderLine = cells, i+1
			continue
		}
		t.Rows = append(t.Rows, cells)
		t.Lines = append(t.Lines, i+1)
	}
	r.a.Blocks = append(r.a.Blocks, Block{Kind: TableBlock, Table: t, Line: i})
	return i - 1
}

func isTableRow(l string) bool {
	return strings.Count(l, "|")-strings.Count(l, `\|`) >= 1 && len(splitCells(l)) >= 2
}

// splitCells splits a pipe-table row at its unescaped pipes, dropping the outer ones.
func splitCells(l string) []string {
	l = strings.TrimSpace(l)
	l = strings.TrimPrefix(l, "|")
	if strings.HasSuffix(l, "|") && !strings.HasSuffix(l, `\|`) {
		l = l[:len(l)-1]
	}
	var cells []string
	var cell strings.Builder
	for i := 0; i < len(l); i++ {
		switch {
		case l[i] == '\\' && i+1 < len(l) && l[i+1] == '|':
			cell.WriteByte('|')
			i++
		case l[i] == '|':
			cells = append(cells, normalize(stripInline(cell.String())))
			cell.Reset()
		default:
			cell.WriteByte(l[i])
		}
	}
	return append(cells, normalize(stripInline(cell.String())))
}

// Small words that title case leaves in lower case.
var smallWords = map[string]bool{"a": true, "an": true, "the": true, "and": true, "or": true,
	"but": true, "of": true, "to": true, "in": true, "on": true, "at": true, "for": true, "by": true,
	"with": true, "into": true, "from": true, "vs": true, "as": true, "is": true, "not": true}

// looksLikeHeading tells a heading line of a plain-text article from a paragraph: a few words,
// not ended like a sentence (a question may be a heading), most of them capitalised.
func looksLikeHeading(t string) bool {
	words := strings.Fields(t)
	if len(words) == 0 || len(words) > 16 || len(t) > 150 {
		return false
	}
	if strings.ContainsAny(t[len(t)-1:], `.,;:"')`) || len(sentences(normalize(t))) > 1 {
		return false
	}
	upper, counted := 0, 0
	for _, w := range words {
		w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		if w == "" || smallWords[strings.ToLower(w)] {
			continue
		}
		counted++
		if r := []rune(w)[0]; unicode.IsUpper(r) || unicode.IsDigit(r) {
			upper++
		}
	}
	return counted > 0 && upper*10 >= counted*7
}

// stripInline drops inline Markdown markup, keeping the words it marks.
func stripInline(s string) string {
	if !strings.ContainsAny(s, "*_`[]\\!") {
		return s
	}
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = mdCode.ReplaceAllString(s, "$1")
	s = mdStrong.ReplaceAllString(s, "$2")
	s = mdEmphasis.ReplaceAllString(s, "$1$2")
	return mdEscape.ReplaceAllString(s, "$1")
}
