package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

const testAppToken = "xapp-1-A0001-test"

// fakeSocketMode stands in for Slack's Socket Mode: apps.connections.open hands out a websocket
// URL on the same server, which says hello and then relays envelopes from the test and acks
// from the bot.
type fakeSocketMode struct {
	*httptest.Server
	send  chan any             // envelopes to the bot
	acks  chan json.RawMessage // what the bot sent back
	opens chan string          // the Authorization header of each apps.connections.open
	ends  chan struct{}        // one for each connection the bot closed or dropped
	// failOpens is how many apps.connections.open calls to fail before one succeeds.
	failOpens atomic.Int32
}

func newFakeSocketMode(tb testing.TB) *fakeSocketMode {
	tb.Helper()
	f := &fakeSocketMode{send: make(chan any), acks: make(chan json.RawMessage, 16), opens: make(chan string, 16),
		ends: make(chan struct{}, 16)}
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /apps.connections.open", func(w http.ResponseWriter, r *http.Request) {
		select {
		case f.opens <- r.Header.Get("Authorization"):
		default: // a test that counts no opens
		}
		w.Header().Set("Content-Type", "application/json")
		if f.failOpens.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.URL, "http") + "/link"})
	})
	mux.HandleFunc("GET /link", func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		if err := conn.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
			"connection_info": map[string]any{"app_id": "A0001"}}); err != nil {
			return
		}
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			defer func() {
				select {
				case f.ends <- struct{}{}:
				default:
				}
			}()
			for {
				_, msg, err := conn.ReadMessage()
				if err != nil {
					return
				}
				f.acks <- msg
			}
		}()
		for {
			select {
			case env := <-f.send:
				if err := conn.WriteJSON(env); err != nil {
					return
				}
			case <-closed:
				return
			}
		}
	})
	f.Server = httptest.NewServer(mux)
	tb.Cleanup(f.Close)
	return f
}

// ack waits for the bot's ack of one envelope; the bound only keeps a broken test from hanging.
func (f *fakeSocketMode) ack(tb testing.TB, envelope string) map[string]json.RawMessage {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case raw := <-f.acks:
			var ack map[string]json.RawMessage
			if err := json.Unmarshal(raw, &ack); err != nil {
				tb.Fatalf("ack %s: %v", raw, err)
			}
			var id string
			_ = json.Unmarshal(ack["envelope_id"], &id)
			if id == envelope {
				return ack
			}
			tb.Errorf("ack for %q while waiting for %q", id, envelope)
		case <-timeout:
			tb.Fatalf("no ack for envelope %q", envelope)
			return nil
		}
	}
}

func (f *fakeSocketMode) deliver(tb testing.TB, env any) {
	tb.Helper()
	select {
	case f.send <- env:
	case <-time.After(20 * time.Second):
		tb.Fatal("the bot never connected")
	}
}

// TestSocketMode connects over Socket Mode and sends what Slack sends: slash commands, a button
// press, an event and an envelope slack-go cannot read. Each is acknowledged; a slash command's
// ack carries the answer.
func TestSocketMode(t *testing.T) {
	fake := newFakeSocketMode(t)
	rs := newResponseServer(t)
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := b.Start(ctx); err == nil {
		t.Errorf("a second Start did not fail")
	}

	command := map[string]any{
		"envelope_id": "env-command", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{
			"token": "ignored", "team_id": "T0001", "team_domain": "example", "channel_id": testChannel,
			"channel_name": "policy", "user_id": memberUser, "user_name": "someone", "command": "/position",
			"text": "sovereignty", "api_app_id": "A0001", "is_enterprise_install": "false",
			"response_url": rs.URL + "/commands/1", "trigger_id": "1.2.3",
		},
	}
	fake.deliver(t, command)
	if got := <-fake.opens; got != "Bearer "+testAppToken {
		t.Errorf("apps.connections.open with Authorization %q, want the app token", got)
	}
	ack := fake.ack(t, "env-command")
	payload := ack["payload"]
	if len(payload) == 0 {
		t.Fatalf("the ack of a slash command carries no payload: %v", ack)
	}
	m := decode(t, payload)
	if m.header() != "Sovereignty" || m.ResponseType != "in_channel" {
		t.Errorf("ack payload %q (%s), want the Sovereignty answer in the channel", m.header(), m.ResponseType)
	}
	// The same answer as over HTTP, byte for byte; the HTTP test owns the golden file.
	if want, err := os.ReadFile("testdata/position-sovereignty.golden.json"); err != nil || !bytes.Equal(bytes.TrimSpace(want), indent(t, payload)) {
		t.Errorf("the ack's payload is not the HTTP answer of testdata/position-sovereignty.golden.json (%v):\n%s", err, indent(t, payload))
	}

	// The answer's button, pressed: acked at once, answered through response_url.
	btns := m.buttons()
	if len(btns) != 1 {
		t.Fatalf("%d buttons, want 1", len(btns))
	}
	fake.deliver(t, map[string]any{
		"envelope_id": "env-button", "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{
			"type": "block_actions", "user": map[string]any{"id": memberUser}, "team": map[string]any{"id": "T0001"},
			"response_url": rs.URL + "/actions/1", "trigger_id": slacktest.TriggerID(), "api_app_id": "A0001",
			"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0",
				"action_id": btns[0].ActionID, "value": btns[0].Value, "action_ts": "1.2"}},
		},
	})
	if ack := fake.ack(t, "env-button"); len(ack["payload"]) != 0 {
		t.Errorf("button ack carries a payload: %s", ack["payload"])
	}
	if got := decode(t, rs.next(t)).header(); got != "Positions" {
		t.Errorf("button answer %q, want Positions", got)
	}

	// A press slack-go cannot decode (here its "message" is not an object) is still read by the
	// parser HTTP uses.
	fake.deliver(t, map[string]any{
		"envelope_id": "env-odd-button", "type": "interactive",
		"payload": map[string]any{
			"type": "block_actions", "user": map[string]any{"id": memberUser}, "message": 42,
			"response_url": rs.URL + "/actions/2",
			"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0",
				"action_id": btns[0].ActionID, "value": "/facts"}},
		},
	})
	fake.ack(t, "env-odd-button")
	if got := decode(t, rs.next(t)).header(); got != "Key figures" {
		t.Errorf("odd button answer %q, want Key figures", got)
	}

	// Envelopes briefbot does nothing with are acknowledged all the same.
	fake.deliver(t, map[string]any{"envelope_id": "env-event", "type": "events_api", "accepts_response_payload": false,
		"payload": map[string]any{"type": "event_callback", "event": map[string]any{"type": "app_mention"}}})
	fake.ack(t, "env-event")
	fake.deliver(t, map[string]any{"envelope_id": "env-bad", "type": "slash_commands", "payload": "not an object"})
	fake.ack(t, "env-bad")

	// Admins over Socket Mode too.
	command["envelope_id"] = "env-admin"
	payloadFields := command["payload"].(map[string]any)
	payloadFields["user_id"], payloadFields["command"], payloadFields["text"] = adminUser, "/digest", "now"
	payloadFields["trigger_id"] = slacktest.TriggerID()
	fake.deliver(t, command)
	if got := decode(t, fake.ack(t, "env-admin")["payload"]).header(); got != "No digest is configured" {
		t.Errorf("/digest now by an admin over Socket Mode: %q", got)
	}

	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := b.Start(ctx); err == nil {
		t.Errorf("Start after Close did not fail")
	}
}

// TestSocketModeLargeAnswer: an answer too large for an ack goes to response_url instead.
func TestSocketModeLargeAnswer(t *testing.T) {
	fake := newFakeSocketMode(t)
	rs := newResponseServer(t)
	e := engineFrom(t, hugeBriefing())
	b := newBot(t, e, slack.Config{AppToken: testAppToken, APIURL: fake.URL + "/"})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake.deliver(t, map[string]any{
		"envelope_id": "env-big", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/compare", "text": "", "user_id": memberUser,
			"channel_id": testChannel, "response_url": rs.URL + "/commands/2"},
	})
	if ack := fake.ack(t, "env-big"); len(ack["payload"]) != 0 {
		t.Errorf("the ack carries %d bytes, over Slack's 20 KB", len(ack["payload"]))
	}
	m := decode(t, rs.next(t))
	if m.header() != "Positions" {
		t.Errorf("posted %q, want the Positions table", m.header())
	}
	checkLimits(t, "large answer", m)
}

// TestStartWithoutAppToken: HTTP mode has nothing to start.
func TestStartWithoutAppToken(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	if err := b.Start(context.Background()); err != nil {
		t.Errorf("Start: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestSocketModeConnectsAgain: Slack failing to open a connection for a while does not leave
// the bot deaf; it connects once Slack answers again.
func TestSocketModeConnectsAgain(t *testing.T) {
	fake := newFakeSocketMode(t)
	fake.failOpens.Store(2)
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	fake.deliver(t, map[string]any{
		"envelope_id": "env-after-outage", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/position", "text": "sovereignty", "user_id": memberUser,
			"channel_id": testChannel, "team_id": "T0001", "response_url": "http://127.0.0.1:1/unused"},
	})
	for range 3 {
		<-fake.opens
	}
	if ack := fake.ack(t, "env-after-outage"); len(ack["payload"]) == 0 {
		t.Errorf("no answer after connecting again: %v", ack)
	}
}
