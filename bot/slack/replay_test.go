package slack_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// A clock is a settable Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// countingBot is a Bot on c whose engine counts the requests it answers.
func countingBot(tb testing.TB, c *clock, n *atomic.Int32) *slack.Bot {
	tb.Helper()
	count := func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
			n.Add(1)
			return next.Handle(ctx, req)
		})
	}
	b, err := slack.New(slack.Config{BotToken: testToken, SigningSecret: testSecret, AdminUserIDs: []string{adminUser}, Now: c.Now},
		bot.NewCore(embeddedEngine(tb), count), nil)
	if err != nil {
		tb.Fatal(err)
	}
	slack.SetAnswerDeadline(b, 30*time.Second)
	tb.Cleanup(func() { b.Close() })
	return b
}

// replay is the same signed request once more, as whoever captured it sends it.
func replay(r *http.Request, body []byte) *http.Request {
	r = r.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r
}

// upperHex writes a request's signature in upper-case hex: the same bytes, so it still verifies.
func upperHex(h http.Header) {
	digits := strings.TrimPrefix(h.Get("X-Slack-Signature"), "v0=")
	h.Set("X-Slack-Signature", "v0="+strings.ToUpper(digits))
}

// TestReplayRefused: a captured signed slash command sent again, at once or later, is refused
// and runs nothing; so is one without a trigger_id, known by its signature, however its hex is
// written.
func TestReplayRefused(t *testing.T) {
	signedAt := time.Unix(1744000000, 0)
	c := &clock{now: signedAt}
	var handled atomic.Int32
	h := countingBot(t, c, &handled).Commands()
	for _, tc := range []struct {
		name string
		body []byte
		// alter, when set, changes the replays' headers as whoever captured the request may.
		alter func(http.Header)
	}{
		{"with a trigger_id", commandBody("/position", "sovereignty", memberUser, ""), nil},
		{"without", []byte("command=%2Fposition&text=sovereignty&user_id=" + memberUser), nil},
		{"with a trigger_id, signature in upper-case hex", commandBody("/position", "trade", memberUser, ""), upperHex},
		{"without, signature in upper-case hex", []byte("command=%2Fposition&text=trade&user_id=" + memberUser), upperHex},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c.Set(signedAt)
			handled.Store(0)
			first := slacktest.Request("/slack/commands", tc.body, signedAt)
			captured := replay(first, tc.body)
			if tc.alter != nil {
				tc.alter(captured.Header)
			}
			if w := serve(h, first); w.Code != http.StatusOK {
				t.Fatalf("first delivery: status %d", w.Code)
			}
			for _, later := range []time.Duration{0, time.Minute, 5 * time.Minute, 6 * time.Minute} {
				c.Set(signedAt.Add(later))
				if w := serve(h, replay(captured, tc.body)); w.Code != http.StatusUnauthorized {
					t.Errorf("replayed %s later: status %d, want 401", later, w.Code)
				}
			}
			if n := handled.Load(); n != 1 {
				t.Errorf("the command ran %d times, want once", n)
			}
		})
	}
	// The same words again, as a new command: answered.
	c.Set(signedAt)
	body := commandBody("/position", "sovereignty", memberUser, "")
	if w := serve(h, slacktest.Request("/slack/commands", body, signedAt)); w.Code != http.StatusOK {
		t.Errorf("a new command: status %d, want 200", w.Code)
	}
}

// TestReplayAdminCommand: /digest now by an admin, slow and so perhaps answered through
// response_url, replayed at once: the replay is refused and nothing runs or posts again.
func TestReplayAdminCommand(t *testing.T) {
	rs := newResponseServer(t)
	c := &clock{now: time.Now()}
	var handled atomic.Int32
	b := countingBot(t, c, &handled)
	slack.SetAnswerDeadline(b, 0)
	body := commandBody("/digest", "now", adminUser, rs.URL+"/commands/1")
	r := slacktest.Request("/slack/commands", body, c.Now())
	captured := replay(r, body)
	if w := serve(b.Commands(), r); w.Code != http.StatusOK {
		t.Fatalf("first delivery: status %d", w.Code)
	}
	if w := serve(b.Commands(), captured); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed at once: status %d, want 401", w.Code)
	}
	b.Close() // waits for the late answer
	if n := handled.Load(); n != 1 {
		t.Errorf("/digest now ran %d times, want once", n)
	}
	if n := len(rs.posts); n > 1 {
		t.Errorf("%d posts to response_url, want at most one", n)
	}
}

// TestReplayButton: a button press replayed is refused and answered once.
func TestReplayButton(t *testing.T) {
	rs := newResponseServer(t)
	c := &clock{now: time.Now()}
	var handled atomic.Int32
	b := countingBot(t, c, &handled)
	body := interactionBody(t, memberUser, rs.URL+"/actions/1", element{ActionID: "briefbot-0", Value: "/facts"})
	r := slacktest.Request("/slack/interactivity", body, c.Now())
	captured := replay(r, body)
	if w := serve(b.Interactivity(), r); w.Code != http.StatusOK {
		t.Fatalf("first press: status %d", w.Code)
	}
	if w := serve(b.Interactivity(), captured); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed press: status %d, want 401", w.Code)
	}
	rs.next(t)
	rs.none(t, b)
	if n := handled.Load(); n != 1 {
		t.Errorf("the button's command ran %d times, want once", n)
	}
}
