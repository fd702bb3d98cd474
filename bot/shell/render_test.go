package shell_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/shell"
)

func newEngine(t testing.TB) *bot.Engine {
	return bottest.Engine(t, bot.Config{Now: func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }})
}

func TestRenderGolden(t *testing.T) {
	e := newEngine(t)
	tests := []struct{ name, line string }{
		{"position", "/position sovereignty"},
		{"position-party", "/position troops mexico"},
		{"position-unknown", "/position banana"},
		{"compare", "/compare"},
		{"briefing", "/briefing"},
		{"briefing-section", "/briefing why mexico said no"},
		{"briefing-next", "/briefing what comes next"},
		{"facts", "/facts"},
		{"timeline", "/timeline"},
		{"search", "/search sovereignty"},
		{"search-none", "/search zebra"},
		{"digest-preview", "/digest preview"},
		{"digest-status", "/digest status"},
		{"help", "/help"},
		{"unknown-command", "/dance"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := shell.Render(&buf, bottest.Line(e, tc.line), shell.Width); err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(buf.String(), "\n") {
				if n := utf8.RuneCountInString(line); n > shell.Width {
					t.Errorf("%s: line %d is %d columns, wider than %d: %q", tc.line, i+1, n, shell.Width, line)
				}
			}
			bottest.Golden(t, tc.name+".golden", buf.Bytes())
		})
	}
}

func TestRenderNarrowAndLongWords(t *testing.T) {
	r := bot.Reply{Title: "T", Fields: []bot.Field{
		{Name: "A", Value: strings.Repeat("x", 50), Inline: true},
		{Name: "B", Value: "short", Inline: true},
	}}
	var buf bytes.Buffer
	if err := shell.Render(&buf, r, 40); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if utf8.RuneCountInString(line) > 40 {
			t.Errorf("line wider than 40 columns: %q", line)
		}
	}
}

func TestRunPiped(t *testing.T) {
	e := newEngine(t)
	in := strings.NewReader("# a comment\n/position sovereignty\n\n/position troops mexico\nquit\n/help\n")
	var out bytes.Buffer
	if err := shell.Run(context.Background(), bot.NewCore(e), in, &out, false); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if strings.Contains(got, shell.Prompt) {
		t.Errorf("piped input got a prompt:\n%s", got)
	}
	if !strings.Contains(got, "Prioritizes independence and") || !strings.Contains(got, "Strongly opposes any foreign") {
		t.Errorf("Run did not answer both lines:\n%s", got)
	}
	if strings.Contains(got, "Commands and loaded briefings") {
		t.Errorf("Run went on after quit:\n%s", got)
	}
}

func TestRunPrompts(t *testing.T) {
	var out bytes.Buffer
	if err := shell.Run(context.Background(), bot.NewCore(newEngine(t)), strings.NewReader("/compare\n"), &out, true); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), shell.Prompt); got != 2 {
		t.Errorf("Run on a terminal showed %d prompts for one line; want 2 (before it, and before the end)", got)
	}
}
