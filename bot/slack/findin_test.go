package slack_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// question is a message someone asks in a channel, as Slack sends its text (escaped).
const question = "what does Mexico say about intel sharing? &lt;@U0002&gt; asked"

// shortcutPayload is the message_action Slack sends when "Find in briefing" is run on a
// message of text.
func shortcutPayload(tb testing.TB, callbackID, text, responseURL string) map[string]any {
	tb.Helper()
	return map[string]any{
		"type": "message_action", "callback_id": callbackID, "trigger_id": slacktest.TriggerID(),
		"action_ts": "1700000002.000300", "message_ts": "1700000000.000100",
		"team":         map[string]any{"id": "T0001", "domain": "example"},
		"user":         map[string]any{"id": memberUser, "username": "someone", "team_id": "T0001"},
		"channel":      map[string]any{"id": testChannel, "name": "policy"},
		"message":      map[string]any{"type": "message", "user": "U0002", "ts": "1700000000.000100", "text": text},
		"response_url": responseURL, "token": "ignored-verification-token",
	}
}

func checkFound(t *testing.T, raw []byte) {
	t.Helper()
	m := decode(t, raw)
	if m.ResponseType != "ephemeral" || !strings.HasPrefix(m.header(), "In the briefings:") {
		t.Fatalf("Find in briefing answered %q (%s), want it privately", m.header(), m.ResponseType)
	}
	all := strings.Join(m.strings(), "\n")
	position, passages := strings.Index(all, "Supports only indirect intelligence exchange"), strings.Index(all, "Passages")
	if position < 0 || passages < position {
		t.Errorf("Find in briefing:\n%s\nwant Mexico's position, then the passages", all)
	}
	checkLimits(t, "find", m)
}

// TestFindInBriefing runs the message shortcut over HTTP and Socket Mode: acknowledged at once,
// answered privately at the response_url.
func TestFindInBriefing(t *testing.T) {
	t.Run("http", func(t *testing.T) {
		rs := newResponseServer(t)
		b := newBot(t, embeddedEngine(t), slack.Config{})
		payload, _ := json.Marshal(shortcutPayload(t, "briefbot_find", question, rs.URL+"/find/1"))
		body := []byte(url.Values{"payload": {string(payload)}}.Encode())
		if w := serve(b.Interactivity(), signedRequest("/slack/interactivity", body)); w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Fatalf("shortcut: status %d, body %q; want an empty 200", w.Code, w.Body)
		}
		raw := rs.next(t)
		checkFound(t, raw)
		t.Logf("Find answer: %d bytes", len(raw))
		pos := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/position", "sovereignty", memberUser, rs.URL+"/c")))
		t.Logf("/position sovereignty: %d bytes", pos.Body.Len())

		// Another app's shortcut, or one briefbot never declared, is acknowledged and left alone.
		payload, _ = json.Marshal(shortcutPayload(t, "someone_else", question, rs.URL+"/find/2"))
		body = []byte(url.Values{"payload": {string(payload)}}.Encode())
		if w := serve(b.Interactivity(), signedRequest("/slack/interactivity", body)); w.Code != http.StatusOK {
			t.Errorf("unknown shortcut: status %d", w.Code)
		}
		rs.none(t, b)
	})
	t.Run("socket mode", func(t *testing.T) {
		fake := newFakeSocketMode(t)
		rs := newResponseServer(t)
		b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		if err := b.Start(ctx); err != nil {
			t.Fatalf("Start: %v", err)
		}
		fake.Deliver(t, map[string]any{"envelope_id": "env-find", "type": "interactive", "accepts_response_payload": false,
			"payload": shortcutPayload(t, "briefbot_find", question, rs.URL+"/find/3")})
		if ack := fake.Ack(t, "env-find"); len(ack["payload"]) != 0 {
			t.Errorf("shortcut ack carries a payload: %s", ack["payload"])
		}
		checkFound(t, rs.next(t))
	})
}
