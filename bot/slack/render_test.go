package slack_test

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
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

// positionsBriefing is a valid briefing of the given numbers of parties and issues, whose
// positions are cell(issue, party), both counted from 1.
func positionsBriefing(parties, issues int, cell func(issue, party int) string) string {
	var sb strings.Builder
	sb.WriteString("---\nid: wide\ntitle: Wide\nsource: Test\ndate: 2025-01-02\nparties:\n")
	for p := 1; p <= parties; p++ {
		fmt.Fprintf(&sb, "  - {id: p%d, name: Party %d}\n", p, p)
	}
	sb.WriteString("---\nA summary.\n\n## Positions\n\n| Issue |")
	for p := 1; p <= parties; p++ {
		fmt.Fprintf(&sb, " Party %d |", p)
	}
	sb.WriteString("\n|---|" + strings.Repeat("---|", parties) + "\n")
	for i := 1; i <= issues; i++ {
		fmt.Fprintf(&sb, "| Issue %d |", i)
		for p := 1; p <= parties; p++ {
			fmt.Fprintf(&sb, " %s |", cell(i, p))
		}
		sb.WriteString("\n")
	}
	return sb.String()
}

// TestTableFitsOrFallsBack asks for the positions of briefings around the table block's bounds:
// within them /compare and /position draw a table, past them the sections of before, and the
// text notifications show names the answer either way.
func TestTableFitsOrFallsBack(t *testing.T) {
	short := func(issue, party int) string { return fmt.Sprintf("p%d.%d", issue, party) }
	tests := []struct {
		name               string
		parties, issues    int
		command, text      string
		wantRows, wantCols int // the table's rows, header included, and columns; 0 for sections
	}{
		{"99 issues", 2, 99, "/compare", "", 100, 3},
		{"100 issues", 2, 100, "/compare", "", 0, 0},
		{"101 issues", 2, 101, "/compare", "", 0, 0},
		{"19 parties", 19, 3, "/compare", "", 4, 20},
		{"20 parties", 20, 3, "/compare", "", 0, 0},
		{"21 parties", 21, 3, "/compare", "", 0, 0},
		{"20 parties, one issue", 20, 3, "/position", "issue 2", 2, 20},
		{"21 parties, one issue", 21, 3, "/position", "issue 2", 0, 0},
		{"21 parties, one party", 21, 3, "/position", "issue 2 p21", 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := engineFrom(t, positionsBriefing(tc.parties, tc.issues, short))
			b := newBot(t, e, slack.Config{})
			w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, memberUser, "")))
			m := decode(t, w.Body.Bytes())
			checkLimits(t, tc.name, m)
			noLiveMentions(t, tc.name, w.Body.Bytes())
			table := m.table()
			if tc.wantRows == 0 {
				if table != nil {
					t.Fatalf("%s %s: a table of %d rows, want sections", tc.command, tc.text, len(table))
				}
				if strings.Contains(m.Text, "\n") {
					t.Errorf("%s %s: text %q, want the title alone, as before tables", tc.command, tc.text, m.Text)
				}
				if all := strings.Join(m.strings(), "\n"); !strings.Contains(all, short(2, tc.parties)) {
					t.Errorf("%s %s: the sections lost the positions", tc.command, tc.text)
				}
				return
			}
			if len(table) != tc.wantRows || len(table[0]) != tc.wantCols {
				t.Fatalf("%s %s: a table of %d rows, want %d rows of %d cells", tc.command, tc.text, len(table), tc.wantRows, tc.wantCols)
			}
			lastIssue := 2 // /position's
			if tc.command == "/compare" {
				lastIssue = tc.issues
			}
			last := table[len(table)-1]
			if got, want := last[len(last)-1], short(lastIssue, tc.parties); got != want {
				t.Errorf("%s %s: last cell %q, want %q", tc.command, tc.text, got, want)
			}
			if want := fmt.Sprintf("\nParty %d: %s", tc.parties, short(2, tc.parties)); !strings.Contains(m.Text, want) {
				t.Errorf("%s %s: text %q does not carry the table (%q)", tc.command, tc.text, m.Text, want)
			}
		})
	}
}

// TestTableCellsAreLiteral: a table cell is shown as written, never read as mrkdwn, so briefing
// text that would ping or link in a section goes into it unescaped and stays words; the text
// notifications show, which is mrkdwn, has it escaped.
func TestTableCellsAreLiteral(t *testing.T) {
	pings := []string{"<!channel> & <@U123>", "&lt;https://evil.example&gt; <#C123> &lt;!here&gt; R&D"}
	e := engineFrom(t, positionsBriefing(2, 2, func(_, party int) string { return pings[party-1] }))
	b := newBot(t, e, slack.Config{})
	for _, tc := range []struct{ command, text string }{{"/compare", ""}, {"/position", "issue 2"}} {
		name := tc.command + " " + tc.text
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, memberUser, "")))
		noLiveMentions(t, name, w.Body.Bytes())
		m := decode(t, w.Body.Bytes())
		table := m.table()
		if table == nil {
			t.Fatalf("%s: no table", name)
		}
		last := table[len(table)-1]
		// Markdown decodes the entities the briefing wrote; what it means is what the cell says.
		want := []string{"<!channel> & <@U123>", "<https://evil.example> <#C123> <!here> R&D"}
		if got := last[len(last)-2:]; !slices.Equal(got, want) {
			t.Errorf("%s: cells %q, want %q as written", name, got, want)
		}
		if !strings.Contains(m.Text, "Party 1: &lt;!channel&gt; &amp; &lt;@U123&gt;\nParty 2: &lt;https://evil.example&gt; &lt;#C123&gt; &lt;!here&gt; R&amp;D") {
			t.Errorf("%s: text %q, want the positions escaped", name, m.Text)
		}
	}

	// What a renderer is handed is what a cell shows: an entity stays the characters it is made of.
	m := decode(t, mustJSON(t, bot.Reply{Table: &bot.Table{
		Columns: []string{"<!here>", "&amp;"},
		Rows:    [][]string{{"&lt;@U1&gt;", "<@U1|x>"}},
	}}))
	if got, want := m.table(), [][]string{{"<!here>", "&amp;"}, {"&lt;@U1&gt;", "<@U1|x>"}}; !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("cells %q, want %q", got, want)
	}
}

func mustJSON(tb testing.TB, r bot.Reply) []byte {
	tb.Helper()
	raw, err := slack.ResponseJSON(r)
	if err != nil {
		tb.Fatal(err)
	}
	return raw
}

// socketAckLimit is what Slack takes in a Socket Mode ack's payload; past it, the answer goes to
// response_url (socket.go).
const socketAckLimit = 20_000

// TestTableAnswerSizes: the answers that draw tables stay well within what Slack takes in one
// message, and small enough to travel in the Socket Mode ack itself.
func TestTableAnswerSizes(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	for _, tc := range []struct{ command, text string }{{"/compare", ""}, {"/position", "sovereignty"}} {
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, memberUser, "")))
		body := bytes.TrimSpace(w.Body.Bytes())
		m := decode(t, body)
		checkLimits(t, tc.command, m)
		if m.table() == nil {
			t.Errorf("%s %s: no table", tc.command, tc.text)
		}
		if n := len(body); n >= socketAckLimit {
			t.Errorf("%s %s: %d bytes, too large for a Socket Mode ack", tc.command, tc.text, n)
		}
		t.Logf("%s %s: %d bytes, %d blocks, text of %d characters", tc.command, tc.text, len(body), len(m.Blocks), len([]rune(m.Text)))
	}
}
