package schedule

import (
	"briefbot/bot/store"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// A run is one call of Run: what its workers share.
type run struct {
	stop context.Context // ends when Run is cancelled: nothing more is claimed
	work context.Context // ends drainFor later: posts under way give up
	wg   sync.WaitGroup
	// catchUp holds the digests still to catch up, each with the time its catch-up looks up to;
	// one whose ledger lookups fail is tried again at the next wake.
	catchUp map[string]time.Time
}

// Run posts every digest at its slots until ctx is cancelled. It first catches up: in each
// channel the ledger already knows, the latest slot missed within the digest's catch-up window
// is posted (Late) and older ones are recorded Skipped. On cancellation it claims nothing more,
// gives posts under way a few seconds, releases what it still holds and returns nil.
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
	r := &run{stop: ctx, catchUp: map[string]time.Time{}}
	work, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	r.work = work
	for _, d := range s.digests {
		s.cursor[d.Name] = start
		r.catchUp[d.Name] = start
	}
	s.mu.Unlock()
	defer func() {
		stopWork()
		s.mu.Lock()
		s.running = false
		s.mu.Unlock()
	}()

	s.log.Info("scheduler started", "owner", s.owner, "digests", len(r.catchUp))
	nextPrune := now
	for {
		s.catchUpAll(r, now)
		s.dispatchDue(r, now)
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

func (s *Scheduler) catchUpAll(r *run, now time.Time) {
	for name, until := range r.catchUp {
		d, ok := s.digestNamed(name)
		if ok {
			if err := s.catchUp(r, d, until, now); err != nil {
				s.log.Warn("digest catch-up failed; will try again", "digest", name, "err", err)
				continue
			}
		}
		delete(r.catchUp, name)
	}
}

// catchUp looks at the slots each channel of d missed up to until. A digest the ledger has never
// seen is new: it starts from now.
func (s *Scheduler) catchUp(r *run, d Digest, until, now time.Time) error {
	known, err := s.ledger.Known(r.stop, d.Name)
	if err != nil || !known {
		return err
	}
	lasts := make([]*store.Entry, len(d.Channels))
	var latest time.Time // the digest's latest slot in any channel
	for i, channel := range d.Channels {
		last, _, err := s.ledger.Last(r.stop, d.Name, d.Platform, channel)
		if err != nil {
			return fmt.Errorf("last slot in %s: %w", channel, err)
		}
		lasts[i] = last
		if last != nil && last.At.After(latest) {
			latest = last.At
		}
	}
	for i, channel := range d.Channels {
		last := lasts[i]
		from, unmarked := until.Add(-d.catchUp()), time.Time{}
		switch {
		case last == nil:
			// Added since the last run, or not reached by a fan-out cut short: the digest's
			// latest slot elsewhere is this channel's too, posted if still within the window and
			// otherwise recorded as missed, so that no channel is left out without a word.
			if !latest.IsZero() && latest.Before(from) {
				from = latest.Add(-time.Second)
			}
		case last.Result == "":
			// Claimed and never marked: its holder may have died mid-post.
			from, unmarked = last.At.Add(-time.Second), last.At
		default:
			from = last.At
		}
		from = later(from, until.Add(-maxLookback))
		s.dispatch(r, d, channel, d.Schedule.Between(from, until, maxMissed), now, unmarked)
	}
	return nil
}

// dispatchDue starts the slots that came due since the last wake.
func (s *Scheduler) dispatchDue(r *run, now time.Time) {
	for _, d := range s.plan() {
		s.mu.Lock()
		from, ok := s.cursor[d.Name]
		if ok { // else replanned away meanwhile
			s.cursor[d.Name] = now
		}
		s.mu.Unlock()
		if !ok {
			continue
		}
		slots := d.Schedule.Between(later(from, now.Add(-maxLookback)), now, maxMissed)
		if len(slots) == 0 {
			continue
		}
		for _, channel := range d.Channels {
			s.dispatch(r, d, channel, slots, now, time.Time{})
		}
	}
}

// dispatch starts a channel's slots. Only the latest one still within the catch-up window is
// posted: a channel back from a downtime gets one digest, never a burst of them.
func (s *Scheduler) dispatch(r *run, d Digest, channel string, slots []time.Time, now, unmarked time.Time) {
	latest := -1
	for i, at := range slots {
		if now.Sub(at) <= d.catchUp() {
			latest = i
		}
	}
	for i, at := range slots {
		j := s.newJob(d, channel, at)
		if i != latest {
			j.missed, j.claimed = true, at.Equal(unmarked)
			j.reason = "missed by more than the catch-up window"
			if latest >= 0 {
				j.reason = "missed; a later slot was posted instead"
			}
		}
		s.spawn(r, j)
	}
}

// recheck claims again the slots other processes held when this one looked.
func (s *Scheduler) recheck(r *run, now time.Time) {
	var due []slotKey
	s.mu.Lock()
	for k, p := range s.pending {
		switch {
		case now.After(p.forgetAt):
			delete(s.pending, k)
		case !now.Before(p.retryAt):
			p.retryAt = now.Add(recheckEvery)
			s.pending[k] = p
			due = append(due, k)
		}
	}
	s.mu.Unlock()
	// Each digest's channels as a set: a fan-out to thousands of channels can leave thousands of
	// slots to recheck.
	channels := map[string]map[string]bool{}
	for _, k := range due {
		d, ok := s.digestNamed(k.digest)
		if ok && channels[d.Name] == nil {
			set := make(map[string]bool, len(d.Channels))
			for _, c := range d.Channels {
				set[c] = true
			}
			channels[d.Name] = set
		}
		if !ok || d.Platform != k.platform || !channels[d.Name][k.channel] {
			s.mu.Lock()
			delete(s.pending, k)
			s.mu.Unlock()
			continue
		}
		j := s.newJob(d, k.channel, time.Unix(k.at, 0))
		j.retake = true
		if now.After(j.deadline) {
			j.missed, j.claimed, j.reason = true, true, "missed by more than the catch-up window"
		}
		s.spawn(r, j)
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

// untilNext is how long the loop may sleep: until the next slot, a recheck or a retried
// catch-up, and never more than wakeAtLeast.
func (s *Scheduler) untilNext(r *run, now time.Time) time.Duration {
	wait := wakeAtLeast
	if len(r.catchUp) > 0 {
		wait = recheckEvery
	}
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

func (s *Scheduler) digestNamed(name string) (Digest, bool) {
	for _, d := range s.plan() {
		if d.Name == name {
			return d, true
		}
	}
	return Digest{}, false
}

// Prune deletes slots and audit entries older than olderThan from the ledger; Run calls it
// daily when Config.Retention is set. It refuses less than a week, which catch-up still reads.
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
