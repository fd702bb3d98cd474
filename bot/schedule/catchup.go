package schedule

import (
	"cmp"
	"fmt"
	"time"

	"briefbot/bot"
)

// Catch-up: the moment each channel is owed its digest from, and the slots it missed since.

// recordLoaded records in the ledger the moment each channel not yet recorded was loaded, reads
// back the moment that holds (another process's, when it recorded one first), and puts the
// channel up for catch-up from it, up to where the loop has dispatched its digest: the loop
// dispatches to it from there on. A write that fails is tried again at the next wake, with the
// same moment, so that the channel loses nothing meanwhile.
func (s *Scheduler) recordLoaded(r *run) {
	type batch struct {
		digest   bot.Digest
		loaded   time.Time
		channels []string
	}
	var batches []batch
	s.mu.Lock()
	if len(s.loaded) == 0 {
		s.mu.Unlock()
		return
	}
	for _, d := range s.digests {
		at := map[time.Time]int{} // loaded moment: index in batches
		for _, c := range d.Channels {
			loaded, ok := s.loaded[channelKey{d.Name, d.Platform, c}]
			if !ok {
				continue
			}
			i, ok := at[loaded]
			if !ok {
				i = len(batches)
				at[loaded] = i
				batches = append(batches, batch{digest: d, loaded: loaded})
			}
			batches[i].channels = append(batches[i].channels, c)
		}
	}
	s.mu.Unlock()
	for _, b := range batches {
		d := b.digest
		seen, err := s.ledger.FirstSeen(r.stop, d.Name, d.Platform, b.channels, b.loaded)
		if err != nil && r.stop.Err() != nil {
			return // shutting down: the next start records them
		}
		if err != nil {
			s.observe.LedgerFailed("first_seen")
			s.log.Warn("recording a digest's first-seen moment failed; nothing goes to its new channels until it is recorded",
				"digest", d.Name, "platform", d.Platform, "channels", len(b.channels), "err", err)
			continue
		}
		s.mu.Lock()
		until, planned := s.cursor[d.Name]
		for _, c := range b.channels {
			k := channelKey{d.Name, d.Platform, c}
			since, ok := seen[c]
			if !ok || !s.loaded[k].Equal(b.loaded) {
				continue // not answered, or replanned meanwhile
			}
			delete(s.loaded, k)
			s.seen[k] = since
			if planned {
				r.catchUp[k] = owed{since: since, until: until}
			}
		}
		s.mu.Unlock()
	}
}

// catchUpAll catches up the channels put up for it, in the plan's order, as the loop dispatches.
func (s *Scheduler) catchUpAll(r *run, now time.Time) {
	if len(r.catchUp) == 0 {
		return
	}
	planned := map[channelKey]bool{}
	for _, d := range s.plan() {
		failed, firstErr := 0, error(nil)
		holds := s.holdsOnce(r.stop, d)
		for _, channel := range d.Channels {
			k := channelKey{d.Name, d.Platform, channel}
			planned[k] = true
			span, ok := r.catchUp[k]
			if !ok {
				continue
			}
			if err := s.catchUp(r, d, channel, span, now, holds); err != nil {
				failed++
				firstErr = cmp.Or(firstErr, err)
				continue
			}
			delete(r.catchUp, k)
		}
		if failed > 0 {
			s.log.Warn("digest catch-up failed; will try again", "digest", d.Name, "channels", failed, "err", firstErr)
		}
	}
	for k := range r.catchUp {
		if !planned[k] { // replanned away
			delete(r.catchUp, k)
		}
	}
}

// catchUp dispatches the slots a channel of d is owed and missed: those after its last slot in
// the ledger, none before the channel's first-seen moment, and none older than maxLookback.
// holds reads d's holds, once for all its channels.
func (s *Scheduler) catchUp(r *run, d bot.Digest, channel string, span owed, now time.Time,
	holds func() (holdSet, error)) error {
	from := later(span.since.Add(-time.Nanosecond), span.until.Add(-maxLookback))
	if next := d.Schedule.Next(from); next.IsZero() || next.After(span.until) {
		return nil // no slot since the channel was first seen: nothing to look up
	}
	last, _, err := s.ledger.Last(r.stop, d.Name, d.Platform, channel)
	if err != nil {
		return fmt.Errorf("last slot in %s: %w", channel, err)
	}
	var unmarked time.Time
	switch {
	case last == nil:
		// Never reached: new since its moment, or left out by a fan-out cut short.
	case last.Result == "":
		// Claimed and never marked: its holder may have died mid-post.
		from, unmarked = later(from, last.At.Add(-time.Second)), last.At
	default:
		from = later(from, last.At)
	}
	slots := d.Schedule.Between(from, span.until, maxMissed)
	if len(slots) == 0 {
		return nil
	}
	held, err := holds()
	if err != nil {
		return err
	}
	s.dispatch(r, d, channel, slots, now, unmarked, held)
	return nil
}

// firstSeen lists the first-seen moments of d's channels, in order; zero where none is known yet.
func (s *Scheduler) firstSeen(d bot.Digest) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	since := make([]time.Time, len(d.Channels))
	for i, c := range d.Channels {
		since[i] = s.seen[channelKey{d.Name, d.Platform, c}]
	}
	return since
}
