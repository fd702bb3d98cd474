package discord_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
)

const botToken = "test-token.SECRET"

// fakeDiscord answers the REST calls the adapter makes, with Discord's JSON shapes, status codes
// and rate-limit headers, under /api/v10 only (so a request discordgo aimed at v9 that was not
// rewritten fails). It also runs a minimal gateway that hands over one interaction.
type fakeDiscord struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	commands   map[string][]map[string]any // registered commands, by path
	gets, puts int
	putPaths   []string
	putBodies  [][]byte
	attempts   int               // message POSTs, answered or not
	messages   []postedMessage   // messages created
	byNonce    map[string]string // nonce -> message id, for enforce_nonce
	nextID     int
	limited    map[string]int // channel -> 429s still to answer
	retryAfter float64        // seconds, in the 429's JSON
	fail       map[string]failure
	callbacks  chan []byte // interaction callbacks, as posted
	expired    bool        // interaction callbacks fail as after 3 seconds
	identify   []byte      // the gateway's identify payload
	gatewayIn  []byte      // the interaction the gateway dispatches after READY
	stray      []string    // requests outside /api/v10
}

type postedMessage struct {
	ID      string
	Channel string
	Body    []byte
}

type failure struct {
	status  int
	code    int
	message string
}

func newFakeDiscord(t testing.TB) *fakeDiscord {
	f := &fakeDiscord{t: t, commands: map[string][]map[string]any{}, byNonce: map[string]string{},
		limited: map[string]int{}, fail: map[string]failure{}, retryAfter: 0.05, nextID: 1361000000000000100,
		callbacks: make(chan []byte, 16)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v10/gateway", f.gateway)
	mux.HandleFunc("GET /gateway-ws/", f.gatewaySocket) // discordgo adds the slash
	mux.HandleFunc("GET /api/v10/applications/{app}/commands", f.listCommands)
	mux.HandleFunc("PUT /api/v10/applications/{app}/commands", f.overwriteCommands)
	mux.HandleFunc("GET /api/v10/applications/{app}/guilds/{guild}/commands", f.listCommands)
	mux.HandleFunc("PUT /api/v10/applications/{app}/guilds/{guild}/commands", f.overwriteCommands)
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages", f.createMessage)
	mux.HandleFunc("POST /api/v10/interactions/{id}/{token}/callback", f.callback)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v10/") && !strings.HasPrefix(r.URL.Path, "/gateway-ws/") {
			f.mu.Lock()
			f.stray = append(f.stray, r.Method+" "+r.URL.Path)
			f.mu.Unlock()
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
			return
		}
		// Interaction callbacks are authorized by the token in their URL, as on Discord.
		open := strings.HasPrefix(r.URL.Path, "/gateway-ws/") || strings.HasPrefix(r.URL.Path, "/api/v10/interactions/")
		if !open && r.Header.Get("Authorization") != "Bot "+botToken {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.srv.Close)
	return f
}

// apiURL is what Config.APIURL is set to.
func (f *fakeDiscord) apiURL() string { return f.srv.URL + "/api/v10" }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeDiscord) id() string {
	f.nextID++
	return fmt.Sprint(f.nextID)
}

func (f *fakeDiscord) listCommands(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets++
	cmds := f.commands[r.URL.Path]
	if cmds == nil {
		cmds = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, cmds)
}

// overwriteCommands stores commands as Discord lists them back: with ids and versions, the
// permissions as a string, and defaults for what was not sent.
func (f *fakeDiscord) overwriteCommands(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in []map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.puts++
	f.putPaths = append(f.putPaths, r.URL.Path)
	f.putBodies = append(f.putBodies, body)
	var out []map[string]any
	for _, c := range in {
		id := f.id()
		c["id"], c["application_id"], c["version"] = id, r.PathValue("app"), id
		if c["type"] == nil {
			c["type"] = 1
		}
		switch p := c["default_member_permissions"].(type) {
		case float64:
			c["default_member_permissions"] = fmt.Sprint(int64(p))
		case nil:
			c["default_member_permissions"] = nil
		}
		if g := r.PathValue("guild"); g != "" {
			c["guild_id"] = g
		} else {
			c["dm_permission"] = true
		}
		c["contexts"], c["integration_types"], c["nsfw"] = nil, []int{0}, false
		c["name_localizations"], c["description_localizations"] = nil, nil
		out = append(out, c)
	}
	f.commands[r.URL.Path] = out
	writeJSON(w, http.StatusOK, out)
}

func (f *fakeDiscord) createMessage(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if fl, ok := f.fail[channel]; ok {
		writeJSON(w, fl.status, map[string]any{"message": fl.message, "code": fl.code})
		return
	}
	if f.limited[channel] > 0 {
		f.limited[channel]--
		h := w.Header()
		h.Set("Retry-After", fmt.Sprint(int(f.retryAfter)+1)) // whole seconds, rounded up, as Discord sends it
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", f.retryAfter))
		h.Set("X-RateLimit-Bucket", "f2b5e1c0d3a4")
		h.Set("X-RateLimit-Scope", "user")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": f.retryAfter, "global": false})
		return
	}
	var msg struct {
		Nonce        any  `json:"nonce"`
		EnforceNonce bool `json:"enforce_nonce"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	nonce, _ := msg.Nonce.(string)
	if id, seen := f.byNonce[nonce]; seen && msg.EnforceNonce {
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "channel_id": channel, "type": 0, "nonce": nonce})
		return
	}
	id := f.id()
	if nonce != "" {
		f.byNonce[nonce] = id
	}
	f.messages = append(f.messages, postedMessage{ID: id, Channel: channel, Body: body})
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "channel_id": channel, "type": 0, "content": "",
		"author":    map[string]any{"id": appID, "username": "briefbot", "bot": true},
		"timestamp": "2025-04-07T09:00:00.000000+00:00", "nonce": nonce, "embeds": []any{}, "components": []any{}})
}

func (f *fakeDiscord) callback(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	expired := f.expired
	f.mu.Unlock()
	if expired {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown interaction", "code": 10062})
		f.callbacks <- nil
		return
	}
	f.callbacks <- body
	w.WriteHeader(http.StatusNoContent)
}

func (f *fakeDiscord) gateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/gateway-ws"})
}

// gatewaySocket says hello, takes the identify, sends READY and then one INTERACTION_CREATE.
func (f *fakeDiscord) gatewaySocket(w http.ResponseWriter, r *http.Request) {
	c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}, "s": nil, "t": nil})
	for {
		var m struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 2 {
			f.mu.Lock()
			f.identify = m.D
			f.mu.Unlock()
			break
		}
	}
	c.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{
		"v": 10, "session_id": "fake-session", "resume_gateway_url": "ws://127.0.0.1:1",
		"user": map[string]any{"id": appID, "username": "briefbot", "bot": true}, "guilds": []any{},
		"application": map[string]any{"id": appID, "flags": 0}}})
	f.mu.Lock()
	in := f.gatewayIn
	f.mu.Unlock()
	if in != nil {
		c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
	}
	for {
		if _, _, err := c.ReadMessage(); err != nil {
			return
		}
	}
}
