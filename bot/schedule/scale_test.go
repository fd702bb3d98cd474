package schedule

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"os"
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// The figures SCALING.md quotes come from here:
//
//	BRIEFBOT_SCALE=1 go test ./bot/schedule -run TestScale -v  # one slot to 10,000 channels, simulated
//	go test ./bot/schedule -run '^$' -bench Ledger             # the ledger's real cost per slot
//
// TestScaleFanOut runs on synctest's fake clock: hours of platform time pass in seconds. The
// simulated times it reports vary little between runs: goroutines woken at one instant run in no
// fixed order, which moves a post or two across a rate window.

const scaleChannels = 10000

// slackWorkspacePerMinute is the workspace-wide limit the fake Slack holds chat.postMessage to.
// Slack documents "about one message per second per channel" and, besides, a workspace-wide
// limit it does not put a number on ("several hundred messages per minute"): 300 a minute is
// the low end of that, so that a fan-out's length here is the most a real workspace should see.
const slackWorkspacePerMinute = 300

// ratedPlatform is a chat platform on the test's clock that refuses, with a 429 and a
// Retry-After, any post over its limits: at most global posts in any globalWindow across the
// bot (Discord) or the workspace (Slack), and at most perChannel in any channelWindow in one
// channel. A post travels for half its round trip before the platform counts it and half back.
type ratedPlatform struct {
	clock         Clock
	roundTrip     func(channel string) time.Duration
	global        int
	globalWindow  time.Duration
	perChannel    int
	channelWindow time.Duration
	wholeSeconds  bool // Retry-After in whole seconds, as Slack's header gives it; Discord's is a float

	mu        sync.Mutex
	recent    []time.Time            // accepted within globalWindow, oldest first
	byChannel map[string][]time.Time // accepted within channelWindow, oldest first
	posts     map[string]int         // accepted, by channel
	accepted  int
	refused   int
	first     time.Time
	last      time.Time
}

func newRatedPlatform(clock Clock) *ratedPlatform {
	return &ratedPlatform{clock: clock, roundTrip: jitteredRoundTrip,
		byChannel: map[string][]time.Time{}, posts: map[string]int{}}
}

// jitteredRoundTrip is 80 to 160 ms, fixed per channel: posts leave evenly spaced but arrive a
// little bunched, as over a real network, and the same channel always takes the same time, so
// that runs are alike.
func jitteredRoundTrip(channel string) time.Duration {
	h := fnv.New32a()
	h.Write([]byte(channel))
	return 80*time.Millisecond + time.Duration(h.Sum32()%81)*time.Millisecond
}

func (p *ratedPlatform) Post(ctx context.Context, channel, _ string, _ bot.Reply) (string, error) {
	half := p.roundTrip(channel) / 2
	select {
	case <-p.clock.After(half):
	case <-ctx.Done():
		return "", ctx.Err()
	}
	id, err := p.arrive(channel, p.clock.Now())
	// The answer comes back whatever the caller's context: the post is made or refused already.
	<-p.clock.After(half)
	return id, err
}

func (p *ratedPlatform) arrive(channel string, now time.Time) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var wait time.Duration
	if p.global > 0 {
		p.recent = within(p.recent, now, p.globalWindow)
		if len(p.recent) >= p.global {
			wait = p.recent[0].Add(p.globalWindow).Sub(now)
		}
	}
	if p.perChannel > 0 {
		p.byChannel[channel] = within(p.byChannel[channel], now, p.channelWindow)
		if r := p.byChannel[channel]; len(r) >= p.perChannel {
			wait = max(wait, r[0].Add(p.channelWindow).Sub(now))
		}
	}
	if wait > 0 {
		if p.wholeSeconds {
			wait = (wait + time.Second - 1).Truncate(time.Second)
		}
		p.refused++
		return "", &bot.PostError{Code: "429", RetryAfter: wait, Err: fmt.Errorf("rate limited")}
	}
	if p.global > 0 {
		p.recent = append(p.recent, now)
	}
	if p.perChannel > 0 {
		p.byChannel[channel] = append(p.byChannel[channel], now)
	}
	p.posts[channel]++
	p.accepted++
	if p.first.IsZero() {
		p.first = now
	}
	p.last = now
	return fmt.Sprintf("m%d", p.accepted), nil
}

// within drops the times that have left the window ending at now.
func within(ts []time.Time, now time.Time, window time.Duration) []time.Time {
	i := 0
	for i < len(ts) && !ts[i].After(now.Add(-window)) {
		i++
	}
	return ts[i:]
}

// countingLedger counts what the scheduler asks of the ledger, and how many slots it holds
// claimed at once: each held slot renews its lease every renewEvery.
type countingLedger struct {
	store.Ledger

	mu                             sync.Mutex
	claims, renewals, marks, reads int
	held, peakHeld                 int
}

func (l *countingLedger) Claim(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	c, err := l.Ledger.Claim(ctx, slot, owner, lease, now)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.claims++
	if err == nil && c.Taken {
		l.held++
		l.peakHeld = max(l.peakHeld, l.held)
	}
	return c, err
}

func (l *countingLedger) Renew(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) error {
	err := l.Ledger.Renew(ctx, slot, owner, lease, now)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.renewals++
	return err
}

func (l *countingLedger) Mark(ctx context.Context, slot store.Slot, owner string, out store.Outcome, now time.Time) error {
	err := l.Ledger.Mark(ctx, slot, owner, out, now)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.marks++
	if err == nil {
		l.held--
	}
	return err
}

func (l *countingLedger) Release(ctx context.Context, slot store.Slot, owner string) error {
	err := l.Ledger.Release(ctx, slot, owner)
	if err == nil {
		l.mu.Lock()
		l.held--
		l.mu.Unlock()
	}
	return err
}

func (l *countingLedger) LastPosted(ctx context.Context, digest, platform, channel string) (*store.Entry, error) {
	l.mu.Lock()
	l.reads++
	l.mu.Unlock()
	return l.Ledger.LastPosted(ctx, digest, platform, channel)
}

// indexedMemLedger is memLedger with Last and LastPosted answered from an index of each
// channel's slots: memLedger walks every slot for them, which deliver asks once per post and
// catch-up once per channel, and 10,000 channels would spend the test's time there rather than
// in the scheduler.
type indexedMemLedger struct {
	*memLedger

	mu   sync.Mutex
	last map[[3]string]store.Entry // the latest posted or late slot, by digest, platform, channel
	keys map[[3]string][]slotKey   // every slot, by digest, platform, channel
}

func channelOf(s store.Slot) [3]string { return [3]string{s.Digest, s.Platform, s.Channel} }

// known adds slot to its channel's keys once the memLedger holds it.
func (l *indexedMemLedger) known(slot store.Slot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.keys == nil {
		l.keys = map[[3]string][]slotKey{}
	}
	k, ch := keyOf(normal(slot)), channelOf(slot)
	if !slices.Contains(l.keys[ch], k) {
		l.keys[ch] = append(l.keys[ch], k)
	}
}

func (l *indexedMemLedger) Claim(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	c, err := l.memLedger.Claim(ctx, slot, owner, lease, now)
	if err == nil {
		l.known(slot)
	}
	return c, err
}

func (l *indexedMemLedger) Record(ctx context.Context, slot store.Slot, out store.Outcome, now time.Time) error {
	err := l.memLedger.Record(ctx, slot, out, now)
	if err == nil {
		l.known(slot)
	}
	return err
}

// Last is memLedger's, over the channel's own slots only.
func (l *indexedMemLedger) Last(_ context.Context, digest, platform, channel string) (last, lastFailed *store.Entry, err error) {
	l.mu.Lock()
	keys := slices.Clone(l.keys[[3]string{digest, platform, channel}])
	l.mu.Unlock()
	l.memLedger.mu.Lock()
	defer l.memLedger.mu.Unlock()
	for _, k := range keys {
		m := l.memLedger.slots[k]
		if m == nil { // pruned
			continue
		}
		e := m.entry
		if last == nil || e.At.After(last.At) {
			last = &e
		}
		if e.Result == store.Failed && (lastFailed == nil || e.At.After(lastFailed.At)) {
			lastFailed = &e
		}
	}
	return last, lastFailed, nil
}

func (l *indexedMemLedger) Mark(ctx context.Context, slot store.Slot, owner string, out store.Outcome, now time.Time) error {
	err := l.memLedger.Mark(ctx, slot, owner, out, now)
	if err == nil && (out.Result == store.Posted || out.Result == store.Late) {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.last == nil {
			l.last = map[[3]string]store.Entry{}
		}
		k := channelOf(slot)
		if prev, ok := l.last[k]; !ok || slot.At.After(prev.At) {
			l.last[k] = store.Entry{Slot: normal(slot), Owner: owner, Outcome: out, MarkedAt: now}
		}
	}
	return err
}

func (l *indexedMemLedger) LastPosted(_ context.Context, digest, platform, channel string) (*store.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.last[[3]string{digest, platform, channel}]
	if !ok {
		return nil, nil
	}
	return &e, nil
}

type scaleCase struct {
	name     string
	platform string
	limits   map[string]Limit // nil: DefaultLimits, as briefbot serve runs
	fake     func(*ratedPlatform)
	floor    time.Duration // the platform's own bound on the fan-out
	// within bounds the simulated fan-out, as a multiple of floor: the check that the scheduler
	// keeps to the platform's pace rather than far behind it.
	within float64
	// sqlite says whether the case also runs on SQLite under the fake clock. SQLite's work is
	// real I/O, during which the fake clock stands still: it takes real time, not simulated.
	sqlite bool
	// slow cases take ten seconds of real time or more, and run only when asked for.
	slow bool
}

// scaleEnv asks for the slow cases of the scale tests.
const scaleEnv = "BRIEFBOT_SCALE"

// platformFloor is the platform's own bound on a fan-out to every channel once: how fast l,
// the platform's limits, let it go at best.
func platformFloor(l Limit) time.Duration {
	return l.Floor(FanOut{Posts: scaleChannels, Channels: scaleChannels})
}

// slackPlatform is what Slack allows, as the fake Slack holds chat.postMessage to it.
var slackPlatform = Limit{PerSecond: 1, PerChannel: true, Shared: slackWorkspacePerMinute / 60.0}

func slackFake(p *ratedPlatform) {
	p.perChannel, p.channelWindow = 1, time.Second
	p.global, p.globalWindow = slackWorkspacePerMinute, time.Minute
	p.wholeSeconds = true
}

var scaleCases = []scaleCase{
	{
		// Discord: 50 requests a second for the whole bot. 10,000 channels take 200s at best.
		name: "discord", platform: "discord",
		fake:  func(p *ratedPlatform) { p.global, p.globalWindow = 50, time.Second },
		floor: platformFloor(Limit{PerSecond: 50}), within: 1.05, sqlite: true,
	},
	{
		// Discord with a budget of 48 a second: two posts of headroom in a second, as many as
		// arrive early with 40 ms of spread in the one-way trip, absorb the jitter that at 50 a
		// second brings a few hundred 429s per fan-out, and each of them a trip to the back of
		// the queue.
		name: "discord-headroom", platform: "discord",
		limits: map[string]Limit{"discord": {PerSecond: 48, Concurrency: 16}},
		fake:   func(p *ratedPlatform) { p.global, p.globalWindow = 50, time.Second },
		floor:  platformFloor(Limit{PerSecond: 50}), within: 1.05,
	},
	{
		// Slack as briefbot serve posts to it by default: a budget per channel and one for the
		// workspace at the low end of what Slack allows.
		name: "slack", platform: "slack",
		fake:  slackFake,
		floor: platformFloor(slackPlatform), within: 1.05, sqlite: true,
	},
	{
		// Slack with a budget per channel only, as serve posted before it kept a workspace
		// budget: the workspace limit is met by 429s, and every slot refused holds its claim,
		// renewing its lease, until its retry. That renewal traffic (about 1,300 writes a second
		// at the peak) takes SQLite longer in real time than a test should, so this case runs on
		// memory only; even there, 150,000 429s and 1.3 million renewals take about ten seconds.
		name: "slack-no-workspace-budget", platform: "slack", slow: true,
		limits: map[string]Limit{"slack": {PerSecond: 1, PerChannel: true, Concurrency: 16}},
		fake:   slackFake,
		floor:  platformFloor(slackPlatform), within: 1.25,
	},
}

// TestScaleFanOut posts one slot of one digest to 10,000 channels through rate-limited fake
// platforms and checks that every channel gets it exactly once, that the ledger marks every
// slot, and that the fan-out keeps near the platform's floor. The cases on memory take under a
// second of real time each, and -short skips them; those on SQLite, and Slack without a
// workspace budget, take ten seconds or more and run only with BRIEFBOT_SCALE=1.
func TestScaleFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 10,000-channel fan-outs: run without -short")
	}
	for _, sc := range scaleCases {
		kinds := []string{"memory"}
		if sc.sqlite {
			kinds = append(kinds, "sqlite")
		}
		for _, kind := range kinds {
			t.Run(sc.name+"/"+kind, func(t *testing.T) {
				if (sc.slow || kind == "sqlite") && os.Getenv(scaleEnv) == "" {
					t.Skipf("takes ten seconds or more of real time: set %s=1 to run it", scaleEnv)
				}
				start := time.Now() // outside the bubble: real time
				synctest.Test(t, func(t *testing.T) { fanOutScale(t, sc, kind) })
				t.Logf("real time: %.1fs", time.Since(start).Seconds())
			})
		}
	}
}

func fanOutScale(t *testing.T, sc scaleCase, kind string) {
	slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := newBubbleClock(slot.Add(-time.Second))
	var base store.Ledger = &indexedMemLedger{memLedger: newMemLedger()}
	if kind == "sqlite" {
		l, err := store.Open(context.Background(), "sqlite://"+t.TempDir()+"/l.db")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		base = l
	}
	ledger := &countingLedger{Ledger: base}
	p := newRatedPlatform(clock)
	sc.fake(p)
	obs := newRecorder()
	chans := channels("C", scaleChannels)
	d := bot.Digest{Name: "morning", Briefing: "us-mexico-troops", Platform: sc.platform, Channels: chans,
		Schedule: mustParse(t, "0 9 * * *")}
	stop := startScale(t, "replica-1", d, ledger, p, clock, sc.limits, obs)

	// A look at the process two seconds in: every channel's slot is under way by then.
	clock.advanceTo(slot.Add(2 * time.Second))
	goroutines := runtime.NumGoroutine()
	runtime.GC() // live heap only, not what the collector has yet to reclaim
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)

	// Well past the floor, but inside the two-hour catch-up window that bounds retries.
	giveUp := slot.Add(max(3*sc.floor, 30*time.Minute))
	for obs.ended() < scaleChannels && clock.Now().Before(giveUp) {
		clock.advanceTo(clock.Now().Add(10 * time.Second))
	}
	stop()

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.accepted != scaleChannels || len(p.posts) != scaleChannels {
		t.Errorf("%d posts to %d channels; want %d, one each", p.accepted, len(p.posts), scaleChannels)
	}
	for _, ch := range chans {
		if n := p.posts[ch]; n != 1 {
			t.Errorf("channel %s got %d posts; want exactly 1", ch, n)
		}
	}
	checkMarked(t, base, d, slot)

	took := p.last.Sub(slot)
	t.Logf("%d channels: first post %s after the slot, last %s: %.3f of the floor (%s)",
		scaleChannels, p.first.Sub(slot), took.Round(time.Millisecond), took.Seconds()/sc.floor.Seconds(), sc.floor)
	t.Logf("429s: %d answered by the platform; marked %v", p.refused, obs.marked)
	t.Logf("ledger: %d claims, %d lease renewals, %d marks, %d version reads; at most %d slots held at once",
		ledger.claims, ledger.renewals, ledger.marks, ledger.reads, ledger.peakHeld)
	t.Logf("2s into the fan-out: %d goroutines, %.1f MiB live heap, %.1f MiB of stacks",
		goroutines, float64(ms.HeapAlloc)/(1<<20), float64(ms.StackInuse)/(1<<20))
	if limit := time.Duration(float64(sc.floor) * sc.within); took > limit {
		t.Errorf("fan-out took %s (simulated); want within %.2f of the floor %s", took, sc.within, sc.floor)
	}
	if obs.ledgerFailed > 0 {
		t.Errorf("%d ledger calls failed", obs.ledgerFailed)
	}
}

// startScale runs a scheduler for d until the returned stop, a graceful shutdown, is called.
func startScale(t *testing.T, owner string, d bot.Digest, l store.Ledger, p bot.Poster, clock Clock,
	limits map[string]Limit, obs Observer) (stop func()) {
	t.Helper()
	s, err := New(Config{
		Digests: []bot.Digest{d}, Ledger: l, Posters: map[string]bot.Poster{d.Platform: p},
		Owner: owner, Clock: clock, Limits: limits, Observer: obs,
		Compose: func(_ context.Context, d bot.Digest, day time.Time, _ string) (bot.Reply, string) {
			return bot.Reply{Title: d.Name + " " + day.Format("2006-01-02")}, "v1"
		},
		Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v; want nil after cancel", err)
		}
	}
}

// TestScaleRestartMidFanOut stops the process 100s into a 10,000-channel Discord fan-out, about
// half-way, and starts another 50s later. The new process's catch-up posts the channels not yet
// reached only while the slot is within the digest's catch-up window: with a window shorter
// than the fan-out and the downtime, they are not posted, and the ledger has no record of them.
// No channel is ever posted twice.
func TestScaleRestartMidFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates a 10,000-channel fan-out: run without -short")
	}
	for _, catchUp := range []time.Duration{2 * time.Minute, 10 * time.Minute} {
		t.Run("catch-up-"+catchUp.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { restartMidFanOut(t, catchUp) })
		})
	}
}

func restartMidFanOut(t *testing.T, catchUp time.Duration) {
	slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := newBubbleClock(slot.Add(-time.Second))
	mem := &indexedMemLedger{memLedger: newMemLedger()}
	p := newRatedPlatform(clock)
	p.global, p.globalWindow = 50, time.Second
	d := bot.Digest{Name: "morning", Briefing: "us-mexico-troops", Platform: "discord",
		Channels: channels("C", scaleChannels), Schedule: mustParse(t, "0 9 * * *"), CatchUp: catchUp}

	stopFirst := startScale(t, "replica-1", d, mem, p, clock, nil, nil)
	clock.advanceTo(slot.Add(100 * time.Second))
	stopFirst()
	p.mu.Lock()
	first := p.accepted
	p.mu.Unlock()
	clock.advanceTo(slot.Add(150 * time.Second))
	stopSecond := startScale(t, "replica-2", d, mem, p, clock, nil, nil)
	clock.advanceTo(slot.Add(10 * time.Minute))
	stopSecond()

	p.mu.Lock()
	defer p.mu.Unlock()
	for ch, n := range p.posts {
		if n != 1 {
			t.Errorf("channel %s got %d posts; want at most 1", ch, n)
		}
	}
	never := scaleChannels - len(p.posts)
	mem.mu.Lock()
	results := map[store.Result]int{}
	for _, m := range mem.slots {
		results[m.entry.Result]++
	}
	unrecorded := scaleChannels - len(mem.slots)
	mem.mu.Unlock()
	t.Logf("catch-up %s: %d channels posted before the stop, %d after the restart, %d never; ledger %v, %d channels without a record",
		catchUp, first, p.accepted-first, never, results, unrecorded)
	if catchUp >= 150*time.Second && never > 0 {
		t.Errorf("%d channels never posted; want every one, the restart came within the catch-up window", never)
	}
}

// TestScaleSlackShortCatchUp posts a 10,000-channel Slack slot, with briefbot serve's default
// budgets, for a digest whose catch-up window, 10 minutes, is shorter than the 33 minutes the
// workspace limit makes the fan-out last. Posts waiting their turn under the budget go out
// when it comes, late, even past the window; only a post refused for the rate is given up once
// its retry would pass the window, and marked failed.
// It asserts only that none is posted twice; SCALING.md quotes how many fail.
func TestScaleSlackShortCatchUp(t *testing.T) {
	if testing.Short() || os.Getenv(scaleEnv) == "" {
		t.Skipf("takes several seconds of real time: set %s=1 and run without -short", scaleEnv)
	}
	synctest.Test(t, func(t *testing.T) {
		slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		clock := newBubbleClock(slot.Add(-time.Second))
		p := newRatedPlatform(clock)
		slackFake(p)
		d := bot.Digest{Name: "morning", Briefing: "us-mexico-troops", Platform: "slack",
			Channels: channels("C", scaleChannels), Schedule: mustParse(t, "0 9 * * *"), CatchUp: 10 * time.Minute}
		obs := newRecorder()
		stop := startScale(t, "replica-1", d, &indexedMemLedger{memLedger: newMemLedger()}, p, clock, nil, obs)
		clock.advanceTo(slot.Add(40 * time.Minute))
		stop()

		p.mu.Lock()
		defer p.mu.Unlock()
		for ch, n := range p.posts {
			if n != 1 {
				t.Errorf("channel %s got %d posts; want at most 1", ch, n)
			}
		}
		t.Logf("catch-up 10m: %d channels posted, %d 429s; marked %v", p.accepted, p.refused, obs.marked)
	})
}

// TestScaleTwoReplicas runs one 10,000-channel Discord slot on two replicas sharing the ledger,
// each with its own budget of 50 posts a second. Both walk the channels in the same order at the
// same pace, and the ledger gives each channel to one of them, so together they post at one
// budget's pace rather than twice it. Every channel gets the post exactly once. The replica
// that loses a claim rechecks it, and recheck looks the channel up in the digest's list: over
// 10,000 channels that takes a second of real time, ten under the race detector, so this runs
// only when asked for.
func TestScaleTwoReplicas(t *testing.T) {
	if testing.Short() || os.Getenv(scaleEnv) == "" {
		t.Skipf("takes ten seconds of real time under the race detector: set %s=1 and run without -short", scaleEnv)
	}
	synctest.Test(t, func(t *testing.T) {
		slot := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
		clock := newBubbleClock(slot.Add(-time.Second))
		ledger := &countingLedger{Ledger: &indexedMemLedger{memLedger: newMemLedger()}}
		p := newRatedPlatform(clock)
		p.global, p.globalWindow = 50, time.Second
		d := bot.Digest{Name: "morning", Briefing: "us-mexico-troops", Platform: "discord",
			Channels: channels("C", scaleChannels), Schedule: mustParse(t, "0 9 * * *")}
		obs := newRecorder()
		stopA := startScale(t, "replica-1", d, ledger, p, clock, nil, obs)
		stopB := startScale(t, "replica-2", d, ledger, p, clock, nil, obs)
		for obs.ended() < scaleChannels && clock.Now().Before(slot.Add(30*time.Minute)) {
			clock.advanceTo(clock.Now().Add(10 * time.Second))
		}
		stopA()
		stopB()

		p.mu.Lock()
		defer p.mu.Unlock()
		for _, ch := range d.Channels {
			if n := p.posts[ch]; n != 1 {
				t.Errorf("channel %s got %d posts; want exactly 1", ch, n)
			}
		}
		took := p.last.Sub(slot)
		t.Logf("two replicas, %d channels: last post %s after the slot (%.3f of the floor); %d 429s; %d claims asked for %d slots",
			scaleChannels, took.Round(time.Millisecond), took.Seconds()/200, p.refused, ledger.claims, scaleChannels)
		if took > 210*time.Second {
			t.Errorf("fan-out took %s (simulated); want about 200s, one budget's pace", took)
		}
	})
}

// checkMarked checks that the ledger holds the slot as posted (on time or late) in every channel.
func checkMarked(t *testing.T, l store.Ledger, d bot.Digest, slot time.Time) {
	t.Helper()
	posted := func(e store.Entry) bool {
		return e.At.Equal(slot) && (e.Result == store.Posted || e.Result == store.Late)
	}
	bad := 0
	if im, ok := l.(*indexedMemLedger); ok {
		m := im.memLedger
		// One pass: memLedger's Last walks every slot, 10,000 times over here.
		m.mu.Lock()
		defer m.mu.Unlock()
		for _, s := range m.slots {
			if !posted(s.entry) {
				bad++
			}
		}
		if len(m.slots) != len(d.Channels) {
			t.Errorf("ledger holds %d slots; want %d", len(m.slots), len(d.Channels))
		}
	} else {
		for _, ch := range d.Channels {
			last, _, err := l.Last(context.Background(), d.Name, d.Platform, ch)
			if err != nil {
				t.Fatal(err)
			}
			if last == nil || !posted(*last) {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d channels' slots are not marked posted or late", bad)
	}
}

// BenchmarkLedgerPerSlot is the ledger's real work for one delivered slot, as deliver does it:
// Claim, LastPosted (for the version the channel last got) and Mark, from 16 goroutines at once,
// as many as a platform's posts under way. slots/s is what one process's ledger sustains; the
// fan-out needs 50 a second for Discord. PostgreSQL runs when BRIEFBOT_TEST_POSTGRES is set.
func BenchmarkLedgerPerSlot(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchLedgerPerSlot(b, &indexedMemLedger{memLedger: newMemLedger()}) })
	b.Run("sqlite", func(b *testing.B) {
		l, err := store.Open(context.Background(), "sqlite://"+b.TempDir()+"/l.db")
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		benchLedgerPerSlot(b, l)
	})
	b.Run("postgres", func(b *testing.B) {
		l := postgresBench(b)
		defer l.Close()
		benchLedgerPerSlot(b, l)
	})
}

func benchLedgerPerSlot(b *testing.B, l store.Ledger) {
	var mu sync.Mutex
	next := 0
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	out := store.Outcome{Result: store.Posted, MessageID: "1712345678.000100", Version: "v1"}
	b.SetParallelism(max(1, 16/runtime.GOMAXPROCS(0)))
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			i := next
			next++
			mu.Unlock()
			// Each slot its own channel, as in a fan-out; a new minute every 10,000 keeps the
			// table growing as a day's slots do.
			s := store.Slot{Digest: "morning", Platform: "discord", Channel: fmt.Sprintf("C%05d", i%scaleChannels),
				At: at.Add(time.Duration(i/scaleChannels) * time.Minute)}
			c, err := l.Claim(context.Background(), s, "replica-1", leaseFor, s.At)
			if err != nil || !c.Taken {
				b.Fatalf("Claim(%v) = %+v, %v; want taken", s, c, err)
			}
			if _, err := l.LastPosted(context.Background(), s.Digest, s.Platform, s.Channel); err != nil {
				b.Fatal(err)
			}
			if err := l.Mark(context.Background(), s, "replica-1", out, s.At.Add(time.Second)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "slots/s")
}

// BenchmarkLedgerCatchUp is what a restart reads before it posts anything: catch-up asks the
// ledger for each channel's last slot (Last), one channel after another. Here the ledger knows
// 10,000 channels; s/10k-channels is the whole catch-up of a 10,000-channel digest.
func BenchmarkLedgerCatchUp(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		l, err := store.Open(context.Background(), "sqlite://"+b.TempDir()+"/l.db")
		if err != nil {
			b.Fatal(err)
		}
		defer l.Close()
		benchCatchUp(b, l)
	})
	b.Run("postgres", func(b *testing.B) {
		l := postgresBench(b)
		defer l.Close()
		benchCatchUp(b, l)
	})
}

func benchCatchUp(b *testing.B, l store.Ledger) {
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	out := store.Outcome{Result: store.Posted, MessageID: "m", Version: "v1"}
	for i := range scaleChannels {
		s := store.Slot{Digest: "morning", Platform: "discord", Channel: fmt.Sprintf("C%05d", i), At: at}
		if err := l.Record(ctx, s, out, at); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	start := time.Now()
	for b.Loop() {
		last, _, err := l.Last(ctx, "morning", "discord", fmt.Sprintf("C%05d", i%scaleChannels))
		if err != nil || last == nil {
			b.Fatalf("Last = %v, %v; want the slot", last, err)
		}
		i++
	}
	b.ReportMetric(time.Since(start).Seconds()/float64(b.N)*scaleChannels, "s/10k-channels")
}

// postgresBench opens a ledger on BRIEFBOT_TEST_POSTGRES in a schema of its own, dropped at
// the end, or skips when no server is given.
func postgresBench(b *testing.B) store.Ledger {
	dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES")
	if dsn == "" {
		b.Skip("no PostgreSQL: set BRIEFBOT_TEST_POSTGRES=postgres://user:password@host:5432/db?sslmode=disable")
	}
	l, err := store.Open(context.Background(), postgresScratch(b, dsn))
	if err != nil {
		b.Fatal(err)
	}
	return l
}

// postgresScratch makes a schema of its own on the server dsn names, dropped when the test
// ends, and returns a DSN that works in it.
func postgresScratch(tb testing.TB, dsn string) string {
	scratch, drop, err := newSchema(dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := drop(); err != nil {
			tb.Error(err)
		}
	})
	return scratch
}

// newSchema makes a schema on the server dsn names and returns a DSN that works in it, and
// how to drop it.
func newSchema(dsn string) (scratch string, drop func() error, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", nil, fmt.Errorf("new schema: %w", err)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return "", nil, fmt.Errorf("new schema: %w", err)
	}
	schema := fmt.Sprintf("briefbot_schedule_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("new schema: %w", err)
	}
	drop = func() error {
		defer admin.Close()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}
