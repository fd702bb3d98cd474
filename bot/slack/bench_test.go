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
// verification, form parsing, the engine, Block Kit and JSON.
func BenchmarkSlashCommand(b *testing.B) {
	bt := newBot(b, embeddedEngine(b), slack.Config{})
	h := bt.Commands()
	body := commandBody("/position", "sovereignty", memberUser, "https://hooks.slack.invalid/x")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	sig := sign(testSecret, stamp, body)
	b.ReportAllocs()
	for b.Loop() {
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
