package bot

import (
	"context"
	"strings"

	"briefbot/briefings"
)

func (e *Engine) briefing(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	q := req.Option("section")
	if q == "" {
		r := Reply{Title: b.Title, Blocks: convertBlocks(b.Sections[0].Blocks)}
		var slugs []string
		for _, s := range b.Sections[1:] {
			slugs = append(slugs, s.Slug)
		}
		r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: "Sections: " + strings.Join(slugs, ", ") + "."})
		return sourced(r, b)
	}
	sectionOption, _ := req.Command.option("section")
	found, bad := e.topicIn(req, sectionOption, nil)
	if bad != nil {
		return *bad
	}
	b = found.Briefing
	s, _ := b.Section(found.Key)
	switch s.Slug {
	case "positions":
		return sourced(positions(s.Title, b), b)
	case "timeline":
		return e.timelineOf(b, req)
	}
	return sourced(Reply{Title: s.Title, Blocks: convertBlocks(s.Blocks)}, b)
}

func convertBlocks(in []briefings.Block) []Block {
	out := make([]Block, 0, len(in))
	for _, b := range in {
		switch b.Kind {
		case briefings.Item, briefings.Row:
			out = append(out, Block{Kind: Item, Label: b.Label, Text: b.Text})
		case briefings.Quote:
			out = append(out, Block{Kind: Quote, Text: b.Text})
		case briefings.Subheading:
			out = append(out, Block{Kind: Heading, Text: b.Text})
		default:
			out = append(out, Block{Kind: Paragraph, Text: b.Text})
		}
	}
	return out
}

func (e *Engine) facts(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	r := Reply{Title: "Key figures"}
	for _, f := range b.Facts {
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: f.Figure, Text: f.Text + ". Source: " + f.Source + "."})
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "This briefing lists no key figures."}}
	}
	return paged(sourced(r, b), req.about(b), 0, 0)
}

func (e *Engine) timeline(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	return e.timelineOf(b, req)
}

// timelineOf is b's timeline, paged as req asks: a /timeline request, or another command's
// (/briefing timeline), whose pages turn as /timeline's.
func (e *Engine) timelineOf(b *briefings.Briefing, req Request) Reply {
	if !req.Command.Paged {
		cmd, _ := e.Command("timeline")
		room := req.Room
		req = e.request(cmd, map[string]string{})
		req.Room = room
	}
	r := Reply{Title: "Timeline"}
	for _, ev := range b.Events {
		label := ev.When
		if ev.Upcoming {
			label += " (upcoming)"
		}
		r.Blocks = append(r.Blocks, Block{Kind: Item, Label: label, Text: ev.Text})
	}
	if len(r.Blocks) == 0 {
		r.Blocks = []Block{{Kind: Paragraph, Text: "This briefing has no timeline."}}
	}
	return paged(sourced(r, b), req.about(b), 0, 0)
}
