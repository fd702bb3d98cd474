package slack_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/slack"
)

// Block Kit's limits, from Slack's reference rather than from the renderer, so that a wrong
// constant there fails here. fallbackText and actionBlocks are briefbot's own bounds.
const (
	limitBlocks       = 50
	limitSectionText  = 3000
	limitFields       = 10
	limitFieldText    = 2000
	limitHeaderText   = 150
	limitContextText  = 3000
	limitButtons      = 5
	limitButtonText   = 75
	limitButtonValue  = 2000
	limitActionBlocks = 5
	limitFallbackText = 3000

	// The table block's: rows counting the header row, cells in a row, characters across all
	// cells. Slack gives no bound for one cell; briefbot keeps a field's.
	limitTableRows = 100
	limitTableRow  = 20
	limitTableText = 10_000
	limitCellText  = 2000
)

const shortenedMark = "… (shortened)"

// alphabets are the kinds of text every limit is tried with: unbroken ASCII, words, accents and
// CJK (several UTF-8 bytes, one unit), emoji (a surrogate pair, two units) and all of them mixed.
var alphabets = []struct{ name, runes string }{
	{"ascii", "x"},
	{"words", "lorem ipsum "},
	{"accents", "é"},
	{"cjk", "語"},
	{"emoji", "🛂"},
	{"mixed", "é語🛂x"},
}

// textOf is n UTF-16 units of text made of runes, repeated; where the next rune does not fit,
// an "x" fills the last unit. It neither starts nor ends with a space, which renderers trim.
func textOf(runes string, n int) string {
	rs := []rune(runes)
	var sb strings.Builder
	for i, used := 0, 0; used < n; i++ {
		r := rs[i%len(rs)]
		if used+utf16.RuneLen(r) > n || r == ' ' && (used == 0 || used == n-1) {
			r = 'x'
		}
		sb.WriteRune(r)
		used += utf16.RuneLen(r)
	}
	return sb.String()
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// lengths are the lengths each limit is tried at: one under, exactly, one over, and far over.
func lengths(limit int) []int { return []int{limit - 1, limit, limit + 1, 2 * limit} }

// kitMessage is what Block Kit's limits apply to in a message.
type kitMessage struct {
	Text   string `json:"text"`
	Blocks []struct {
		Type string `json:"type"`
		Text *struct {
			Text string `json:"text"`
		} `json:"text"`
		Fields []struct {
			Text string `json:"text"`
		} `json:"fields"`
		Elements []struct {
			Text  json.RawMessage `json:"text"` // a string in a context, a text object in a button
			Value string          `json:"value"`
		} `json:"elements"`
		Rows [][]tableCell `json:"rows"`
	} `json:"blocks"`
}

// elementText is the text of a context element or a button.
func elementText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var obj struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &obj)
	return obj.Text
}

// renderKit renders r through the public surface and fails for anything over a limit, counted
// in UTF-16 units as textfit explains.
func renderKit(t *testing.T, r bot.Reply) kitMessage {
	t.Helper()
	raw, err := slack.ResponseJSON(r)
	if err != nil {
		t.Fatalf("ResponseJSON: %v", err)
	}
	var m kitMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	within := func(what, s string, limit int) {
		t.Helper()
		if n := units(s); n < 1 || n > limit {
			t.Errorf("%s is %d UTF-16 units long; Slack takes 1 to %d", what, n, limit)
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
			t.Errorf("%s has a broken character: %q", what, s)
		}
		if rest := entity.ReplaceAllString(s, ""); strings.Contains(rest, "&") {
			t.Errorf("%s ends inside an escape: %q", what, s[max(0, len(s)-20):])
		}
	}
	within("fallback text", m.Text, limitFallbackText)
	if n := len(m.Blocks); n > limitBlocks {
		t.Errorf("%d blocks; Slack takes %d", n, limitBlocks)
	}
	actions, tables := 0, 0
	for i, b := range m.Blocks {
		what := fmt.Sprintf("block %d (%s)", i, b.Type)
		switch b.Type {
		case "table":
			tables++
			if n := len(b.Rows); n < 2 || n > limitTableRows {
				t.Errorf("%s has %d rows; Slack takes %d, and one is the header", what, n, limitTableRows)
			}
			total := 0
			for _, row := range b.Rows {
				if n := len(row); n < 1 || n > limitTableRow || n != len(b.Rows[0]) {
					t.Errorf("%s has a row of %d cells, its header %d; Slack takes %d", what, n, len(b.Rows[0]), limitTableRow)
				}
				for _, c := range row {
					text, ok := c.content()
					if !ok {
						t.Errorf("%s has a cell that is not literal text: %+v", what, c)
					}
					if n := units(text); n < 1 || n > limitCellText {
						t.Errorf("%s has a cell of %d units; briefbot sends 1 to %d", what, n, limitCellText)
					}
					total += units(text)
				}
			}
			if total > limitTableText {
				t.Errorf("%s holds %d units in its cells; Slack takes %d", what, total, limitTableText)
			}
		case "header":
			within(what, b.Text.Text, limitHeaderText)
		case "section":
			if b.Text != nil {
				within(what, b.Text.Text, limitSectionText)
			}
			if n := len(b.Fields); n > limitFields {
				t.Errorf("%s has %d fields; Slack takes %d", what, n, limitFields)
			}
			for _, f := range b.Fields {
				within(what+" field", f.Text, limitFieldText)
			}
		case "context":
			for _, e := range b.Elements {
				within(what, elementText(e.Text), limitContextText)
			}
		case "actions":
			actions++
			if n := len(b.Elements); n > limitButtons {
				t.Errorf("%s has %d buttons; Slack takes %d", what, n, limitButtons)
			}
			for _, e := range b.Elements {
				within(what+" button", elementText(e.Text), limitButtonText)
				within(what+" value", e.Value, limitButtonValue)
			}
		}
	}
	if actions > limitActionBlocks {
		t.Errorf("%d actions blocks; briefbot sends at most %d", actions, limitActionBlocks)
	}
	if tables > 1 {
		t.Errorf("%d table blocks; Slack takes one a message", tables)
	}
	return m
}

// checkFitted fails unless got is text unchanged when text is within limit, and otherwise a
// prefix of text ending with the marker, within the limit and not much shorter.
func checkFitted(t *testing.T, text, got string, limit int) {
	t.Helper()
	if units(text) <= limit {
		if got != text {
			t.Errorf("text of %d units within the limit of %d came out changed, %d units: %q", units(text), limit, units(got), got)
		}
		return
	}
	if !strings.HasSuffix(got, shortenedMark) || !strings.HasPrefix(text, strings.TrimSuffix(got, shortenedMark)) {
		t.Errorf("text of %d units came out as %q, not a prefix of it and the marker", units(text), got)
	}
	if n := units(got); n > limit || n < limit/2 {
		t.Errorf("text of %d units came out %d units long; want at most %d, and not much less", units(text), n, limit)
	}
}

func TestBlockTextLimits(t *testing.T) {
	first := func(m kitMessage) string { return m.Blocks[0].Text.Text }
	tests := []struct {
		name  string
		limit int
		reply func(text string) bot.Reply
		got   func(m kitMessage) string
	}{
		{"header", limitHeaderText, func(s string) bot.Reply { return bot.Reply{Title: s} }, first},
		{"fallback text", limitFallbackText, func(s string) bot.Reply { return bot.Reply{Title: s} },
			func(m kitMessage) string { return m.Text }},
		{"field", limitFieldText, func(s string) bot.Reply { return bot.Reply{Fields: []bot.Field{{Value: s, Inline: true}}} },
			func(m kitMessage) string { return m.Blocks[0].Fields[0].Text }},
		{"context", limitContextText, func(s string) bot.Reply { return bot.Reply{Footer: s} },
			func(m kitMessage) string { return elementText(m.Blocks[0].Elements[0].Text) }},
		{"button", limitButtonText, func(s string) bot.Reply { return bot.Reply{Actions: []bot.Action{{Label: s, Command: "/help"}}} },
			func(m kitMessage) string { return elementText(m.Blocks[0].Elements[0].Text) }},
	}
	for _, tc := range tests {
		for _, a := range alphabets {
			for _, n := range lengths(tc.limit) {
				t.Run(fmt.Sprintf("%s/%s/%d", tc.name, a.name, n), func(t *testing.T) {
					text := textOf(a.runes, n)
					checkFitted(t, text, tc.got(renderKit(t, tc.reply(text))), tc.limit)
				})
			}
		}
	}
}

// TestSectionTextLimit: text past 3000 units goes on in another section, whole.
func TestSectionTextLimit(t *testing.T) {
	for _, a := range alphabets {
		for _, n := range lengths(limitSectionText) {
			t.Run(fmt.Sprintf("%s/%d", a.name, n), func(t *testing.T) {
				text := textOf(a.runes, n)
				m := renderKit(t, bot.Reply{Blocks: []bot.Block{{Text: text}}})
				var parts []string
				for _, b := range m.Blocks {
					parts = append(parts, b.Text.Text)
				}
				if n <= limitSectionText && (len(parts) != 1 || parts[0] != text) {
					t.Errorf("text of %d units came out in %d sections; want it whole in one", n, len(parts))
				}
				if n > limitSectionText && len(parts) < 2 {
					t.Errorf("text of %d units came out in one section; want it split", n)
				}
				if got := strings.Join(parts, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
					t.Errorf("text of %d units lost some when split", n)
				}
			})
		}
	}
}

// TestEscapedTextLimits: "&", "<" and ">" grow five or four times when escaped; the limits
// count what Slack gets, and no cut ends inside an entity (renderKit checks both).
func TestEscapedTextLimits(t *testing.T) {
	for _, n := range []int{100, 1000, 2999, 3000, 3001, 7000} {
		text := textOf("a&<>", n)
		renderKit(t, bot.Reply{Title: text, Briefing: "B" + text, Footer: text, Blocks: []bot.Block{{Text: text}},
			Fields: []bot.Field{{Name: text, Value: text, Inline: true}}, Actions: []bot.Action{{Label: text, Command: "/help"}}})
	}
}

func TestBlockCountLimits(t *testing.T) {
	fields := func(n int, inline bool) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Name: fmt.Sprint("f", i), Value: "v", Inline: inline}
		}
		return out
	}
	actions := func(n int) []bot.Action {
		out := make([]bot.Action, n)
		for i := range out {
			out[i] = bot.Action{Label: fmt.Sprint("a", i), Command: fmt.Sprint("/position a", i)}
		}
		return out
	}
	shape := func(m kitMessage) string {
		var s []string
		for _, b := range m.Blocks {
			switch {
			case b.Type == "section" && b.Text != nil && b.Text.Text == shortenedMark:
				s = append(s, "shortened")
			case len(b.Fields) > 0:
				s = append(s, fmt.Sprint(len(b.Fields), " fields"))
			case len(b.Elements) > 0:
				s = append(s, fmt.Sprint(b.Type, " ", len(b.Elements)))
			default:
				s = append(s, b.Type)
			}
		}
		return strings.Join(squeeze(s), ", ")
	}
	tests := []struct {
		name  string
		reply bot.Reply
		want  string
	}{
		{"10 inline fields and one not", bot.Reply{Fields: append(fields(limitFields, true), fields(1, false)...)}, "10 fields, section"},
		{"11 inline fields and one not", bot.Reply{Fields: append(fields(limitFields+1, true), fields(1, false)...)}, "10 fields, 1 fields, section"},
		{"20 inline fields", bot.Reply{Fields: fields(limitTableRow, true)}, "table"},
		{"21 inline fields", bot.Reply{Fields: fields(limitTableRow+1, true)}, "2 × 10 fields, 1 fields"},
		{"a table and inline fields", bot.Reply{Fields: fields(2, true), Table: grid(limitTableRows-1, limitTableRow, "c")}, "2 fields, table"},
		{"50 sections", bot.Reply{Fields: fields(limitBlocks, false)}, "50 × section"},
		{"51 sections", bot.Reply{Fields: fields(limitBlocks+1, false)}, "49 × section, shortened"},
		{"a header and 50 sections", bot.Reply{Title: "T", Fields: fields(limitBlocks, false)}, "header, 48 × section, shortened"},
		{"5 buttons", bot.Reply{Actions: actions(limitButtons)}, "actions 5"},
		{"6 buttons", bot.Reply{Actions: actions(limitButtons + 1)}, "actions 5, actions 1"},
		{"30 buttons", bot.Reply{Actions: actions(30)}, "5 × actions 5"},
		{"51 sections and buttons", bot.Reply{Fields: fields(limitBlocks+1, false), Actions: actions(7)},
			"47 × section, shortened, actions 5, actions 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := shape(renderKit(t, tc.reply)); got != tc.want {
				t.Errorf("blocks: %s; want %s", got, tc.want)
			}
		})
	}
}

// squeeze writes runs of one thing as "n × thing".
func squeeze(s []string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > 1 {
			out = append(out, fmt.Sprint(j-i, " × ", s[i]))
		} else {
			out = append(out, s[i])
		}
		i = j
	}
	return out
}

// TestButtonValueLimit: a command line that does not fit a button's value is left out, not cut:
// a cut one would run another command.
func TestButtonValueLimit(t *testing.T) {
	for _, a := range alphabets {
		for _, n := range lengths(limitButtonValue) {
			command := "/" + textOf(a.runes, n-1)
			m := renderKit(t, bot.Reply{Title: "T", Actions: []bot.Action{{Label: "go", Command: command}}})
			kept := len(m.Blocks) == 2 && m.Blocks[1].Elements[0].Value == command
			if want := n <= limitButtonValue; kept != want {
				t.Errorf("%s: a command of %d units kept = %v; want %v", a.name, n, kept, want)
			}
		}
	}
}

// grid is a table of rows under a header row, width columns wide, each cell the word cell.
func grid(rows, width int, cell string) *bot.Table {
	t := &bot.Table{Columns: make([]string, width)}
	for j := range t.Columns {
		t.Columns[j] = fmt.Sprint("column ", j)
	}
	for range rows {
		row := make([]string, width)
		for j := range row {
			row[j] = cell
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// drawn says how m shows its grid: as a table block, as sections, or not at all.
func drawn(m kitMessage) string {
	sections := 0
	for _, b := range m.Blocks {
		if b.Type == "table" {
			return "table"
		}
		if b.Type == "section" {
			sections++
		}
	}
	if sections > 0 {
		return "sections"
	}
	return "nothing"
}

// TestTableLimits sits on each bound of the table block, one either side: within all of them the
// grid is a table, past any one of them it is the sections it was before tables.
func TestTableLimits(t *testing.T) {
	withCell := func(g *bot.Table, cell string) *bot.Table { g.Rows[0][1] = cell; return g }
	tests := []struct {
		name  string
		table *bot.Table
		want  string
	}{
		{"a header and 99 rows", grid(limitTableRows-1, 3, "c"), "table"},
		{"a header and 100 rows", grid(limitTableRows, 3, "c"), "sections"},
		{"20 columns", grid(3, limitTableRow, "c"), "table"},
		{"21 columns", grid(3, limitTableRow+1, "c"), "sections"},
		{"a header and no row", grid(0, 3, "c"), "nothing"},
		{"one row longer than the header", &bot.Table{Columns: []string{"a"}, Rows: [][]string{{"x", "y"}}}, "table"},
		{"a row 21 cells long", &bot.Table{Columns: []string{"a"}, Rows: grid(1, limitTableRow+1, "c").Rows}, "sections"},
		// 10 columns × 10 rows with their header: 110 cells, the header's "column n" 8 units.
		{"10,000 units in all", withCell(grid(10, 10, textOf("x", 98)), textOf("x", 98+limitTableText-(10*8+100*98))), "table"},
		{"10,001 units in all", withCell(grid(10, 10, textOf("x", 98)), textOf("x", 98+limitTableText-(10*8+100*98)+1)), "sections"},
	}
	for _, a := range alphabets {
		for _, n := range lengths(limitCellText) {
			want := "table"
			if n > limitCellText {
				want = "sections"
			}
			tests = append(tests, struct {
				name  string
				table *bot.Table
				want  string
			}{fmt.Sprintf("a cell of %d units of %s", n, a.name), withCell(grid(1, 2, "c"), textOf(a.runes, n)), want})
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := renderKit(t, bot.Reply{Title: "T", Table: tc.table})
			if got := drawn(m); got != tc.want {
				t.Errorf("drawn as %s; want %s", got, tc.want)
			}
		})
	}
}
