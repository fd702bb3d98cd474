package slack_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/slack"
)

// TestNoLogOfSecretsOrBodies: whatever happens, the log holds no secret, token or message text.
// Slow commands go through response_url, whose URL is a credential: one delivered, one that
// fails (and is logged as failing), neither with the URL in the log.
func TestNoLogOfSecretsOrBodies(t *testing.T) {
	var logs safeLog
	rs := newResponseServer(t)
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	core := bot.NewCore(embeddedEngine(t), bot.Recover(logger), bot.Log(logger))
	b, err := slack.New(slack.Config{BotToken: testToken, SigningSecret: testSecret}, core, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// /digest preview is slow. With no time to answer in the request, and the engine held
	// until Slack has had its first answer, every answer goes to response_url.
	release := make(chan struct{})
	slack.SetAnswerDeadline(b, 0)
	slack.SetAnswer(b, func(ctx context.Context, req bot.Request) bot.Reply {
		if req.Command.Slow {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
		return core.Handle(ctx, req)
	})
	for _, hook := range []string{rs.URL + "/hook-secret-path", "http://127.0.0.1:1/hook-secret-path"} {
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/digest", "preview", memberUser, hook)))
		if got := decode(t, w.Body.Bytes()).Text; got != "Working on it…" {
			t.Fatalf("first answer %q, want Working on it…: the answer must go to response_url", got)
		}
	}
	secretText := "sovereignty-secret-words"
	serve(b.Commands(), signedRequest("/slack/commands", commandBody("/brief-search", secretText, memberUser, rs.URL+"/hook-secret-path")))
	r := signedRequest("/slack/commands", commandBody("/brief-search", secretText, memberUser, ""))
	r.Header.Set("X-Slack-Signature", "v0=00")
	serve(b.Commands(), r)
	close(release)
	answer := decode(t, rs.next(t)).header()
	_ = b.Close() // waits for the answer that cannot be delivered
	out := logs.String()
	if !strings.Contains(out, "late answer not delivered") {
		t.Fatalf("the failed delivery to response_url is not logged:\n%s", out)
	}
	for _, s := range []string{testSecret, testToken, secretText, "hook-secret-path", rs.URL, answer} {
		if strings.Contains(out, s) {
			t.Errorf("log holds %q:\n%s", s, out)
		}
	}
}
