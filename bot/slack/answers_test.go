package slack_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/slack"
)

// TestAnswersKeptUntilTheEngineChanges: a repeated command is answered from the answers kept for
// the engine in force, still through the chain, and a new engine is never answered from the old
// one's.
func TestAnswersKeptUntilTheEngineChanges(t *testing.T) {
	var handled atomic.Int32
	count := func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
			handled.Add(1)
			return next.Handle(ctx, req)
		})
	}
	core := bot.NewCore(embeddedEngine(t), count)
	b, err := slack.New(slack.Config{SigningSecret: testSecret}, core, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ask := func() string {
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/position", "sovereignty", memberUser, "")))
		return w.Body.String()
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
