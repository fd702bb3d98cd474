package slack_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot/slack"
)

// TestCheckOrder sends requests with two faults at once. The handler reads the body (bounded),
// then checks the signature over it, and only then parses the form: so a forged request is a 401
// whatever its body holds, and nothing of an unsigned body is ever parsed. An oversized body is
// refused while it is read, before any signature could be checked over it.
func TestCheckOrder(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	now := time.Now()
	// forged is a request signed with another secret, or with a stamp outside the window.
	forged := func(path string, body []byte, secret string, at time.Time) *http.Request {
		stamp := strconv.FormatInt(at.Unix(), 10)
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("X-Slack-Request-Timestamp", stamp)
		r.Header.Set("X-Slack-Signature", sign(secret, stamp, body))
		return r
	}
	big := append([]byte("command=%2Fhelp&text="), bytes.Repeat([]byte("a"), 64<<10)...)
	malformed := map[string][]byte{
		"bad escape": []byte("command=%zz"),
		"cut escape": []byte("command=%2Fposition&text=%2"),
		"semicolon":  []byte("command=%2Fposition;text=x"),
		"no command": []byte("text=sovereignty"),
		"empty":      nil,
		"no payload": []byte("x=1"),
		"bad JSON":   []byte("payload=%7Bnope"),
	}
	type orderCase struct {
		name string
		req  *http.Request
		want int
	}
	tests := []orderCase{
		{"oversized and wrongly signed", forged("/slack/commands", big, "another-secret", now), http.StatusRequestEntityTooLarge},
		{"oversized and unsigned", httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(big)), http.StatusRequestEntityTooLarge},
		{"oversized and stale", forged("/slack/commands", big, testSecret, now.Add(-time.Hour)), http.StatusRequestEntityTooLarge},
		{"oversized interactivity, wrongly signed", forged("/slack/interactivity", big, "another-secret", now), http.StatusRequestEntityTooLarge},
		{"wrong method and unsigned", httptest.NewRequest(http.MethodPut, "/slack/commands", bytes.NewReader(big)), http.StatusMethodNotAllowed},
	}
	for name, body := range malformed {
		tests = append(tests,
			orderCase{name + ", wrongly signed", forged("/slack/commands", body, "another-secret", now), http.StatusUnauthorized},
			orderCase{name + ", stale", forged("/slack/commands", body, testSecret, now.Add(-6*time.Minute)), http.StatusUnauthorized},
			orderCase{name + ", wrongly signed, interactivity", forged("/slack/interactivity", body, "another-secret", now), http.StatusUnauthorized},
			orderCase{name + ", signed", forged("/slack/commands", body, testSecret, now), http.StatusBadRequest},
		)
	}
	handlers := map[bool]http.Handler{false: b.Commands(), true: b.Interactivity()}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(handlers[strings.HasPrefix(tc.req.URL.Path, "/slack/interactivity")], tc.req)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.want, strings.TrimSpace(w.Body.String()))
			}
		})
	}
}
