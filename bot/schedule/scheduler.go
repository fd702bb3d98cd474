package schedule

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// DefaultCatchUp is how late a missed slot is still posted when a digest names no window.
const DefaultCatchUp = 2 * time.Hour

const (
	// leaseFor is how long a claim keeps a slot from other processes without renewal. A holder
	// killed mid-post leaves its slots for at most this long; with recheckEvery, another process
	// has them posted within the minute readers allow. On PostgreSQL it runs on the server's
	// clock, whatever the replicas' own say (the store's package doc, "Clocks").
	leaseFor = 20 * time.Second
	// renewEvery leaves room for one failed renewal: the next, 14 seconds after the last that
	// held, still comes before the lease lapses.
	renewEvery = 7 * time.Second
	// recheckEvery is how often a slot held by another process is claimed again, in case that
	// process died holding it.
	recheckEvery = 10 * time.Second
	// onTime is how long after its slot a post still counts as Posted rather than Late.
	onTime = time.Minute
	// maxLookback and maxMissed bound the catch-up after a downtime: no more than three days and
	// a hundred slots per channel are looked at, whatever the schedule.
	maxLookback = 72 * time.Hour
	maxMissed   = 100
	// drainFor bounds how long posts under way may finish once Run is cancelled.
	drainFor = 10 * time.Second
	// wakeAtLeast makes the loop look at the clock this often, so that a wall-clock jump (a
	// suspended machine, an NTP step) is noticed within a minute.
	wakeAtLeast = time.Minute
	// postNowFor is how long /digest now keeps retrying a channel before reporting it failed.
	postNowFor = time.Minute
	// minRetention keeps the rows catch-up reads: Last must still find the previous slot.
	minRetention = 7 * 24 * time.Hour
)

// reasonMayBeDoubled marks a post that went out without a look at the channel's history after
// an earlier holder had claimed the slot: the channel may show the digest twice.
const reasonMayBeDoubled = "posted without reading the channel's history: may be doubled"

// catchUpWindow is how late a missed slot of d is still posted.
func catchUpWindow(d bot.Digest) time.Duration {
	if d.CatchUp <= 0 {
		return DefaultCatchUp
	}
	return d.CatchUp
}

// Config is what a Scheduler is built from.
type Config struct {
	Digests []bot.Digest
	Ledger  store.Ledger
	// Posters post by platform; one that is also a bot.PostFinder is asked first. Nil makes a
	// scheduler that only answers Status and Audit, for the command line.
	Posters map[string]bot.Poster
	// Compose builds a digest's post for day, the slot's local date in the digest's zone, for a
	// channel that last got the briefing at version since ("" when unknown), and says which
	// version the post carries, so that the next one can say what changed in between.
	Compose func(ctx context.Context, d bot.Digest, day time.Time, since string) (bot.Reply, string)
	Owner   string       // this process's name in the ledger; unique per process
	Logger  *slog.Logger // nil: no logs
	Clock   Clock        // nil: SystemClock
	Limits  map[string]Limit
	// Retention, when set, makes Run prune the ledger daily of slots and audit entries older
	// than it, and of holds over by then: at least a week, longer than catch-up ever looks
	// back. First-seen moments stay, so pruning never makes a digest new again.
	Retention time.Duration
	// Observer is told how slots end, for metrics; nil for none.
	Observer Observer
}

// An Observer is told what the scheduler does: how each slot ended, why one did not go out,
// each ledger call that failed. Its methods are called from many goroutines at once.
type Observer interface {
	// Marked: this process recorded in the ledger that slot ended with result.
	Marked(slot store.Slot, result store.Result)
	// Failed: slot did not go out, for why; Marked follows when the ledger took its outcome.
	Failed(slot store.Slot, why Failure)
	// LedgerFailed: a ledger call the scheduler depends on failed, by operation (claim, mark,
	// record, first_seen, holds).
	LedgerFailed(op string)
}

// A Failure is why a slot did not go out, from a fixed set, for metrics and alerts.
type Failure string

const (
	// FailRefused: the platform refused the post for good (an unknown channel, no access, a bad
	// token); retrying cannot help until someone changes something.
	FailRefused Failure = "refused"
	// FailDeadline: retried (rate limits, outages) until the slot's catch-up window closed.
	FailDeadline Failure = "deadline"
	// FailMissed: recorded skipped because its catch-up window had passed while no process
	// posted it (a downtime, a holder that died and was not replaced in time).
	FailMissed Failure = "missed"
	// FailCompose: the digest could not be made for its platform (composing it failed, a thread
	// its poster cannot post).
	FailCompose Failure = "compose"
	// FailLedger: given up because the ledger did not answer for it until past its window.
	FailLedger Failure = "ledger"
)

// Failures are every Failure, for metrics to start each at zero.
var Failures = []Failure{FailRefused, FailDeadline, FailMissed, FailCompose, FailLedger}

type noObserver struct{}

func (noObserver) Marked(store.Slot, store.Result) {}
func (noObserver) Failed(store.Slot, Failure)      {}
func (noObserver) LedgerFailed(string)             {}

// A Scheduler posts digests at their slots through the ledger. Run drives the schedule; PostNow,
// Status and Digests serve /digest and the command line, with or without Run.
type Scheduler struct {
	ledger    store.Ledger
	posters   map[string]bot.Poster
	compose   func(ctx context.Context, d bot.Digest, day time.Time, since string) (bot.Reply, string)
	owner     string
	log       *slog.Logger
	clock     Clock
	limits    *limiter
	retention time.Duration
	observe   Observer
	wake      chan struct{} // the loop's plan changed: a Replan, a slot to recheck

	mu      sync.Mutex
	digests []bot.Digest
	cursor  map[string]time.Time // by digest: slots up to here have been dispatched
	// seen holds the first-seen moments read back from the ledger: a channel is owed its
	// digest's slots from its moment on. The loop dispatches nothing to a channel without one.
	seen map[channelKey]time.Time
	// loaded holds the channels this running scheduler loaded and has no moment for yet, with
	// when they were loaded: the moment the loop records.
	loaded  map[channelKey]time.Time
	running bool
	// inflight holds the slots worked on in this process; true for a scheduled post, which the
	// digest owes until it is settled (Due), false for a slot being recorded or a /digest now.
	inflight map[slotKey]bool
	pending  map[slotKey]pending
	// ahead holds each digest's next run that no hold covers and no closed date rests on, as the
	// loop last read its holds: at each of its slots, and when the plan or its holds changed
	// here. A digest without an entry is read at the loop's next wake.
	ahead map[string]time.Time
}

var _ bot.Digests = (*Scheduler)(nil)

type slotKey struct {
	digest, platform, channel string
	at                        int64
}

func keyOf(s store.Slot) slotKey { return slotKey{s.Digest, s.Platform, s.Channel, s.At.Unix()} }

// A channelKey is one channel of one digest: what the ledger keeps a first-seen moment for.
type channelKey struct{ digest, platform, channel string }

// A pending slot was claimed by another process when this one looked, or the ledger failed it;
// it is claimed again until it is marked, in case that process died holding it.
type pending struct {
	retryAt  time.Time
	forgetAt time.Time
	// ledger: the last try failed for the ledger, so that a slot forgotten at forgetAt was given
	// up for it (FailLedger) rather than left to another process.
	ledger bool
}

// New checks cfg and returns a Scheduler ready to Run.
func New(cfg Config) (*Scheduler, error) {
	var errs []error
	if cfg.Ledger == nil {
		errs = append(errs, errors.New("no ledger"))
	}
	if cfg.Compose == nil {
		errs = append(errs, errors.New("no compose function"))
	}
	if cfg.Owner == "" {
		errs = append(errs, errors.New("no owner name"))
	}
	if cfg.Retention != 0 && cfg.Retention < minRetention {
		errs = append(errs, fmt.Errorf("retention %s is shorter than %s", cfg.Retention, minRetention))
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Scheduler{
		ledger: cfg.Ledger, posters: cfg.Posters, compose: cfg.Compose, owner: cfg.Owner,
		log: cfg.Logger, clock: cfg.Clock, limits: newLimiter(cfg.Clock, cfg.Limits),
		retention: cfg.Retention, observe: cmp.Or[Observer](cfg.Observer, noObserver{}), wake: make(chan struct{}, 1),
		cursor: map[string]time.Time{}, seen: map[channelKey]time.Time{}, loaded: map[channelKey]time.Time{},
		inflight: map[slotKey]bool{}, pending: map[slotKey]pending{}, ahead: map[string]time.Time{},
	}
	if err := s.check(cfg.Digests); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("schedule: %w", err)
	}
	s.digests = slices.Clone(cfg.Digests)
	return s, nil
}

func (s *Scheduler) check(digests []bot.Digest) error {
	var errs []error
	names := map[string]bool{}
	for _, d := range digests {
		if d.Name == "" {
			errs = append(errs, errors.New("a digest has no name"))
		} else if names[d.Name] {
			errs = append(errs, fmt.Errorf("digest %q is named twice", d.Name))
		}
		names[d.Name] = true
		if s.posters != nil && s.posters[d.Platform] == nil {
			errs = append(errs, fmt.Errorf("digest %q: no poster for platform %q", d.Name, d.Platform))
		}
		if d.Schedule.IsZero() {
			errs = append(errs, fmt.Errorf("digest %q has no schedule", d.Name))
		}
		if len(d.Channels) == 0 {
			errs = append(errs, fmt.Errorf("digest %q has no channel", d.Name))
		}
		channels := map[string]bool{}
		for _, c := range d.Channels {
			if c == "" || channels[c] {
				errs = append(errs, fmt.Errorf("digest %q: channel %q is empty or listed twice", d.Name, c))
			}
			channels[c] = true
		}
	}
	return errors.Join(errs...)
}

// Replan swaps in a new set of digests, as after a config reload. Digests that keep their name
// keep their place in the schedule. A digest or a channel new to a running scheduler is new from
// now: the loop records this moment in the ledger before it dispatches anything to it, so that
// a crash or a downtime across its first slot loses nothing, and it never back-fills slots from
// before. A slot under way finishes, and the ledger keeps any slot from being posted twice.
func (s *Scheduler) Replan(digests []bot.Digest) error {
	if err := s.check(digests); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	now := s.clock.Now()
	s.mu.Lock()
	kept := map[string]time.Time{}
	loaded := map[channelKey]time.Time{}
	for _, d := range digests {
		if at, ok := s.cursor[d.Name]; ok {
			kept[d.Name] = at
		} else {
			kept[d.Name] = now
		}
		if !s.running {
			continue // Run loads every digest when it starts
		}
		for _, c := range d.Channels {
			k := channelKey{d.Name, d.Platform, c}
			if _, ok := s.seen[k]; ok {
				continue
			}
			loaded[k] = cmp.Or(s.loaded[k], now)
		}
	}
	s.cursor = kept
	s.loaded = loaded
	s.digests = slices.Clone(digests)
	clear(s.ahead) // schedules may have changed: read again at the next wake
	s.mu.Unlock()
	s.wakeLoop()
	return nil
}

func (s *Scheduler) wakeLoop() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *Scheduler) plan() []bot.Digest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.digests
}

// Digests lists the digests being run, as copies.
func (s *Scheduler) Digests() []bot.Digest {
	digests := slices.Clone(s.plan())
	for i := range digests {
		digests[i].Channels = slices.Clone(digests[i].Channels)
	}
	return digests
}

// A job is one slot in one channel to deliver, or to settle when its time has passed.
type job struct {
	digest   bot.Digest
	slot     store.Slot
	deadline time.Time // a slot not posted by then is given up
	bucket   *bucket   // the rate budget it posts under
	booked   time.Time // when that budget lets it post
	recheck  bool      // claim it again later if another process holds it
	retake   bool      // a recheck, which mostly finds the slot done: books its post once claimed
	missed   bool      // its time has passed: record how it ended, post nothing
	claimed  bool      // for a missed slot: someone may hold an unmarked claim on it
	reason   string    // for a missed slot
	overdue  bool      // for a missed slot: not held back, and its catch-up window had passed
	// ordered: a moderator's /digest now, posted even when nothing changed since the last post
	ordered bool
}

func (s *Scheduler) newJob(d bot.Digest, channel string, at time.Time) job {
	return job{
		digest:   d,
		slot:     store.Slot{Digest: d.Name, Platform: d.Platform, Channel: channel, At: at.UTC().Truncate(time.Second)},
		deadline: at.Add(catchUpWindow(d)),
		recheck:  true,
	}
}

func (j job) key() string { return j.digest.Key(j.slot.At) }

// begin marks the job's slot as under way in this process, so that it is worked on once here
// (the ledger keeps other processes off it); false when it already is.
func (s *Scheduler) begin(j job) bool {
	k := keyOf(j.slot)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.inflight[k]; ok {
		return false
	}
	s.inflight[k] = !j.ordered && !j.missed
	return true
}

func (s *Scheduler) end(j job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inflight, keyOf(j.slot))
}

// recheckLater keeps a slot another process holds, to claim it again if that process dies, or
// one the ledger failed (ledger), to try again.
func (s *Scheduler) recheckLater(j job, ledger bool) {
	if !j.recheck {
		return
	}
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOf(j.slot)
	p, ok := s.pending[k]
	if !ok {
		p = pending{forgetAt: j.deadline.Add(10 * time.Minute)}
	}
	p.retryAt, p.ledger = now.Add(recheckEvery), ledger
	s.pending[k] = p
	s.wakeLoop()
}

func (s *Scheduler) settled(j job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.pending, keyOf(j.slot))
}
