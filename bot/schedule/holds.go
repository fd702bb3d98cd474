package schedule

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
	"briefbot/internal/cron"
)

// errHoldsReadOnly is what a scheduler without posters answers Hold and Unhold, as PostNow's:
// its ledger is open for reading only.
var errHoldsReadOnly = errors.New("this briefbot only reads the ledger and never changes it: " +
	"pause, resume, skip and unskip digests from the running bot (briefbot serve), with /digest on Discord or Slack")

// Hold records h in the ledger, said now by h.By, and in the audit trail: a pause (Skip "")
// replaces the digest's pause; a skip adds a date. Every replica honours it from its next slot
// on, since the loop reads a digest's holds from the ledger at each of its slots. It refuses an
// unknown digest, a date not written 2006-01-02, a skip of a date already past in the digest's
// zone and a pause whose end has already come there.
func (s *Scheduler) Hold(ctx context.Context, h bot.Hold) error {
	if s.posters == nil {
		return errHoldsReadOnly
	}
	d, ok := s.digestNamed(h.Digest)
	if !ok {
		return fmt.Errorf("no digest named %q", h.Digest)
	}
	now := s.clock.Now()
	zone := d.Schedule.Zone()
	today := now.In(zone).Format(time.DateOnly)
	action := "digest pause " + h.Digest
	switch {
	case h.Skip != "" && h.Until != "":
		return errors.New("a skipped date has no end date")
	case h.Skip != "":
		action = "digest skip " + h.Digest + " " + h.Skip
		if _, err := parseDate(h.Skip); err != nil {
			return err
		}
		if h.Skip < today {
			return fmt.Errorf("%s has passed in %s", h.Skip, zone)
		}
	case h.Until != "":
		action += " until " + h.Until
		if _, err := parseDate(h.Until); err != nil {
			return err
		}
		if h.Until <= today {
			return fmt.Errorf("a pause until %s would be over already: it is %s in %s", h.Until, today, zone)
		}
	}
	h.At = now
	if err := s.ledger.PutHold(ctx, store.Hold(h)); err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	s.aheadChanged(d.Name)
	s.writeAudit(ctx, h.By, action, "ok")
	return nil
}

// Unhold ends digest name's pause (skip "") or takes back its skip of the date skip, for actor,
// in the ledger and the audit trail. It reports whether there was one in force: a pause whose
// end has come, or a skip of a date past, is dropped all the same, and reported as none.
func (s *Scheduler) Unhold(ctx context.Context, name, skip, actor string) (bool, error) {
	if s.posters == nil {
		return false, errHoldsReadOnly
	}
	d, ok := s.digestNamed(name)
	if !ok {
		return false, fmt.Errorf("no digest named %q", name)
	}
	action, none := "digest resume "+name, "ok: was not paused"
	if skip != "" {
		if _, err := parseDate(skip); err != nil {
			return false, err
		}
		action, none = "digest unskip "+name+" "+skip, "ok: was not skipped"
	}
	dropped, err := s.ledger.DropHold(ctx, name, skip)
	if err != nil {
		return false, fmt.Errorf("%s: %w", action, err)
	}
	s.aheadChanged(name)
	was := dropped != nil && inForce(*dropped, s.clock.Now().In(d.Schedule.Zone()).Format(time.DateOnly))
	outcome := "ok"
	if !was {
		outcome = none
	}
	s.writeAudit(ctx, actor, action, outcome)
	return was, nil
}

// Holds lists the holds in force on digest name ("" for every digest), in the order of the
// digests and, for each, its pause first, then its skips by date. A pause whose Until has
// come, or a skip of a date past, in the digest's zone, is over and left out; so are the holds
// of a digest no longer configured. A read-only scheduler answers too.
func (s *Scheduler) Holds(ctx context.Context, name string) ([]bot.Hold, error) {
	digests := s.plan()
	if name != "" {
		d, ok := s.digestNamed(name)
		if !ok {
			return nil, fmt.Errorf("no digest named %q", name)
		}
		digests = []bot.Digest{d}
	}
	recorded, err := s.ledger.Holds(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("holds: %w", err)
	}
	byDigest := map[string][]store.Hold{}
	for _, h := range recorded {
		byDigest[h.Digest] = append(byDigest[h.Digest], h)
	}
	now := s.clock.Now()
	var out []bot.Hold
	for _, d := range digests {
		today := now.In(d.Schedule.Zone()).Format(time.DateOnly)
		for _, h := range byDigest[d.Name] {
			if inForce(h, today) {
				out = append(out, bot.Hold(h))
			}
		}
	}
	return out, nil
}

// aheadChanged has the loop work out digest name's next run again, with the holds just changed.
func (s *Scheduler) aheadChanged(name string) {
	s.mu.Lock()
	delete(s.ahead, name)
	s.mu.Unlock()
	s.wakeLoop()
}

// inForce reports whether h still holds anything back on today, a date of its digest's zone.
// Dates written 2006-01-02 compare as text.
func inForce(h store.Hold, today string) bool {
	if h.Skip != "" {
		return h.Skip >= today
	}
	return h.Until == "" || h.Until > today
}

// parseDate reads a date of a hold as moderators write it.
func parseDate(date string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: write it as 2026-12-25", date)
	}
	return t, nil
}

// A holdSet is what holds a digest's slots back: its holds as the ledger had them at one read,
// and its calendar's closed dates. The loop reads the holds anew at each slot time, so that a
// hold said to any replica counts from its next slot on.
type holdSet struct {
	zone  *time.Location
	pause *store.Hold
	skips map[string]store.Hold // by date
	// closedOn is the digest's calendar (bot.Digest.ClosedOn): the days it rests on, and why.
	closedOn func(at time.Time) (why string, closed bool)
}

// restsForGood bounds the closed runs in a row that next looks past: calendars recur yearly, so
// a digest closed on every run for longer than a year, leap day included, is closed for good.
const restsForGood = 366 * 24 * time.Hour

// holdsOf reads d's holds from the ledger, and takes its calendar.
func (s *Scheduler) holdsOf(ctx context.Context, d bot.Digest) (holdSet, error) {
	recorded, err := s.ledger.Holds(ctx, d.Name)
	if err != nil {
		s.observe.LedgerFailed("holds")
		return holdSet{}, fmt.Errorf("holds of %s: %w", d.Name, err)
	}
	set := holdSet{zone: d.Schedule.Zone(), skips: map[string]store.Hold{}, closedOn: d.ClosedOn}
	for _, h := range recorded {
		if h.Skip == "" {
			set.pause = &h
		} else {
			set.skips[h.Skip] = h
		}
	}
	return set, nil
}

// holdsOnce reads d's holds at the first call only, for a pass over d's channels or slots: one
// read per digest, however many channels.
func (s *Scheduler) holdsOnce(ctx context.Context, d bot.Digest) func() (holdSet, error) {
	return sync.OnceValues(func() (holdSet, error) { return s.holdsOf(ctx, d) })
}

// covering returns the hold that covers the slot at, its pause before a skip. The pause covers
// the slots from when it was said until the start of its Until date in the digest's zone; a
// skip, the slots of its date there.
func (h holdSet) covering(at time.Time) (store.Hold, bool) {
	if h.pause == nil && len(h.skips) == 0 {
		return store.Hold{}, false
	}
	date := at.In(h.zone).Format(time.DateOnly)
	if p := h.pause; p != nil && !at.Before(p.At) && (p.Until == "" || date < p.Until) {
		return *p, true
	}
	sk, ok := h.skips[date]
	return sk, ok
}

// reason says why the slot at is held back, as its ledger entry shows it; "" when it is not. A
// moderator's hold is named before the calendar: it is the word said about this digest.
func (h holdSet) reason(at time.Time) string {
	c, ok := h.covering(at)
	switch {
	case !ok:
		return h.closed(at)
	case c.Skip != "":
		return "skipped by " + c.By + " (" + c.Skip + ")"
	case c.Until != "":
		return "paused by " + c.By + " until " + c.Until
	}
	return "paused by " + c.By
}

// closed says why the digest's calendar closes the day of at, "closed: Christmas Day (us)";
// "" when it is open.
func (h holdSet) closed(at time.Time) string {
	if h.closedOn == nil {
		return ""
	}
	why, closed := h.closedOn(at)
	if !closed {
		return ""
	}
	return "closed: " + why
}

// next is the first run of sched after after that no hold covers and no closed date rests on:
// past a pause, the first run on or after its Until date; zero while paused without an end, as
// for a schedule that never fires again, and zero when every run for restsForGood in a row
// falls on a closed date.
func (h holdSet) next(sched cron.Schedule, after time.Time) time.Time {
	// Each turn moves at forward: past a hold, which it passes once (the pause once, each
	// skip once), or past a closed date, a day at a time within a bounded run of them.
	var restingSince time.Time // the first of the closed runs passed over in a row
	for at := sched.Next(after); !at.IsZero(); {
		if c, held := h.covering(at); held {
			restingSince = time.Time{}
			switch {
			case c.Skip != "":
				at = firstRunOn(sched, c.Skip, 1)
			case c.Until == "":
				return time.Time{}
			default:
				at = firstRunOn(sched, c.Until, 0)
			}
			continue
		}
		if h.closed(at) == "" {
			return at
		}
		if restingSince.IsZero() {
			restingSince = at
		} else if at.Sub(restingSince) > restsForGood {
			return time.Time{}
		}
		at = firstRunOn(sched, at.In(h.zone).Format(time.DateOnly), 1)
	}
	return time.Time{}
}

// firstRunOn is sched's first run from the start of the day days after date in its zone.
func firstRunOn(sched cron.Schedule, date string, days int) time.Time {
	day, err := parseDate(date)
	if err != nil {
		return time.Time{} // the ledger takes no other dates
	}
	runs := sched.RunsFrom(day.AddDate(0, 0, days), 1)
	if len(runs) == 0 {
		return time.Time{}
	}
	return runs[0].At
}
