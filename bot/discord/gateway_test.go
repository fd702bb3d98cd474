package discord_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/discord"
)

// TestGateway opens the gateway against the fake, which hands over /position sovereignty; the
// answer must come back over REST, the same as over HTTP.
func TestGateway(t *testing.T) {
	f := newFakeDiscord(t)
	sch := loadSchemas(t)
	f.gatewayIn = command("position", "issue", "sovereignty").body()
	b := restBot(t, f, embeddedEngine(t), discord.Config{Gateway: true})
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	var got []byte
	select {
	case got = <-f.callbacks:
	case <-time.After(10 * time.Second):
		t.Fatal("no answer to the gateway's interaction")
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}

	var identify struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
	}
	f.mu.Lock()
	json.Unmarshal(f.identify, &identify)
	stray := f.stray
	f.mu.Unlock()
	if identify.Intents != 0 || identify.Token != "Bot "+botToken {
		t.Errorf("identified with intents %d; want none", identify.Intents)
	}
	if len(stray) > 0 {
		t.Errorf("requests outside the API base: %v", stray)
	}

	r := decode(t, got)
	checkMessage(t, r, "Sovereignty", false)
	_, viaHTTP := answer(t, httpBot(t, embeddedEngine(t)).Handler(), command("position", "issue", "sovereignty"))
	if string(got) != string(viaHTTP) {
		t.Errorf("gateway answer %s\nHTTP answer    %s", got, viaHTTP)
	}
	t.Run("schema", func(t *testing.T) { sch.validate(t, callbackSchema, got) })
}

// TestLogsKeepSecrets fails an interaction answer and a post, and reads every log line: no
// token, no interaction token, no message text.
func TestLogsKeepSecrets(t *testing.T) {
	f := newFakeDiscord(t)
	f.expired = true
	f.fail[channelID] = failure{http.StatusForbidden, 50001, "Missing Access"}
	f.gatewayIn = command("position", "issue", "sovereignty").body()
	var logs bytes.Buffer
	b, err := discord.New(discord.Config{Token: botToken, ApplicationID: appID, APIURL: f.apiURL(), Gateway: true},
		embeddedEngine(t), slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-f.callbacks:
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
	for _, secret := range []string{"SECRET", "A_UNIQUE_TOKEN", "Prioritizes independence", "sovereignty", f.srv.URL} {
		if strings.Contains(out, secret) {
			t.Errorf("logs hold %q:\n%s", secret, out)
		}
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
