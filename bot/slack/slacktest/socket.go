package slacktest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// AppToken is the app-level token the fake Socket Mode accepts.
const AppToken = "xapp-1-A0001-test"

// SocketMode stands in for Slack's Socket Mode: apps.connections.open hands out a websocket URL
// on the same server, which says hello and then relays envelopes from the test and acks from
// the bot.
type SocketMode struct {
	Send  chan any             // envelopes to the bot
	Acks  chan json.RawMessage // what the bot sent back
	Opens chan string          // the Authorization header of each apps.connections.open
	Ends  chan struct{}        // one for each connection the bot closed or dropped
	// FailOpens is how many apps.connections.open calls to fail before one succeeds.
	FailOpens atomic.Int32

	base string // where the websocket URL is served: the server's URL and path prefix
}

// NewSocketMode starts a fake Socket Mode on a server of its own, closed when the test ends.
// Point slack.api_url at its URL.
func NewSocketMode(tb testing.TB) (*SocketMode, *httptest.Server) {
	tb.Helper()
	f := newSocketMode()
	mux := http.NewServeMux()
	f.mount(mux, "")
	srv := httptest.NewServer(mux)
	f.base = srv.URL
	tb.Cleanup(srv.Close)
	return f, srv
}

// WithSocketMode adds Socket Mode to the fake Web API, for a bot that posts digests and takes
// commands over Socket Mode through one api_url.
func (f *WebAPI) WithSocketMode() *SocketMode {
	s := newSocketMode()
	s.base = f.Server.URL + "/api"
	f.Mu.Lock()
	f.socket = s
	f.Mu.Unlock()
	return s
}

func newSocketMode() *SocketMode {
	return &SocketMode{Send: make(chan any), Acks: make(chan json.RawMessage, 16), Opens: make(chan string, 16),
		Ends: make(chan struct{}, 16)}
}

func (f *SocketMode) mount(mux *http.ServeMux, prefix string) {
	mux.HandleFunc("POST "+prefix+"/apps.connections.open", f.open)
	mux.HandleFunc("GET "+prefix+"/link", f.link)
}

func (f *SocketMode) open(w http.ResponseWriter, r *http.Request) {
	select {
	case f.Opens <- r.Header.Get("Authorization"):
	default: // a test that counts no opens
	}
	w.Header().Set("Content-Type", "application/json")
	if f.FailOpens.Add(-1) >= 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+AppToken && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer xapp-") {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": "invalid_auth"})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.base, "http") + "/link"})
}

func (f *SocketMode) link(w http.ResponseWriter, r *http.Request) {
	upgrader := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
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
			case f.Ends <- struct{}{}:
			default:
			}
		}()
		for {
			_, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			f.Acks <- msg
		}
	}()
	for {
		select {
		case env := <-f.Send:
			if err := conn.WriteJSON(env); err != nil {
				return
			}
		case <-closed:
			return
		}
	}
}

// Ack waits for the bot's ack of one envelope; the bound only keeps a broken test from hanging.
func (f *SocketMode) Ack(tb testing.TB, envelope string) map[string]json.RawMessage {
	tb.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case raw := <-f.Acks:
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

// Deliver hands the bot one envelope, once it is connected.
func (f *SocketMode) Deliver(tb testing.TB, env any) {
	tb.Helper()
	select {
	case f.Send <- env:
	case <-time.After(20 * time.Second):
		tb.Fatal("the bot never connected")
	}
}
