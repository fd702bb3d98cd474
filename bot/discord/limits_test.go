package discord_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/discord"
)

// Discord's limits, from its documentation rather than from the renderer, so that a wrong
// constant there fails here.
const (
	limitContent     = 2000
	limitEmbeds      = 10
	limitTotal       = 6000
	limitTitle       = 256
	limitDescription = 4096
	limitFields      = 25
	limitFieldName   = 256
	limitFieldValue  = 1024
	limitFooter      = 2048
	limitAuthor      = 256
	limitButtonLabel = 80
	limitCustomID    = 100
)

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

// lengths are the lengths each limit is tried at: one under, exactly, one over, and far over.
func lengths(limit int) []int { return []int{limit - 1, limit, limit + 1, 2 * limit} }

// renderDiscord renders r through the public surface and fails for anything over a limit.
func renderDiscord(t *testing.T, r bot.Reply) response {
	t.Helper()
	raw, err := discord.ResponseJSON(r)
	if err != nil {
		t.Fatalf("ResponseJSON: %v", err)
	}
	var m response
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode: %v\n%s", err, raw)
	}
	total := 0
	within := func(what, s string, limit int) {
		t.Helper()
		n := units(s)
		total += n
		if n > limit {
			t.Errorf("%s is %d UTF-16 units long; Discord takes %d", what, n, limit)
		}
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
			t.Errorf("%s has a broken character: %q", what, s)
		}
	}
	within("content", m.Data.Content, limitContent)
	if n := len(m.Data.Embeds); n > limitEmbeds {
		t.Errorf("%d embeds; Discord takes %d", n, limitEmbeds)
	}
	for i, e := range m.Data.Embeds {
		within(fmt.Sprintf("embed %d title", i), e.Title, limitTitle)
		within(fmt.Sprintf("embed %d description", i), e.Description, limitDescription)
		if e.Author != nil {
			within(fmt.Sprintf("embed %d author", i), e.Author.Name, limitAuthor)
		}
		if e.Footer != nil {
			within(fmt.Sprintf("embed %d footer", i), e.Footer.Text, limitFooter)
		}
		if n := len(e.Fields); n > limitFields {
			t.Errorf("embed %d has %d fields; Discord takes %d", i, n, limitFields)
		}
		for j, f := range e.Fields {
			within(fmt.Sprintf("embed %d field %d name", i, j), f.Name, limitFieldName)
			within(fmt.Sprintf("embed %d field %d value", i, j), f.Value, limitFieldValue)
		}
	}
	if total -= units(m.Data.Content); total > limitTotal {
		t.Errorf("embeds hold %d UTF-16 units in all; Discord takes %d", total, limitTotal)
	}
	for _, row := range m.Data.Components {
		for _, b := range row.Components {
			within("button label", b.Label, limitButtonLabel)
			within("custom_id", b.CustomID, limitCustomID)
		}
	}
	return m
}

// checkFitted fails unless got is text unchanged when text is within limit, and otherwise a
// prefix of text ending with marker, within the limit and not much shorter.
func checkFitted(t *testing.T, text, got string, limit int, marker string) {
	t.Helper()
	if units(text) <= limit {
		if got != text {
			t.Errorf("text of %d units within the limit of %d came out changed, %d units: %q", units(text), limit, units(got), got)
		}
		return
	}
	if !strings.HasSuffix(got, marker) || !strings.HasPrefix(text, strings.TrimSuffix(got, marker)) {
		t.Errorf("text of %d units came out as %q, not a prefix of it and %q", units(text), got, marker)
	}
	if n := units(got); n > limit || n < limit/2 {
		t.Errorf("text of %d units came out %d units long; want at most %d, and not much less", units(text), n, limit)
	}
}

func TestEmbedTextLimits(t *testing.T) {
	tests := []struct {
		name   string
		limit  int
		marker string
		reply  func(text string) bot.Reply
		got    func(m response) string
	}{
		{"title", limitTitle, "…",
			func(s string) bot.Reply { return bot.Reply{Title: s} },
			func(m response) string { return m.Data.Embeds[0].Title }},
		{"author", limitAuthor, "…",
			func(s string) bot.Reply { return bot.Reply{Title: "T", Briefing: s} },
			func(m response) string { return m.Data.Embeds[0].Author.Name }},
		{"field name", limitFieldName, "…",
			func(s string) bot.Reply { return bot.Reply{Fields: []bot.Field{{Name: s, Value: "v"}}} },
			func(m response) string { return m.Data.Embeds[0].Fields[0].Name }},
		{"field value", limitFieldValue, "… (shortened)",
			func(s string) bot.Reply { return bot.Reply{Fields: []bot.Field{{Name: "n", Value: s}}} },
			func(m response) string { return m.Data.Embeds[0].Fields[0].Value }},
		{"table row name", limitFieldName, "…",
			func(s string) bot.Reply {
				return bot.Reply{Table: &bot.Table{Columns: []string{"Issue", "A"}, Rows: [][]string{{s, "v"}}}}
			},
			func(m response) string { return m.Data.Embeds[0].Fields[0].Name }},
		{"button label", limitButtonLabel, "…",
			func(s string) bot.Reply {
				return bot.Reply{Title: "T", Actions: []bot.Action{{Label: s, Command: "/help"}}}
			},
			func(m response) string { return m.Data.Components[0].Components[0].Label }},
	}
	for _, tc := range tests {
		for _, a := range alphabets {
			for _, n := range lengths(tc.limit) {
				t.Run(fmt.Sprintf("%s/%s/%d", tc.name, a.name, n), func(t *testing.T) {
					text := textOf(a.runes, n)
					checkFitted(t, text, tc.got(renderDiscord(t, tc.reply(text))), tc.limit, tc.marker)
				})
			}
		}
	}
}

// TestDescriptionLimit: a body past 4096 units goes on in a second embed, whole.
func TestDescriptionLimit(t *testing.T) {
	for _, a := range alphabets {
		for _, n := range lengths(limitDescription) {
			t.Run(fmt.Sprintf("%s/%d", a.name, n), func(t *testing.T) {
				text := textOf(a.runes, n)
				m := renderDiscord(t, bot.Reply{Blocks: []bot.Block{{Text: text}}})
				var parts []string
				for _, e := range m.Data.Embeds {
					parts = append(parts, e.Description)
				}
				if n <= limitDescription && (len(parts) != 1 || parts[0] != text) {
					t.Errorf("a description of %d units came out as %d parts; want it whole in one", n, len(parts))
				}
				if n > limitDescription && len(parts) < 2 {
					t.Errorf("a description of %d units came out in one embed; want it split", n)
				}
				if got := strings.Join(parts, ""); n <= limitDescription+1 && strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(text, " ", "") {
					t.Errorf("a description of %d units lost text when split", n)
				}
			})
		}
	}
}

// TestFooterLimit: the footer keeps within 2048 units, also when the note that something was
// left out goes before it. The lengths sweep past wherever the renderer makes room for the note.
func TestFooterLimit(t *testing.T) {
	overflow := make([]bot.Field, 12) // more than 6000 units: the last ones are left out
	for i := range overflow {
		overflow[i] = bot.Field{Name: fmt.Sprint("field ", i), Value: textOf("x", limitFieldValue)}
	}
	for _, a := range alphabets {
		for n := limitFooter - 40; n <= limitFooter+2; n++ {
			text := textOf(a.runes, n)
			for _, fields := range [][]bot.Field{nil, overflow} {
				name := fmt.Sprintf("%s/%d/%d fields", a.name, n, len(fields))
				m := renderDiscord(t, bot.Reply{Title: "T", Footer: text, Fields: fields})
				footer := m.Data.Embeds[len(m.Data.Embeds)-1].Footer
				if footer == nil {
					t.Fatalf("%s: no footer", name)
				}
				got := footer.Text
				if !strings.Contains(got, text) && !strings.HasSuffix(got, "… (shortened)") {
					t.Errorf("%s: footer %q, neither whole nor marked as cut", name, got)
				}
				// Unbroken text cut beside the note fills the footer to the last unit.
				if a.name == "ascii" && fields != nil && n >= limitFooter && units(got) != limitFooter {
					t.Errorf("%s: footer of %d units; want all %d used", name, units(got), limitFooter)
				}
			}
		}
	}
}

func TestCountLimits(t *testing.T) {
	fields := func(n int) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Name: fmt.Sprintf("f%03d", i), Value: "v"}
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
	fieldsPerEmbed := func(m response) []int {
		var n []int
		for _, e := range m.Data.Embeds {
			n = append(n, len(e.Fields))
		}
		return n
	}
	buttonsPerRow := func(m response) []int {
		var n []int
		for _, row := range m.Data.Components {
			n = append(n, len(row.Components))
		}
		return n
	}
	tests := []struct {
		name  string
		reply bot.Reply
		got   func(m response) []int
		want  []int
	}{
		{"25 fields", bot.Reply{Fields: fields(limitFields)}, fieldsPerEmbed, []int{25}},
		{"26 fields", bot.Reply{Fields: fields(limitFields + 1)}, fieldsPerEmbed, []int{25, 1}},
		{"250 fields fill 10 embeds", bot.Reply{Fields: fields(limitFields * limitEmbeds)}, fieldsPerEmbed,
			[]int{25, 25, 25, 25, 25, 25, 25, 25, 25, 25}},
		{"251 fields are cut to 10 embeds", bot.Reply{Fields: fields(limitFields*limitEmbeds + 1)}, fieldsPerEmbed,
			[]int{25, 25, 25, 25, 25, 25, 25, 25, 25, 25}},
		{"5 buttons", bot.Reply{Title: "T", Actions: actions(5)}, buttonsPerRow, []int{5}},
		{"6 buttons", bot.Reply{Title: "T", Actions: actions(6)}, buttonsPerRow, []int{5, 1}},
		{"30 buttons", bot.Reply{Title: "T", Actions: actions(30)}, buttonsPerRow, []int{5, 5, 5, 5, 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.got(renderDiscord(t, tc.reply)); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v; want %v", got, tc.want)
			}
		})
	}
}

// TestCustomIDLimit: a command line that does not fit a custom_id is left out, not cut: a cut
// one would run another command.
func TestCustomIDLimit(t *testing.T) {
	for _, a := range alphabets {
		for _, n := range lengths(limitCustomID) {
			command := "/" + textOf(a.runes, n-1)
			m := renderDiscord(t, bot.Reply{Title: "T", Actions: []bot.Action{{Label: "go", Command: command}}})
			kept := len(m.Data.Components) == 1 && m.Data.Components[0].Components[0].CustomID == command
			if want := n <= limitCustomID; kept != want {
				t.Errorf("%s: a command of %d units kept = %v; want %v", a.name, n, kept, want)
			}
		}
	}
}

// TestTotalLimit fills a reply past 6000 units across embeds in several ways: unbroken text cut
// to the last unit, fields after it left out and said so in the footer.
func TestTotalLimit(t *testing.T) {
	for _, a := range alphabets {
		for _, n := range []int{5900, 5990, 6000, 6001, 7000, 9000} {
			t.Run(fmt.Sprintf("%s/%d", a.name, n), func(t *testing.T) {
				r := bot.Reply{
					Title:    textOf(a.runes, 200),
					Briefing: textOf(a.runes, 200),
					Footer:   textOf(a.runes, 300),
					Blocks:   []bot.Block{{Text: textOf(a.runes, n-700)}},
					Fields:   []bot.Field{{Name: "after", Value: textOf(a.runes, 500)}},
				}
				m := renderDiscord(t, r)
				all, total := "", 0
				for _, e := range m.Data.Embeds {
					all += e.Description
					total += units(e.Title) + units(e.Description)
					if e.Footer != nil {
						total += units(e.Footer.Text)
					}
					if e.Author != nil {
						total += units(e.Author.Name)
					}
					for _, f := range e.Fields {
						total += units(f.Name) + units(f.Value)
					}
				}
				if n <= limitTotal {
					return
				}
				if !strings.HasSuffix(all, "… (shortened)") {
					t.Errorf("a reply of %d units, description cut without the marker", n)
				}
				// Unbroken text is cut to the last unit the message has room for.
				if a.name == "ascii" && total != limitTotal {
					t.Errorf("a reply of %d units came out %d units long; want all %d used", n, total, limitTotal)
				}
			})
		}
	}
}
