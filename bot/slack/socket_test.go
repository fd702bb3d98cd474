package slack_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

const testAppToken = slacktest.AppToken

// fakeSocketMode is slacktest's Socket Mode on a server of its own.
type fakeSocketMode struct {
	*slacktest.SocketMode
	URL string
}

func newFakeSocketMode(tb testing.TB) *fakeSocketMode {
	tb.Helper()
	f, srv := slacktest.NewSocketMode(tb)
	return &fakeSocketMode{SocketMode: f, URL: srv.URL}
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
	fake.Deliver(t, command)
	if got := <-fake.Opens; got != "Bearer "+testAppToken {
		t.Errorf("apps.connections.open with Authorization %q, want the app token", got)
	}
	ack := fake.Ack(t, "env-command")
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
	fake.Deliver(t, map[string]any{
		"envelope_id": "env-button", "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{
			"type": "block_actions", "user": map[string]any{"id": memberUser}, "team": map[string]any{"id": "T0001"},
			"response_url": rs.URL + "/actions/1", "trigger_id": slacktest.TriggerID(), "api_app_id": "A0001",
			"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0",
				"action_id": btns[0].ActionID, "value": btns[0].Value, "action_ts": "1.2"}},
		},
	})
	if ack := fake.Ack(t, "env-button"); len(ack["payload"]) != 0 {
		t.Errorf("button ack carries a payload: %s", ack["payload"])
	}
	if got := decode(t, rs.next(t)).header(); got != "Positions" {
		t.Errorf("button answer %q, want Positions", got)
	}

	// A press slack-go cannot decode (here its "message" is not an object) is still read by the
	// parser HTTP uses.
	fake.Deliver(t, map[string]any{
		"envelope_id": "env-odd-button", "type": "interactive",
		"payload": map[string]any{
			"type": "block_actions", "user": map[string]any{"id": memberUser}, "message": 42,
			"response_url": rs.URL + "/actions/2",
			"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0",
				"action_id": btns[0].ActionID, "value": "/facts"}},
		},
	})
	fake.Ack(t, "env-odd-button")
	if got := decode(t, rs.next(t)).header(); got != "Key figures" {
		t.Errorf("odd button answer %q, want Key figures", got)
	}

	// Envelopes briefbot does nothing with are acknowledged all the same.
	fake.Deliver(t, map[string]any{"envelope_id": "env-event", "type": "events_api", "accepts_response_payload": false,
		"payload": map[string]any{"type": "event_callback", "event": map[string]any{"type": "app_mention"}}})
	fake.Ack(t, "env-event")
	fake.Deliver(t, map[string]any{"envelope_id": "env-bad", "type": "slash_commands", "payload": "not an object"})
	fake.Ack(t, "env-bad")

	// Admins over Socket Mode too.
	command["envelope_id"] = "env-admin"
	payloadFields := command["payload"].(map[string]any)
	payloadFields["user_id"], payloadFields["command"], payloadFields["text"] = adminUser, "/digest", "now"
	payloadFields["trigger_id"] = slacktest.TriggerID()
	fake.Deliver(t, command)
	if got := decode(t, fake.Ack(t, "env-admin")["payload"]).header(); got != "No digest is configured" {
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
	fake.Deliver(t, map[string]any{
		"envelope_id": "env-big", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/compare", "text": "", "user_id": memberUser,
			"channel_id": testChannel, "response_url": rs.URL + "/commands/2"},
	})
	if ack := fake.Ack(t, "env-big"); len(ack["payload"]) != 0 {
		t.Errorf("the ack carries %d bytes, over Slack's 20 KB", len(ack["payload"]))
	}
	m := decode(t, rs.next(t))
	if m.header() != "Positions" {
		t.Errorf("posted %q, want the Positions table", m.header())
	}
	checkLimits(t, "large answer", m)
}

// TestSocketModeLargeTable: a table within the table block's bounds can still be too large for
// an ack (a cell costs some thirty bytes of JSON around its text); it goes to response_url whole.
func TestSocketModeLargeTable(t *testing.T) {
	fake := newFakeSocketMode(t)
	rs := newResponseServer(t)
	e := engineFrom(t, positionsBriefing(19, 99, func(issue, party int) string { return fmt.Sprint(issue, ".", party) }))
	b := newBot(t, e, slack.Config{AppToken: testAppToken, APIURL: fake.URL + "/"})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake.Deliver(t, map[string]any{
		"envelope_id": "env-table", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/compare", "text": "", "user_id": memberUser,
			"channel_id": testChannel, "response_url": rs.URL + "/commands/3"},
	})
	if ack := fake.Ack(t, "env-table"); len(ack["payload"]) != 0 {
		t.Errorf("the ack carries %d bytes, over Slack's 20 KB", len(ack["payload"]))
	}
	m := decode(t, rs.next(t))
	checkLimits(t, "large table", m)
	if table := m.table(); len(table) != 100 || len(table[0]) != 20 || table[99][19] != "99.19" {
		t.Errorf("posted a table of %d rows, want all 99 issues under the header, 20 columns wide", len(table))
	}
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
	fake.FailOpens.Store(2)
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	fake.Deliver(t, map[string]any{
		"envelope_id": "env-after-outage", "type": "slash_commands", "accepts_response_payload": true,
		"payload": map[string]any{"command": "/position", "text": "sovereignty", "user_id": memberUser,
			"channel_id": testChannel, "team_id": "T0001", "response_url": "http://127.0.0.1:1/unused"},
	})
	for range 3 {
		<-fake.Opens
	}
	if ack := fake.Ack(t, "env-after-outage"); len(ack["payload"]) == 0 {
		t.Errorf("no answer after connecting again: %v", ack)
	}
}
