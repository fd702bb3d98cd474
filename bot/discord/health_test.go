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

// TestGatewayHealth: the gateway is up while heartbeats are acknowledged, down once none has
// been for HeartbeatSilence, and down after Close.
func TestGatewayHealth(t *testing.T) {
	for _, silent := range []bool{false, true} {
		name := map[bool]string{false: "acknowledged", true: "silent"}[silent]
		t.Run(name, func(t *testing.T) {
			f := discordtest.NewFake(t)
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

			c.Set(seen.Add(discord.HeartbeatSilence))
			if s := status(b, "discord.gateway"); !s.Up {
				t.Errorf("%s after the last sign of life: %+v, want up", discord.HeartbeatSilence, s)
			}
			c.Set(seen.Add(discord.HeartbeatSilence + time.Second))
			s := status(b, "discord.gateway")
			if s.Up || !strings.Contains(s.Detail, "no heartbeat acknowledged") || !s.Since.Equal(c.Now()) {
				t.Errorf("%s after the last sign of life: %+v, want down since now", discord.HeartbeatSilence+time.Second, s)
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

// TestHealthWithoutToken: with neither registration nor gateway there is nothing to report.
func TestHealthWithoutToken(t *testing.T) {
	if hs := httpBot(t, embeddedCore(t)).Health(); len(hs) != 0 {
		t.Errorf("Health = %+v, want nothing", hs)
	}
}
