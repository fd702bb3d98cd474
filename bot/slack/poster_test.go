package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// fakeWebAPI stands in for Slack's Web API: chat.postMessage answers from a script, one answer
// per call, and every call's form is kept.
type fakeWebAPI struct {
	*httptest.Server
	mu      sync.Mutex
	calls   []url.Values
	answers []func(w http.ResponseWriter)
}

func newFakeWebAPI(tb testing.TB, answers ...func(w http.ResponseWriter)) *fakeWebAPI {
	tb.Helper()
	f := &fakeWebAPI{answers: answers}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /chat.postMessage", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		form, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		f.mu.Lock()
		n := len(f.calls)
		f.calls = append(f.calls, form)
		f.mu.Unlock()
		if n >= len(f.answers) {
			tb.Errorf("chat.postMessage called %d times, scripted for %d", n+1, len(f.answers))
			slackError("internal_error")(w)
			return
		}
		f.answers[n](w)
	})
	f.Server = httptest.NewServer(mux)
	tb.Cleanup(f.Close)
	return f
}

func (f *fakeWebAPI) posted() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.calls...)
}

func posted(ts string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "channel": testChannel, "ts": ts})
	}
}

func slackError(code string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error": code})
	}
}

func rateLimited(retryAfter string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = io.WriteString(w, `{"ok":false,"error":"ratelimited"}`)
	}
}

func status(code int) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) { http.Error(w, http.StatusText(code), code) }
}

// newPoster points a Bot's Poster at api, with its rate-limit sleep recorded instead of slept.
func newPoster(tb testing.TB, api *fakeWebAPI) (*slack.Poster, *[]time.Duration) {
	tb.Helper()
	b := newBot(tb, embeddedEngine(tb), slack.Config{APIURL: api.URL})
	var waits []time.Duration
	p := b.Poster()
	slack.SetPosterWait(p, func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	})
	return p, &waits
}

func digestReply(tb testing.TB) bot.Reply {
	return bot.Compose(embeddedEngine(tb).DefaultBriefing(), digestDay)
}

// TestPostRateLimitedOnce: a 429 with Retry-After is waited out and the post sent again, once.
func TestPostRateLimitedOnce(t *testing.T) {
	api := newFakeWebAPI(t, rateLimited("1"), posted("1712480400.000100"))
	p, waits := newPoster(t, api)
	id, err := p.Post(context.Background(), testChannel, "morning/2025-04-07", digestReply(t))
	if err != nil {
		t.Fatalf("Post: %v", err)
	}
	if id != "1712480400.000100" {
		t.Errorf("Post = %q, want the message ts", id)
	}
	if len(*waits) != 1 || (*waits)[0] != time.Second {
		t.Errorf("waited %v, want [1s] as Retry-After said", *waits)
	}
	calls := api.posted()
	if len(calls) != 2 {
		t.Fatalf("%d calls, want 2 (the 429, then the post)", len(calls))
	}
	form := calls[1]
	if form.Get("channel") != testChannel || form.Get("token") != testToken {
		t.Errorf("posted to %q with another token", form.Get("channel"))
	}
	var meta struct {
		EventType    string            `json:"event_type"`
		EventPayload map[string]string `json:"event_payload"`
	}
	if err := json.Unmarshal([]byte(form.Get("metadata")), &meta); err != nil {
		t.Fatalf("metadata %q: %v", form.Get("metadata"), err)
	}
	if meta.EventType != "briefbot_digest" || meta.EventPayload["key"] != "morning/2025-04-07" {
		t.Errorf("metadata = %+v, want briefbot_digest with the delivery key", meta)
	}
	if form.Get("text") != "Daily briefing, Monday 7 April 2025 (Mexico rejects U.S. troops plan)" {
		t.Errorf("text = %q", form.Get("text"))
	}
	if form.Get("parse") != "none" || form.Get("link_names") != "false" {
		t.Errorf("parse=%q link_names=%q, want none and false", form.Get("parse"), form.Get("link_names"))
	}
	var blocks []block
	if err := json.Unmarshal([]byte(form.Get("blocks")), &blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	checkLimits(t, "digest", slackMessage{Text: form.Get("text"), Blocks: blocks})
	if len(blocks) == 0 || blocks[0].Type != "header" {
		t.Errorf("blocks do not start with the header: %+v", blocks)
	}
}

func TestPostPermanentErrors(t *testing.T) {
	for _, code := range []string{"channel_not_found", "not_in_channel", "invalid_auth", "account_inactive",
		"is_archived", "token_revoked", "missing_scope", "invalid_blocks", "msg_too_long"} {
		t.Run(code, func(t *testing.T) {
			api := newFakeWebAPI(t, slackError(code))
			p, waits := newPoster(t, api)
			_, err := p.Post(context.Background(), testChannel, "k", digestReply(t))
			pe, ok := errors.AsType[*bot.PostError](err)
			if !ok {
				t.Fatalf("Post error %v (%T), want *bot.PostError", err, err)
			}
			if !pe.Permanent || pe.Code != code {
				t.Errorf("PostError{Permanent: %v, Code: %q}, want permanent %q", pe.Permanent, pe.Code, code)
			}
			if n := len(api.posted()); n != 1 || len(*waits) != 0 {
				t.Errorf("%d calls and %d waits, want 1 call and no retry", n, len(*waits))
			}
		})
	}
}

func TestPostTransientErrors(t *testing.T) {
	tests := []struct {
		name       string
		answers    []func(http.ResponseWriter)
		code       string
		retryAfter time.Duration
		calls      int
	}{
		{"internal_error", []func(http.ResponseWriter){slackError("internal_error")}, "internal_error", 0, 1},
		{"fatal_error", []func(http.ResponseWriter){slackError("fatal_error")}, "fatal_error", 0, 1},
		{"503", []func(http.ResponseWriter){status(http.StatusServiceUnavailable)}, "503", 0, 1},
		{"rate limited every time", []func(http.ResponseWriter){rateLimited("2"), rateLimited("2"), rateLimited("2"), rateLimited("2")}, "429", 2 * time.Second, 4},
		{"Retry-After too long to wait", []func(http.ResponseWriter){rateLimited("120")}, "429", 120 * time.Second, 1},
		{"429 without Retry-After", []func(http.ResponseWriter){rateLimited(""), rateLimited(""), rateLimited(""), rateLimited("")}, "429", 0, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			api := newFakeWebAPI(t, tc.answers...)
			p, _ := newPoster(t, api)
			_, err := p.Post(context.Background(), testChannel, "k", digestReply(t))
			pe, ok := errors.AsType[*bot.PostError](err)
			if !ok {
				t.Fatalf("Post error %v (%T), want *bot.PostError", err, err)
			}
			if pe.Permanent || pe.Code != tc.code || pe.RetryAfter != tc.retryAfter {
				t.Errorf("PostError{Permanent: %v, Code: %q, RetryAfter: %v}, want temporary %q after %v",
					pe.Permanent, pe.Code, pe.RetryAfter, tc.code, tc.retryAfter)
			}
			if n := len(api.posted()); n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

// TestPostUnreachable: a Web API that is not there is a temporary failure.
func TestPostUnreachable(t *testing.T) {
	api := newFakeWebAPI(t)
	api.Close()
	p, _ := newPoster(t, api)
	_, err := p.Post(context.Background(), testChannel, "k", digestReply(t))
	if pe, ok := errors.AsType[*bot.PostError](err); !ok || pe.Permanent {
		t.Errorf("Post error %v, want a temporary *bot.PostError", err)
	}
}

// TestPostRateLimitCancelled: a cancelled context ends the wait for Retry-After at once.
func TestPostRateLimitCancelled(t *testing.T) {
	api := newFakeWebAPI(t, rateLimited("20"))
	b := newBot(t, embeddedEngine(t), slack.Config{APIURL: api.URL})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := b.Poster().Post(ctx, testChannel, "k", digestReply(t))
		done <- err
	}()
	for len(api.posted()) == 0 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	err := <-done
	pe, ok := errors.AsType[*bot.PostError](err)
	if !ok || pe.Permanent || !errors.Is(err, context.Canceled) {
		t.Errorf("Post error %v, want a temporary *bot.PostError wrapping context.Canceled", err)
	}
	if n := len(api.posted()); n != 1 {
		t.Errorf("%d calls, want 1", n)
	}
}

func TestNoBotTokenAnswersButCannotPost(t *testing.T) {
	b, err := slack.New(slack.Config{SigningSecret: testSecret}, bot.NewCore(embeddedEngine(t)), nil)
	if err != nil {
		t.Fatalf("New with only a signing secret = %v; slash commands need no bot token", err)
	}
	defer b.Close()
	_, err = b.Poster().Post(context.Background(), "C1", "morning/2026-11-24", bot.Reply{Title: "x"})
	pe, ok := errors.AsType[*bot.PostError](err)
	if !ok || !pe.Permanent || pe.Code != "not_authed" {
		t.Errorf("Post without a bot token = %v; want a permanent not_authed", err)
	}
}

// TestFindPost: after a crash between posting and marking, the scheduler asks whether the post
// is already in the channel; Slack's history shows it by the key in its metadata.
func TestFindPost(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	b := newBot(t, embeddedEngine(t), slack.Config{APIURL: api.URL(), BotToken: slacktest.BotToken})
	p := b.Poster()
	since := time.Now().Add(-time.Minute)
	const key = "morning@1743930000"
	ts, err := p.Post(t.Context(), testChannel, key, digestReply(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Post(t.Context(), "C0OTHER", key, digestReply(t)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, channel, key string
		since              time.Time
		found              bool
	}{
		{"its own post", testChannel, key, since, true},
		{"another slot", testChannel, "morning@1744016400", since, false},
		{"another channel's post", "C0THIRD", key, since, false},
		{"posted before since", testChannel, key, time.Now().Add(time.Hour), false},
	}
	for _, tc := range tests {
		got, found, err := p.FindPost(t.Context(), tc.channel, tc.key, tc.since)
		if err != nil || found != tc.found || (found && got != ts) {
			t.Errorf("%s: FindPost = %q, %v, %v; want found %v (ts %s)", tc.name, got, found, err, tc.found, ts)
		}
	}
	api.Mu.Lock()
	api.NoHistory = true
	api.Mu.Unlock()
	if _, _, err := p.FindPost(t.Context(), testChannel, key, since); !errors.Is(err, bot.ErrHistoryUnavailable) {
		t.Errorf("FindPost without channels:history = %v, want ErrHistoryUnavailable", err)
	}
}

// TestPostTable: a post that carries a table, such as a digest might, keeps its table block as
// rendered, though the Poster hands its blocks to slack-go and slack-go writes them again; its
// text carries the table after the one mention it pings.
func TestPostTable(t *testing.T) {
	api := newFakeWebAPI(t, posted("1712480400.000100"))
	p, _ := newPoster(t, api)
	e := embeddedEngine(t)
	req, _ := e.ParseOn("slack", "/compare", "")
	req.Caller = bot.Caller{Platform: "slack", User: memberUser}
	r := bot.NewCore(e).Handle(context.Background(), req)
	r.Mention = "S0GROUP1"
	if _, err := p.Post(context.Background(), testChannel, "morning/2025-04-07", r); err != nil {
		t.Fatalf("Post: %v", err)
	}
	form := api.posted()[0]
	tableOf := func(raw []byte) any {
		var blocks []map[string]any
		if err := json.Unmarshal(raw, &blocks); err != nil {
			t.Fatalf("blocks %s: %v", raw, err)
		}
		for _, b := range blocks {
			if b["type"] == "table" {
				return b
			}
		}
		return nil
	}
	rendered, err := json.Marshal(slack.Response(r).Blocks)
	if err != nil {
		t.Fatal(err)
	}
	want, got := tableOf(rendered), tableOf([]byte(form.Get("blocks")))
	if want == nil || !reflect.DeepEqual(got, want) {
		t.Errorf("posted table block:\n%v\nwant it as rendered:\n%v", got, want)
	}
	var blocks []block
	_ = json.Unmarshal([]byte(form.Get("blocks")), &blocks)
	checkLimits(t, "posted table", slackMessage{Text: form.Get("text"), Blocks: blocks})
	if text := form.Get("text"); !strings.HasPrefix(text, "<!subteam^S0GROUP1> Positions (Mexico rejects U.S. troops plan)\n\nMilitary Troop Deployment\nUnited States: ") {
		t.Errorf("text = %q, want the mention, the title and the table", text)
	}
}
