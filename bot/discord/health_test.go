package discord_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discord"
	"briefbot/bot/discord/discordtest"
)

// waits records each wait between retries and lets the test end it.
type waits struct {
	asked   chan time.Duration
	release chan struct{}
}

func hookWaits(b *discord.Bot) *waits {
	w := &waits{asked: make(chan time.Duration, 16), release: make(chan struct{})}
	discord.SetSleep(b, func(ctx context.Context, d time.Duration) error {
		w.asked <- d
		select {
		case <-w.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	return w
}

// next is the next wait asked for; the bound only keeps a broken test from hanging.
func (w *waits) next(tb testing.TB) time.Duration {
	tb.Helper()
	select {
	case d := <-w.asked:
		return d
	case <-time.After(10 * time.Second):
		tb.Fatal("no retry")
		return 0
	}
}

// status is the named check of b's health; the zero Status when there is none.
func status(b *discord.Bot, name string) discord.Status {
	for _, s := range b.Health() {
		if s.Name == name {
			return s
		}
	}
	return discord.Status{}
}

// eventually waits until b's named check satisfies ok; the bound only keeps a broken test from
// hanging.
func eventually(tb testing.TB, b *discord.Bot, name string, ok func(discord.Status) bool) discord.Status {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s := status(b, name)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s stays %+v", name, s)
		}
	}
}

// TestRegistrationRetried: Discord failing registration at Start does not fail Start; the
// adapter says so in Health and retries, 1s, 2s, 4s apart, until Discord takes the commands.
func TestRegistrationRetried(t *testing.T) {
	f := discordtest.NewFake(t)
	f.CommandFailures = []int{500, 503, 500} // not 502: discordgo retries that itself
	b := restBot(t, f, embeddedCore(t), discord.Config{})
	w := hookWaits(b)
	if s := status(b, "discord.commands"); s.Up || s.Detail != "not registered yet" {
		t.Errorf("before Start: %+v", s)
	}
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start with Discord failing: %v", err)
	}
	for i, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if s := status(b, "discord.commands"); s.Up || !strings.Contains(s.Detail, "retrying") {
			t.Errorf("after failure %d: %+v, want down and retrying", i+1, s)
		}
		if got := w.next(t); got != want {
			t.Errorf("wait %d = %s, want %s", i+1, got, want)
		}
		w.release <- struct{}{}
	}
	s := eventually(t, b, "discord.commands", func(s discord.Status) bool { return s.Up })
	if s.Detail != "registered" || s.Since.IsZero() {
		t.Errorf("after Discord took them: %+v", s)
	}
	f.Mu.Lock()
	puts := f.Puts
	f.Mu.Unlock()
	if puts != 1 {
		t.Errorf("%d overwrites, want 1", puts)
	}
	b.Close()
	select {
	case d := <-w.asked:
		t.Errorf("a retry after success, in %s", d)
	default:
	}
}

// TestRegistrationRefusedInRetry: a refusal (403) while retrying stops the retries.
func TestRegistrationRefusedInRetry(t *testing.T) {
	f := discordtest.NewFake(t)
	f.CommandFailures = []int{500, http.StatusForbidden}
	b := restBot(t, f, embeddedCore(t), discord.Config{})
	w := hookWaits(b)
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start: %v", err)
	}
	w.next(t)
	w.release <- struct{}{}
	s := eventually(t, b, "discord.commands", func(s discord.Status) bool { return strings.Contains(s.Detail, "refused") })
	if s.Up || !strings.Contains(s.Detail, "403") {
		t.Errorf("after the refusal: %+v", s)
	}
	b.Close()
	select {
	case d := <-w.asked:
		t.Errorf("retried a refusal, in %s", d)
	default:
	}
}

// TestStartWhileDiscordUnreachable: neither registration nor the gateway can reach Discord;
// Start succeeds, Health says why, both retry, and Close ends the retries.
func TestStartWhileDiscordUnreachable(t *testing.T) {
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	b, err := discord.New(discord.Config{Token: discordtest.Token, ApplicationID: appID, APIURL: gone.URL + "/api/v10", Gateway: true},
		embeddedCore(t), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	w := hookWaits(b)
	if err := b.Start(t.Context()); err != nil {
		t.Fatalf("Start with Discord unreachable: %v", err)
	}
	for range 2 { // one retry loop each
		if d := w.next(t); d != time.Second {
			t.Errorf("first wait %s, want 1s", d)
		}
	}
	for _, name := range []string{"discord.commands", "discord.gateway"} {
		if s := status(b, name); s.Up || !strings.Contains(s.Detail, "retrying") || strings.Contains(s.Detail, "SECRET") {
			t.Errorf("%s: %+v, want down and retrying", name, s)
		}
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if s := status(b, "discord.gateway"); s.Up || s.Detail != "closed" {
		t.Errorf("gateway after Close: %+v", s)
	}
}

// TestGatewayHealth: at Discord's usual heartbeat interval, 41¼ seconds, the gateway is up while
// heartbeats are acknowledged, down once none has been for 90 seconds (two intervals and a
// margin, as readiness has always allowed), and down after Close.
func TestGatewayHealth(t *testing.T) {
	const allowed = 90 * time.Second
	for _, silent := range []bool{false, true} {
		name := map[bool]string{false: "acknowledged", true: "silent"}[silent]
		t.Run(name, func(t *testing.T) {
			f := discordtest.NewFake(t)
			f.HeartbeatInterval = 41250
			f.SilentHeartbeats = silent
			c := newClock(time.Now())
			b := restBot(t, f, embeddedCore(t), discord.Config{Gateway: true, Now: c.Now})
			if s := status(b, "discord.gateway"); s.Up || s.Detail != "not open yet" {
				t.Errorf("before Start: %+v", s)
			}
			if err := b.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			if s := eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up }); s.Seen.IsZero() {
				t.Fatal("open, but nothing seen of Discord")
			}
			// The first heartbeat goes out at once. Acknowledged, it is what the adapter saw last;
			// unanswered, the last sign of life stays the connection's hello, before it.
			var heartbeat, ack time.Time
			for deadline := time.Now().Add(10 * time.Second); heartbeat.IsZero(); time.Sleep(5 * time.Millisecond) {
				f.Mu.Lock()
				heartbeat, ack = f.LastHeartbeat, f.LastHeartbeatAck
				f.Mu.Unlock()
				if time.Now().After(deadline) {
					t.Fatal("no heartbeat")
				}
			}
			seen := eventually(t, b, "discord.gateway", func(s discord.Status) bool { return silent || !s.Seen.Before(ack) }).Seen
			if silent && !seen.Before(heartbeat) {
				t.Fatalf("seen %s, after the unanswered heartbeat at %s", seen, heartbeat)
			}

			c.Set(seen.Add(allowed))
			if s := status(b, "discord.gateway"); !s.Up {
				t.Errorf("%s after the last sign of life: %+v, want up", allowed, s)
			}
			c.Set(seen.Add(allowed + time.Second))
			s := status(b, "discord.gateway")
			if s.Up || !strings.Contains(s.Detail, "no heartbeat acknowledged") || !s.Since.Equal(c.Now()) {
				t.Errorf("%s after the last sign of life: %+v, want down since now", allowed+time.Second, s)
			}
			if err := b.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if s := status(b, "discord.gateway"); s.Up || s.Detail != "closed" {
				t.Errorf("after Close: %+v", s)
			}
		})
	}
}

// TestGatewayHealthFollowsHello: a gateway whose hello announces a 1-second heartbeat interval
// acknowledges a few heartbeats, then none; Health calls it down within a few intervals, not
// after the 90 seconds Discord's usual interval is allowed. The hello comes as text, or as
// zlib-compressed binary.
func TestGatewayHealthFollowsHello(t *testing.T) {
	for _, zlibbed := range []bool{false, true} {
		t.Run(map[bool]string{false: "text", true: "zlib"}[zlibbed], func(t *testing.T) {
			f := discordtest.NewFake(t)
			f.HeartbeatInterval, f.HelloZlib = 1000, zlibbed
			b := restBot(t, f, embeddedCore(t), discord.Config{Gateway: true, Now: time.Now})
			if err := b.Start(t.Context()); err != nil {
				t.Fatal(err)
			}
			waitFake(t, f, "three heartbeats acknowledged", func(f *discordtest.Fake) bool {
				return f.Heartbeats >= 3 && !f.LastHeartbeatAck.Before(f.LastHeartbeat)
			})
			eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up })
			f.Mu.Lock()
			f.SilentHeartbeats = true
			f.Mu.Unlock()
			goesSilent(t, b)
		})
	}
}

// TestGatewayHealthOnReconnect: each connection's hello sets the silence allowed on it. After a
// reconnection whose hello announces 1 second instead of 41¼, Health calls the gateway down
// within a few seconds of silence; after one whose hello announces 60 seconds instead of 1, it
// allows two minutes and a margin.
func TestGatewayHealthOnReconnect(t *testing.T) {
	t.Run("faster", func(t *testing.T) {
		f := discordtest.NewFake(t)
		f.HeartbeatInterval = 41250
		b := restBot(t, f, embeddedCore(t), discord.Config{Gateway: true, Now: time.Now})
		if err := b.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up })
		reconnect(t, f, 1000, false)
		eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up })
		f.Mu.Lock()
		f.SilentHeartbeats = true
		f.Mu.Unlock()
		goesSilent(t, b)
	})
	t.Run("slower", func(t *testing.T) {
		const allowed = 2*time.Minute + 7500*time.Millisecond
		f := discordtest.NewFake(t)
		f.HeartbeatInterval = 1000
		c := newClock(time.Now())
		b := restBot(t, f, embeddedCore(t), discord.Config{Gateway: true, Now: c.Now})
		if err := b.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up })
		// Unanswered on the new connection, the last sign of life stays its hello.
		hello := reconnect(t, f, 60000, true)
		seen := eventually(t, b, "discord.gateway", func(s discord.Status) bool { return s.Up && s.Seen.After(hello) }).Seen
		c.Set(seen.Add(allowed))
		if s := status(b, "discord.gateway"); !s.Up {
			t.Errorf("%s after the hello: %+v, want up", allowed, s)
		}
		c.Set(seen.Add(allowed + time.Second))
		if s := status(b, "discord.gateway"); s.Up || !strings.Contains(s.Detail, "no heartbeat acknowledged") {
			t.Errorf("%s after the hello: %+v, want down", allowed+time.Second, s)
		}
	})
}

// reconnect drops the fake's gateway connection, to be resumed on one whose hello announces
// interval milliseconds, and waits for the first heartbeat on it. It returns when the hello was
// sent.
func reconnect(tb testing.TB, f *discordtest.Fake, interval int, silent bool) time.Time {
	tb.Helper()
	f.Mu.Lock()
	f.HeartbeatInterval, f.SilentHeartbeats = interval, silent
	hellos := f.Hellos
	f.Mu.Unlock()
	f.DropGateway()
	var hello time.Time
	waitFake(tb, f, "a resumed connection's heartbeat", func(f *discordtest.Fake) bool {
		hello = f.LastHello
		return f.Hellos > hellos && f.Resumes > 0 && f.LastHeartbeat.After(f.LastHello)
	})
	return hello
}

// goesSilent waits for Health to call the gateway down for want of acknowledged heartbeats. The
// bound is generous for a gateway beating every second, and well short of the 90 seconds
// allowed when the interval is not known.
func goesSilent(tb testing.TB, b *discord.Bot) {
	tb.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		s := status(b, "discord.gateway")
		if !s.Up && strings.Contains(s.Detail, "no heartbeat acknowledged") {
			if s.Seen.IsZero() {
				tb.Errorf("down, but nothing seen of Discord: %+v", s)
			}
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("30s after the gateway stopped acknowledging heartbeats: %+v", s)
		}
	}
}

// waitFake waits until cond holds of f, read under its lock; the bound only keeps a broken test
// from hanging.
func waitFake(tb testing.TB, f *discordtest.Fake, what string, cond func(*discordtest.Fake) bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		f.Mu.Lock()
		ok := cond(f)
		f.Mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("no %s", what)
		}
	}
}

// TestHealthWithoutToken: with neither registration nor gateway there is nothing to report.
func TestHealthWithoutToken(t *testing.T) {
	if hs := httpBot(t, embeddedCore(t)).Health(); len(hs) != 0 {
		t.Errorf("Health = %+v, want nothing", hs)
	}
}
