package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
	"briefbot/internal/cron"
)

// bubbleClock is synctest's fake time moved to a chosen start: time passes only when every
// goroutine of the test is blocked, so days of schedule run in an instant, in a fixed order.
type bubbleClock struct{ offset time.Duration }

func newBubbleClock(start time.Time) *bubbleClock { return &bubbleClock{offset: start.Sub(time.Now())} }

func (c *bubbleClock) Now() time.Time                         { return time.Now().Add(c.offset) }
func (c *bubbleClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// advanceTo lets time run to t, then lets everything due by t finish.
func (c *bubbleClock) advanceTo(t time.Time) {
	time.Sleep(t.Sub(c.Now()))
	synctest.Wait()
}

type sentPost struct {
	channel, key, id string
	at               time.Time
	reply            bot.Reply
}

// platform is a fake Discord or Slack shared by every process of a test: it keeps every post.
type platform struct {
	name    string
	clock   Clock
	latency time.Duration // how long a post takes

	mu        sync.Mutex
	posts     []sentPost
	attempts  int
	refused   map[string]string           // channel: permanent error code
	storm     *rand.Rand                  // when set, answers 429s and 5xx at random
	limitEach int                         // when set, answers every limitEach-th attempt with a 429
	ambiguous bool                        // in a storm, some 5xx come after the post went out
	history   error                       // what FindPost answers instead of looking
	afterPost func(sentPost, *killSwitch) // runs after each post, with the posting process's switch
	// afterHead are answered, one per thread, after its headline went out and before its detail
	// is posted: a failure between the two parts.
	afterHead []error
	looks     int    // lookups in the history: FindPost's, and a thread's for each part
	threads   []bool // each PostThread's Look, in order
}

// post makes one post on the platform: a message, or one part of a thread. step is the step of
// a slot's path it is, where a kill point may stop the posting process.
func (p *platform) post(ctx context.Context, dead *killSwitch, step, channel, key string, r bot.Reply) (string, error) {
	if p.latency > 0 {
		select {
		case <-time.After(p.latency):
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if dead.reach(step, false, channel) {
		return "", errKilled
	}
	p.mu.Lock()
	p.attempts++
	if code, ok := p.refused[channel]; ok {
		p.mu.Unlock()
		return "", &bot.PostError{Permanent: true, Code: code, Err: fmt.Errorf("%s", code)}
	}
	if p.limitEach > 0 && p.attempts%p.limitEach == 0 {
		p.mu.Unlock()
		return "", &bot.PostError{RetryAfter: time.Second, Code: "429", Err: fmt.Errorf("rate limited")}
	}
	var fault error
	if p.storm != nil {
		switch x := p.storm.IntN(10); {
		case x < 3:
			retry := time.Duration(1+p.storm.IntN(5)) * time.Second
			p.mu.Unlock()
			return "", &bot.PostError{RetryAfter: retry, Code: "429", Err: fmt.Errorf("rate limited")}
		case x < 5:
			p.mu.Unlock()
			return "", &bot.PostError{Code: "503", Err: fmt.Errorf("unavailable")}
		case x < 6 && p.ambiguous:
			fault = &bot.PostError{Code: "502", Err: fmt.Errorf("bad gateway after posting")}
		}
	}
	sp := sentPost{channel: channel, key: key, id: fmt.Sprintf("%s-%d", p.name, len(p.posts)+1), at: p.clock.Now(), reply: r}
	p.posts = append(p.posts, sp)
	hook := p.afterPost
	p.mu.Unlock()
	if hook != nil {
		hook(sp, dead)
	}
	if dead.reach(step, true, channel) {
		return "", errKilled
	}
	if fault != nil {
		return "", fault
	}
	return sp.id, nil
}

func (p *platform) find(channel, key string, since time.Time) (string, bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.looks++
	if p.history != nil {
		return "", false, p.history
	}
	for _, sp := range p.posts {
		if sp.channel == channel && sp.key == key && !sp.at.Before(since) {
			return sp.id, true, nil
		}
	}
	return "", false, nil
}

func (p *platform) setAfterPost(f func(sentPost, *killSwitch)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.afterPost = f
}

// sent lists the posts, by channel and key.
func (p *platform) sent() map[string][]sentPost {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string][]sentPost{}
	for _, sp := range p.posts {
		out[sp.channel+" "+sp.key] = append(out[sp.channel+" "+sp.key], sp)
	}
	return out
}

func (p *platform) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.posts)
}

// poster is one process's client of a platform; a finder can also read history.
type poster struct {
	p    *platform
	dead *killSwitch
}

func (c poster) Post(ctx context.Context, channel, key string, r bot.Reply) (string, error) {
	return c.p.post(ctx, c.dead, stepPost, channel, key, r)
}

// PostThread posts t as Slack does, in two calls: the headline in the channel under key, then
// the detail under key + bot.DetailKey. With Look, each part is looked for by its key first,
// and posted only when it is not there; over a history it may not read, it posts anyway and
// says the thread may be doubled.
func (c poster) PostThread(ctx context.Context, channel, key string, t bot.Thread) (string, bool, error) {
	c.p.mu.Lock()
	c.p.threads = append(c.p.threads, t.Look)
	c.p.mu.Unlock()
	mayDouble := false
	// lookFor says whether the part under key went out already, and its id.
	lookFor := func(key string) (string, bool, error) {
		if !t.Look {
			return "", false, nil
		}
		if c.dead.killed() {
			return "", false, errKilled
		}
		id, found, err := c.p.find(channel, key, t.Since)
		if errors.Is(err, bot.ErrHistoryUnavailable) {
			mayDouble = true
			return "", false, nil
		}
		return id, found, err
	}
	head, found, err := lookFor(key)
	if err != nil {
		return "", false, err
	}
	if !found {
		if head, err = c.p.post(ctx, c.dead, stepHeadline, channel, key, t.Head); err != nil {
			return "", false, err
		}
	}
	c.p.mu.Lock()
	var fault error
	if len(c.p.afterHead) > 0 {
		fault, c.p.afterHead = c.p.afterHead[0], c.p.afterHead[1:]
	}
	c.p.mu.Unlock()
	if fault != nil {
		return "", false, fault
	}
	if _, found, err = lookFor(key + bot.DetailKey); err != nil {
		return "", false, err
	}
	if !found {
		if _, err := c.p.post(ctx, c.dead, stepDetail, channel, key+bot.DetailKey, t.Detail); err != nil {
			return "", false, err
		}
	}
	return head, mayDouble, nil
}

type finder struct{ poster }

// messagesOnly is a poster that cannot post threads, nor look.
type messagesOnly struct{ bot.Poster }

func (c finder) FindPost(_ context.Context, channel, key string, since time.Time) (string, bool, error) {
	if c.dead.killed() {
		return "", false, errKilled
	}
	return c.p.find(channel, key, since)
}

// rig is one test's world: a clock, a ledger and the platforms that processes share.
type rig struct {
	t       *testing.T
	clock   *bubbleClock
	handle  func() store.Ledger // opens a handle on the test's ledger, one per process
	ledger  store.Ledger        // the test's own handle, to look at
	discord *platform
	slack   *platform
	// plain names the platforms whose posters cannot read history; threadless, those whose
	// posters post messages only.
	plain      map[string]bool
	threadless map[string]bool
	compose    func(context.Context, bot.Digest, time.Time, string) (bot.Reply, string)
	// faults, when set, wraps each process's ledger, to make some calls fail.
	faults func(store.Ledger) store.Ledger
	// skew sets a process's clock off the rig's by its amount, by owner: a replica whose clock
	// runs ahead or behind.
	skew map[string]time.Duration
	// observers are told what each process does, by owner.
	observers map[string]Observer
}

// skewedClock is a process's clock, off the rig's by a fixed amount; it waits as the rig's does.
type skewedClock struct {
	Clock
	by time.Duration
}

func (c skewedClock) Now() time.Time { return c.Clock.Now().Add(c.by) }

// A ledgerKind makes a ledger for a test and returns how to open handles on it.
type ledgerKind func(t *testing.T) func() store.Ledger

func memory(*testing.T) func() store.Ledger {
	l := newMemLedger()
	return func() store.Ledger { return l }
}

// The rig's processes die as processes do, not as machines do, so its databases skip the
// flush to disk that only a power loss needs: a commit still survives the death of the process
// that made it, and tests run twice as fast. postgresFast goes at the end of a DSN with a query.
const (
	sqliteFast   = "?_pragma=synchronous(normal)"
	postgresFast = "&synchronous_commit=off"
)

func sqliteFile(t *testing.T) func() store.Ledger {
	return handles(t, "sqlite://"+t.TempDir()+"/l.db"+sqliteFast)
}

// postgresDSN is the server the PostgreSQL cases run against. Without one they skip, or fail
// under CI=true, which must run them.
func postgresDSN(t *testing.T) string {
	dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES")
	switch {
	case dsn != "":
	case os.Getenv("CI") == "true":
		t.Fatal("BRIEFBOT_TEST_POSTGRES is empty, but CI=true: CI must run the PostgreSQL cases (.ci/run sets it up)")
	default:
		t.Skip("no PostgreSQL: set BRIEFBOT_TEST_POSTGRES=postgres://user:password@host:5432/db?sslmode=disable")
	}
	return dsn
}

// handles opens a handle on the ledger dsn names for each call, closed when the test ends.
// Leases run on the rig's clock: a PostgreSQL server's own clock does not follow the bubble's.
func handles(t *testing.T, dsn string) func() store.Ledger {
	return openHandles(t, dsn, store.TrustCallerClock())
}

// openHandles opens a handle on the ledger dsn names, with opts, for each call.
func openHandles(t *testing.T, dsn string, opts ...store.Option) func() store.Ledger {
	return func() store.Ledger {
		l, err := store.Open(context.Background(), dsn, opts...)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	}
}

// A namedKind makes a kind of ledger for a test, outside its bubble.
type namedKind struct {
	name string
	make func(*testing.T) ledgerKind
}

var (
	inMemory = namedKind{"memory", func(*testing.T) ledgerKind { return memory }}
	inSQLite = namedKind{"sqlite", func(*testing.T) ledgerKind { return sqliteFile }}
)

// ledgers runs a scenario on each kind of ledger, in a bubble of its own.
func ledgers(t *testing.T, scenario func(t *testing.T, kind ledgerKind)) {
	on(t, []namedKind{inMemory, inSQLite}, scenario)
}

// on runs a scenario on each of kinds, in a bubble of its own.
func on(t *testing.T, kinds []namedKind, scenario func(t *testing.T, kind ledgerKind)) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			kind := k.make(t)
			synctest.Test(t, func(t *testing.T) { scenario(t, kind) })
		})
	}
}

func newRig(t *testing.T, start time.Time, kind ledgerKind) *rig {
	clock := newBubbleClock(start)
	handle := kind(t)
	return &rig{
		t: t, clock: clock, handle: handle, ledger: handle(),
		discord:    &platform{name: "discord", clock: clock, refused: map[string]string{}},
		slack:      &platform{name: "slack", clock: clock, refused: map[string]string{}},
		plain:      map[string]bool{},
		threadless: map[string]bool{},
		skew:       map[string]time.Duration{},
		observers:  map[string]Observer{},
		compose: func(_ context.Context, d bot.Digest, day time.Time, since string) (bot.Reply, string) {
			return bot.Reply{Title: d.Name + " " + day.Format("2006-01-02")}, "v1"
		},
	}
}

// zone loads the time zone named name.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return z
}

func (g *rig) digest(name, platform, spec, zoneName string, channels ...string) bot.Digest {
	s, err := cron.Parse(spec, zone(g.t, zoneName))
	if err != nil {
		g.t.Fatal(err)
	}
	return bot.Digest{Name: name, Briefing: "us-mexico-troops", Platform: platform, Channels: channels, Schedule: s}
}

// logTime shows the test clock's time in logs rather than the bubble's.
func (g *rig) logTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		a.Value = slog.TimeValue(g.clock.Now())
	}
	return a
}

// proc is one running process: its Scheduler, and the means to stop or kill it.
type proc struct {
	*Scheduler
	dead   *killSwitch
	cancel context.CancelFunc
	ended  chan struct{} // closed when Run returned, with its answer in err
	err    error
}

func (g *rig) scheduler(owner string, digests ...bot.Digest) *proc {
	dead := newKillSwitch()
	posters := map[string]bot.Poster{}
	for name, p := range map[string]*platform{"discord": g.discord, "slack": g.slack} {
		posters[name] = finder{poster{p, dead}}
		if g.plain[name] {
			posters[name] = poster{p, dead}
		}
		if g.threadless[name] {
			posters[name] = messagesOnly{posters[name]}
		}
	}
	var ledger store.Ledger = killable{g.handle(), dead}
	if g.faults != nil {
		ledger = g.faults(ledger)
	}
	var clock Clock = g.clock
	if by := g.skew[owner]; by != 0 {
		clock = skewedClock{g.clock, by}
	}
	s, err := New(Config{
		Digests: digests, Ledger: ledger, Posters: posters, Owner: owner, Clock: clock,
		Compose: g.compose, Observer: g.observers[owner],
		Logger: slog.New(slog.NewTextHandler(g.t.Output(), &slog.HandlerOptions{ReplaceAttr: g.logTime})),
	})
	if err != nil {
		g.t.Fatal(err)
	}
	return &proc{Scheduler: s, dead: dead}
}

// start runs a process until stop or kill.
func (g *rig) start(owner string, digests ...bot.Digest) *proc {
	return g.startKilling(owner, nil, digests...)
}

// startKilling runs a process that kills itself at point, when its work reaches it: see
// killSwitch.reach. A nil point never kills.
func (g *rig) startKilling(owner string, point *killPoint, digests ...bot.Digest) *proc {
	p := g.scheduler(owner, digests...)
	p.dead.arm(point)
	// Derived from the test's context, so that a test that fails half-way still stops it.
	ctx, cancel := context.WithCancel(g.t.Context())
	p.cancel, p.ended = cancel, make(chan struct{})
	go func() {
		p.err = p.Run(ctx)
		close(p.ended)
	}()
	// A killed process winds down in the background; the test waits for it before its ledger
	// handles close.
	g.t.Cleanup(func() {
		cancel()
		<-p.ended
	})
	synctest.Wait()
	return p
}

// stop is a graceful shutdown, as on SIGTERM.
func (p *proc) stop(t *testing.T) {
	p.cancel()
	<-p.ended
	if p.err != nil {
		t.Errorf("Run = %v; want nil after cancel", p.err)
	}
}

// kill cuts the process off from the ledger and the platforms at once, as SIGKILL does, and
// returns at once: its goroutines wind down in the background without effect, while the test
// goes on, say with a new process started at the same instant.
func (p *proc) kill() {
	p.dead.kill()
	p.cancel()
}

// platformOf is the platform d posts to.
func (g *rig) platformOf(d bot.Digest) *platform {
	return map[string]*platform{"discord": g.discord, "slack": g.slack}[d.Platform]
}

// expectOnce checks that every channel of d got each slot in (from, to] exactly once, and
// nothing else of d.
func (g *rig) expectOnce(d bot.Digest, from, to time.Time) {
	g.t.Helper()
	g.expectHeld(d, from, to, func(time.Time) string { return "" })
}

// expectHeld checks that every channel of d got each slot in (from, to] exactly once, but for
// the slots held says a reason for: those it never got, and the ledger has them skipped for that
// reason. A thread digest's slot is its headline and its detail, each once. Nothing else of d
// was posted.
func (g *rig) expectHeld(d bot.Digest, from, to time.Time, held func(at time.Time) string) {
	g.t.Helper()
	sent := g.platformOf(d).sent()
	parts := []string{""} // the endings of a slot's keys
	if d.Thread {
		parts = append(parts, bot.DetailKey)
	}
	want := 0
	for _, at := range d.Schedule.Between(from, to, 10000) {
		reason := held(at)
		for _, ch := range d.Channels {
			for _, part := range parts {
				n := len(sent[ch+" "+d.Key(at)+part])
				switch {
				case reason == "" && n != 1:
					g.t.Errorf("%s in %s at %s%s: posted %d times; want once", d.Name, ch, at, part, n)
				case reason != "" && n != 0:
					g.t.Errorf("%s in %s at %s%s: posted %d times; want never, %s", d.Name, ch, at, part, n, reason)
				}
				if reason == "" {
					want++
				}
			}
			if reason != "" {
				if out := g.outcome(d, ch, at); out.Result != store.Skipped || out.Reason != reason {
					g.t.Errorf("%s in %s at %s ended %s (%s); want skipped (%s)", d.Name, ch, at, out.Result, out.Reason, reason)
				}
			}
		}
	}
	got := 0
	for _, posts := range sent {
		for _, sp := range posts {
			if strings.HasPrefix(sp.key, d.Name+"@") && slices.Contains(d.Channels, sp.channel) {
				got++
			}
		}
	}
	if got != want {
		g.t.Errorf("%s: %d posts in all; want %d", d.Name, got, want)
	}
}

// outcome is how the ledger says d's slot at ended in channel, as a claim finds it; a slot not
// marked fails the test.
func (g *rig) outcome(d bot.Digest, channel string, at time.Time) store.Outcome {
	g.t.Helper()
	slot := store.Slot{Digest: d.Name, Platform: d.Platform, Channel: channel, At: at}
	c, err := g.ledger.Claim(context.Background(), slot, "test", time.Second, g.clock.Now())
	if err != nil {
		g.t.Fatal(err)
	}
	if c.Done == nil {
		g.t.Fatalf("%v: not marked (taken %v)", slot, c.Taken)
	}
	return *c.Done
}

// entries lists the ledger's view of d's slots in channel, oldest first: every one in memory,
// the last one elsewhere.
func (g *rig) entries(d bot.Digest, channel string) []store.Entry {
	l, ok := g.ledger.(*memLedger)
	if !ok {
		last, _, err := g.ledger.Last(context.Background(), d.Name, d.Platform, channel)
		if err != nil {
			g.t.Fatal(err)
		}
		if last == nil {
			return nil
		}
		return []store.Entry{*last}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.Entry
	for _, m := range l.slots {
		if m.entry.Digest == d.Name && m.entry.Channel == channel {
			out = append(out, m.entry)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out
}

// held lists slots still claimed and unmarked with a live lease: after a graceful stop, none.
// Only the memory ledger tells; elsewhere it is empty.
func (g *rig) held() []store.Slot {
	l, ok := g.ledger.(*memLedger)
	if !ok {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.Slot
	for _, m := range l.slots {
		if m.held && m.leaseUntil.After(g.clock.Now()) {
			out = append(out, m.entry.Slot)
		}
	}
	return out
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func channels(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%03d", prefix, i)
	}
	return out
}

// recorder is an Observer that keeps what it was told.
type recorder struct {
	mu           sync.Mutex
	marked       map[store.Result]int
	failures     map[Failure][]string // "slot channel"
	ledgerFailed int
}

func newRecorder() *recorder {
	return &recorder{marked: map[store.Result]int{}, failures: map[Failure][]string{}}
}

func (r *recorder) Marked(_ store.Slot, result store.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.marked[result]++
}

func (r *recorder) Failed(slot store.Slot, why Failure) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failures[why] = append(r.failures[why], slot.At.UTC().Format("01-02T15:04")+" "+slot.Channel)
}

func (r *recorder) LedgerFailed(string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ledgerFailed++
}

// ended is how many slots were marked.
func (r *recorder) ended() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.marked {
		n += c
	}
	return n
}

// took says what the recorder was told of failures, by reason, each reason's slots in order:
// "refused: [04-01T09:00 D2] ...".
func (r *recorder) took() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := ""
	for _, why := range Failures {
		if slots := slices.Sorted(slices.Values(r.failures[why])); len(slots) > 0 {
			out += fmt.Sprintf("%s: %v ", why, slots)
		}
	}
	return out
}
