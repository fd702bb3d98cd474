package slacktest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
)

// maxViewBlocks is how many blocks Slack takes in a Home tab.
const maxViewBlocks = 100

// Views stands in for Slack's views.publish, with Socket Mode on the same api_url: it keeps each
// user's Home tab as last published and answers as Slack does, {"ok":true,"view":...} or
// {"ok":false,"error":...}, and 429 with Retry-After while RateLimited is above zero. Tests read
// and set its fields under Mu.
type Views struct {
	Server *httptest.Server
	Socket *SocketMode

	Mu sync.Mutex
	// Home is each user's Home tab as last published: the view object sent, as sent.
	Home map[string]json.RawMessage
	// Publishes counts the views published, per user; refused calls are not counted.
	Publishes map[string]int
	// Calls counts every views.publish call, refused ones included.
	Calls int
	// RateLimited answers that many calls with 429 and Retry-After: RetryAfter seconds.
	RateLimited int
	RetryAfter  int

	published chan string // the user of each view published, for Next
}

// NewViews starts a fake views.publish and Socket Mode, closed when the test ends. Point
// slack.api_url at URL().
func NewViews(tb testing.TB) *Views {
	tb.Helper()
	v := &Views{Home: map[string]json.RawMessage{}, Publishes: map[string]int{}, RetryAfter: 1,
		Socket: newSocketMode(), published: make(chan string, 64)}
	mux := http.NewServeMux()
	v.Socket.mount(mux, "/api") // authorized by the app token, not the bot's
	mux.HandleFunc("POST /api/views.publish", v.publish)
	v.Server = httptest.NewServer(mux)
	v.Socket.base = v.Server.URL + "/api"
	tb.Cleanup(v.Server.Close)
	return v
}

// URL is the Web API base, with the trailing slash slack-go wants.
func (v *Views) URL() string { return v.Server.URL + "/api/" }

func (v *Views) publish(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+BotToken {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "not_authed"})
		return
	}
	var req struct {
		UserID string          `json:"user_id"`
		View   json.RawMessage `json:"view"`
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || json.Unmarshal(body, &req) != nil {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_json"})
		return
	}
	var view struct {
		Type   string            `json:"type"`
		Blocks []json.RawMessage `json:"blocks"`
	}
	_ = json.Unmarshal(req.View, &view)
	v.Mu.Lock()
	defer v.Mu.Unlock()
	v.Calls++
	switch {
	case v.RateLimited > 0:
		v.RateLimited--
		w.Header().Set("Retry-After", strconv.Itoa(v.RetryAfter))
		answer(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	case req.UserID == "":
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_arguments"})
		return
	case view.Type != "home":
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_arguments",
			"response_metadata": map[string]any{"messages": []string{"[ERROR] must be 'home' [json-pointer:/view/type]"}}})
		return
	case len(view.Blocks) == 0 || len(view.Blocks) > maxViewBlocks:
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_blocks",
			"response_metadata": map[string]any{"messages": []string{
				fmt.Sprintf("[ERROR] %d blocks; must be 1 to %d [json-pointer:/view/blocks]", len(view.Blocks), maxViewBlocks)}}})
		return
	}
	v.Home[req.UserID] = bytes.Clone(req.View)
	v.Publishes[req.UserID]++
	select {
	case v.published <- req.UserID:
	default: // a test that waits for none
	}
	answer(w, http.StatusOK, map[string]any{"ok": true, "view": map[string]any{
		"id": "V" + strconv.Itoa(v.Calls), "team_id": "T0001", "type": "home", "blocks": view.Blocks,
		"hash": strconv.Itoa(v.Calls) + ".abc", "app_id": "A0001", "bot_id": "B0001",
	}})
}

// Next waits for the next view published and returns its user and the view; the bound only
// keeps a broken test from hanging.
func (v *Views) Next(tb testing.TB) (user string, view json.RawMessage) {
	tb.Helper()
	select {
	case user := <-v.published:
		v.Mu.Lock()
		defer v.Mu.Unlock()
		return user, v.Home[user]
	case <-time.After(20 * time.Second):
		tb.Fatal("no view was published")
		return "", nil
	}
}

// Count is how many views were published for user.
func (v *Views) Count(user string) int {
	v.Mu.Lock()
	defer v.Mu.Unlock()
	return v.Publishes[user]
}

// AppHomeOpened is the app_home_opened event Slack sends when user opens tab ("home" or
// "messages") of the app's App Home.
func AppHomeOpened(user, tab string) map[string]any {
	return map[string]any{"type": "app_home_opened", "user": user, "channel": "D0001HOME", "tab": tab,
		"event_ts": "1700000000.000100"}
}

// EventCallback is the Events API's envelope of event, as Slack posts it to the request URL and
// sends it as a Socket Mode payload.
func EventCallback(eventID string, event map[string]any) []byte {
	body, _ := json.Marshal(map[string]any{
		"token": "ignored-verification-token", "team_id": "T0001", "api_app_id": "A0001",
		"event": event, "type": "event_callback", "event_id": eventID, "event_time": 1700000000,
		"authorizations": []map[string]any{{"team_id": "T0001", "user_id": "UBOT0001", "is_bot": true}},
	})
	return body
}

// URLVerification is the challenge Slack posts to a new Events API request URL.
func URLVerification(challenge string) []byte {
	body, _ := json.Marshal(map[string]any{"token": "ignored-verification-token", "challenge": challenge,
		"type": "url_verification"})
	return body
}

// EventRequest is a POST of an Events API body to path as Slack sends it: JSON, signed at now
// with Secret.
func EventRequest(path string, body []byte, now time.Time) *http.Request {
	r := Request(path, body, now)
	r.Header.Set("Content-Type", "application/json")
	return r
}

// DeliverEvent hands the bot an Events API body (EventCallback) as a Socket Mode events_api
// envelope, once it is connected.
func (f *SocketMode) DeliverEvent(tb testing.TB, envelope string, body []byte) {
	tb.Helper()
	f.Deliver(tb, map[string]any{"envelope_id": envelope, "type": "events_api", "accepts_response_payload": false,
		"retry_attempt": 0, "retry_reason": "", "payload": json.RawMessage(body)})
}
