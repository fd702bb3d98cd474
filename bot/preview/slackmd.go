package preview

import (
	"html/template"
	"strings"
)

// Slack's mrkdwn, as its clients show a verbatim text object, turned into HTML for the page. As
// for Discord, every piece of text is escaped as it is written and only fixed tags are added.

// slackBlock renders a mrkdwn text object: quote lines, code blocks and inline markup.
func slackBlock(s string) template.HTML {
	var w markupWriter
	lines := strings.Split(s, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "```"):
			end := -1
			for j := i; j < len(lines); j++ {
				if strings.HasSuffix(lines[j], "```") && (j > i || len(line) > 6) {
					end = j
					break
				}
			}
			if end < 0 {
				w.paragraph(slackInline, line)
				continue
			}
			code := strings.Join(lines[i:end+1], "\n")
			w.close()
			w.raw(`<pre class="code"><code>`)
			w.text(slackEntities.Replace(code[3 : len(code)-3]))
			w.raw("</code></pre>")
			i = end
		case strings.HasPrefix(line, "> ") || line == ">" || strings.HasPrefix(line, "&gt; "):
			// Slack reads a quote marker written either way; the renderer writes a literal one.
			w.open("blockquote")
			rest := strings.TrimPrefix(strings.TrimPrefix(line, "&gt;"), ">")
			w.lineIn(slackInline, strings.TrimPrefix(rest, " "))
		default:
			w.paragraph(slackInline, line)
		}
	}
	return w.html()
}

// slackPlain renders a plain_text object: Slack still reads the three entities in it.
func slackPlain(s string) template.HTML {
	return template.HTML(template.HTMLEscapeString(slackEntities.Replace(s)))
}

// slackEntities are the only entities Slack decodes; "&quot;" and the like stay as typed.
var slackEntities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

var slackSpans = []struct {
	mark      byte
	open, end string
}{
	{'*', "<strong>", "</strong>"},
	{'_', "<em>", "</em>"},
	{'~', "<s>", "</s>"},
}

func slackInline(w *markupWriter, s string) {
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == '&':
			if n := slackEntity(w, s[i:]); n > 0 {
				i += n
				continue
			}
		case c == '<':
			if n := slackToken(w, s[i:]); n > 0 {
				i += n
				continue
			}
		case c == '`':
			if end := strings.IndexByte(s[i+1:], '`'); end > 0 {
				w.raw("<code>")
				w.text(slackEntities.Replace(s[i+1 : i+1+end]))
				w.raw("</code>")
				i += end + 2
				continue
			}
		default:
			if n := slackSpan(w, s, i); n > 0 {
				i += n
				continue
			}
		}
		w.text(s[i : i+1])
		i++
	}
}

// slackSpan renders *bold*, _italic_ or ~strike~ at i. Slack wants the markers at word edges:
// "2*3*4" stays as written.
func slackSpan(w *markupWriter, s string, i int) int {
	for _, sp := range slackSpans {
		if s[i] != sp.mark || (i > 0 && isWord(s[i-1])) || i+1 >= len(s) || s[i+1] == ' ' {
			continue
		}
		end := strings.IndexByte(s[i+1:], sp.mark)
		if end <= 0 {
			return 0
		}
		end += i + 1
		if s[end-1] == ' ' || (end+1 < len(s) && isWord(s[end+1])) {
			return 0
		}
		w.raw(sp.open)
		slackInline(w, s[i+1:end])
		w.raw(sp.end)
		return end + 1 - i
	}
	return 0
}

// slackEntity decodes one of the three entities at the start of s.
func slackEntity(w *markupWriter, s string) int {
	for _, e := range []struct{ name, char string }{{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}} {
		if strings.HasPrefix(s, e.name) {
			w.text(e.char)
			return len(e.name)
		}
	}
	return 0
}

// slackToken renders a "<...>" sequence: a mention, a special mention, or a link. The renderer
// escapes every "<" of text, so one here was meant as markup.
func slackToken(w *markupWriter, s string) int {
	end := strings.IndexByte(s, '>')
	if end < 2 || strings.ContainsAny(s[1:end], "<\n") {
		return 0
	}
	target, label, _ := strings.Cut(s[1:end], "|")
	mention := func(text string) {
		w.raw(`<span class="mention">`)
		w.text(slackEntities.Replace(text))
		w.raw("</span>")
	}
	switch {
	case strings.HasPrefix(target, "@"):
		mention("@" + firstOf(label, "user"))
	case strings.HasPrefix(target, "#"):
		mention("#" + firstOf(label, "channel"))
	case target == "!here" || target == "!channel" || target == "!everyone":
		mention("@" + target[1:])
	case strings.HasPrefix(target, "!subteam^"):
		mention(firstOf(label, "@group"))
	case strings.HasPrefix(target, "!date^"):
		w.text(slackEntities.Replace(label))
	case webURL(target) || strings.HasPrefix(target, "mailto:"):
		if !webURL(target) {
			w.text(slackEntities.Replace(firstOf(label, strings.TrimPrefix(target, "mailto:"))))
			break
		}
		w.link(slackEntities.Replace(target), func() { w.text(slackEntities.Replace(firstOf(label, target))) })
	default:
		return 0
	}
	return end + 1
}

func firstOf(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}
