package schedule

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
	"briefbot/internal/cron"
)

// limitedPlatform is a platform on the real clock that refuses, with a 429 and Retry-After,
// any post over limit: the budgets the scheduler keeps to, the whole bot's or each channel's and
// the shared one, each counted as a platform counts, over a sliding window.
type limitedPlatform struct {
	limit Limit
	want  int
	done  chan struct{}

	mu       sync.Mutex
	recent   map[string][]time.Time // accepted within their budget's window, oldest first, by budget
	accepted int
	refused  int
	last     time.Time
}

func newLimitedPlatform(limit Limit, want int) *limitedPlatform {
	return &limitedPlatform{limit: limit, want: want, done: make(chan struct{}), recent: map[string][]time.Time{}}
}

// budgetWindow is how a platform counts a budget of perSecond: at most n posts in any n/perSecond,
// n whole.
func budgetWindow(perSecond float64) (n int, span time.Duration) {
	n = max(1, int(perSecond))
	return n, time.Duration(float64(n) / perSecond * float64(time.Second))
}

func (p *limitedPlatform) Post(_ context.Context, channel, _ string, _ bot.Reply) (string, error) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	type budget struct {
		name      string
		perSecond float64
	}
	budgets := []budget{{"bot", p.limit.PerSecond}, {"shared", p.limit.Shared}}
	if p.limit.PerChannel {
		budgets[0].name = "channel " + channel
	}
	var wait time.Duration
	for _, b := range budgets {
		if b.perSecond <= 0 {
			continue
		}
		n, span := budgetWindow(b.perSecond)
		recent := p.recent[b.name]
		for len(recent) > 0 && !recent[0].After(now.Add(-span)) {
			recent = recent[1:]
		}
		p.recent[b.name] = recent
		if len(recent) >= n {
			wait = max(wait, recent[0].Add(span).Sub(now))
		}
	}
	if wait > 0 {
		p.refused++
		return "", &bot.PostError{Code: "429", RetryAfter: wait, Err: fmt.Errorf("rate limited")}
	}
	for _, b := range budgets {
		if b.perSecond > 0 {
			p.recent[b.name] = append(p.recent[b.name], now)
		}
	}
	p.accepted++
	p.last = now
	if p.accepted == p.want {
		close(p.done)
	}
	return fmt.Sprintf("m%d", p.accepted), nil
}

// shiftedClock is the real clock moved by offset, so that a slot comes due at once.
type shiftedClock struct{ offset time.Duration }

func (c shiftedClock) Now() time.Time                         { return time.Now().Add(c.offset) }
func (c shiftedClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// BenchmarkFanOut posts one slot of every digest to every channel and reports the time from
// the slot to the last post against the floor of the limits briefbot serve runs with
// (DefaultLimits), which the fake platform holds it to: 1,000 Discord channels at 48 posts a
// second take 20.8s at best; five Slack digests to the same 200 channels, at one post a second
// per channel, take 4s by the channels' budgets but 200s by the workspace's, 5 a second. It
// takes real seconds: run it alone, once (-run '^$' -bench FanOut -benchtime 1x).
func BenchmarkFanOut(b *testing.B) {
	cases := []struct {
		name              string
		platform          string
		digests, channels int
	}{
		{"discord-1000-channels", "discord", 1, 1000},
		{"slack-5-digests-200-channels", "slack", 5, 200},
	}
	limits := DefaultLimits()
	for _, tc := range cases {
		limit := limits[tc.platform]
		posts := tc.digests * tc.channels
		floor := limit.Floor(FanOut{Posts: posts, Channels: tc.channels})
		for _, ledger := range []string{"memory", "sqlite"} {
			b.Run(tc.name+"/"+ledger, func(b *testing.B) {
				for range b.N {
					p := newLimitedPlatform(limit, posts)
					took := fanOutOnce(b, ledger, tc.platform, limits, p, tc.digests, tc.channels)
					b.ReportMetric(took.Seconds(), "s/fanout")
					b.ReportMetric(floor.Seconds(), "s/floor")
					b.ReportMetric(took.Seconds()/floor.Seconds(), "x-floor")
					b.ReportMetric(float64(p.refused), "429s")
				}
			})
		}
	}
}

func fanOutOnce(b *testing.B, ledgerKind, platform string, limits map[string]Limit, p *limitedPlatform,
	digests, nChannels int) time.Duration {
	var ledger store.Ledger = newMemLedger()
	if ledgerKind == "sqlite" {
		l, err := store.Open(context.Background(), "sqlite://"+b.TempDir()+"/l.db")
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		ledger = l
	}
	slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	lead := 300 * time.Millisecond
	clock := shiftedClock{offset: slot.Add(-lead).Sub(time.Now())}
	var ds []bot.Digest
	for i := range digests {
		ds = append(ds, bot.Digest{Name: fmt.Sprintf("d%d", i), Platform: platform, Channels: channels("C", nChannels),
			Schedule: mustParse(b, "0 9 * * *")})
	}
	s, err := New(Config{
		Digests: ds, Ledger: ledger, Posters: map[string]bot.Poster{platform: p}, Owner: "bench", Clock: clock, Limits: limits,
		Compose: func(context.Context, bot.Digest, time.Time, string) (bot.Reply, string) {
			return bot.Reply{Title: "digest"}, "v1"
		},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		b.Fatal(err)
	}
	realSlot := slot.Add(-clock.offset)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	select {
	case <-p.done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("only %d of %d posts after 10 minutes", p.accepted, p.want)
	}
	cancel()
	<-done
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last.Sub(realSlot)
}

func mustParse(tb testing.TB, spec string) cron.Schedule {
	tb.Helper()
	s, err := cron.Parse(spec, time.UTC)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
