// Package calendar says on which days a digest rests, and why: dates written in the config,
// countries' public holidays (worked out by github.com/rickar/cal) and an organisation's
// closures read from an iCalendar file (parsed by github.com/arran4/golang-ical). A day is a day
// of one time zone, written 2006-01-02. It imports nothing of briefbot's beyond internal/diskfile.
package calendar

import (
	"fmt"
	"time"
)

// SkipDatesReason is why a digest rests on a date the config lists: the key that lists it.
const SkipDatesReason = "skip_dates"

// Closures are the days one digest rests on, in its time zone. They are read only once made, so
// any number of goroutines may ask at once.
type Closures struct {
	zone     *time.Location
	dates    map[time.Time]bool
	holidays []string
	files    []*ICS
}

// New makes the closures of a digest in zone (UTC when nil): the dates listed (2006-01-02), the
// public holidays of the sets named (HolidaySets), and the events of the files. It refuses a
// date or a set it cannot read; the config reports each at its own line before it calls New.
func New(zone *time.Location, dates, holidaySets []string, files ...*ICS) (*Closures, error) {
	if zone == nil {
		zone = time.UTC
	}
	c := &Closures{zone: zone, dates: map[time.Time]bool{}}
	for _, s := range dates {
		day, ok := ParseDate(s)
		if !ok {
			return nil, fmt.Errorf("%q is not a date YYYY-MM-DD", s)
		}
		c.dates[day] = true
	}
	for _, set := range holidaySets {
		if _, ok := holidaySetsByName[set]; !ok {
			return nil, fmt.Errorf("unknown holiday set %q", set)
		}
		c.holidays = append(c.holidays, set)
	}
	for _, f := range files {
		if f != nil {
			c.files = append(c.files, f)
		}
	}
	return c, nil
}

// Closed reports whether the digest rests on date, a day of its zone written 2006-01-02, and
// why: "skip_dates", "Christmas Day (us)", "Office closed (closures.ics)". The dates listed come
// first, then the holiday sets and the files in the order given. A date it cannot read is open.
func (c *Closures) Closed(date string) (why string, closed bool) {
	day, ok := ParseDate(date)
	if !ok {
		return "", false
	}
	if c.dates[day] {
		return SkipDatesReason, true
	}
	for _, set := range c.holidays {
		if name, ok := holidayOn(set, day); ok {
			return name + " (" + set + ")", true
		}
	}
	for _, f := range c.files {
		if why, ok := f.closedOn(day, c.zone); ok {
			return why, true
		}
	}
	return "", false
}

// ParseDate reads a day written 2006-01-02 (two-digit month and day), as midnight UTC, which is
// how this package counts days whatever the zone.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}

// civil is the day t falls on, as midnight UTC.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
