package schedule

import (
	"context"
	"sync"
	"time"

	"briefbot/internal/retry"
)

// A Limit is how fast a platform takes posts from one bot.
type Limit struct {
	PerSecond   float64 // posts per second; 0 for no limit
	PerChannel  bool    // the budget is each channel's (Slack), not shared by the whole bot (Discord)
	Concurrency int     // posts under way at once; 0 for defaultConcurrency
	// Shared is a budget all channels draw on besides their own, in posts per second (Slack's
	// workspace limit); 0 for none.
	Shared float64
}

// defaultConcurrency is how many posts a platform has under way at once when its Limit does not
// say.
const defaultConcurrency = 8

func (l Limit) concurrency() int {
	if l.Concurrency <= 0 {
		return defaultConcurrency
	}
	return l.Concurrency
}

// A FanOut is the posts of one moment: Posts in all, spread evenly over Channels (several
// digests at the same minute put several posts in one channel), each taking RoundTrip from
// request to answer.
type FanOut struct {
	Posts, Channels int
	RoundTrip       time.Duration
}

// Floor is the shortest time f can take under l, from the first post to the last: no schedule
// is faster, and the scheduler's goal is to come close. Every budget that applies bounds it
// (the channel's, the whole bot's, the shared one) and so does concurrency, which binds when
// posts take long enough to answer; the floor is the tightest of these bounds. Posts go evenly
// spaced, without the bursts a platform may allow, as the scheduler sends them.
func (l Limit) Floor(f FanOut) time.Duration {
	if f.Posts <= 0 {
		return 0
	}
	gaps := float64(f.Posts - 1) // evenly spaced posts: the first goes at once
	var seconds float64
	if l.PerSecond > 0 {
		if l.PerChannel {
			// The busiest channel's posts, one budget interval apart.
			perChannel := (f.Posts + max(f.Channels, 1) - 1) / max(f.Channels, 1)
			seconds = float64(perChannel-1) / l.PerSecond
		} else {
			seconds = gaps / l.PerSecond
		}
	}
	if l.Shared > 0 {
		seconds = max(seconds, gaps/l.Shared)
	}
	// At most concurrency posts under way: post i goes once the one concurrency places before it
	// has its answer.
	waves := (f.Posts - 1) / l.concurrency()
	return max(time.Duration(seconds*float64(time.Second)), time.Duration(waves)*f.RoundTrip)
}

// DefaultLimits keep under the platforms' limits rather than at them, since a 429 costs a wait
// and a platform may disable an app that keeps meeting them: Discord allows 50 requests a second
// per bot (48 leaves room for network jitter, which otherwise meets a 429 in about 3% of posts);
// Slack one message a second per channel and, per workspace, "several hundred a minute", of
// which 5 a second (300 a minute) is the low end. Each process keeps its own budget: replicas
// posting at once overrun it and are slowed down by 429 answers, which pause the budget for
// everyone in the process.
func DefaultLimits() map[string]Limit {
	return map[string]Limit{
		"discord": {PerSecond: 48, Concurrency: 16},
		"slack":   {PerSecond: 1, PerChannel: true, Shared: 5, Concurrency: 16},
	}
}

// limiter hands out post times from token buckets and bounds posts under way per platform.
type limiter struct {
	clock  Clock
	limits map[string]Limit

	mu      sync.Mutex
	buckets map[string]*bucket
	slots   map[string]chan struct{}
}

func newLimiter(clock Clock, limits map[string]Limit) *limiter {
	if limits == nil {
		limits = DefaultLimits()
	}
	return &limiter{clock: clock, limits: limits, buckets: map[string]*bucket{}, slots: map[string]chan struct{}{}}
}

// bucket is the budget a post to channel draws on; nil when its platform has no limit.
func (l *limiter) bucket(platform, channel string) *bucket {
	limit := l.limits[platform]
	if limit.PerSecond <= 0 {
		return nil
	}
	name := platform
	if limit.PerChannel {
		name += ":" + channel
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[name]
	if b == nil {
		b = &bucket{every: time.Duration(float64(time.Second) / limit.PerSecond)}
		l.buckets[name] = b
	}
	return b
}

// shared is the budget every channel of platform draws on besides its own; nil when none.
func (l *limiter) shared(platform string) *bucket {
	limit := l.limits[platform]
	if limit.Shared <= 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	name := platform + " (shared)"
	b := l.buckets[name]
	if b == nil {
		b = &bucket{every: time.Duration(float64(time.Second) / limit.Shared)}
		l.buckets[name] = b
	}
	return b
}

// acquire takes one of platform's places for a post under way.
func (l *limiter) acquire(ctx context.Context, platform string) (release func(), err error) {
	l.mu.Lock()
	slots := l.slots[platform]
	if slots == nil {
		slots = make(chan struct{}, l.limits[platform].concurrency())
		l.slots[platform] = slots
	}
	l.mu.Unlock()
	select {
	case slots <- struct{}{}:
		return func() { <-slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// reserve books the next post time on b.
func (l *limiter) reserve(b *bucket) time.Time {
	if b == nil {
		return time.Time{}
	}
	return b.reserve(l.clock.Now())
}

// wait sleeps until a post booked for at may go. A 429 since the booking pauses the bucket, and
// a post booked before the pause ends books again behind it.
func (l *limiter) wait(ctx context.Context, b *bucket, at time.Time) error {
	if b == nil {
		return ctx.Err()
	}
	for {
		if err := retry.Sleep(ctx, l.clock, at.Sub(l.clock.Now())); err != nil {
			return err
		}
		now := l.clock.Now()
		if now.Before(b.resumeAt()) {
			at = b.reserve(now)
			continue
		}
		return nil
	}
}

// pace holds a post, right before it goes, until every has passed since the bucket's previous
// post. Bookings space the start of the work, but what happens between (a ledger call, a wait
// for a place) delays some posts more than others and would let them bunch up.
func (l *limiter) pace(ctx context.Context, b *bucket) error {
	if b == nil {
		return nil
	}
	for {
		d := b.take(l.clock.Now())
		if d <= 0 {
			return nil
		}
		if err := retry.Sleep(ctx, l.clock, d); err != nil {
			return err
		}
	}
}

// A bucket spaces posts evenly, one every every, without bursts: a platform that counts posts
// in a sliding window never sees more than its rate.
type bucket struct {
	every time.Duration

	mu        sync.Mutex
	next      time.Time // when the next booking may go
	pausedTil time.Time
	lastPost  time.Time
}

func (b *bucket) reserve(now time.Time) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	at := later(now, later(b.next, b.pausedTil))
	b.next = at.Add(b.every)
	return at
}

// pause holds every post back until the platform's Retry-After has passed.
func (b *bucket) pause(until time.Time) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pausedTil = later(b.pausedTil, until)
	b.next = later(b.next, until)
}

// take records a post going out now, or says how much longer it must wait.
func (b *bucket) take(now time.Time) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	earliest := later(b.lastPost.Add(b.every), b.pausedTil)
	if now.Before(earliest) {
		return earliest.Sub(now)
	}
	b.lastPost = now
	return 0
}

func (b *bucket) resumeAt() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pausedTil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
