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
)

// limitedPlatform is a platform on the real clock that refuses, with a 429 and Retry-After,
// any post over its limit: limit posts per window, for the whole bot or per channel.
type limitedPlatform struct {
	limit      int
	window     time.Duration
	perChannel bool
	want       int
	done       chan struct{}

	mu       sync.Mutex
	recent   map[string][]time.Time
	accepted int
	refused  int
	last     time.Time
}

func (p *limitedPlatform) Post(_ context.Context, channel, _ string, _ bot.Reply) (string, error) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	k := ""
	if p.perChannel {
		k = channel
	}
	recent := p.recent[k]
	for len(recent) > 0 && !recent[0].After(now.Add(-p.window)) {
		recent = recent[1:]
	}
	if len(recent) >= p.limit {
		p.refused++
		p.recent[k] = recent
		return "", &bot.PostError{Code: "429", RetryAfter: recent[0].Add(p.window).Sub(now), Err: fmt.Errorf("rate limited")}
	}
	p.recent[k] = append(recent, now)
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
// the slot to the last post against the platform's floor: 1,000 Discord channels at 50 posts
// a second take 20s at best; five Slack digests to the same channels at one post per second
// per channel take 4s from the first post to the last at best. It takes real seconds: run it
// alone, once (-run '^$' -bench FanOut -benchtime 1x).
func BenchmarkFanOut(b *testing.B) {
	cases := []struct {
		name              string
		platform          string
		digests, channels int
		limit             int
		perChannel        bool
		floor             time.Duration
	}{
		{"discord-1000-channels", "discord", 1, 1000, 50, false, 20 * time.Second},
		{"slack-5-digests-200-channels", "slack", 5, 200, 1, true, 4 * time.Second},
	}
	for _, tc := range cases {
		for _, ledger := range []string{"memory", "sqlite"} {
			b.Run(tc.name+"/"+ledger, func(b *testing.B) {
				for range b.N {
					p := &limitedPlatform{limit: tc.limit, window: time.Second, perChannel: tc.perChannel,
						want: tc.digests * tc.channels, done: make(chan struct{}), recent: map[string][]time.Time{}}
					took := fanOutOnce(b, ledger, tc.platform, p, tc.digests, tc.channels)
					b.ReportMetric(took.Seconds(), "s/fanout")
					b.ReportMetric(took.Seconds()/tc.floor.Seconds(), "x-floor")
					b.ReportMetric(float64(p.refused), "429s")
				}
			})
		}
	}
}

func fanOutOnce(b *testing.B, ledgerKind, platform string, p *limitedPlatform, digests, nChannels int) time.Duration {
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
	var ds []Digest
	for i := range digests {
		ds = append(ds, Digest{Name: fmt.Sprintf("d%d", i), Platform: platform, Channels: channels("C", nChannels),
			Schedule: mustParse(b, "0 9 * * *")})
	}
	s, err := New(Config{
		Digests: ds, Ledger: ledger, Posters: map[string]bot.Poster{platform: p}, Owner: "bench", Clock: clock,
		Compose: func(Digest, time.Time, string) (bot.Reply, string) { return bot.Reply{Title: "digest"}, "v1" },
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
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

func mustParse(tb testing.TB, spec string) Schedule {
	tb.Helper()
	s, err := Parse(spec, time.UTC)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}
