package discord_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
)

// TestAnswersKeptUntilTheEngineChanges: a repeated command is answered from the answers kept for
// the engine in force, still through the chain (so it is logged and counted), and a new engine
// (a reload) is never answered from the old one's.
func TestAnswersKeptUntilTheEngineChanges(t *testing.T) {
	var handled atomic.Int32
	count := func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
			handled.Add(1)
			return next.Handle(ctx, req)
		})
	}
	core := bot.NewCore(bottest.Engine(t), count)
	h := httpBot(t, core).Handler()
	ask := func() string {
		_, raw := answer(t, h, command("position", "issue", "sovereignty"))
		return string(raw)
	}
	first, again := ask(), ask()
	if first != again || !strings.Contains(first, "Prioritizes independence") {
		t.Fatalf("the same command answered differently:\n%s\n%s", first, again)
	}
	if n := handled.Load(); n != 2 {
		t.Errorf("the chain saw %d of 2 answers", n)
	}
	source := string(core.Engine().DefaultBriefing().Content())
	core.Swap(bottest.EngineFrom(t, strings.Replace(source, "Prioritizes independence", "Puts independence first", 1)))
	if got := ask(); !strings.Contains(got, "Puts independence first") {
		t.Errorf("after a new engine, not its answer:\n%s", got)
	}
}

// TestKeptAnswersByCommand: commands that differ in one option, asked in turn and again, each get
// their own answer, the same one a bot that never answered anything gives.
func TestKeptAnswersByCommand(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	asks := []interaction{
		command("position", "issue", "sovereignty"),
		command("position", "issue", "border surveillance"),
		command("position", "issue", "sovereignty", "party", "mexico"),
		command("position", "issue", "sovereignty"),
		command("position", "issue", "border surveillance"),
		command("position", "issue", "sovereignty", "party", "mexico"),
		command("compare"),
		command("compare"),
	}
	for i, in := range asks {
		_, got := answer(t, h, in)
		_, want := answer(t, httpBot(t, embeddedCore(t)).Handler(), in)
		if string(got) != string(want) {
			t.Errorf("ask %d (%s %v): answered\n%s\nwant\n%s", i, in.Command, in.Options, got, want)
		}
	}
}

// TestKeptAnswerOnlyForCommands: an interaction of another kind that carries the same data bytes
// as a command answered before gets its own kind of answer, not the kept one.
func TestKeptAnswerOnlyForCommands(t *testing.T) {
	h := httpBot(t, embeddedCore(t)).Handler()
	asked := command("position", "issue", "sovereignty")
	answer(t, h, asked)
	answer(t, h, asked)
	typing := asked
	typing.Kind = 4 // autocomplete, with no option focused: the same data, byte for byte
	if got, raw := answer(t, h, typing); got.Type != 8 {
		t.Errorf("autocomplete answered with type %d, want 8 (suggestions): %s", got.Type, raw)
	}
}
