package slack_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"briefbot/bot/slack"
)

// Load over loopback, against briefbot serve and a bare verify-and-reply handler, is measured in
// cmd/briefbot (BenchmarkLoad).

// BenchmarkSlashCommand is one signed /position sovereignty through the handler, in-process:
// verification, the replay check, form parsing, the engine, Block Kit and JSON. Each request
// is answered once, so each iteration signs a new one (its own trigger_id), off the clock.
func BenchmarkSlashCommand(b *testing.B) {
	bt := newBot(b, embeddedEngine(b), slack.Config{})
	h := bt.Commands()
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		body := commandBody("/position", "sovereignty", memberUser, "https://hooks.slack.invalid/x")
		sig := sign(testSecret, stamp, body)
		b.StartTimer()
		r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", stamp)
		r.Header.Set("X-Slack-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
