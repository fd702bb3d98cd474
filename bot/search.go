package bot

import (
	"context"
	"fmt"
	"strings"

	"briefbot/briefings"
)

// Bounds on a search's answer: hitsPerPage keeps a page readable on every platform; maxHits
// bounds the pages, past which more words serve better than more pages.
const (
	hitsPerPage = 8
	maxHits     = 10 * hitsPerPage
)

func (e *Engine) search(_ context.Context, req Request) Reply {
	q := req.Option("words")
	res := e.lib.Query(q, maxHits)
	if len(res.Hits) == 0 {
		r := Reply{Status: NotFound, Private: true, Title: "Nothing matches " + quote(q)}
		text := "Try fewer words, or /help for what is loaded."
		if len(res.Closest) > 0 {
			r.Suggestions = res.Closest
			text = "Words that do occur: " + strings.Join(res.Closest, ", ") + "."
		}
		r.Blocks = []Block{{Kind: Paragraph, Text: text}}
		return r
	}
	multi := len(e.lib.Briefings()) > 1
	r := Reply{Title: "Search: " + clip(q), Blocks: hitBlocks(res.Hits, multi)}
	if more := res.Total - len(res.Hits); more > 0 {
		r.Blocks = append(r.Blocks, Block{Kind: Paragraph,
			Text: fmt.Sprintf("%d more %s: add words to narrow the search.", more, plural(more, "passage matches", "passages match"))})
	}
	if !multi {
		r = sourced(r, res.Hits[0].Briefing)
	}
	return paged(r, req, 0, hitsPerPage)
}

// hitBlocks are search hits as an answer shows them: each an item labelled with its section
// (and its briefing, where several are loaded), the words found marked.
func hitBlocks(hits []briefings.Hit, multi bool) []Block {
	blocks := make([]Block, 0, len(hits))
	for _, h := range hits {
		label := h.Section
		if multi {
			label = h.Briefing.Title + " › " + h.Section
		}
		marks := make([]Span, len(h.Matches))
		for i, m := range h.Matches {
			marks[i] = Span{Start: m.Start, End: m.End}
		}
		// Where else the passage is said goes after it, in its text, so that every renderer
		// shows it with the hit; the marks stay where they were. Another briefing's section
		// is named with its briefing; a few are named, the rest counted.
		text := h.Text
		if h.Elsewhere > 0 {
			const named = 3
			var places []string
			for _, p := range h.AlsoIn[:min(len(h.AlsoIn), named)] {
				if p.Briefing != h.Briefing {
					places = append(places, p.Briefing.Title+" › "+p.Section)
				} else {
					places = append(places, p.Section)
				}
			}
			also := strings.Join(places, ", ")
			if more := h.Elsewhere - len(places); more > 0 {
				also += fmt.Sprintf(" and %d more", more)
			}
			text += " (Also in: " + also + ".)"
		}
		blocks = append(blocks, Block{Kind: Item, Label: label, Text: text, Emphasis: marks})
	}
	return blocks
}
