package discordtest

import (
	"bytes"
	"cmp"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"briefbot/bot/bottest"
)

// Token is the bot token the fake accepts.
const Token = "test-token.SECRET"

// Fake answers the REST calls the adapter makes, with Discord's JSON shapes, status codes and
// rate-limit headers, under /api/v10 only (so a request discordgo aimed at v9 that was not
// rewritten fails). It also runs a minimal gateway that hands over one interaction. Tests read
// and set its fields under Mu.
type Fake struct {
	t      testing.TB
	Server *httptest.Server

	Mu         sync.Mutex
	Commands   map[string][]map[string]any // registered commands, by path
	Gets, Puts int
	PutPaths   []string
	PutBodies  [][]byte
	Attempts   int               // message POSTs, answered or not
	Messages   []Message         // messages created
	byNonce    map[string]string // nonce -> message id, for enforce_nonce
	// ForgetNonces makes enforce_nonce do nothing, as on Discord once a few minutes have
	// passed: a test of exactly-once delivery must not lean on it.
	ForgetNonces bool
	nextID       int
	Limited      map[string]int // channel -> 429s still to answer
	RetryAfter   float64        // seconds, in the 429's JSON
	Fail         map[string]Failure
	Callbacks    chan []byte // interaction callbacks and edits of deferred answers, as sent
	Expired      bool        // interaction callbacks fail as after 3 seconds
	Identify     []byte      // the gateway's identify payload
	Identifies   int         // gateway sessions identified, in all
	GatewayIn    []byte      // the interaction the gateway dispatches after READY
	GatewayFirst []byte      // an event dispatched before GatewayIn, such as a null interaction
	GatewayAgain bool        // dispatch it a second time, as a resumed session may
	Stray        []string    // requests outside /api/v10
	// Calls are the REST calls made under /api/v10, in order: "GET /channels/645027906669510667".
	Calls []string
	// ChannelTypes is each channel's type, as GET /channels/{id} tells it: 0 text (any channel
	// not named), 5 announcement, 15 forum, 16 media. A forum or media channel takes threads
	// (its posts), not messages.
	ChannelTypes map[string]int
	// Threads are the threads started, on a message or as a forum's posts, in order, and
	// ThreadStarts the bodies that started them, as sent.
	Threads      []Thread
	ThreadStarts [][]byte
	// ThreadLimited: channel -> 429s still to answer a thread's start in it with.
	ThreadLimited map[string]int
	// Hidden: channels whose history the bot may not read (no Read Message History): reading
	// their messages, their threads' messages and their archived threads answers 403.
	Hidden map[string]bool
	// Hold, when set, is asked of each REST call ("POST /channels/645027906669510667/messages"
	// and its body, as sent; without Mu, so that it may read the fake) and holds those it
	// gives a channel for until the channel is closed or the caller goes away, as a process
	// killed in the middle of a call leaves them. A call held before it is made is never made
	// if its caller goes away; with HoldAnswers the call is made at once and only its answer
	// waits, to be lost with the caller. Holding counts the calls held now.
	Hold        func(call string, body []byte) <-chan struct{}
	HoldAnswers bool
	Holding     int
	// CommandFailures are statuses to answer command lists and overwrites with, one per call,
	// before answering as usual: [500, 502] fails the next two calls.
	CommandFailures []int
	// HeartbeatInterval is the gateway's, in milliseconds, as the hello of each connection says
	// (read as the connection opens); 0 means 45000.
	HeartbeatInterval int
	// HelloZlib sends the hello as a zlib-compressed binary message, as discordgo accepts any.
	HelloZlib bool
	// SilentHeartbeats makes the gateway stop acknowledging heartbeats, as a half-open
	// connection does; read at each heartbeat.
	SilentHeartbeats bool
	Hellos           int       // gateway connections greeted, in all
	LastHello        time.Time // when the last one was
	Resumes          int       // gateway sessions resumed, in all
	Heartbeats       int       // heartbeats the gateway received
	LastHeartbeat    time.Time // when the last one came
	LastHeartbeatAck time.Time // when the gateway last acknowledged one
	sockets          map[*websocket.Conn]bool
	dispatch         chan []byte // interactions for the open gateway connection to dispatch
}

// A Message is one message the fake created in a channel.
type Message struct {
	ID      string
	Channel string // a thread's id for a message in a thread
	Parent  string // for a message in a thread, the channel the thread is in; "" otherwise
	Body    []byte
}

// A Thread is a thread the fake started: on a message, whose id it takes, or as a forum's post,
// whose first message takes the thread's id.
type Thread struct {
	ID         string
	Parent     string // the channel it is in
	Name       string
	Archived   bool
	ArchivedAt time.Time
}

// A Failure is how the fake answers every post to a channel: an HTTP status with Discord's JSON
// error code and message.
type Failure struct {
	Status  int
	Code    int
	Message string
}

// NewFake starts a fake Discord, closed when the test ends.
func NewFake(t testing.TB) *Fake {
	f := &Fake{t: t, Commands: map[string][]map[string]any{}, byNonce: map[string]string{},
		Limited: map[string]int{}, Fail: map[string]Failure{}, RetryAfter: 0.05,
		ChannelTypes: map[string]int{}, ThreadLimited: map[string]int{}, Hidden: map[string]bool{},
		Callbacks: make(chan []byte, 16), dispatch: make(chan []byte)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v10/gateway", f.gateway)
	mux.HandleFunc("GET /gateway-ws/", f.gatewaySocket) // discordgo adds the slash
	mux.HandleFunc("GET /api/v10/applications/{app}/commands", f.failing(f.listCommands))
	mux.HandleFunc("PUT /api/v10/applications/{app}/commands", f.failing(f.overwriteCommands))
	mux.HandleFunc("GET /api/v10/applications/{app}/guilds/{guild}/commands", f.failing(f.listCommands))
	mux.HandleFunc("PUT /api/v10/applications/{app}/guilds/{guild}/commands", f.failing(f.overwriteCommands))
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages", f.createMessage)
	mux.HandleFunc("GET /api/v10/channels/{channel}/messages", f.listMessages)
	mux.HandleFunc("GET /api/v10/channels/{channel}/messages/{message}", f.getMessage)
	mux.HandleFunc("GET /api/v10/channels/{channel}", f.getChannel)
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages/{message}/threads", f.startThread)
	mux.HandleFunc("POST /api/v10/channels/{channel}/threads", f.startForumPost)
	mux.HandleFunc("GET /api/v10/guilds/{guild}/threads/active", f.activeThreads)
	mux.HandleFunc("GET /api/v10/channels/{channel}/threads/archived/public", f.archivedThreads)
	mux.HandleFunc("POST /api/v10/interactions/{id}/{token}/callback", f.callback)
	mux.HandleFunc("PATCH /api/v10/webhooks/{app}/{token}/messages/@original", f.callback)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/v10/") && !strings.HasPrefix(r.URL.Path, "/gateway-ws/") {
			f.Mu.Lock()
			f.Stray = append(f.Stray, r.Method+" "+r.URL.Path)
			f.Mu.Unlock()
			writeJSON(w, http.StatusNotFound, map[string]any{"message": "404: Not Found", "code": 0})
			return
		}
		// Interaction callbacks are authorized by the token in their URL, as on Discord.
		open := strings.HasPrefix(r.URL.Path, "/gateway-ws/") || strings.HasPrefix(r.URL.Path, "/api/v10/interactions/") ||
			strings.HasPrefix(r.URL.Path, "/api/v10/webhooks/")
		if !open && r.Header.Get("Authorization") != "Bot "+Token {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "401: Unauthorized", "code": 0})
			return
		}
		if !strings.HasPrefix(r.URL.Path, "/api/v10/") {
			mux.ServeHTTP(w, r)
			return
		}
		call := r.Method + " " + strings.TrimPrefix(r.URL.Path, "/api/v10")
		f.Mu.Lock()
		f.Calls = append(f.Calls, call)
		f.Mu.Unlock()
		f.serve(w, r, call, mux)
	}))
	t.Cleanup(f.Server.Close)
	return f
}

// APIURL is what the adapter's Config.APIURL is set to.
func (f *Fake) APIURL() string { return f.Server.URL + "/api/v10" }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// id is a new snowflake: the time now since Discord's epoch, then a counter, so that ids grow and
// a history read "after" a time finds what was created since.
func (f *Fake) id() string {
	f.nextID++
	return fmt.Sprint(uint64(time.Now().UnixMilli()-1420070400000)<<22 | uint64(f.nextID&0x3fffff))
}

// failing answers with the next of CommandFailures while there is one, else with next.
func (f *Fake) failing(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.Mu.Lock()
		status := 0
		if len(f.CommandFailures) > 0 {
			status, f.CommandFailures = f.CommandFailures[0], f.CommandFailures[1:]
		}
		f.Mu.Unlock()
		if status == 0 {
			next(w, r)
			return
		}
		writeJSON(w, status, map[string]any{"message": http.StatusText(status), "code": 0})
	}
}

func (f *Fake) listCommands(w http.ResponseWriter, r *http.Request) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Gets++
	cmds := f.Commands[r.URL.Path]
	if cmds == nil {
		cmds = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, cmds)
}

// overwriteCommands stores commands as Discord lists them back: with ids and versions, the
// permissions as a string, and defaults for what was not sent.
func (f *Fake) overwriteCommands(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var in []map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Invalid Form Body", "code": 50035})
		return
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Puts++
	f.PutPaths = append(f.PutPaths, r.URL.Path)
	f.PutBodies = append(f.PutBodies, body)
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
		// What Discord lists for a command registered without them: installed in servers, and
		// contexts null (its default, servers and the bot's DM).
		if c["integration_types"] == nil {
			c["integration_types"] = []int{0}
		}
		if _, sent := c["contexts"]; !sent {
			c["contexts"] = nil
		}
		c["nsfw"] = false
		c["name_localizations"], c["description_localizations"] = nil, nil
		out = append(out, c)
	}
	f.Commands[r.URL.Path] = out
	writeJSON(w, http.StatusOK, out)
}

func (f *Fake) createMessage(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Attempts++
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	if f.Limited[channel] > 0 {
		f.Limited[channel]--
		f.rateLimited(w)
		return
	}
	if f.forum(channel) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "Cannot send messages in a non-text channel", "code": 50008})
		return
	}
	thread, ok := f.channelOfThread(channel)
	if !ok {
		unknownChannel(w)
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
	if id, seen := f.byNonce[nonce]; seen && msg.EnforceNonce && !f.ForgetNonces {
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "channel_id": channel, "type": 0, "nonce": nonce})
		return
	}
	id := f.id()
	if nonce != "" {
		f.byNonce[nonce] = id
	}
	m := Message{ID: id, Channel: channel, Body: body}
	if thread != nil {
		m.Parent, thread.Archived = thread.Parent, false // a message wakes an archived thread
	}
	f.Messages = append(f.Messages, m)
	out := messageJSON(m)
	out["nonce"] = nonce
	writeJSON(w, http.StatusOK, out)
}

// rateLimited answers a 429 as Discord does, in its headers and its JSON.
func (f *Fake) rateLimited(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Retry-After", fmt.Sprint(int(f.RetryAfter)+1)) // whole seconds, rounded up, as Discord sends it
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", f.RetryAfter))
	h.Set("X-RateLimit-Bucket", "f2b5e1c0d3a4")
	h.Set("X-RateLimit-Scope", "user")
	writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": f.RetryAfter, "global": false})
}

// messageJSON is m as Discord shows it, written by the bot.
func messageJSON(m Message) map[string]any {
	var body map[string]any
	json.Unmarshal(m.Body, &body)
	embeds, components := body["embeds"], body["components"]
	if embeds == nil {
		embeds = []any{}
	}
	if components == nil {
		components = []any{}
	}
	content, _ := body["content"].(string)
	return map[string]any{"id": m.ID, "channel_id": m.Channel, "type": 0, "content": content,
		"author":    map[string]any{"id": AppID, "username": "briefbot", "bot": true},
		"timestamp": "2025-04-07T09:00:00.000000+00:00", "embeds": embeds, "components": components}
}

func (f *Fake) callback(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.Mu.Lock()
	expired := f.Expired
	f.Mu.Unlock()
	if expired {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Unknown interaction", "code": 10062})
		f.Callbacks <- nil
		return
	}
	f.Callbacks <- body
	if r.Method == http.MethodPatch { // an edit answers with the message
		f.Mu.Lock()
		id := f.id()
		f.Mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "type": 19, "content": "", "flags": 64})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) gateway(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"url": "ws" + strings.TrimPrefix(f.Server.URL, "http") + "/gateway-ws"})
}

// DropGateway cuts the gateway's connections without a word, as a network failure does;
// discordgo reconnects and resumes.
func (f *Fake) DropGateway() {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	for c := range f.sockets {
		c.Close()
	}
}

// hello greets a gateway connection with the heartbeat interval set now.
func (f *Fake) hello(c *websocket.Conn) error {
	f.Mu.Lock()
	interval, zlibbed := cmp.Or(f.HeartbeatInterval, 45000), f.HelloZlib
	f.Hellos++
	f.LastHello = time.Now()
	f.Mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": interval}, "s": nil, "t": nil})
	if !zlibbed {
		return c.WriteMessage(websocket.TextMessage, msg)
	}
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(msg)
	zw.Close()
	return c.WriteMessage(websocket.BinaryMessage, z.Bytes())
}

// gatewaySocket says hello and takes the identify, then sends READY and one INTERACTION_CREATE;
// or it takes a resume and sends RESUMED. Then it acknowledges heartbeats.
func (f *Fake) gatewaySocket(w http.ResponseWriter, r *http.Request) {
	c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	f.Mu.Lock()
	if f.sockets == nil {
		f.sockets = map[*websocket.Conn]bool{}
	}
	f.sockets[c] = true
	f.Mu.Unlock()
	defer func() {
		f.Mu.Lock()
		delete(f.sockets, c)
		f.Mu.Unlock()
	}()
	if f.hello(c) != nil {
		return
	}
	for {
		var m struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op == 6 {
			var resume struct {
				Seq int `json:"seq"`
			}
			json.Unmarshal(m.D, &resume)
			f.Mu.Lock()
			f.Resumes++
			f.Mu.Unlock()
			c.WriteJSON(map[string]any{"op": 0, "s": resume.Seq + 1, "t": "RESUMED", "d": map[string]any{}})
			f.heartbeats(c)
			return
		}
		if m.Op == 2 {
			f.Mu.Lock()
			f.Identify = m.D
			f.Identifies++
			f.Mu.Unlock()
			break
		}
	}
	c.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{
		"v": 10, "session_id": "fake-session", "resume_gateway_url": "ws://127.0.0.1:1",
		"user": map[string]any{"id": AppID, "username": "briefbot", "bot": true}, "guilds": []any{},
		"application": map[string]any{"id": AppID, "flags": 0}}})
	f.Mu.Lock()
	in, again, first := f.GatewayIn, f.GatewayAgain, f.GatewayFirst
	f.Mu.Unlock()
	if first != nil {
		c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "INTERACTION_CREATE", "d": json.RawMessage(first)})
	}
	if in != nil {
		c.WriteJSON(map[string]any{"op": 0, "s": 2, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
		if again {
			c.WriteJSON(map[string]any{"op": 0, "s": 3, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
		}
	}
	done := make(chan struct{})
	defer close(done)
	var writing sync.Mutex // gorilla's connections take one writer at a time
	write := func(v any) error {
		writing.Lock()
		defer writing.Unlock()
		return c.WriteJSON(v)
	}
	go func() {
		for seq := 4; ; seq++ {
			select {
			case in := <-f.dispatch:
				write(map[string]any{"op": 0, "s": seq, "t": "INTERACTION_CREATE", "d": json.RawMessage(in)})
			case <-done:
				return
			}
		}
	}()
	f.heartbeatsWith(c, write)
}

// Dispatch sends one interaction over the open gateway connection, as Discord does when a
// member runs a command; the adapter answers it over REST (Callbacks). It waits for the bot to
// connect; the bound only keeps a broken test from hanging.
func (f *Fake) Dispatch(tb testing.TB, interaction []byte) {
	tb.Helper()
	select {
	case f.dispatch <- interaction:
	case <-time.After(20 * time.Second):
		tb.Fatal("the bot never connected to the gateway")
	}
}

// heartbeats acknowledges the connection's heartbeats, unless SilentHeartbeats, until it ends.
func (f *Fake) heartbeats(c *websocket.Conn) { f.heartbeatsWith(c, c.WriteJSON) }

// heartbeatsWith acknowledges heartbeats through write, which may be shared with dispatches.
func (f *Fake) heartbeatsWith(c *websocket.Conn, write func(any) error) {
	for {
		var m struct {
			Op int `json:"op"`
		}
		if err := c.ReadJSON(&m); err != nil {
			return
		}
		if m.Op != 1 {
			continue
		}
		f.Mu.Lock()
		f.Heartbeats++
		f.LastHeartbeat = time.Now()
		ack := !f.SilentHeartbeats
		if ack {
			f.LastHeartbeatAck = time.Now()
		}
		f.Mu.Unlock()
		if ack {
			write(map[string]any{"op": 11, "d": nil, "s": nil, "t": nil})
		}
	}
}

// listMessages answers GET /channels/{id}/messages?after=&limit= as Discord does: the newest
// first, at most limit (default 50, at most 100), those with ids above after.
func (f *Fake) listMessages(w http.ResponseWriter, r *http.Request) {
	channel := r.PathValue("channel")
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit < 1 || limit > 100 {
		limit = 50
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if fl, ok := f.Fail[channel]; ok {
		writeJSON(w, fl.Status, map[string]any{"message": fl.Message, "code": fl.Code})
		return
	}
	if _, ok := f.channelOfThread(channel); !ok {
		unknownChannel(w)
		return
	}
	if f.hidden(channel) {
		missingAccess(w)
		return
	}
	out := []map[string]any{}
	for i := len(f.Messages) - 1; i >= 0 && len(out) < limit; i-- {
		m := f.Messages[i]
		id, _ := strconv.ParseUint(m.ID, 10, 64)
		if m.Channel != channel || id <= after {
			continue
		}
		out = append(out, messageJSON(m))
	}
	writeJSON(w, http.StatusOK, out)
}

// serve makes the REST call r through next, or holds it as Hold says.
func (f *Fake) serve(w http.ResponseWriter, r *http.Request, call string, next http.Handler) {
	f.Mu.Lock()
	hold, answerLater := f.Hold, f.HoldAnswers
	f.Mu.Unlock()
	var release <-chan struct{}
	if hold != nil {
		body, _ := io.ReadAll(r.Body) // to its end, as Held needs
		r.Body = io.NopCloser(bytes.NewReader(body))
		release = hold(call, body)
	}
	bottest.Held(w, r, next, release, answerLater, &f.Mu, &f.Holding)
}
