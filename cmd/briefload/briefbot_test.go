package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// TestAgainstBriefbot: every kind is answered as briefload expects by briefbot's own handlers,
// so that a change on either side shows here rather than as errors under load.
func TestAgainstBriefbot(t *testing.T) {
	core := bot.NewCore(bottest.Engine(t))
	quiet := slog.New(slog.DiscardHandler)
	d, err := discord.New(discord.Config{ApplicationID: discordtest.AppID, PublicKey: discordtest.PublicKey()}, core, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	s, err := slack.New(slack.Config{SigningSecret: slacktest.Secret, BotToken: "xoxb-briefload"}, core, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	mux := http.NewServeMux()
	mux.Handle("/discord/interactions", d.Handler())
	mux.Handle("/slack/commands", s.Commands())
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	mix := strings.Join(kindNames(), "=1,") + "=1"
	rep, err, stderr := briefload(t, "--requests", "200", "--platform", "discord,slack", "--mix", mix, srv.URL)
	if err != nil || rep.OK != 200 {
		t.Fatalf("run: %v, %d of 200 ok, errors %v, by kind %v\n%s", err, rep.OK, rep.Errors, rep.Kinds, stderr)
	}
}
