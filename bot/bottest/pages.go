package bottest

import (
	"context"
	"fmt"
	"strings"

	"briefbot/bot"
)

// TunnelLog is a briefing of n findings, each a passage of its own that a search for
// "tunnels" finds: an answer to /search tunnels longer than one page on every platform.
func TunnelLog(n int) string {
	var sb strings.Builder
	sb.WriteString("---\nid: tunnel-log\ntitle: Tunnel log\nsource: Test desk\ndate: 2025-05\n" +
		"parties:\n  - {id: us, name: United States}\n  - {id: mx, name: Mexico}\n---\n" +
		"A log of what crosses under the border.\n\n## Positions\n| Issue | United States | Mexico |\n|---|---|---|\n" +
		"| Raids | Raid alone | Raid jointly |\n\n## Findings\n")
	// Each finding in words of its own: the index folds a sentence told twice into one hit.
	places := []string{"orchard", "warehouse", "quarry", "riverbank", "chapel", "garage", "bakery", "stable"}
	goods := []string{"copper", "rifles", "cash", "fuel", "cattle", "pills", "tobacco", "phones"}
	for i := range n {
		fmt.Fprintf(&sb, "- **Site %d**: Tunnels below %s %d carried %s %d over %d metres.\n",
			i+1, places[i%len(places)], 100+i, goods[(i/len(places)+i)%len(goods)], 200+i, 40+3*i)
	}
	return sb.String()
}

// LineIn answers a typed line with e, as caller, where a message holds room: the page an
// adapter with that room would get.
func LineIn(e *bot.Engine, line string, caller bot.Caller, room bot.Room) bot.Reply {
	req, _ := e.Parse(line)
	req.Caller, req.Room = caller, room
	return bot.NewCore(e).Handle(context.Background(), req)
}
