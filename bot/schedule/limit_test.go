package schedule

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
)

func TestFloor(t *testing.T) {
	slack := DefaultLimits()["slack"]
	discord := DefaultLimits()["discord"]
	tests := []struct {
		name  string
		limit Limit
		fan   FanOut
		want  time.Duration
	}{
		// Five Slack digests to 200 channels: each channel's own budget allows it in 4s, but the
		// workspace's 5 a second holds the 1,000 posts to 199.8s.
		{"slack: the workspace binds", slack, FanOut{Posts: 1000, Channels: 200}, 199800 * time.Millisecond},
		{"slack: the channel binds", slack, FanOut{Posts: 20, Channels: 2}, 9 * time.Second},
		{"slack: one channel", slack, FanOut{Posts: 3, Channels: 1}, 2 * time.Second},
		{"slack: a channel each", Limit{PerSecond: 1, PerChannel: true}, FanOut{Posts: 1000, Channels: 1000}, 0},
		{"discord: the bot's budget", discord, FanOut{Posts: 1000, Channels: 1000}, 20812500 * time.Microsecond},
		{"discord: the platform's 50 a second", Limit{PerSecond: 50}, FanOut{Posts: 10001, Channels: 10001}, 200 * time.Second},
		{"concurrency binds on slow answers", Limit{PerSecond: 48, Concurrency: 16},
			FanOut{Posts: 161, Channels: 161, RoundTrip: time.Second}, 10 * time.Second},
		{"concurrency does not bind on quick ones", Limit{PerSecond: 48, Concurrency: 16},
			FanOut{Posts: 161, Channels: 161, RoundTrip: 100 * time.Millisecond}, 3333333333},
		{"concurrency defaults to 8", Limit{}, FanOut{Posts: 17, Channels: 17, RoundTrip: time.Second}, 2 * time.Second},
		{"no limit", Limit{}, FanOut{Posts: 1000, Channels: 1}, 0},
		{"one post", slack, FanOut{Posts: 1, Channels: 1}, 0},
		{"no posts", slack, FanOut{Posts: 0, Channels: 200}, 0},
		{"no channels counts as one", slack, FanOut{Posts: 3}, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.limit.Floor(tc.fan); got != tc.want {
				t.Errorf("%+v.Floor(%+v) = %s; want %s", tc.limit, tc.fan, got, tc.want)
			}
		})
	}
}

// timedPlatform records when each post arrives, on the test's clock.
type timedPlatform struct {
	clock Clock

	mu    sync.Mutex
	posts []time.Time
}

func (p *timedPlatform) Post(_ context.Context, _, _ string, _ bot.Reply) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts = append(p.posts, p.clock.Now())
	return fmt.Sprintf("m%d", len(p.posts)), nil
}

// TestWorkspaceBudget: a scheduler given a workspace budget keeps a fan-out to it: the posts
// take the floor the budget makes, not the channels' own (2s), and come close to it.
func TestWorkspaceBudget(t *testing.T) {
	perChannel := Limit{PerSecond: 1, PerChannel: true, Concurrency: 16}
	withWorkspace := func(perMinute float64) Limit {
		l := perChannel
		l.Shared = perMinute / 60
		return l
	}
	tests := []struct {
		name  string
		limit Limit
		floor time.Duration
	}{
		{"120 a minute", withWorkspace(120), 299500 * time.Millisecond},
		{"300 a minute, as briefbot serve runs", DefaultLimits()["slack"], 119800 * time.Millisecond},
		{"1,200 a minute", withWorkspace(1200), 29950 * time.Millisecond},
		{"none: each channel's budget alone", perChannel, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { workspaceFanOut(t, tc.limit, tc.floor) })
		})
	}
}

// workspaceFanOut posts three digests to the same 200 Slack channels at one slot under limit,
// and checks that the fan-out takes floor, which limit.Floor must say, and at most a second more.
func workspaceFanOut(t *testing.T, limit Limit, floor time.Duration) {
	const digests, nChannels = 3, 200
	fan := FanOut{Posts: digests * nChannels, Channels: nChannels}
	if got := limit.Floor(fan); got != floor {
		t.Fatalf("%+v.Floor(%+v) = %s; want %s", limit, fan, got, floor)
	}
	slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := newBubbleClock(slot.Add(-time.Second))
	p := &timedPlatform{clock: clock}
	var ds []bot.Digest
	for i := range digests {
		ds = append(ds, bot.Digest{Name: fmt.Sprintf("d%d", i), Platform: "slack", Channels: channels("C", nChannels),
			Schedule: mustParse(t, "0 9 * * *")})
	}
	s, err := New(Config{Digests: ds, Ledger: newMemLedger(), Posters: map[string]bot.Poster{"slack": p},
		Owner: "a", Clock: clock, Limits: map[string]Limit{"slack": limit},
		Compose: func(context.Context, bot.Digest, time.Time, string) (bot.Reply, string) {
			return bot.Reply{Title: "digest"}, "v1"
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	clock.advanceTo(slot.Add(floor + 10*time.Second))
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v; want nil after cancel", err)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.posts) != fan.Posts {
		t.Fatalf("%d posts; want %d", len(p.posts), fan.Posts)
	}
	first, last := slices.MinFunc(p.posts, time.Time.Compare), slices.MaxFunc(p.posts, time.Time.Compare)
	if took := last.Sub(first); took < floor {
		t.Errorf("the posts went over %s; want %s at least, the budget's floor", took, floor)
	}
	if took := last.Sub(slot); took > floor+time.Second {
		t.Errorf("the fan-out took %s from the slot; want within a second of the floor %s", took, floor)
	}
}
