package discord_test

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
	"briefbot/bot/bottest"
	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// A clock is a settable Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *clock { return &clock{now: t} }

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

// clockBot is an HTTP-only adapter on c.
func clockBot(tb testing.TB, core *bot.Core, c *clock) *discord.Bot {
	tb.Helper()
	f := discordtest.NewFake(tb)
	b, err := discord.New(discord.Config{ApplicationID: appID, PublicKey: discordtest.PublicKey(), APIURL: f.APIURL(), Now: c.Now},
		core, testLogger(tb))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	return b
}

// again is the same signed request once more, as a replay sends it.
func again(r *http.Request, body []byte) *http.Request {
	r = r.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r
}

// TestReplayWindow: an interaction signed more than five minutes from our clock, either way, is
// refused even with a good signature.
func TestReplayWindow(t *testing.T) {
	signedAt := time.Unix(1744000000, 0)
	c := newClock(signedAt)
	h := clockBot(t, embeddedCore(t), c).Handler()
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"at once", signedAt, http.StatusOK},
		{"4m59s later", signedAt.Add(5*time.Minute - time.Second), http.StatusOK},
		{"exactly 5m later", signedAt.Add(5 * time.Minute), http.StatusOK},
		{"5m1s later", signedAt.Add(5*time.Minute + time.Second), http.StatusUnauthorized},
		{"a day later", signedAt.Add(24 * time.Hour), http.StatusUnauthorized},
		{"our clock 4m59s behind", signedAt.Add(-5*time.Minute + time.Second), http.StatusOK},
		{"our clock 5m1s behind", signedAt.Add(-5*time.Minute - time.Second), http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c.Set(tc.now)
			if w := serve(h, signed(command("help").body())); w.Code != tc.want {
				t.Errorf("status %d, want %d", w.Code, tc.want)
			}
		})
	}
	c.Set(signedAt)
	body := command("help").body()
	for _, stamp := range []string{"", "soon", "1744000000.5", "-1", "99999999999999999999"} {
		r := discordtest.Request(stamp, body)
		if w := serve(h, r); w.Code != http.StatusUnauthorized {
			t.Errorf("X-Signature-Timestamp %q: status %d, want 401", stamp, w.Code)
		}
	}
}

// TestReplayRefused: a captured signed request sent again, at once or later, is refused and runs
// nothing; another interaction is answered.
func TestReplayRefused(t *testing.T) {
	signedAt := time.Unix(1744000000, 0)
	c := newClock(signedAt)
	var handled atomic.Int32
	core := countingCore(t, &handled)
	h := clockBot(t, core, c).Handler()

	body := command("position", "issue", "sovereignty").body()
	first := signed(body)
	captured := again(first, body)
	if w := serve(h, first); w.Code != http.StatusOK {
		t.Fatalf("first delivery: status %d", w.Code)
	}
	for _, later := range []time.Duration{0, time.Minute, 5 * time.Minute, 6 * time.Minute, time.Hour} {
		c.Set(signedAt.Add(later))
		if w := serve(h, again(captured, body)); w.Code != http.StatusUnauthorized {
			t.Errorf("replayed %s later: status %d, want 401", later, w.Code)
		}
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("the command ran %d times, want once", n)
	}

	c.Set(signedAt)
	if w := serve(h, signed(command("position", "issue", "sovereignty").body())); w.Code != http.StatusOK {
		t.Errorf("another interaction: status %d, want 200", w.Code)
	}
	// A PING runs nothing: Discord may check the endpoint with the same one twice.
	ping := interaction{discordtest.Interaction{Kind: 1}}.body()
	for range 2 {
		if w := serve(h, signed(ping)); w.Code != http.StatusOK {
			t.Errorf("PING again: status %d, want 200", w.Code)
		}
	}
}

// TestReplayUpperCaseHex: a replay with its signature in upper-case hex, which decodes to the same
// bytes and so verifies, is refused: the replay key is the interaction's id, or the signature's
// bytes when there is no id, never the header as written.
func TestReplayUpperCaseHex(t *testing.T) {
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"with an id", command("position", "issue", "trade").body()},
		{"without, known by its signature", []byte(`{"type":2,"token":"t","data":{"name":"help"}}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var handled atomic.Int32
			h := clockBot(t, countingCore(t, &handled), newClock(time.Unix(1744000000, 0))).Handler()
			first := signed(tc.body)
			upper := again(first, tc.body)
			upper.Header.Set("X-Signature-Ed25519", strings.ToUpper(first.Header.Get("X-Signature-Ed25519")))
			if w := serve(h, first); w.Code != http.StatusOK {
				t.Fatalf("first delivery: status %d", w.Code)
			}
			if w := serve(h, upper); w.Code != http.StatusUnauthorized {
				t.Errorf("replayed in upper-case hex: status %d, want 401", w.Code)
			}
			if n := handled.Load(); n != 1 {
				t.Errorf("the command ran %d times, want once", n)
			}
		})
	}
}

// TestReplayRace: the same request arriving many times at once is answered once.
func TestReplayRace(t *testing.T) {
	var handled atomic.Int32
	h := clockBot(t, countingCore(t, &handled), newClock(time.Unix(1744000000, 0))).Handler()
	body := command("facts").body()
	r := signed(body)
	var ok atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if serve(h, again(r, body)).Code == http.StatusOK {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if ok.Load() != 1 || handled.Load() != 1 {
		t.Errorf("16 copies at once: %d answered, the command ran %d times; want 1 and 1", ok.Load(), handled.Load())
	}
}

// TestReplayDeferredAdmin: /digest now by an admin is deferred and answered in an edit; the
// same request replayed is refused and neither runs the command nor edits anything again.
func TestReplayDeferredAdmin(t *testing.T) {
	f := discordtest.NewFake(t)
	var handled atomic.Int32
	e := bottest.Engine(t, bot.Config{Access: map[string]bot.Access{"discord": {Managers: true}}})
	b := restBot(t, f, bot.NewCore(e, counting(&handled)), discord.Config{PublicKey: discordtest.PublicKey()})
	in := command("digest", "action", "now")
	in.Perms = "32"
	body := in.body()
	r := signed(body)

	if w := serve(b.Handler(), again(r, body)); w.Code != http.StatusOK || decode(t, w.Body.Bytes()).Type != 5 {
		t.Fatalf("first delivery: status %d %s, want a deferred answer", w.Code, w.Body)
	}
	<-f.Callbacks // the edit with the answer
	if w := serve(b.Handler(), again(r, body)); w.Code != http.StatusUnauthorized {
		t.Errorf("replayed: status %d, want 401", w.Code)
	}
	b.Close() // waits for any follow-up under way
	select {
	case edit := <-f.Callbacks:
		t.Errorf("the replay edited the answer again: %s", edit)
	default:
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("/digest now ran %d times, want once", n)
	}
}

func countingCore(tb testing.TB, n *atomic.Int32) *bot.Core {
	return bot.NewCore(bottest.Engine(tb), counting(n))
}

// counting counts the requests that reach the engine.
func counting(n *atomic.Int32) bot.Middleware {
	return func(next bot.Handler) bot.Handler {
		return bot.HandlerFunc(func(ctx context.Context, req bot.Request) bot.Reply {
			n.Add(1)
			return next.Handle(ctx, req)
		})
	}
}

// TestReplayGateway: an interaction the gateway delivers twice is answered once; an interaction
// event of null before it is passed over.
func TestReplayGateway(t *testing.T) {
	f := discordtest.NewFake(t)
	f.GatewayFirst = []byte("null")
	f.GatewayIn = command("position", "issue", "sovereignty").body()
	f.GatewayAgain = true
	var handled atomic.Int32
	b := gatewayBot(t, f, countingCore(t, &handled))
	nextCallback(t, f, "interaction")
	b.Close() // waits for answers under way
	select {
	case again := <-f.Callbacks:
		t.Errorf("answered twice: %s", again)
	default:
	}
	if n := handled.Load(); n != 1 {
		t.Errorf("the command ran %d times, want once", n)
	}
}
