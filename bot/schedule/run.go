package schedule

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// A run is one call of Run: what its workers share.
type run struct {
	stop context.Context // ends when Run is cancelled: nothing more is claimed
	work context.Context // ends drainFor later: posts under way give up
	wg   sync.WaitGroup
	// catchUp holds the channels still to catch up, each with the slots it is owed that the
	// loop did not dispatch; one whose ledger lookup fails is tried again at the next wake.
	catchUp map[channelKey]owed
	// unread: the holds of a digest with slots due could not be read at the last wake, so its
	// slots wait, undispatched, for the next.
	unread bool
}

// owed is the span of a channel's slots that catch-up looks at: from the channel's first-seen
// moment, which a slot at that very instant belongs to, up to where the loop took over.
type owed struct{ since, until time.Time }

// Run posts every digest at its slots until ctx is cancelled. It first records in the ledger
// that it loaded each digest for each channel, unless an earlier run or a replica did: the
// moment a channel is owed its digest's slots from. Then it catches up: in each channel, the
// latest slot missed since that moment within the digest's catch-up window is posted (Late),
// and older ones are recorded Skipped. A slot that a moderator's hold covers (a pause, a
// skipped date: see Hold), or whose date the digest's calendar closes (bot.Digest.Closed), is
// recorded Skipped with the reason, whether due or missed, and is never posted. On cancellation it claims nothing more, gives posts under way a few seconds,
// releases what it still holds and returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	if s.posters == nil {
		return errors.New("schedule: a scheduler without posters reads status only")
	}
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return errors.New("schedule: already running")
	}
	s.running = true
	now := s.clock.Now()
	// A slot at this very instant is the loop's, not the catch-up's, even for a new digest.
	start := now.Add(-time.Nanosecond)
	r := &run{stop: ctx, catchUp: map[channelKey]owed{}}
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	r.work = work
	// Every channel is read back from the ledger, and caught up, as it is recorded.
	clear(s.seen)
	clear(s.loaded)
	for _, d := range s.digests {
		s.cursor[d.Name] = start
		for _, c := range d.Channels {
			s.loaded[channelKey{d.Name, d.Platform, c}] = now
		}
	}
	digests := len(s.digests)
	s.mu.Unlock()
	defer func() {
		stopWork()
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()

	s.log.Info("scheduler started", "owner", s.owner, "digests", digests)
	nextPrune := now
	for {
		s.recordLoaded(r)
		s.catchUpAll(r, now)
		s.dispatchDue(r, now)
		s.lookAhead(r, now)
		s.recheck(r, now)
		if s.retention > 0 && !now.Before(nextPrune) {
			nextPrune = now.Add(24 * time.Hour)
			r.wg.Go(func() {
				if _, err := s.Prune(r.work, s.retention); err != nil {
					s.log.Warn("ledger prune failed", "err", err)
				}
			})
		}
		select {
		case <-ctx.Done():
			s.drain(r, stopWork)
			s.log.Info("scheduler stopped", "owner", s.owner)
			return nil
		case <-s.wake:
		case <-s.clock.After(s.untilNext(r, now)):
		}
		now = s.clock.Now()
	}
}

func (s *Scheduler) drain(r *run, stopWork context.CancelFunc) {
	done := make(chan struct{})
	go func() {
		r.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-s.clock.After(drainFor):
		s.log.Warn("digest posts still under way at shutdown: cancelling them")
		stopWork()
		<-done
	}
}

// dispatchDue starts the slots that came due since the last wake, with the holds the ledger
// has on their digest now. A digest whose holds cannot be read dispatches nothing, since any
// slot of it may be held: its cursor stays, and the next wake, within recheckEvery, dispatches
// its slots then, posting the latest within the catch-up window as catch-up does.
func (s *Scheduler) dispatchDue(r *run, now time.Time) {
	r.unread = false
	for _, d := range s.plan() {
		s.mu.Lock()
		from, ok := s.cursor[d.Name]
		s.mu.Unlock()
		if !ok { // replanned away meanwhile
			continue
		}
		slots := d.Schedule.Between(later(from, now.Add(-maxLookback)), now, maxMissed)
		var holds holdSet
		if len(slots) > 0 {
			var err error
			if holds, err = s.holdsOf(r.stop, d); err != nil {
				r.unread = true
				s.log.Warn("reading a digest's holds failed; its slots wait until they are read", "digest", d.Name, "err", err)
				continue
			}
		}
		s.mu.Lock()
		if _, ok = s.cursor[d.Name]; ok {
			s.cursor[d.Name] = now
			if len(slots) > 0 {
				s.ahead[d.Name] = holds.next(d.Schedule, now)
			}
		}
		s.mu.Unlock()
		if !ok || len(slots) == 0 {
			continue
		}
		since := s.firstSeen(d)
		for i, channel := range d.Channels {
			if since[i].IsZero() {
				continue // not recorded yet: caught up once it is
			}
			// Nothing from before the channel was first seen.
			due := slots[sort.Search(len(slots), func(j int) bool { return !slots[j].Before(since[i]) }):]
			s.dispatch(r, d, channel, due, now, time.Time{}, holds)
		}
	}
}

// lookAhead reads the holds of each digest whose next run the loop has not worked out yet (at
// the start, after a Replan or a hold said here), for Due. dispatchDue works it out at each of a
// digest's slots with the holds it reads then, so that holds are read once per slot time. A
// digest whose holds cannot be read is tried again at the next wake.
func (s *Scheduler) lookAhead(r *run, now time.Time) {
	for _, d := range s.plan() {
		s.mu.Lock()
		_, known := s.ahead[d.Name]
		s.mu.Unlock()
		if known {
			continue
		}
		holds, err := s.holdsOf(r.stop, d)
		if err != nil {
			continue // dispatchDue logs what it cannot read
		}
		s.mu.Lock()
		if _, planned := s.cursor[d.Name]; planned {
			s.ahead[d.Name] = holds.next(d.Schedule, now)
		}
		s.mu.Unlock()
	}
}

// dispatch starts a channel's slots. Only the latest one still within the catch-up window that
// nothing holds back (a hold, a closed date) is posted: a channel back from a downtime gets one
// digest, never a burst of them. The others are settled, a held one with its reason; a slot
// settled without a claim is marked by Record, so it is never claimed, here or elsewhere.
func (s *Scheduler) dispatch(r *run, d bot.Digest, channel string, slots []time.Time, now, unmarked time.Time, holds holdSet) {
	latest := -1
	for i, at := range slots {
		if now.Sub(at) <= catchUpWindow(d) && holds.reason(at) == "" {
			latest = i
		}
	}
	for i, at := range slots {
		j := s.newJob(d, channel, at)
		if reason := holds.reason(at); reason != "" {
			j.missed, j.claimed, j.reason = true, at.Equal(unmarked), reason
		} else if i != latest {
			j.missed, j.claimed = true, at.Equal(unmarked)
			j.reason = "missed by more than the catch-up window"
			if latest >= 0 {
				j.reason = "missed; a later slot was posted instead"
			}
			// One a later slot replaced within its window went out as that slot: not a failure.
			j.overdue = now.After(j.deadline)
		}
		s.spawn(r, j)
	}
}

// recheck claims again the slots other processes held when this one looked, with their
// digest's holds as the ledger has them now: a slot a hold covers, or on a closed date, is
// settled, not posted. When the holds cannot be read, the digest's slots wait for the next
// recheck.
func (s *Scheduler) recheck(r *run, now time.Time) {
	var due, givenUp []slotKey
	s.mu.Lock()
	for k, p := range s.pending {
		switch {
		case now.After(p.forgetAt):
			delete(s.pending, k)
			if p.ledger {
				givenUp = append(givenUp, k)
			}
		case !now.Before(p.retryAt):
			p.retryAt = now.Add(recheckEvery)
			s.pending[k] = p
			due = append(due, k)
		}
	}
	s.mu.Unlock()
	for _, k := range givenUp {
		slot := store.Slot{Digest: k.digest, Platform: k.platform, Channel: k.channel, At: time.Unix(k.at, 0).UTC()}
		s.observe.Failed(slot, FailLedger)
		s.log.Error("digest given up: the ledger did not answer for it until past its catch-up window",
			"digest", slot.Digest, "platform", slot.Platform, "channel", slot.Channel, "slot", slot.At)
	}
	// Each digest's channels as a set: a fan-out to thousands of channels can leave thousands of
	// slots to recheck.
	channels := map[string]map[string]bool{}
	holds := map[string]func() (holdSet, error){}
	unread := map[string]error{}
	for _, k := range due {
		d, ok := s.digestNamed(k.digest)
		if ok && channels[d.Name] == nil {
			set := make(map[string]bool, len(d.Channels))
			for _, c := range d.Channels {
				set[c] = true
			}
			channels[d.Name] = set
			holds[d.Name] = s.holdsOnce(r.stop, d)
		}
		if !ok || d.Platform != k.platform || !channels[d.Name][k.channel] {
			s.mu.Lock()
			delete(s.pending, k)
			s.mu.Unlock()
			continue
		}
		held, err := holds[d.Name]()
		if err != nil {
			unread[d.Name] = err // pending still: claimed again at the next recheck
			continue
		}
		j := s.newJob(d, k.channel, time.Unix(k.at, 0))
		j.retake = true
		if reason := held.reason(j.slot.At); reason != "" {
			j.missed, j.claimed, j.reason = true, true, reason
		} else if now.After(j.deadline) {
			j.missed, j.claimed, j.reason, j.overdue = true, true, "missed by more than the catch-up window", true
		}
		s.spawn(r, j)
	}
	for name, err := range unread {
		s.log.Warn("reading a digest's holds failed; its slots held elsewhere are claimed again later", "digest", name, "err", err)
	}
}

// spawn works j in the background unless this process is already on its slot. The rate budget
// is booked here, in dispatch order, so that replicas walk the channels in the same order.
func (s *Scheduler) spawn(r *run, j job) {
	if !s.begin(j) {
		return
	}
	if !j.missed {
		j.bucket = s.limits.bucket(j.digest.Platform, j.slot.Channel)
		if !j.retake {
			j.booked = s.limits.reserve(j.bucket)
		}
	}
	r.wg.Go(func() {
		defer s.end(j)
		s.deliver(r.stop, r.work, j)
	})
}

// untilNext is how long the loop may sleep: until the next slot, a recheck, a retried catch-up
// or a retried read of holds, and never more than wakeAtLeast.
func (s *Scheduler) untilNext(r *run, now time.Time) time.Duration {
	wait := wakeAtLeast
	s.mu.Lock()
	if len(r.catchUp) > 0 || len(s.loaded) > 0 || r.unread {
		wait = recheckEvery
	}
	s.mu.Unlock()
	for _, d := range s.plan() {
		if next := d.Schedule.Next(now); !next.IsZero() {
			wait = min(wait, next.Sub(now))
		}
	}
	s.mu.Lock()
	for _, p := range s.pending {
		wait = min(wait, p.retryAt.Sub(now))
	}
	s.mu.Unlock()
	return max(wait, 0)
}

func (s *Scheduler) digestNamed(name string) (bot.Digest, bool) {
	for _, d := range s.plan() {
		if d.Name == name {
			return d, true
		}
	}
	return bot.Digest{}, false
}

// Prune deletes slots and audit entries older than olderThan from the ledger, and holds over by
// then (store.Ledger.Prune); Run calls it daily when Config.Retention is set. It refuses less
// than a week, which catch-up still reads.
func (s *Scheduler) Prune(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan < minRetention {
		return 0, fmt.Errorf("schedule: retention %s is shorter than %s", olderThan, minRetention)
	}
	n, err := s.ledger.Prune(ctx, s.clock.Now().Add(-olderThan))
	if err != nil {
		return 0, fmt.Errorf("schedule: prune: %w", err)
	}
	s.log.Info("ledger pruned", "rows", n)
	return n, nil
}
