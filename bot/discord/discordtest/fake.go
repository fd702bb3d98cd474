package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
