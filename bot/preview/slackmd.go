package preview

import (
	"html/template"
	"slices"
	"strings"

	"briefbot/bot/slack"
)

// Slack's mrkdwn, as its clients show a verbatim text object, turned into HTML for the page. As
// for Discord, every piece of text is escaped as it is written and only fixed tags are added.

// slackBlock renders a mrkdwn text object: quote lines, code blocks and inline markup.
func slackBlock(s string) template.HTML { return blocks(s, slackFence, slackLines) }

// slackFence finds a code block that opens at lines[i]. It closes at the end of a line: a later
// one, or this one when it holds code between two fences ("```code```").
func slackFence(lines []string, i int) (code string, last int, ok bool) {
	line := lines[i]
	if !strings.HasPrefix(line, "```") {
		return "", i, false
	}
	from := i
	if len(line) <= 6 {
		from++
	}
	n := slices.IndexFunc(lines[from:], func(l string) bool { return strings.HasSuffix(l, "```") })
	if n < 0 {
		return "", i, false
	}
	code = strings.Join(lines[i:from+n+1], "\n")
	return slack.Unescape(code[3 : len(code)-3]), from + n, true
}

// slackLines renders what starts at lines[i] and returns the index of the last line it took.
func slackLines(w *markupWriter, lines []string, i int) int {
	line := lines[i]
	switch {
	case strings.HasPrefix(line, "> ") || line == ">" || strings.HasPrefix(line, "&gt; "):
		// Slack reads a quote marker written either way; the renderer writes a literal one.
		w.open("blockquote")
		rest := strings.TrimPrefix(strings.TrimPrefix(line, "&gt;"), ">")
		w.lineIn(slackInline, strings.TrimPrefix(rest, " "))
	default:
		w.paragraph(slackInline, line)
	}
	return i
}

// slackPlain renders a plain_text object: Slack still reads the three entities in it.
func slackPlain(s string) template.HTML {
	return template.HTML(template.HTMLEscapeString(slack.Unescape(s)))
}

var slackSpans = []struct {
	mark      byte
	open, end string
}{
	{'*', "<strong>", "</strong>"},
	{'_', "<em>", "</em>"},
	{'~', "<s>", "</s>"},
}

func slackInline(w *markupWriter, s string) { inline(w, s, slackMarkup) }

// slackMarkup renders the markup that starts at s[i], if any, and returns the bytes it took.
func slackMarkup(w *markupWriter, s string, i int) int {
	switch s[i] {
	case '&':
		return slackEntity(w, s[i:])
	case '<':
		return slackToken(w, s[i:])
	case '`':
		end := strings.IndexByte(s[i+1:], '`')
		if end <= 0 {
			return 0
		}
		w.code(slack.Unescape(s[i+1 : i+1+end]))
		return end + 2
	}
	return slackSpan(w, s, i)
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

// slackEntity decodes the entity at the start of s, if it is one Slack decodes: "&lt;" is a
// character, "&quot;" stays as written.
func slackEntity(w *markupWriter, s string) int {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > len("&amp") {
		return 0
	}
	if c := slack.Unescape(s[:end+1]); len(c) == 1 {
		w.text(c)
		return end + 1
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
		w.text(slack.Unescape(text))
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
		w.text(slack.Unescape(label))
	case webURL(target) || strings.HasPrefix(target, "mailto:"):
		if !webURL(target) {
			w.text(slack.Unescape(firstOf(label, strings.TrimPrefix(target, "mailto:"))))
			break
		}
		w.link(slack.Unescape(target), func() { w.text(slack.Unescape(firstOf(label, target))) })
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
