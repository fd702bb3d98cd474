package shell_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/shell"
)

// renderText renders r at width, failing rather than panicking the test binary.
func renderText(t *testing.T, r bot.Reply, width int) (out string) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Render at width %d panicked: %v", width, p)
		}
	}()
	var buf bytes.Buffer
	if err := shell.Render(&buf, r, width); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// word is an unbroken word of n copies of one capital letter, so that its pieces can be counted
// in the output wherever the layout puts them.
func word(i, n int) string { return strings.Repeat(string(rune('A'+i)), n) }

// TestLongWordsKeepEveryPiece lays out words longer than their lines, in columns of every width:
// each line fits the terminal and every letter of every word is printed.
func TestLongWordsKeepEveryPiece(t *testing.T) {
	inline := func(n, length int) []bot.Field {
		out := make([]bot.Field, n)
		for i := range out {
			out[i] = bot.Field{Name: fmt.Sprint("p", i), Value: word(i, length), Inline: true}
		}
		return out
	}
	table := func(parties, length int) *bot.Table {
		tb := &bot.Table{Columns: []string{"issue"}, Rows: [][]string{{"topic"}}}
		for i := range parties {
			tb.Columns = append(tb.Columns, fmt.Sprint("p", i))
			tb.Rows[0] = append(tb.Rows[0], word(i, length))
		}
		return tb
	}
	tests := []struct {
		name  string
		reply bot.Reply
		words map[int]int // letter index: how many times it is printed
	}{
		{"two columns", bot.Reply{Fields: inline(2, 50)}, map[int]int{0: 50, 1: 50}},
		{"five columns", bot.Reply{Fields: inline(5, 60)}, map[int]int{0: 60, 4: 60}},
		{"columns narrower than a line holds", bot.Reply{Fields: inline(12, 30)}, map[int]int{0: 30, 11: 30}},
		{"more columns than the width", bot.Reply{Fields: inline(26, 9)}, map[int]int{0: 9, 25: 9}},
		{"a table of two parties", bot.Reply{Table: table(2, 90)}, map[int]int{0: 90, 1: 90}},
		{"a table of twelve parties", bot.Reply{Table: table(12, 25)}, map[int]int{0: 25, 11: 25}},
		{"a paragraph", bot.Reply{Blocks: []bot.Block{{Text: "x " + word(0, 200) + " y"}}}, map[int]int{0: 200}},
		{"a quotation", bot.Reply{Blocks: []bot.Block{{Kind: bot.Quote, Text: word(0, 200)}}}, map[int]int{0: 200}},
		{"a title", bot.Reply{Title: word(0, 200), Briefing: word(1, 90)}, map[int]int{0: 200, 1: 90}},
		{"a heading", bot.Reply{Blocks: []bot.Block{{Kind: bot.Heading, Text: word(0, 200)}}}, map[int]int{0: 200}},
		{"a field of its own", bot.Reply{Fields: []bot.Field{{Name: word(0, 100), Value: word(1, 200)}}}, map[int]int{0: 100, 1: 200}},
		{"accents and CJK", bot.Reply{Fields: []bot.Field{{Name: "a", Value: strings.Repeat("é", 100), Inline: true},
			{Name: "b", Value: strings.Repeat("語", 100), Inline: true}}}, nil},
	}
	for _, tc := range tests {
		for _, width := range []int{shell.Width, 40, 24} {
			t.Run(fmt.Sprintf("%s/%d", tc.name, width), func(t *testing.T) {
				out := renderText(t, tc.reply, width)
				for i, line := range strings.Split(out, "\n") {
					if n := utf8.RuneCountInString(line); n > width {
						t.Errorf("line %d is %d columns, wider than %d: %q", i+1, n, width, line)
					}
				}
				for i, want := range tc.words {
					if got := strings.Count(out, string(rune('A'+i))); got != want {
						t.Errorf("%q printed %d times; want %d:\n%s", rune('A'+i), got, want, out)
					}
				}
				for _, r := range []string{"é", "語"} {
					if strings.Contains(tc.name, "CJK") && strings.Count(out, r) != 100 {
						t.Errorf("%q printed %d times; want 100:\n%s", r, strings.Count(out, r), out)
					}
				}
			})
		}
	}
}

// TestRenderAnyWidth: no width is too narrow to render at, however the text wraps.
func TestRenderAnyWidth(t *testing.T) {
	r := bot.Reply{Title: "Title", Briefing: "Briefing", Blocks: []bot.Block{{Kind: bot.Item, Label: "L", Text: "some text"},
		{Kind: bot.Quote, Text: "a\n\nb"}, {Kind: bot.Heading, Text: "Heading"}},
		Fields: []bot.Field{{Name: "A", Value: "x", Inline: true}, {Name: "B", Value: "y", Inline: true}},
		Table:  &bot.Table{Columns: []string{"Issue", "A", "B"}, Rows: [][]string{{"i", "a", "b"}, {}, {"only"}}},
		Footer: "Source", Actions: []bot.Action{{Label: "Again", Command: "/help"}}}
	for _, width := range []int{-1, 0, 1, 2, 5, 8, 13} {
		out := renderText(t, r, width)
		letters := strings.Join(strings.Fields(out), "") // however narrow the lines, in order
		for _, want := range []string{"Title", "Briefing", "sometext", "Source"} {
			if !strings.Contains(letters, want) {
				t.Errorf("width %d: %q is missing:\n%s", width, want, out)
			}
		}
	}
}

// TestEmptyTable: a table without columns or with empty rows prints what it has.
func TestEmptyTable(t *testing.T) {
	for _, tb := range []*bot.Table{{}, {Columns: []string{"Issue"}, Rows: [][]string{{}}}} {
		renderText(t, bot.Reply{Title: "T", Table: tb}, shell.Width)
	}
}
