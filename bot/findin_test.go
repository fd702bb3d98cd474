package bot_test

import (
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// TestFindIn answers messages as "Find in briefing" does: the positions on an issue the message
// names first, then the passages its words find; privately, and never shared from a button.
func TestFindIn(t *testing.T) {
	e := bottest.Engine(t)
	core := bottest.Core(t, e)
	tests := []struct {
		name    string
		text    string
		status  bot.Status
		title   string
		inOrder []string // pieces of the answer's text, in this order
		absent  []string
	}{
		{"an issue named in a sentence, and a party", "what does Mexico say about intel sharing?", bot.Answered,
			"In the briefings: “what does Mexico say about intel sharing?”",
			[]string{"Intelligence Sharing", "Mexico: Supports only indirect intelligence exchange", "Passages", "intelligence-sharing through digital channels"},
			[]string{"Advocates joint real-time data access", "Positions: Intelligence Sharing"}},
		{"an issue named exactly, every party", "Sovereignty again, really?", bot.Answered, "In the briefings: “Sovereignty again, really?”",
			[]string{"United States: Views security cooperation as joint necessity", "Mexico: Prioritizes independence", "Passages"}, nil},
		{"words alone find passages", "tunnels and drones in the memo", bot.Answered, "In the briefings: “tunnels and drones in the memo”",
			[]string{"Passages", "tunnel systems"}, []string{"United States:"}},
		{"nothing", "lunch at noon?", bot.NotFound, "Nothing in the briefings matches that message", nil, nil},
		{"no text", "  ", bot.NotFound, "That message has no words to find", nil, nil},
		{"a pasted page", strings.Repeat("Tunnels under the border. ", 2000), bot.Answered,
			"In the briefings: “Tunnels under the border. Tunnels under the border. Tunnels…”", []string{"Border Surveillance", "Passages"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := e.FindRequest(tc.text)
			req.Caller = bot.Caller{Platform: "discord", User: "1"}
			r := core.Handle(t.Context(), req)
			got := bottest.Text(r)
			if r.Status != tc.status || r.Title != tc.title || !r.Private || r.Share != "" {
				t.Fatalf("FindIn(%q) = %v %q private=%v share=%q; want %v %q, private, unshared", clipped(tc.text), r.Status, r.Title, r.Private, r.Share, tc.status, tc.title)
			}
			at := 0
			for _, piece := range tc.inOrder {
				i := strings.Index(got[at:], piece)
				if i < 0 {
					t.Fatalf("FindIn(%q) lacks %q after byte %d:\n%s", clipped(tc.text), piece, at, got)
				}
				at += i + len(piece)
			}
			for _, piece := range tc.absent {
				if strings.Contains(got, piece) {
					t.Errorf("FindIn(%q) holds %q:\n%s", clipped(tc.text), piece, got)
				}
			}
		})
	}
}

func clipped(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
