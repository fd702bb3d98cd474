package bot

import (
	"time"

	"briefbot/briefings"
)

// Compose builds the digest of a briefing for one day: the summary, the issue of the day with
// every party's position, and the figure of the day. Issue and figure turn over day by day, so a
// channel reads the whole briefing over a working week instead of the same post each morning.
func Compose(b *briefings.Briefing, day time.Time) Reply {
	n := daysSinceEpoch(day)
	r := Reply{Title: "Daily briefing, " + day.Format("Monday 2 January 2006")}
	r.Blocks = append(r.Blocks, convertBlocks(b.Sections[0].Blocks)...)
	if len(b.Issues) > 0 {
		issue := b.Issues[n%len(b.Issues)]
		r.Blocks = append(r.Blocks, Block{Kind: Heading, Text: "Issue of the day: " + issue.Name})
		for i, p := range b.Parties {
			r.Fields = append(r.Fields, Field{Name: p.Name, Value: issue.Positions[i], Inline: true})
		}
	}
	if len(b.Facts) > 0 {
		f := b.Facts[n%len(b.Facts)]
		r.Fields = append(r.Fields, Field{Name: "Figure of the day: " + f.Figure, Value: f.Text + ". Source: " + f.Source + "."})
	}
	r.Actions = []Action{{Label: "Full comparison", Command: "/compare briefing:" + b.ID}}
	return sourced(r, b)
}

func daysSinceEpoch(day time.Time) int {
	y, m, d := day.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
