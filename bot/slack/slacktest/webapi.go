package slacktest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/bottest"
)

// BotToken is the bot token the fake Web API accepts.
const BotToken = "xoxb-test-token"

// WebAPI stands in for Slack's Web API as a digest poster meets it: chat.postMessage keeps
// every message with its metadata and the thread it replies in, conversations.history shows the
// channel's messages back, newest first and without thread replies, and conversations.replies
// a thread, its first message first, as Slack does. Knobs make it answer as Slack does under load: 429 with Retry-After when a channel
// gets more than one message a second (Slack's documented limit, with no burst here), and, at
// random, 429s and 5xx, some of the latter after the message was kept (a timeout after the
// post went out). Tests read and set its fields under Mu.
type WebAPI struct {
	Server *httptest.Server

	Mu       sync.Mutex
	Messages []WebMessage
	Attempts int
	// Calls are the Web API methods called, in order: "chat.postMessage".
	Calls []string
	// PerChannel enforces one message a second per channel with 429s.
	PerChannel bool
	// Flaky answers that share of posts with a random 429 or 500 (a third of the 500s after
	// keeping the message); Seed makes the sequence repeatable.
	Flaky float64
	Seed  uint64
	// Hold, when set, is asked of each Web API call ("chat.postMessage" and its form; without
	// Mu, so that it may read the fake) and holds those it gives a channel for until the
	// channel is closed or the caller goes away, as a process killed in the middle of a call
	// leaves them. A call held before it is made is never made if its caller goes away; with
	// HoldAnswers the call is made at once and only its answer waits, to be lost with the
	// caller. Holding counts the calls held now.
	Hold        func(method string, form url.Values) <-chan struct{}
	HoldAnswers bool
	Holding     int
	// NoHistory answers conversations.history with missing_scope, as for an app installed
	// without channels:history.
	NoHistory bool

	rng      *rand.Rand
	lastPost map[string]time.Time
	nextTS   int
	socket   *SocketMode // when set, Socket Mode is served too
}

// A WebMessage is one message the fake kept.
type WebMessage struct {
	Channel  string
	TS       string
	ThreadTS string // the ts of the message whose thread it replies in; "" in the channel
	Key      string // the delivery key in the message metadata, if any
	Text     string
	Blocks   string
}

// NewWebAPI starts a fake Web API, closed when the test ends. Point slack.api_url at URL().
func NewWebAPI(tb testing.TB) *WebAPI {
	f := &WebAPI{lastPost: map[string]time.Time{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/chat.postMessage", f.postMessage)
	mux.HandleFunc("POST /api/conversations.history", f.history)
	mux.HandleFunc("GET /api/conversations.history", f.history)
	mux.HandleFunc("POST /api/conversations.replies", f.replies)
	mux.HandleFunc("GET /api/conversations.replies", f.replies)
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.Mu.Lock()
		socketMode := f.socket
		f.Mu.Unlock()
		if socketMode != nil && (r.URL.Path == "/api/apps.connections.open" || r.URL.Path == "/api/link") {
			socket := http.NewServeMux() // authorized by the app token, not the bot's
			socketMode.mount(socket, "/api")
			socket.ServeHTTP(w, r)
			return
		}
		// slack-go sends the token as a bearer header or, on some calls, in the form.
		if r.Header.Get("Authorization") != "Bearer "+BotToken && r.FormValue("token") != BotToken {
			answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_auth"})
			return
		}
		method := strings.TrimPrefix(r.URL.Path, "/api/")
		f.Mu.Lock()
		f.Calls = append(f.Calls, method)
		f.Mu.Unlock()
		f.serve(w, r, method, mux)
	}))
	tb.Cleanup(f.Server.Close)
	return f
}

// URL is the Web API base, with the trailing slash slack-go wants.
func (f *WebAPI) URL() string { return f.Server.URL + "/api/" }

// ByChannel counts the kept messages per channel and key.
func (f *WebAPI) ByChannel() map[string]map[string]int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	out := map[string]map[string]int{}
	for _, m := range f.Messages {
		if out[m.Channel] == nil {
			out[m.Channel] = map[string]int{}
		}
		out[m.Channel][m.Key]++
	}
	return out
}

// InChannel are the messages kept in channel, replies included, in the order they were posted.
func (f *WebAPI) InChannel(channel string) []WebMessage {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	var out []WebMessage
	for _, m := range f.Messages {
		if m.Channel == channel {
			out = append(out, m)
		}
	}
	return out
}

// CallsTo counts the calls made to method, such as "conversations.history".
func (f *WebAPI) CallsTo(method string) int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	n := 0
	for _, c := range f.Calls {
		if c == method {
			n++
		}
	}
	return n
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *WebAPI) postMessage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "invalid_form_data"})
		return
	}
	channel := r.PostForm.Get("channel")
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Attempts++
	if f.rng == nil {
		f.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x5eed))
	}
	now := time.Now()
	if f.PerChannel && now.Sub(f.lastPost[channel]) < time.Second {
		w.Header().Set("Retry-After", "1")
		answer(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
		return
	}
	keep, fail := true, 0
	if f.Flaky > 0 && f.rng.Float64() < f.Flaky {
		switch f.rng.IntN(3) {
		case 0:
			w.Header().Set("Retry-After", "1")
			answer(w, http.StatusTooManyRequests, map[string]any{"ok": false, "error": "ratelimited"})
			return
		case 1:
			keep, fail = false, http.StatusInternalServerError
		default:
			fail = http.StatusInternalServerError // kept, but the answer is lost
		}
	}
	if keep {
		f.lastPost[channel] = now
		f.nextTS++
		ts := fmt.Sprintf("%d.%06d", now.Unix(), f.nextTS%1000000)
		var meta struct {
			EventPayload struct {
				Key string `json:"key"`
			} `json:"event_payload"`
		}
		json.Unmarshal([]byte(r.PostForm.Get("metadata")), &meta)
		f.Messages = append(f.Messages, WebMessage{Channel: channel, TS: ts, ThreadTS: r.PostForm.Get("thread_ts"),
			Key: meta.EventPayload.Key, Text: r.PostForm.Get("text"), Blocks: r.PostForm.Get("blocks")})
		if fail == 0 {
			answer(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": ts})
			return
		}
	}
	http.Error(w, "internal error", fail)
}

func (f *WebAPI) history(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	q := r.Form
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.NoHistory {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "missing_scope", "needed": "channels:history"})
		return
	}
	oldest, _ := strconv.ParseFloat(q.Get("oldest"), 64)
	var match []WebMessage
	for _, m := range f.Messages {
		ts, _ := strconv.ParseFloat(m.TS, 64)
		// A thread's replies stay in their thread: history shows its first message only.
		if m.Channel == q.Get("channel") && ts > oldest && m.ThreadTS == "" {
			match = append(match, m)
		}
	}
	sort.SliceStable(match, func(i, j int) bool { return match[i].TS > match[j].TS })
	answer(w, http.StatusOK, f.page(match, q))
}

// page answers one page of messages, as history and replies do: limit of them from the cursor
// on, with the metadata when include_all_metadata asks for it.
func (f *WebAPI) page(match []WebMessage, q url.Values) map[string]any {
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit < 1 || limit > 1000 {
		limit = 100
	}
	offset, _ := strconv.Atoi(strings.TrimPrefix(q.Get("cursor"), "next:"))
	page := match[min(offset, len(match)):min(offset+limit, len(match))]
	messages := []map[string]any{}
	for _, m := range page {
		msg := map[string]any{"type": "message", "ts": m.TS, "text": m.Text, "bot_id": "B0001"}
		if m.ThreadTS != "" {
			msg["thread_ts"] = m.ThreadTS
		}
		if all := q.Get("include_all_metadata"); m.Key != "" && (all == "1" || all == "true") {
			msg["metadata"] = map[string]any{"event_type": "briefbot_digest", "event_payload": map[string]any{"key": m.Key}}
		}
		messages = append(messages, msg)
	}
	resp := map[string]any{"ok": true, "messages": messages, "has_more": offset+limit < len(match)}
	if offset+limit < len(match) {
		resp["response_metadata"] = map[string]any{"next_cursor": "next:" + strconv.Itoa(offset+limit)}
	}
	return resp
}

// replies answers conversations.replies: the message at ts and the replies in its thread,
// oldest first; thread_not_found when the channel has no message at ts.
func (f *WebAPI) replies(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	q := r.Form
	f.Mu.Lock()
	defer f.Mu.Unlock()
	if f.NoHistory {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "missing_scope", "needed": "channels:history"})
		return
	}
	channel, ts := q.Get("channel"), q.Get("ts")
	var match []WebMessage
	for _, m := range f.Messages {
		if m.Channel == channel && (m.TS == ts || m.ThreadTS == ts) {
			match = append(match, m)
		}
	}
	if len(match) == 0 || match[0].TS != ts {
		answer(w, http.StatusOK, map[string]any{"ok": false, "error": "thread_not_found"})
		return
	}
	answer(w, http.StatusOK, f.page(match, q))
}

// serve makes the Web API call r through next, or holds it as Hold says.
func (f *WebAPI) serve(w http.ResponseWriter, r *http.Request, method string, next http.Handler) {
	f.Mu.Lock()
	hold, answerLater := f.Hold, f.HoldAnswers
	f.Mu.Unlock()
	var release <-chan struct{}
	if hold != nil {
		r.ParseForm() // to the body's end, as Held needs; the handlers read the form parsed
		release = hold(method, r.Form)
	}
	bottest.Held(w, r, next, release, answerLater, &f.Mu, &f.Holding)
}
