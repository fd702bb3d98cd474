package preview

import (
	"html/template"
	"slices"
	"strings"
)

// Discord's Markdown, as its clients show it in embeds, turned into HTML for the page. Every piece
// of text is HTML-escaped as it is written and the only markup added is this file's own fixed
// tags, so nothing in a briefing or a typed line can reach the page as HTML.

// discordBlock renders a description or a field value: quotes, lists, headings, code blocks and
// the inline markup within them.
func discordBlock(s string) template.HTML { return blocks(s, discordFence, discordLines) }

// discordFence finds a code block that opens at lines[i]: it runs to the closing fence, and
// without one Discord shows the backticks.
func discordFence(lines []string, i int) (code string, last int, ok bool) {
	if !strings.HasPrefix(lines[i], "```") {
		return "", i, false
	}
	n := slices.IndexFunc(lines[i+1:], func(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "```") })
	if n < 0 {
		return "", i, false
	}
	return strings.Join(lines[i+1:i+1+n], "\n"), i + 1 + n, true
}

// discordLines renders what starts at lines[i] and returns the index of the last line it took.
func discordLines(w *markupWriter, lines []string, i int) int {
	line := lines[i]
	switch {
	case strings.HasPrefix(line, ">>> "):
		w.open("blockquote")
		w.lineIn(discordInline, strings.TrimPrefix(line, ">>> "))
		for _, rest := range lines[i+1:] {
			w.lineIn(discordInline, rest)
		}
		return len(lines) - 1
	case line == ">" || strings.HasPrefix(line, "> "):
		w.open("blockquote")
		w.lineIn(discordInline, strings.TrimPrefix(strings.TrimPrefix(line, ">"), " "))
	case strings.HasPrefix(line, "- ") || strings.HasPrefix(line, "* "):
		w.item(discordInline, line[2:])
	case strings.HasPrefix(line, "-# "):
		w.close()
		w.raw(`<div class="subtext">`)
		discordInline(w, line[3:])
		w.raw("</div>")
	case headingLevel(line) > 0:
		n := headingLevel(line)
		w.close()
		w.raw(`<div class="h` + string(rune('0'+n)) + `">`)
		discordInline(w, line[n+1:])
		w.raw("</div>")
	default:
		w.paragraph(discordInline, line)
	}
	return i
}

// discordLine renders a title or a field name: inline markup only.
func discordLine(s string) template.HTML {
	var w markupWriter
	discordInline(&w, s)
	return w.html()
}

// headingLevel is n for a line "# ", "## " or "### ", else 0.
func headingLevel(line string) int {
	for n := 1; n <= 3; n++ {
		if strings.HasPrefix(line, strings.Repeat("#", n)+" ") {
			return n
		}
	}
	return 0
}

// discordSpans are the paired markers Discord reads inside a line, longest first so that "**" is
// bold rather than two italics.
var discordSpans = []struct{ mark, open, close string }{
	{"**", "<strong>", "</strong>"},
	{"__", "<u>", "</u>"},
	{"~~", "<s>", "</s>"},
	{"||", `<span class="spoiler">`, "</span>"},
	{"*", "<em>", "</em>"},
	{"_", "<em>", "</em>"},
}

func discordInline(w *markupWriter, s string) { inline(w, s, discordMarkup) }

// discordMarkup renders the markup that starts at s[i], if any, and returns the bytes it took.
func discordMarkup(w *markupWriter, s string, i int) int {
	switch c := s[i]; {
	case c == '\\' && i+1 < len(s) && isPunct(s[i+1]):
		w.text(s[i+1 : i+2]) // the escape shows the character itself
		return 2
	case c == '`':
		if n, end := codeSpan(s, i); end > 0 {
			w.code(s[i+n : end])
			return end + n - i
		}
	case c == '<':
		if n := discordMention(w, s[i:]); n > 0 {
			return n
		}
	case c == '[':
		if n := maskedLink(w, s[i:]); n > 0 {
			return n
		}
	}
	if n := bareLink(w, s, i); n > 0 {
		return n
	}
	return discordSpan(w, s, i)
}

// discordSpan renders the marked span starting at i, if one does; it returns the bytes used.
func discordSpan(w *markupWriter, s string, i int) int {
	for _, sp := range discordSpans {
		if !strings.HasPrefix(s[i:], sp.mark) {
			continue
		}
		from := i + len(sp.mark)
		if from >= len(s) || s[from] == ' ' {
			return 0 // "* " is a list marker or a lone star, not emphasis
		}
		if sp.mark == "_" && i > 0 && isWord(s[i-1]) {
			return 0 // snake_case stays as written
		}
		end := closing(s, from, sp.mark)
		if end < 0 || s[end-1] == ' ' || (sp.mark == "_" && end+1 < len(s) && isWord(s[end+1])) {
			return 0
		}
		w.raw(sp.open)
		discordInline(w, s[from:end])
		w.raw(sp.close)
		return end + len(sp.mark) - i
	}
	return 0
}

// closing finds the marker that ends a span begun before from, skipping escapes and code.
func closing(s string, from int, mark string) int {
	for j := from; j < len(s); j++ {
		switch {
		case s[j] == '\\' && j+1 < len(s):
			j++
		case s[j] == '`' && mark != "`":
			if n, end := codeSpan(s, j); end > 0 {
				j = end + n - 1
			}
		case strings.HasPrefix(s[j:], mark) && j > from:
			// A single star next to another one belongs to a bold marker, not to this span.
			if mark == "*" && j+1 < len(s) && s[j+1] == '*' {
				j++
				continue
			}
			return j
		}
	}
	return -1
}

// codeSpan reads a run of n backticks at i and finds the matching run; end is -1 without one.
func codeSpan(s string, i int) (n, end int) {
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	fence := s[i : i+n]
	j := strings.Index(s[i+n:], fence)
	if j <= 0 {
		return n, -1
	}
	return n, i + n + j
}

// discordMention shows <@id>, <@&id>, <#id> and custom emoji as Discord does; what follows
// allowed_mentions decides who is pinged, not how it looks.
func discordMention(w *markupWriter, s string) int {
	end := strings.IndexByte(s, '>')
	if end < 0 {
		return 0
	}
	inner := s[1:end]
	label := ""
	switch {
	case strings.HasPrefix(inner, "@&") && digits(inner[2:]):
		label = "@role"
	case strings.HasPrefix(inner, "@!") && digits(inner[2:]):
		label = "@user"
	case strings.HasPrefix(inner, "@") && digits(inner[1:]):
		label = "@user"
	case strings.HasPrefix(inner, "#") && digits(inner[1:]):
		label = "#channel"
	case strings.HasPrefix(inner, ":") || strings.HasPrefix(inner, "a:"):
		parts := strings.Split(inner, ":")
		if len(parts) != 3 || !digits(parts[2]) {
			return 0
		}
		w.text(":" + parts[1] + ":")
		return end + 1
	default:
		return 0
	}
	w.raw(`<span class="mention">`)
	w.text(label)
	w.raw("</span>")
	return end + 1
}

// maskedLink renders [text](https://...), which Discord allows in embeds.
func maskedLink(w *markupWriter, s string) int {
	mid := strings.Index(s, "](")
	if mid < 1 {
		return 0
	}
	end := strings.IndexByte(s[mid:], ')')
	if end < 0 {
		return 0
	}
	url := s[mid+2 : mid+end]
	if !webURL(url) || strings.ContainsAny(url, " \n") {
		return 0
	}
	w.link(url, func() { discordInline(w, s[1:mid]) })
	return mid + end + 1
}

// bareLink renders a URL written out, which Discord turns into a link.
func bareLink(w *markupWriter, s string, i int) int {
	if !webURL(s[i:]) || (i > 0 && isWord(s[i-1])) {
		return 0
	}
	end := i
	for end < len(s) && !strings.ContainsRune(" \n<>\"'", rune(s[end])) {
		end++
	}
	url := strings.TrimRight(s[i:end], ".,;:!?)")
	if len(url) <= len("https://") {
		return 0
	}
	w.link(url, func() { w.text(url) })
	return len(url)
}

func webURL(s string) bool {
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

func isPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isWord(c)
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
