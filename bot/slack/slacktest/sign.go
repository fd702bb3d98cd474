// Package slacktest holds what tests of briefbot's Slack side share, in the manner of
// net/http/httptest: requests signed as Slack signs them, and the forms Slack posts.
package slacktest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"
)

// Secret is the signing secret of the app the tests stand in for (slack.signing_secret).
const Secret = "test-signing-secret"

// Channel is the channel slash commands come from.
const Channel = "C0123TEST"

// Sign is Slack's request signature, written out here independently of the handler: HMAC-SHA256
// over "v0:" + timestamp + ":" + body, hex, prefixed "v0=".
func Sign(secret, stamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// Request is a POST of body to path as Slack sends it, signed at now with Secret.
func Request(path string, body []byte, now time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	SetHeaders(r.Header, body, now)
	return r
}

// SetHeaders signs body into h at now, for a request made some other way (a real client under
// load).
func SetHeaders(h http.Header, body []byte, now time.Time) {
	stamp := strconv.FormatInt(now.Unix(), 10)
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("X-Slack-Request-Timestamp", stamp)
	h.Set("X-Slack-Signature", Sign(Secret, stamp, body))
}

// TriggerID is a new trigger_id, different on every call, as Slack gives every command and
// button press its own: the adapter answers each once.
func TriggerID() string {
	n := lastTrigger.Add(1)
	return fmt.Sprintf("%d.%d.%016x", 1000000000+n, 2000000000+n, n)
}

var lastTrigger atomic.Uint64

// CommandForm is the form Slack posts for a slash command, with a new trigger_id.
func CommandForm(command, text, user, responseURL string) []byte {
	return []byte(url.Values{
		"token":        {"ignored-verification-token"},
		"team_id":      {"T0001"},
		"team_domain":  {"example"},
		"channel_id":   {Channel},
		"channel_name": {"policy"},
		"user_id":      {user},
		"user_name":    {"someone"},
		"command":      {command},
		"text":         {text},
		"response_url": {responseURL},
		"trigger_id":   {TriggerID()},
		"api_app_id":   {"A0001"},
	}.Encode())
}
