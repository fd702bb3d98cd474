package cron

import (
	"fmt"
	"strings"
	"time"
)

// A Schedule is a parsed cron spec in a time zone. Its times are worked out here rather than by
// robfig, whose arithmetic skips a time inside a spring-forward gap and repeats one inside a
// fall-back hour: a Schedule fires once in both cases.
type Schedule struct {
	spec                      string
	zone                      *time.Location
	minute, hour, dom, month  uint64
	dow                       uint64
	anyDayOfMonth, anyWeekday bool
}

// searchDays bounds the search for the next run: a spec for 29 February waits up to eight years
// when the turn of a century skips a leap day.
const searchDays = 9 * 366

// Parse reads five cron fields (minute, hour, day of month, month, weekday) or a descriptor such
// as @daily, to run in zone (UTC when nil): 7 is Sunday, as in crontab(5). It refuses what the
// package doc lists and a spec that never fires. Its errors name the field at fault but do not
// repeat the spec: the caller quotes it with its own context (a config line, a digest).
func Parse(spec string, zone *time.Location) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if zone == nil {
		zone = time.UTC
	}
	fields, err := readFields(spec)
	if err != nil {
		return Schedule{}, err
	}
	const star = 1 << 63
	s := Schedule{
		spec:          spec,
		zone:          zone,
		minute:        fields.Minute &^ star,
		hour:          fields.Hour &^ star,
		dom:           fields.Dom &^ star,
		month:         fields.Month &^ star,
		dow:           fields.Dow &^ star,
		anyDayOfMonth: fields.Dom&star != 0,
		anyWeekday:    fields.Dow&star != 0,
	}
	if !s.everFires() {
		return Schedule{}, ErrNeverFires
	}
	return s, nil
}

// Spec is the cron spec as written.
func (s Schedule) Spec() string { return s.spec }

// Zone is the time zone the spec's wall-clock times are read in.
func (s Schedule) Zone() *time.Location { return s.zone }

// IsZero reports whether s was never parsed.
func (s Schedule) IsZero() bool { return s.zone == nil }

// everFires rules out specs such as "0 9 30 2 *": with a weekday restricted too, cron runs on
// either match, so only a day of month restricted alone can be impossible.
func (s Schedule) everFires() bool {
	if s.anyDayOfMonth || !s.anyWeekday {
		return true
	}
	longest := [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	for m := 1; m <= 12; m++ {
		if s.month&(1<<m) == 0 {
			continue
		}
		for d := 1; d <= longest[m]; d++ {
			if s.dom&(1<<d) != 0 {
				return true
			}
		}
	}
	return false
}

// Next is the first run strictly after after; zero when the schedule never fires again.
func (s Schedule) Next(after time.Time) time.Time {
	return s.next(after).At
}

// Adjust says how a change of the clocks moved a run.
type Adjust int

const (
	Exact    Adjust = iota // the wall time happens once that day
	InGap                  // the wall time does not exist (clocks spring forward): runs as they jump
	Repeated               // the wall time happens twice (clocks fall back): runs the first time only
)

// A Run is one scheduled instant and the wall-clock time the spec names for it.
type Run struct {
	At     time.Time // in the schedule's zone
	Wall   string    // "02:30": the time of day as scheduled, which At differs from InGap
	Adjust Adjust
}

// Note says how a change of the clocks moved the run ("02:30 does not exist that day: clocks
// move forward"); "" when it runs at the time the spec names.
func (r Run) Note() string {
	switch r.Adjust {
	case InGap:
		return r.Wall + " does not exist that day: clocks move forward"
	case Repeated:
		return r.Wall + " happens twice that day: runs the first time only"
	}
	return ""
}

func (r Run) String() string {
	at := r.At.Format("Mon 2006-01-02 15:04 MST")
	if note := r.Note(); note != "" {
		return at + " (" + note + ")"
	}
	return at
}

// Runs lists the next n runs after after, for a moderator's check of a schedule.
func (s Schedule) Runs(after time.Time, n int) []Run {
	var runs []Run
	for len(runs) < n {
		r := s.next(after)
		if r.At.IsZero() {
			break
		}
		runs = append(runs, r)
		after = r.At
	}
	return runs
}

// RunsFrom lists the first n runs from the start of day (its year, month and day, whatever its
// zone) in the schedule's zone: midnight there, or the moment the clocks jump when they skip
// midnight.
func (s Schedule) RunsFrom(day time.Time, n int) []Run {
	if s.zone == nil {
		return nil
	}
	y, m, d := day.Date()
	start, _ := resolve(s.zone, time.Date(y, m, d, 0, 0, 0, 0, time.UTC), 0, 0)
	return s.Runs(start.Add(-time.Nanosecond), n)
}

// Between lists the runs in (from, to], oldest first, at most limit of them (the latest ones).
func (s Schedule) Between(from, to time.Time, limit int) []time.Time {
	var at []time.Time
	for t := s.Next(from); !t.IsZero() && !t.After(to); t = s.Next(t) {
		at = append(at, t)
		if len(at) > limit {
			at = at[1:]
		}
	}
	return at
}

// next walks wall-clock times in order from after's own. Mapping wall times to instants never
// goes backwards, so the first candidate past after is the answer, and candidates that map to
// the same instant (a gap, the second pass of a repeated hour) fire once.
func (s Schedule) next(after time.Time) Run {
	if s.zone == nil {
		return Run{}
	}
	local := after.In(s.zone)
	first := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	for i := range searchDays {
		date := first.AddDate(0, 0, i)
		if !s.onDay(date) {
			continue
		}
		fromHour, fromMinute := 0, 0
		if i == 0 {
			fromHour, fromMinute = local.Hour(), local.Minute()
		}
		for h := fromHour; h < 24; h++ {
			if s.hour&(1<<h) == 0 {
				continue
			}
			m0 := 0
			if h == fromHour {
				m0 = fromMinute
			}
			for m := m0; m < 60; m++ {
				if s.minute&(1<<m) == 0 {
					continue
				}
				at, adjust := resolve(s.zone, date, h, m)
				if at.After(after) {
					return Run{At: at, Wall: fmt.Sprintf("%02d:%02d", h, m), Adjust: adjust}
				}
			}
		}
	}
	return Run{}
}

// onDay follows cron: with both day fields restricted, either may match.
func (s Schedule) onDay(date time.Time) bool {
	if s.month&(1<<uint(date.Month())) == 0 {
		return false
	}
	domOK := s.dom&(1<<uint(date.Day())) != 0
	dowOK := s.dow&(1<<uint(date.Weekday())) != 0
	if s.anyDayOfMonth || s.anyWeekday {
		return domOK && dowOK
	}
	return domOK || dowOK
}
