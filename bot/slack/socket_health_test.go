package slack_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// socketStatus waits until b's Socket Mode status satisfies ok; the bound only keeps a broken
// test from hanging.
func socketStatus(tb testing.TB, b *slack.Bot, ok func(slack.Status) bool) slack.Status {
	tb.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		hs := b.Health()
		if len(hs) != 1 || hs[0].Name != "slack.socket" {
			tb.Fatalf("Health = %+v, want one slack.socket status", hs)
		}
		if ok(hs[0]) {
			return hs[0]
		}
		if time.Now().After(deadline) {
			tb.Fatalf("slack.socket stays %+v", hs[0])
		}
	}
}

// wait waits for one value from ch; the bound only keeps a broken test from hanging.
func wait[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(20 * time.Second):
		tb.Fatalf("no %s", what)
		var zero T
		return zero
	}
}

// TestSocketModeHealth: connected once slack-go is; down when Slack has been silent for two
// ping timeouts; down after Close, which closes the connection.
func TestSocketModeHealth(t *testing.T) {
	fake := newFakeSocketMode(t)
	c := &clock{now: time.Now()}
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL, Now: c.Now})
	if s := socketStatus(t, b, func(slack.Status) bool { return true }); s.Up || s.Detail != "not connected yet" {
		t.Errorf("before Start: %+v", s)
	}
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := socketStatus(t, b, func(s slack.Status) bool { return s.Up })
	if s.Detail != "connected" || !s.Seen.Equal(c.Now()) || !s.Since.Equal(c.Now()) {
		t.Errorf("connected: %+v, want seen and up since now", s)
	}

	// A ping or event is a sign of life; without any for two ping timeouts (60s), it is down.
	start := c.Now()
	c.Set(start.Add(time.Minute))
	if s := b.Health()[0]; !s.Up {
		t.Errorf("a minute of silence: %+v, want up", s)
	}
	c.Set(start.Add(time.Minute + time.Second))
	if s := b.Health()[0]; s.Up || !strings.Contains(s.Detail, "nothing heard from Slack for 1m1s") || !s.Since.Equal(start.Add(time.Minute)) {
		t.Errorf("61 seconds of silence: %+v, want down since the minute passed", s)
	}
	// Slack speaks again: up.
	fake.Deliver(t, map[string]any{"envelope_id": "env-event", "type": "events_api",
		"payload": map[string]any{"type": "event_callback", "event": map[string]any{"type": "app_mention"}}})
	fake.Ack(t, "env-event")
	if s := b.Health()[0]; !s.Up || !s.Seen.Equal(c.Now()) {
		t.Errorf("after an event: %+v, want up, seen now", s)
	}

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	wait(t, fake.Ends, "close of the connection seen by Slack")
	if s := b.Health()[0]; s.Up || s.Detail != "closed" {
		t.Errorf("after Close: %+v", s)
	}
}

// TestSocketModePingTimeout: a connection Slack stops pinging is closed and replaced.
func TestSocketModePingTimeout(t *testing.T) {
	fake := newFakeSocketMode(t) // it never pings
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	slack.SetPingTimeout(b, 50*time.Millisecond)
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	wait(t, fake.Opens, "first connection")
	wait(t, fake.Ends, "close of the silent connection")
	wait(t, fake.Opens, "second connection")
}

// TestSocketModeHealthWhileRefused: while Slack will not open a connection, Health says so.
func TestSocketModeHealthWhileRefused(t *testing.T) {
	fake := newFakeSocketMode(t)
	fake.FailOpens.Store(1 << 20)
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := socketStatus(t, b, func(s slack.Status) bool { return strings.Contains(s.Detail, "connection failed") })
	if s.Up || strings.Contains(s.Detail, testAppToken) {
		t.Errorf("while refused: %+v", s)
	}
}

// TestSocketModeRedelivery: Slack delivering a slash command again (its ack came late) gets an
// ack and nothing else; the command runs once.
func TestSocketModeRedelivery(t *testing.T) {
	fake := newFakeSocketMode(t)
	var handled atomic.Int32
	e := embeddedEngine(t)
	b := newBot(t, e, slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	core := bot.NewCore(e)
	slack.SetAnswer(b, func(ctx context.Context, req bot.Request) bot.Reply {
		handled.Add(1)
		return core.Handle(ctx, req)
	})
	if err := b.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	trigger := slacktest.TriggerID()
	for i, env := range []string{"env-first", "env-again"} {
		fake.Deliver(t, map[string]any{
			"envelope_id": env, "type": "slash_commands", "accepts_response_payload": true, "retry_attempt": i,
			"payload": map[string]any{"command": "/digest", "text": "now", "user_id": adminUser, "channel_id": testChannel,
				"trigger_id": trigger, "response_url": "http://127.0.0.1:1/unused"},
		})
		ack := fake.Ack(t, env)
		if got := len(ack["payload"]) != 0; got != (i == 0) {
			t.Errorf("delivery %d: ack with payload = %v", i+1, got)
		}
	}
	b.Close()
	if n := handled.Load(); n != 1 {
		t.Errorf("/digest now ran %d times, want once", n)
	}
}

// TestHealthHTTPMode: without Socket Mode there is no connection to report.
func TestHealthHTTPMode(t *testing.T) {
	if hs := newBot(t, embeddedEngine(t), slack.Config{}).Health(); len(hs) != 0 {
		t.Errorf("Health = %+v, want nothing", hs)
	}
}
