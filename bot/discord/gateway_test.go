package discord_test

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// gatewayBot starts a bot on f's gateway with core: f hands it f.GatewayIn, and the bot answers
// over REST, where nextCallback reads the answer.
func gatewayBot(t *testing.T, f *discordtest.Fake, core *bot.Core) *discord.Bot {
	t.Helper()
	b := restBot(t, f, core, discord.Config{Gateway: true})
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return b
}

// nextCallback is the next answer f received for an interaction, what it answers.
func nextCallback(t *testing.T, f *discordtest.Fake, what string) []byte {
	t.Helper()
	select {
	case got := <-f.Callbacks:
		return got
	case <-time.After(10 * time.Second): // only keeps a broken test from hanging
		t.Fatal("no answer to the gateway's " + what)
	}
	return nil
}

// TestGateway opens the gateway against the fake, which hands over /position sovereignty; the
// answer must come back over REST, the same as over HTTP.
func TestGateway(t *testing.T) {
	f := discordtest.NewFake(t)
	sch := loadSchemas(t)
	f.GatewayIn = command("position", "issue", "sovereignty").body()
	b := gatewayBot(t, f, embeddedCore(t))
	got := nextCallback(t, f, "interaction")
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	var identify struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	f.Mu.Lock()
	json.Unmarshal(f.Identify, &identify)
	stray := f.Stray
	f.Mu.Unlock()
	if identify.Intents != 0 || identify.Token != "Bot "+discordtest.Token {
		t.Errorf("identified with intents %d; want none", identify.Intents)
	}
	if len(stray) > 0 {
		t.Errorf("requests outside the API base: %v", stray)
	}

	r := decode(t, got)
	checkMessage(t, r, "Sovereignty", false)
	_, viaHTTP := answer(t, httpBot(t, embeddedCore(t)).Handler(), command("position", "issue", "sovereignty"))
	if string(got) != string(viaHTTP) {
		t.Errorf("gateway answer %s\nHTTP answer    %s", got, viaHTTP)
	}
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, got) })
}

// TestLogsKeepSecrets fails an interaction answer and a post, and reads every log line: no
// token, no interaction token, no message text.
func TestLogsKeepSecrets(t *testing.T) {
	f := discordtest.NewFake(t)
	f.Expired = true
	f.Fail[channelID] = discordtest.Failure{Status: http.StatusForbidden, Code: 50001, Message: "Missing Access"}
	f.GatewayIn = command("position", "issue", "sovereignty").body()
	var logs bottest.LogBuffer
	b, err := discord.New(discord.Config{Token: discordtest.Token, ApplicationID: appID, APIURL: f.APIURL(), Gateway: true},
		embeddedCore(t), slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.Callbacks:
	case <-time.After(10 * time.Second):
		t.Fatal("no answer to the gateway's interaction")
	}
	if _, err := b.Poster().Post(t.Context(), channelID, "k", digest(t)); err == nil {
		t.Error("Post to a channel without access = nil error")
	}
	b.Close() // waits for the answer under way, so its failure is logged by now

	out := logs.String()
	if !strings.Contains(out, "Unknown interaction") || !strings.Contains(out, "code 10062") {
		t.Errorf("the failed answer is not logged:\n%s", out)
	}
	for _, secret := range []string{"SECRET", "A_UNIQUE_TOKEN", "Prioritizes independence", "sovereignty", f.Server.URL} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
}
