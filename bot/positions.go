package bot

import (
	"context"
	"strings"

	"briefbot/briefings"
)

func (e *Engine) position(_ context.Context, req Request) Reply {
	var fits func(*briefings.Briefing) bool
	pq := req.Option("party")
	if pq != "" {
		fits = func(b *briefings.Briefing) bool { _, ok := b.Party(pq); return ok }
	}
	issueOption, _ := req.Command.option("issue")
	found, bad := e.topicIn(req, issueOption, fits)
	if bad != nil {
		return *bad
	}
	b := found.Briefing
	issue, _ := b.Issue(found.Key)
	r := Reply{Title: issue.Name, Fields: make([]Field, 0, len(b.Parties))}
	if pq != "" {
		i, ok := b.Party(pq)
		if !ok {
			return notFound("party", pq, b.PartyResolver().Closest(pq, closestNames))
		}
		r.Fields = append(r.Fields, Field{Name: b.Parties[i].Name, Value: issue.Positions[i], Inline: true})
	} else {
		for i, p := range b.Parties {
			r.Fields = append(r.Fields, Field{Name: p.Name, Value: issue.Positions[i], Inline: true})
		}
	}
	r.Actions = []Action{{Label: "Full comparison", Command: "/compare briefing:" + b.ID}}
	return sourced(r, b)
}

func (e *Engine) compare(_ context.Context, req Request) Reply {
	b, bad := e.briefingFor(req)
	if bad != nil {
		return *bad
	}
	return sourced(positions("Positions", b), b)
}

// positions is the whole positions table, under the words that frame it.
func positions(title string, b *briefings.Briefing) Reply {
	r := Reply{Title: title, Table: positionsTable(b)}
	for _, p := range strings.Split(b.PositionsIntro, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			r.Blocks = append(r.Blocks, Block{Kind: Paragraph, Text: p})
		}
	}
	return r
}

func positionsTable(b *briefings.Briefing) *Table {
	t := &Table{Columns: make([]string, 0, len(b.Parties)+1), Rows: make([][]string, 0, len(b.Issues))}
	t.Columns = append(t.Columns, "Issue")
	for _, p := range b.Parties {
		t.Columns = append(t.Columns, p.Name)
	}
	for _, iss := range b.Issues {
		t.Rows = append(t.Rows, append([]string{iss.Name}, iss.Positions...))
	}
	return t
}
