package preview

import (
	"html/template"
	"strings"
)

// markupWriter builds the HTML of one text: text goes through HTML escaping, markup is only ever
// one of the converters' constant tags, and consecutive lines of a kind share one element (a
// quote's lines one blockquote, a list's items one ul, a paragraph's lines one p).
type markupWriter struct {
	sb    strings.Builder
	el    string // the element lines are being added to: "p", "blockquote", "ul" or ""
	lines int    // lines in it so far
}

func (w *markupWriter) text(s string) { w.sb.WriteString(template.HTMLEscapeString(s)) }

func (w *markupWriter) raw(tag string) { w.sb.WriteString(tag) }

func (w *markupWriter) html() template.HTML {
	w.close()
	return template.HTML(w.sb.String())
}

// blocks renders s a line at a time: a code block where fence finds one that opens at lines[i]
// and closes (its code and its last line), else what block writes of the line, or of the
// construct that starts there (the last line it took).
func blocks(s string, fence func(lines []string, i int) (code string, last int, ok bool),
	block func(w *markupWriter, lines []string, i int) (last int)) template.HTML {
	var w markupWriter
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		if code, last, ok := fence(lines, i); ok {
			w.codeBlock(code)
			i = last
			continue
		}
		i = block(&w, lines, i)
	}
	return w.html()
}

// inline renders a line left to right: at each byte, markup writes what starts there, if
// anything, and returns the bytes it took; a byte it leaves is text.
func inline(w *markupWriter, s string, markup func(w *markupWriter, s string, i int) int) {
	for i := 0; i < len(s); {
		if n := markup(w, s, i); n > 0 {
			i += n
			continue
		}
		w.text(s[i : i+1])
		i++
	}
}

// codeBlock writes a code block: its text as it is, monospaced.
func (w *markupWriter) codeBlock(text string) {
	w.close()
	w.raw(`<pre class="code"><code>`)
	w.text(text)
	w.raw("</code></pre>")
}

// code writes code within a line.
func (w *markupWriter) code(text string) {
	w.raw("<code>")
	w.text(text)
	w.raw("</code>")
}

// open makes el the element that takes the next lines, closing another one.
func (w *markupWriter) open(el string) {
	if w.el == el {
		return
	}
	w.close()
	w.el, w.lines = el, 0
	w.sb.WriteString("<" + el + ">")
}

// close ends the element lines were going to.
func (w *markupWriter) close() {
	if w.el != "" {
		w.sb.WriteString("</" + w.el + ">")
		w.el = ""
	}
}

// lineIn adds a line to the open element, below the one before it.
func (w *markupWriter) lineIn(inline func(*markupWriter, string), line string) {
	if w.lines > 0 {
		w.raw("<br>")
	}
	w.lines++
	inline(w, line)
}

// paragraph adds a line of running text; a blank line ends the paragraph.
func (w *markupWriter) paragraph(inline func(*markupWriter, string), line string) {
	if strings.TrimSpace(line) == "" {
		w.close()
		return
	}
	w.open("p")
	w.lineIn(inline, line)
}

// item adds a list item.
func (w *markupWriter) item(inline func(*markupWriter, string), line string) {
	w.open("ul")
	w.raw("<li>")
	inline(w, line)
	w.raw("</li>")
}

// link writes an anchor to a web address that the caller checked starts with http(s)://.
func (w *markupWriter) link(url string, label func()) {
	w.raw(`<a href="`)
	w.text(url)
	w.raw(`" rel="noopener noreferrer nofollow" target="_blank">`)
	label()
	w.raw("</a>")
}
