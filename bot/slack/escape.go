package slack

import (
	"strings"

	"briefbot/internal/textfit"
)

// escape makes text from users and briefings inert: Slack reads only "<...>" sequences as
// mentions and links, and "&" starts the entities it decodes. Invalid UTF-8 becomes U+FFFD here,
// as JSON would write it, so that lengths are counted on the text Slack gets.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func escape(s string) string { return escaper.Replace(strings.ToValidUTF8(s, "\uFFFD")) }

// Unescape reverses Slack's escaping: of what a user typed, so that it is read, and later escaped,
// once; of what escape wrote, for a reader such as the preview.
func Unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s // the usual case; the replacer would copy it twice
	}
	return unescaper.Replace(s)
}

// unescaper decodes the only entities Slack writes and decodes; "&quot;" and the like stay as typed.
var unescaper = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

// slackText measures text as Slack's limits count it (textfit says why in UTF-16 units), and never
// cuts it inside one of the entities escape writes.
var slackText = textfit.Fitter{Measure: textfit.UTF16Units, SafeEnd: outsideEntity}

// outsideEntity is how much of p may be kept without ending inside an entity such as "&amp;".
func outsideEntity(p string) int {
	if amp := strings.LastIndexByte(p, '&'); amp >= 0 && !strings.Contains(p[amp:], ";") {
		return amp
	}
	return len(p)
}

func textLen(s string) int { return slackText.Measure.Len(s) }

// shorten cuts escaped text to max units, marking the cut.
func shorten(s string, max int) string { return slackText.Cut(s, max, textfit.Shortened) }

// split cuts escaped text into parts of at most max units, at a line break or space where it can.
func split(s string, max int) []string { return slackText.Split(s, max) }

// pack joins consecutive texts into as few as possible of at most max units each.
func pack(texts []string, max int) []string {
	var out []string
	for _, t := range texts {
		if n := len(out); n > 0 && textLen(out[n-1])+2+textLen(t) <= max {
			out[n-1] += sepFor(out[n-1], t) + t
			continue
		}
		out = append(out, t)
	}
	return out
}

// sepFor keeps the lines of a quotation together and sets other texts apart.
func sepFor(prev, next string) string {
	if strings.HasPrefix(next, "> ") && strings.Contains(prev, "> ") {
		return "\n"
	}
	return "\n\n"
}
