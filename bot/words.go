package bot

import (
	"briefbot/briefings"
	"briefbot/internal/textfit"
)

// maxEcho bounds, in characters, how much of what a user typed an answer repeats: enough to
// recognise a query, short enough that a pasted paragraph does not fill a title.
const maxEcho = 60

// plainText counts characters as the terminal and the engine's own bounds do; each adapter fits
// the answer to its platform again when it renders.
var plainText = textfit.Fitter{Measure: textfit.CodePoints}

// clip shortens typed text for repeating it in an answer.
func clip(typed string) string { return plainText.Cut(typed, maxEcho, textfit.Ellipsis) }

func quote(typed string) string { return "“" + clip(typed) + "”" }

func sourced(r Reply, b *briefings.Briefing) Reply {
	r.Briefing = b.Title
	r.Footer = footer(b)
	return r
}

// footer is the source line with the briefing's version, so that two answers from different
// edits of one briefing say so, in the words /changes uses. The date is the source line's own.
func footer(b *briefings.Briefing) string {
	if b.Version == "" {
		return b.SourceLine()
	}
	return b.SourceLine() + " · version " + b.Version
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
