package slack_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot/slack"
)

// FuzzCommandForm: whatever form a validly signed slash command carries, /slack/commands answers
// 200 or 400 and never panics; a form url.ParseQuery refuses is refused; every 200 is JSON within
// Block Kit's limits that pings no one. The bodies are signed here, so the fuzzer reaches the
// form reader, the engine and rendering instead of stopping at the signature.
func FuzzCommandForm(f *testing.F) {
	for _, c := range [][2]string{
		{"/position", "sovereignty"}, {"/position", "troops mexico"}, {"/position", "issue:border surv party:mx"},
		{"/compare", ""}, {"/briefing", "history"}, {"/facts", ""}, {"/timeline", ""}, {"/help", ""},
		{"/brief-search", `"border surveillance" cartels`}, {"/digest", "preview"}, {"/briefbot", "search tunnels"},
		{"/position", "<!channel> <@U123> &lt;!here&gt;"}, {"/nonsense", strings.Repeat("é", 500)},
	} {
		f.Add(commandBody(c[0], c[1], memberUser, "http://127.0.0.1:9/unused"))
	}
	for _, s := range []string{"", "command=%2Fhelp", "command=%2Fhelp&command=%2Fcompare", "command=/position&text=%zz",
		"command=%2Fposition;text=x", "text=sovereignty", "command=%2Fposition&text=sov%00ereignty", "&&=&command=",
		"command=%2Fposition&text=" + strings.Repeat("%41", 3000)} {
		f.Add([]byte(s))
	}
	engine := embeddedEngine(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		// A bot per input: the adapter answers each trigger_id once, and the fuzzer repeats the
		// ones it was seeded with.
		w := serve(newBot(t, engine, slack.Config{}).Commands(), signedRequest("/slack/commands", body))
		_, perr := url.ParseQuery(string(body))
		switch w.Code {
		case http.StatusOK:
			if perr != nil {
				t.Fatalf("answered a form url.ParseQuery refuses (%v): %q", perr, body)
			}
		case http.StatusBadRequest:
			return
		case http.StatusRequestEntityTooLarge:
			if len(body) > 64<<10 {
				return
			}
			fallthrough
		default:
			t.Fatalf("status %d for a signed form of %d bytes: %s", w.Code, len(body), w.Body)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("answer is not JSON: %s", w.Body)
		}
		name := string(body)
		checkLimits(t, name, decode(t, w.Body.Bytes()))
		noLiveMentions(t, name, w.Body.Bytes())
	})
}

// FuzzInteractivityPayload: whatever payload a validly signed button press carries,
// /slack/interactivity answers 200 or 400 and never panics, and every message it then posts to
// response_url is JSON within Block Kit's limits that pings no one. The payload's response_url is
// pointed at a server of the test's own, so the fuzzer never makes the bot post anywhere else.
func FuzzInteractivityPayload(f *testing.F) {
	press := func(value string) []byte {
		form, _ := url.ParseQuery(string(interactionBody(f, memberUser, "http://127.0.0.1:9/unused",
			element{ActionID: "briefbot-compare", Value: value})))
		return []byte(form.Get("payload"))
	}
	for _, v := range []string{"/compare briefing:us-mexico-troops", "/position sovereignty", "/digest now",
		"/brief-search <!channel>", "", " ", "/nonsense"} {
		f.Add(press(v))
	}
	for _, s := range []string{`{}`, `null`, `{"type":""}`, `{"type":"block_actions"}`, `{"type":"block_actions","actions":null}`,
		`{"type":"block_actions","actions":[{"action_id":"briefbot-x","value":"/help"},{"action_id":"other","value":"/help"}]}`,
		`{"type":"view_submission"}`, `{"type":"block_actions","user":"x"}`, "\xff"} {
		f.Add([]byte(s))
	}
	sink := newSink(f)
	engine := embeddedEngine(f)
	f.Fuzz(func(t *testing.T, payload []byte) {
		payload = sink.redirect(payload)
		body := []byte(url.Values{"payload": {string(payload)}}.Encode())
		// A bot per input, closed once its answers are posted, so that what reaches the sink
		// belongs to this input.
		b := newBot(t, engine, slack.Config{})
		w := serve(b.Interactivity(), signedRequest("/slack/interactivity", body))
		want := 0
		if w.Code == http.StatusOK {
			want = presses(payload)
		}
		posts := sink.wait(want)
		_ = b.Close()
		posts = append(posts, sink.take()...)
		if len(posts) != want {
			t.Errorf("%d answers posted to response_url for %d presses of briefbot's buttons", len(posts), want)
		}
		switch w.Code {
		case http.StatusOK:
			if w.Body.Len() != 0 {
				t.Errorf("a button press answered with a body: %s", w.Body)
			}
		case http.StatusBadRequest:
		case http.StatusRequestEntityTooLarge:
			if len(body) <= 64<<10 {
				t.Errorf("413 for a form of %d bytes", len(body))
			}
		default:
			t.Fatalf("status %d for a signed payload: %s", w.Code, w.Body)
		}
		for _, posted := range posts {
			m := decode(t, posted)
			checkLimits(t, string(payload), m)
			noLiveMentions(t, string(payload), posted)
			if m.ReplaceOriginal == nil || *m.ReplaceOriginal {
				t.Errorf("a button's answer replaces the message it came from: %s", posted)
			}
		}
	})
}

// A sink stands in for every response_url: it keeps what is posted to it until taken.
type sink struct {
	url   string
	mu    sync.Mutex
	posts [][]byte
}

func newSink(tb testing.TB) *sink {
	s := &sink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return // the bot gave up on this post while closing
		}
		s.mu.Lock()
		s.posts = append(s.posts, body)
		s.mu.Unlock()
		io.WriteString(w, "ok")
	}))
	tb.Cleanup(srv.Close)
	s.url = srv.URL + "/response"
	return s
}

// wait takes what is posted until n posts have come, or a while has passed.
func (s *sink) wait(n int) [][]byte {
	var out [][]byte
	for deadline := time.Now().Add(10 * time.Second); len(out) < n && time.Now().Before(deadline); {
		out = append(out, s.take()...)
		time.Sleep(time.Millisecond)
	}
	return out
}

func (s *sink) take() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.posts
	s.posts = nil
	return out
}

// presses counts the presses of briefbot's buttons in a payload, each of which is answered at
// response_url: actions whose id carries briefbot's prefix and whose value is not blank.
func presses(payload []byte) int {
	var p struct {
		Type    string `json:"type"`
		Actions []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"actions"`
	}
	if json.Unmarshal(payload, &p) != nil || p.Type != "block_actions" {
		return 0
	}
	n := 0
	for _, a := range p.Actions {
		if strings.HasPrefix(a.ActionID, "briefbot-") && strings.TrimSpace(a.Value) != "" {
			n++
		}
	}
	return n
}

// redirect points a payload's response_url at the sink. A payload that is not a JSON object is
// left alone: the handler refuses it before anything is posted. Every key that encoding/json would
// read as response_url goes, so the sink's is the only one.
func (s *sink) redirect(payload []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(payload, &m) != nil || m == nil {
		return payload
	}
	for k := range m {
		if strings.EqualFold(k, "response_url") {
			delete(m, k)
		}
	}
	m["response_url"], _ = json.Marshal(s.url)
	out, err := json.Marshal(m)
	if err != nil {
		return payload
	}
	return out
}
