package discord_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/discord"
)

// A doc is a briefing written for a test, to pass one of Discord's limits.
type doc struct {
	id, title, source string
	parties           []string // names; ids are p1, p2, ...
	summary           []string // paragraphs
	issues            [][]string
	extra             string // more Markdown after the positions
}

func (d doc) markdown() string {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) } // JSON strings are YAML
	if d.id == "" {
		d.id = "test"
	}
	if d.title == "" {
		d.title = "Test briefing"
	}
	if d.source == "" {
		d.source = "Test source"
	}
	if d.parties == nil {
		d.parties = []string{"United States", "Mexico"}
	}
	if d.summary == nil {
		d.summary = []string{"A summary."}
	}
	if d.issues == nil {
		d.issues = [][]string{{"Sovereignty", "Joint necessity", "Independence"}}
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "---\nid: %s\ntitle: %s\nsource: %s\ndate: 2025-04\nparties:\n", d.id, q(d.title), q(d.source))
	for i, p := range d.parties {
		fmt.Fprintf(&sb, "  - {id: p%d, name: %s}\n", i+1, q(p))
	}
	sb.WriteString("---\n")
	sb.WriteString(strings.Join(d.summary, "\n\n"))
	sb.WriteString("\n\n## Positions\n\n| Issue | " + strings.Join(d.parties, " | ") + " |\n|---" + strings.Repeat("|---", len(d.parties)) + "|\n")
	for _, row := range d.issues {
		sb.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	sb.WriteString("\n" + d.extra)
	return sb.String()
}

// words is n characters of text with spaces, different for each seed.
func words(seed string, n int) string {
	var sb strings.Builder
	for i := 0; sb.Len() < n; i++ {
		fmt.Fprintf(&sb, "%s%d ", seed, i)
	}
	return strings.TrimSpace(sb.String()[:n])
}

func issues(n int, name func(i int) string, position func(i int) string) [][]string {
	var out [][]string
	for i := range n {
		out = append(out, []string{name(i), position(i), position(i)})
	}
	return out
}

func allText(r response) string {
	var sb strings.Builder
	for _, e := range r.Data.Embeds {
		sb.WriteString(e.Title + "\n" + e.Description + "\n")
		for _, f := range e.Fields {
			sb.WriteString(f.Name + "\n" + f.Value + "\n")
		}
		if e.Footer != nil {
			sb.WriteString(e.Footer.Text + "\n")
		}
	}
	return sb.String()
}

// TestLimits builds a briefing past each of Discord's limits and checks the answer stays within
// all of them, split or shortened with a marker.
func TestLimits(t *testing.T) {
	sch := loadSchemas(t)
	tests := []struct {
		name  string
		docs  []doc
		in    interaction
		check func(t *testing.T, r response)
	}{
		{"title and author past 256", []doc{{title: words("Title", 330)}}, command("briefing"), func(t *testing.T, r response) {
			e := r.Data.Embeds[0]
			if !strings.HasSuffix(e.Title, "…") || !strings.HasPrefix(e.Title, "Title0 Title1") {
				t.Errorf("title %q, want it cut with …", e.Title)
			}
			if !strings.HasSuffix(e.Author.Name, "…") {
				t.Errorf("author %q, want it cut with …", e.Author.Name)
			}
		}},
		{"title of emoji counted as Discord counts", []doc{{title: strings.Repeat("Visa 🛂 ", 60)}}, command("briefing"), func(t *testing.T, r response) {
			// checkLimits counts UTF-16 units; counting runes or bytes fails one way or the other.
			if n := len([]rune(r.Data.Embeds[0].Title)); n < 200 || n > 230 {
				t.Errorf("title keeps %d characters, want 256 UTF-16 units' worth, about 220", n)
			}
		}},
		{"description past 4096 is split", []doc{{summary: []string{words("a", 1500), words("b", 1500), words("c", 1500), words("d", 800)}}},
			command("briefing"), func(t *testing.T, r response) {
				if len(r.Data.Embeds) != 2 {
					t.Fatalf("%d embeds, want the description split over 2", len(r.Data.Embeds))
				}
				all := allText(r)
				for _, w := range []string{"a0 ", "b0 ", "c0 ", "d0 ", "Sections: positions."} {
					if !strings.Contains(all, w) {
						t.Errorf("%q is lost", w)
					}
				}
				if strings.Contains(all, "shortened") {
					t.Error("shortened, though it fits in 6000")
				}
				if r.Data.Embeds[0].Footer != nil || r.Data.Embeds[1].Footer == nil {
					t.Error("the source belongs under the last embed")
				}
			}},
		{"description past 6000 is shortened", []doc{{summary: []string{words("a", 3000), words("b", 3000), words("c", 3000)}}},
			command("briefing"), func(t *testing.T, r response) {
				if !strings.Contains(allText(r), "… (shortened)") {
					t.Error("cut without a marker")
				}
			}},
		{"fields after a cut description", []doc{{summary: []string{words("a", 3000), words("b", 3000), words("c", 3000)}}},
			command("digest", "action", "preview"), func(t *testing.T, r response) {
				all := allText(r)
				if !strings.Contains(all, "… (shortened)") {
					t.Error("description cut without a marker")
				}
				last := r.Data.Embeds[len(r.Data.Embeds)-1]
				if last.Footer == nil || !strings.HasPrefix(last.Footer.Text, "Shortened to fit Discord.") {
					t.Errorf("footer %+v, want the note that the positions were left out", last.Footer)
				}
			}},
		{"more than 25 fields", []doc{{issues: issues(30, func(i int) string { return fmt.Sprintf("Issue %02d", i) }, func(int) string { return "Yes" })}},
			command("compare"), func(t *testing.T, r response) {
				if len(r.Data.Embeds) != 2 || len(r.Data.Embeds[0].Fields) != 25 || len(r.Data.Embeds[1].Fields) != 5 {
					t.Errorf("embeds of %d fields, want 25 then 5", fieldCounts(r))
				}
				if last := r.Data.Embeds[1].Fields[4].Name; last != "Issue 29" {
					t.Errorf("last field %q, want Issue 29", last)
				}
			}},
		{"field value past 1024", []doc{{issues: [][]string{{"Sovereignty", words("Long", 1500), "No"}}}}, command("position", "issue", "sovereignty"),
			func(t *testing.T, r response) {
				if v := r.Data.Embeds[0].Fields[0].Value; !strings.HasSuffix(v, "… (shortened)") {
					t.Errorf("value %q, want it cut with the marker", v)
				}
				if v := r.Data.Embeds[0].Fields[1].Value; v != "No" {
					t.Errorf("the other party's position %q, want it whole", v)
				}
			}},
		{"footer past 2048", []doc{{source: words("Source", 2100)}}, command("facts"), func(t *testing.T, r response) {
			if f := r.Data.Embeds[0].Footer.Text; !strings.HasSuffix(f, "… (shortened)") {
				t.Errorf("footer %q, want it cut with the marker", f)
			}
		}},
		{"6000 characters across embeds", []doc{{issues: issues(20, func(i int) string { return fmt.Sprintf("Issue %02d", i) }, func(i int) string { return words(fmt.Sprint("w", i, "x"), 400) })}},
			command("compare"), func(t *testing.T, r response) {
				all := allText(r)
				if !strings.Contains(all, "… (shortened)") && !strings.Contains(all, "Shortened to fit Discord.") {
					t.Error("cut without a marker")
				}
				if !strings.Contains(all, "Issue 00") {
					t.Error("the first issue is lost")
				}
			}},
		{"more than 10 embeds' worth of fields", []doc{{parties: []string{"A"}, issues: oneParty(300)}},
			command("compare"), func(t *testing.T, r response) {
				if len(r.Data.Embeds) != 10 {
					t.Errorf("%d embeds, want 10", len(r.Data.Embeds))
				}
				if f := r.Data.Embeds[9].Footer; f == nil || !strings.HasPrefix(f.Text, "Shortened to fit Discord. · Source: Test source") {
					t.Errorf("footer %+v, want the note, then the source", f)
				}
			}},
		{"text that looks like Markdown", []doc{{issues: [][]string{{"Sovereignty", "2 * 3 in snake_case ~tilde~", "# not a heading"}}}},
			command("compare"), func(t *testing.T, r response) {
				want := "**United States**: 2 \\* 3 in snake\\_case \\~tilde\\~\n**Mexico**: \\# not a heading"
				if v := r.Data.Embeds[0].Fields[0].Value; v != want {
					t.Errorf("value %q, want %q", v, want)
				}
			}},
		{"autocomplete names past 100", []doc{{id: "long", title: words("Briefing", 150)}, {id: "short", title: "Short"}},
			autocomplete("compare", "briefing", "briefing", ""), func(t *testing.T, r response) {
				if len(r.Data.Choices) != 2 {
					t.Fatalf("choices %+v, want both briefings", r.Data.Choices)
				}
				for _, c := range r.Data.Choices {
					if c.Value == "long" && !strings.HasSuffix(c.Name, "…") {
						t.Errorf("choice name %q, want it cut with …", c.Name)
					}
				}
			}},
		{"more than 25 suggestions", []doc{{issues: issues(40, func(i int) string { return fmt.Sprintf("Issue %02d", i) }, func(int) string { return "y" })}},
			autocomplete("position", "issue", "issue", "iss"), func(t *testing.T, r response) {
				if len(r.Data.Choices) != 25 {
					t.Errorf("%d choices, want 25", len(r.Data.Choices))
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var mds []string
			for _, d := range tc.docs {
				mds = append(mds, d.markdown())
			}
			r, raw := answerFollowed(t, markdownCore(t, mds...), tc.in)
			checkLimits(t, r)
			tc.check(t, r)
			t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, raw) })
		})
	}
}

func oneParty(n int) [][]string {
	var out [][]string
	for i := range n {
		out = append(out, []string{fmt.Sprintf("i%03d", i), "y"})
	}
	return out
}

func fieldCounts(r response) []int {
	var n []int
	for _, e := range r.Data.Embeds {
		n = append(n, len(e.Fields))
	}
	return n
}

// TestRandomReplies renders replies of random shapes and sizes: whatever the engine returns,
// Discord must not refuse it.
func TestRandomReplies(t *testing.T) {
	sch := loadSchemas(t)
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(max int) string {
		n := rng.IntN(max + 1)
		alphabet := []rune("abc def *_~`|\\>#-\n@<>&é🛂")
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	for i := range 200 {
		r := bot.Reply{Title: text(300), Briefing: text(300), Footer: text(2200), Private: rng.IntN(2) == 0}
		for range rng.IntN(30) {
			r.Blocks = append(r.Blocks, bot.Block{Kind: bot.BlockKind(rng.IntN(4)), Label: text(40), Text: text(1500)})
		}
		for range rng.IntN(40) {
			r.Fields = append(r.Fields, bot.Field{Name: text(300), Value: text(1200), Inline: rng.IntN(2) == 0})
		}
		if rng.IntN(2) == 0 {
			r.Table = &bot.Table{Columns: []string{"Issue", text(20), text(20)}}
			for range rng.IntN(40) {
				r.Table.Rows = append(r.Table.Rows, []string{text(300), text(700), text(700)})
			}
		}
		for range rng.IntN(30) {
			r.Actions = append(r.Actions, bot.Action{Label: text(100), Command: text(120)})
		}
		out, err := discord.ResponseJSON(r)
		if err != nil {
			t.Fatal(err)
		}
		resp := decode(t, out)
		checkLimits(t, resp)
		if len(resp.Data.Components) > 5 {
			t.Errorf("%d action rows, Discord takes 5", len(resp.Data.Components))
		}
		t.Run(fmt.Sprint("schema ", i), func(t *testing.T) { sch.validate(t, callbackSchema, out) })
		if t.Failed() {
			t.Fatalf("reply %d fails; stopping", i)
		}
	}
}

// TestLimitsBeyondBriefings: the loader refuses issue names over 100 characters and ids over 64,
// so these replies cannot come from a briefing; the renderer still keeps within Discord's limits
// whatever reply it is given.
func TestLimitsBeyondBriefings(t *testing.T) {
	raw, err := discord.ResponseJSON(bot.Reply{
		Title:   "T",
		Fields:  []bot.Field{{Name: words("Issue", 300), Value: "v"}},
		Actions: []bot.Action{{Label: "Full comparison", Command: "/compare briefing:" + strings.Repeat("x", 100)}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var r response
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	checkLimits(t, r)
	if n := r.Data.Embeds[0].Fields[0].Name; !strings.HasSuffix(n, "…") {
		t.Errorf("field name %q, want it cut with …", n)
	}
	if len(r.Data.Components) != 0 {
		t.Errorf("components %+v: a cut custom_id would run another command", r.Data.Components)
	}
}

// TestTitleEscaped: a title quotes what users typed ("No issue matches …") and Discord renders
// Markdown in it: it is escaped as descriptions and fields are, mentions defused.
func TestTitleEscaped(t *testing.T) {
	raw, err := discord.ResponseJSON(bot.Reply{Title: "*bold* _it_ `code` ~~x~~ @everyone @here <@123> <@&4> <#5>"})
	if err != nil {
		t.Fatal(err)
	}
	r := decode(t, raw)
	const want = "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~x\\~\\~ @\u200beveryone @\u200bhere \\<@123> \\<@&4> \\<#5>"
	if got := r.Data.Embeds[0].Title; got != want {
		t.Errorf("title %q, want %q", got, want)
	}
	// What is no mention stays as it was.
	raw, _ = discord.ResponseJSON(bot.Reply{Title: "Usage: /position <issue> for someone@example.org"})
	if got := decode(t, raw).Data.Embeds[0].Title; got != "Usage: /position <issue> for someone@example.org" {
		t.Errorf("title %q: changed text that is no mention", got)
	}
}
