package slack_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/slack"
)

// hugeBriefing is a valid briefing built to go over every Block Kit limit: a title over 150
// characters, twelve parties, sixty issues, positions over 2000 characters, a summary over 3000,
// a section of seventy paragraphs, a quotation line over 3000, and text that would ping.
func hugeBriefing() string {
	words := func(n int, w string) string {
		var sb strings.Builder
		for sb.Len() < n {
			sb.WriteString(w)
			sb.WriteByte(' ')
		}
		return strings.TrimSpace(sb.String())
	}
	var sb strings.Builder
	sb.WriteString("---\nid: huge\n")
	fmt.Fprintf(&sb, "title: %q\n", "Huge & <!channel> "+words(300, "title"))
	fmt.Fprintf(&sb, "source: %q\n", words(4000, "source"))
	sb.WriteString("date: 2025-01-02\nparties:\n")
	const parties = 12
	for i := 1; i <= parties; i++ {
		fmt.Fprintf(&sb, "  - {id: p%d, name: Party %s}\n", i, strings.Repeat("x", i))
	}
	sb.WriteString("---\n")
	sb.WriteString(words(7000, "summary <@U123> & <!here> text") + "\n\n")

	sb.WriteString("## Positions\n\n| Issue |")
	for i := 1; i <= parties; i++ {
		fmt.Fprintf(&sb, " Party %s |", strings.Repeat("x", i))
	}
	sb.WriteString("\n|---|" + strings.Repeat("---|", parties) + "\n")
	for row := 1; row <= 60; row++ {
		fmt.Fprintf(&sb, "| Topic %s |", strings.Repeat("y", row))
		for i := 1; i <= parties; i++ {
			cell := fmt.Sprintf("position %d of party %d", row, i)
			if row == 1 {
				cell = words(2500, "long & position")
			}
			fmt.Fprintf(&sb, " %s |", cell)
		}
		sb.WriteString("\n")
	}

	sb.WriteString("\n## Long\n\n")
	for i := 0; i < 70; i++ {
		fmt.Fprintf(&sb, "Paragraph %d of a section that has more paragraphs than a message has blocks.\n\n", i)
	}
	sb.WriteString(strings.Repeat("&", 4000) + "\n\n")
	sb.WriteString("> " + words(5000, "quoted") + "\n> — Someone\n\n")
	sb.WriteString("- **" + words(300, "label") + "**: an item with a long label\n\n")

	sb.WriteString("## Key figures\n\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&sb, "- **%d%%**: figure number %d (source: Agency %d)\n", i, i, i)
	}
	sb.WriteString("\n## Timeline\n\n")
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&sb, "- **%d**: event %d happened\n", 1900+i, i)
	}
	return sb.String()
}

var entity = regexp.MustCompile(`&(amp|lt|gt);`)

// TestBlockLimits runs every command over the huge briefing through the handler.
func TestBlockLimits(t *testing.T) {
	e := engineFrom(t, hugeBriefing())
	b := newBot(t, e, slack.Config{})
	tests := []struct {
		command, text string
		shortened     bool // some text cannot fit and must say so
	}{
		{"/position", "topic y", true},
		{"/position", "topic y p1", true},
		{"/position", "topic yy", true}, // the 4000-character source line
		{"/compare", "", true},
		{"/briefing", "", true},
		{"/briefing", "long", true},
		{"/briefing", "positions", true},
		{"/facts", "", true},
		{"/timeline", "", true},
		{"/brief-search", "paragraph", true},
		{"/brief-search", "position", true},
		{"/digest", "preview", true},
		{"/help", "", false},
	}
	for _, tc := range tests {
		name := tc.command + " " + tc.text
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, memberUser, "")))
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d", name, w.Code)
			continue
		}
		m := decode(t, w.Body.Bytes())
		checkLimits(t, name, m)
		noLiveMentions(t, name, w.Body.Bytes())
		all := strings.Join(m.strings(), "\n")
		if got := strings.Contains(all, "… (shortened)"); got != tc.shortened {
			t.Errorf("%s: shortened marker present = %v, want %v", name, got, tc.shortened)
		}
		for _, s := range m.strings() {
			if rest := entity.ReplaceAllString(s, ""); strings.Contains(rest, "&") {
				t.Errorf("%s: a text ends inside an escape: …%q", name, s[max(0, len(s)-20):])
			}
		}
	}
}

// TestLongTextIsSplitNotLost: a paragraph longer than a section is split over several, and every
// word arrives.
func TestLongTextIsSplitNotLost(t *testing.T) {
	e := engineFrom(t, hugeBriefing())
	b := newBot(t, e, slack.Config{})
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/briefing", "summary", memberUser, "")))
	m := decode(t, w.Body.Bytes())
	var parts []string
	for _, bl := range m.Blocks {
		if bl.Type == "section" && !strings.HasPrefix(bl.Text.Text, "Sections:") {
			parts = append(parts, bl.Text.Text)
		}
	}
	if len(parts) < 3 {
		t.Fatalf("a 7000-character paragraph in %d sections, want 3 or more", len(parts))
	}
	got := strings.Join(parts, " ")
	want := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(strings.Join(strings.Fields(e.DefaultBriefing().Sections[0].Blocks[0].Text), " "))
	if got != want {
		t.Errorf("split paragraph does not join back to the original")
	}
}

// TestResponseJSONLimits renders replies no engine command makes today: many fields, buttons,
// blocks and long labels.
func TestResponseJSONLimits(t *testing.T) {
	long := strings.Repeat("word ", 1000)
	many := func(n int, f func(i int) bot.Field) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	var actions []bot.Action
	for i := 0; i < 40; i++ {
		actions = append(actions, bot.Action{Label: strings.Repeat("Press ", 20), Command: fmt.Sprintf("/position topic%d", i)})
	}
	actions = append(actions, bot.Action{Label: "too long", Command: "/search " + strings.Repeat("x", 3000)})
	var blocks []bot.Block
	for i := 0; i < 80; i++ {
		blocks = append(blocks, bot.Block{Kind: bot.BlockKind(i % 4), Label: "L", Text: long})
	}
	tests := []struct {
		name  string
		reply bot.Reply
	}{
		{"empty", bot.Reply{}},
		{"only a title", bot.Reply{Title: strings.Repeat("T", 400)}},
		{"25 inline fields", bot.Reply{Title: "t", Fields: many(25, func(i int) bot.Field {
			return bot.Field{Name: fmt.Sprint("party ", i), Value: long, Inline: true}
		})}},
		{"mixed fields", bot.Reply{Fields: many(30, func(i int) bot.Field {
			return bot.Field{Name: "n", Value: long + long, Inline: i%3 == 0}
		})}},
		{"empty fields", bot.Reply{Fields: many(5, func(int) bot.Field { return bot.Field{Inline: true} })}},
		{"41 actions", bot.Reply{Title: "t", Actions: actions}},
		{"80 long blocks", bot.Reply{Title: "t", Briefing: long, Footer: long, Blocks: blocks, Actions: actions[:3]}},
		{"everything", bot.Reply{Title: long, Briefing: long, Footer: long, Blocks: blocks,
			Fields:  many(40, func(i int) bot.Field { return bot.Field{Name: long, Value: long, Inline: i%2 == 0} }),
			Table:   &bot.Table{Columns: []string{"a", "b"}, Rows: [][]string{{"r", long}, {}, {"", "x", "no column"}}},
			Actions: actions}},
		{"wide table", bot.Reply{Table: &bot.Table{Columns: make([]string, 25), Rows: [][]string{make([]string, 25)}}}},
		{"emoji past the BMP", bot.Reply{Title: strings.Repeat("🗳", 200), Blocks: []bot.Block{{Text: strings.Repeat("🗳", 2000)}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := slack.ResponseJSON(tc.reply)
			if err != nil {
				t.Fatal(err)
			}
			m := decode(t, raw)
			checkLimits(t, tc.name, m)
			for _, bl := range m.Blocks {
				if bl.Type == "header" && len([]rune(bl.Text.Text)) > 150 {
					t.Errorf("header too long")
				}
			}
		})
	}
}
