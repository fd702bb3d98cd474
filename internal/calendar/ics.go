package calendar

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"

	"briefbot/internal/diskfile"
)

// MaxFileSize is the largest calendar file read, 1 MiB: years of an organisation's closures take
// a few kilobytes.
const MaxFileSize = 1 << 20

// An ICS is what an iCalendar file says an organisation is closed on. An all-day event closes
// the days it covers (its DTEND is the first day open again); a timed event closes the day it
// starts on, in the digest's zone. A yearly RRULE repeats either on the event's own date.
type ICS struct {
	name    string // the file's base name, which every reason ends with
	version string
	events  []event
}

// Version names the file's content, the same for the same bytes: 12 hex digits, short enough
// to show and, like a briefing's version, long enough that two edits of one file never share
// one.
func (f *ICS) Version() string { return f.version }

type event struct {
	summary string
	allDay  bool
	// start is the first day of an all-day event (midnight UTC), else the moment it starts in its
	// own zone. A floating start, written without a zone, is its wall clock in UTC, to be read in
	// the digest's zone, as RFC 5545 has it read wherever the reader is.
	start    time.Time
	floating bool
	days     int     // how many days an all-day event closes, at least 1
	repeat   *yearly // nil for an event that happens once
	// except are the occurrences left out (EXDATE, or moved by an override with a RECURRENCE-ID),
	// by the date each starts on in the event's own zone, written 20060102.
	except map[string]bool
}

// yearly is a FREQ=YEARLY rule: every interval years from the event's start, count times at
// most (0: no limit), none after until (zero: no end), a day when untilDay.
type yearly struct {
	interval, count int
	until           time.Time
	untilDay        bool
}

// ReadICS reads the iCalendar file at path: a regular file (a link is followed) of at most
// MaxFileSize.
func ReadICS(path string) (*ICS, error) {
	f, err := diskfile.Open(path, MaxFileSize)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := diskfile.ReadAll(f, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return ParseICS(filepath.Base(path), data)
}

// ParseICS reads an iCalendar file's text; name is the file's base name, for the reasons. It
// refuses a file that is not iCalendar, an event without a start, and a repeat it cannot follow
// (anything but yearly on the event's own date, RDATE, EXRULE), naming the event: a closure
// silently left out would post on a day the organisation is closed.
func ParseICS(name string, data []byte) (*ICS, error) {
	text := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\uFEFF")), " \t\r\n")
	if !bytes.HasPrefix(bytes.ToUpper(text[:min(len(text), 15)]), []byte("BEGIN:VCALENDAR")) {
		return nil, errors.New("not an iCalendar file (it does not start with BEGIN:VCALENDAR)")
	}
	parsed, err := parseCalendar(text)
	if err != nil {
		return nil, fmt.Errorf("not a readable iCalendar file: %v", err)
	}
	sum := sha256.Sum256(data)
	f := &ICS{name: name, version: hex.EncodeToString(sum[:6])}
	var uids []string
	var moves []move
	for i, v := range parsed.Events() {
		e, m, err := readEvent(v)
		if err != nil {
			return nil, fmt.Errorf("event %s: %w", eventName(v, i), err)
		}
		if m != nil {
			moves = append(moves, *m)
		}
		if e != nil {
			f.events = append(f.events, *e)
			uids = append(uids, propValue(v, ics.ComponentPropertyUniqueId))
		}
	}
	// An override replaces one occurrence of the repeating event with its UID: that occurrence
	// is left out of the repeat, and the override closes the day it gives, unless cancelled.
	for _, m := range moves {
		for i := range f.events {
			if e := &f.events[i]; uids[i] == m.uid && e.repeat != nil {
				e.except[e.ownDate(m.from)] = true
			}
		}
	}
	return f, nil
}

// parseCalendar is the library's parser, whose panic on a text it did not foresee is reported as
// the file's problem rather than taken for the process's.
func parseCalendar(data []byte) (c *ics.Calendar, err error) {
	defer func() {
		if p := recover(); p != nil {
			c, err = nil, fmt.Errorf("%v", p)
		}
	}()
	return ics.ParseCalendar(bytes.NewReader(data))
}

// move is an event with a RECURRENCE-ID: it moves (or, cancelled, removes) the occurrence of the
// event uid that starts at from.
type move struct {
	uid  string
	from time.Time
}

// readEvent reads one VEVENT: the event it closes days with (nil when cancelled), and the
// occurrence it moves when it overrides one.
func readEvent(v *ics.VEvent) (*event, *move, error) {
	var m *move
	if p := v.GetProperty(ics.ComponentPropertyRecurrenceId); p != nil {
		from, _, _, err := readWhen(p)
		if err != nil {
			return nil, nil, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		m = &move{uid: propValue(v, ics.ComponentPropertyUniqueId), from: from}
	}
	if strings.EqualFold(propValue(v, ics.ComponentPropertyStatus), "CANCELLED") {
		return nil, m, nil
	}
	for _, unread := range []ics.ComponentProperty{ics.ComponentPropertyRdate, ics.ComponentPropertyExrule} {
		if v.HasProperty(unread) {
			return nil, nil, fmt.Errorf("%s is not read; give each date an event of its own", unread)
		}
	}
	p := v.GetProperty(ics.ComponentPropertyDtStart)
	if p == nil {
		return nil, nil, errors.New("no DTSTART")
	}
	start, allDay, floating, err := readWhen(p)
	if err != nil {
		return nil, nil, fmt.Errorf("DTSTART: %w", err)
	}
	e := &event{summary: summary(v), allDay: allDay, start: start, floating: floating, days: 1, except: map[string]bool{}}
	if allDay {
		if e.days, err = allDayLength(v, start); err != nil {
			return nil, nil, err
		}
	}
	if rules := v.GetProperties(ics.ComponentPropertyRrule); len(rules) > 1 {
		return nil, nil, errors.New("more than one RRULE; give each repeat an event of its own")
	} else if len(rules) == 1 {
		if e.repeat, err = readRule(rules[0].Value, e); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range v.GetProperties(ics.ComponentPropertyExdate) {
		for _, value := range strings.Split(p.Value, ",") {
			one := *p
			one.Value = strings.TrimSpace(value)
			at, _, _, err := readWhen(&one)
			if err != nil {
				return nil, nil, fmt.Errorf("EXDATE: %w", err)
			}
			e.except[e.ownDate(at)] = true
		}
	}
	return e, m, nil
}

// allDayLength is how many days an all-day event starting on start closes: up to its DTEND,
// which is the first day open again, or for its DURATION, or one day.
func allDayLength(v *ics.VEvent, start time.Time) (int, error) {
	if p := v.GetProperty(ics.ComponentPropertyDtEnd); p != nil {
		end, allDay, _, err := readWhen(p)
		switch {
		case err != nil:
			return 0, fmt.Errorf("DTEND: %w", err)
		case !allDay:
			return 0, errors.New("starts on a date (all day) but ends at a time; give DTEND a date too")
		case end.Before(start):
			return 0, errors.New("ends before it starts")
		}
		// Some calendars write an all-day event's DTEND as its own day: it still closes that day.
		return max(1, int(end.Sub(start)/(24*time.Hour))), nil
	}
	if d := propValue(v, ics.ComponentPropertyDuration); d != "" {
		days, ok := durationDays(d)
		if !ok {
			return 0, fmt.Errorf("DURATION %q is not whole days or weeks (P3D, P1W)", clip(d))
		}
		return max(1, days), nil
	}
	return 1, nil
}

// durationDays reads an all-day event's DURATION: P3D, P1W, P1W2D.
func durationDays(d string) (int, bool) {
	rest, ok := strings.CutPrefix(strings.ToUpper(strings.TrimPrefix(d, "+")), "P")
	days := 0
	for ok && rest != "" {
		i := strings.IndexAny(rest, "WD")
		if i <= 0 {
			return 0, false
		}
		n, err := strconv.Atoi(rest[:i])
		if err != nil || n < 0 || n > 100000 {
			return 0, false
		}
		if rest[i] == 'W' {
			n *= 7
		}
		days += n
		rest = rest[i+1:]
	}
	return days, ok
}

// readRule reads an RRULE, of which only a yearly repeat on the event's own date is followed:
// closures such as a founding day come back on their date. BYMONTH and BYMONTHDAY are read when
// they only repeat that date, as some calendars write them; WKST changes nothing for it.
func readRule(rule string, e *event) (*yearly, error) {
	refuse := func() (*yearly, error) {
		return nil, fmt.Errorf("RRULE %q is not read: only FREQ=YEARLY on the event's own date (with INTERVAL, COUNT or UNTIL); give the other dates events of their own", clip(rule))
	}
	y := &yearly{interval: 1}
	freq := false
	for _, part := range strings.Split(rule, ";") {
		key, value, _ := strings.Cut(part, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		n, numErr := strconv.Atoi(value)
		switch {
		case key == "FREQ" && strings.EqualFold(value, "YEARLY"):
			freq = true
		case key == "INTERVAL" && numErr == nil && n > 0:
			y.interval = n
		case key == "COUNT" && numErr == nil && n > 0:
			y.count = n
		case key == "UNTIL":
			until, day, _, err := readWhen(&ics.IANAProperty{BaseProperty: ics.BaseProperty{IANAToken: "UNTIL", Value: value}})
			if err != nil {
				return nil, fmt.Errorf("RRULE UNTIL: %w", err)
			}
			y.until, y.untilDay = until, day
		case key == "BYMONTH" && numErr == nil && time.Month(n) == e.start.Month():
		case key == "BYMONTHDAY" && numErr == nil && n == e.start.Day():
		case key == "WKST", key == "" && value == "":
		default:
			return refuse()
		}
	}
	if !freq {
		return refuse()
	}
	return y, nil
}

// readWhen reads a date (20261224, or VALUE=DATE) or a date and time: in UTC (ending in Z), in
// its TZID's zone, or floating. A TZID that is not an IANA name (Outlook writes Windows names,
// defined in the file's VTIMEZONE) is read as floating: the day an event starts on is what
// counts, and the organisation's zone is as good a guess as any.
func readWhen(p *ics.IANAProperty) (t time.Time, allDay, floating bool, err error) {
	value := strings.TrimSpace(p.Value)
	isDate := strings.EqualFold(param(p, "VALUE"), "DATE")
	if len(value) == 8 {
		if t, err := time.Parse("20060102", value); err == nil {
			return t, true, false, nil
		}
	}
	if isDate {
		return time.Time{}, false, false, fmt.Errorf("%q is not a date such as 20261224", clip(value))
	}
	if utc, ok := strings.CutSuffix(value, "Z"); ok {
		t, err := time.Parse("20060102T150405", utc)
		if err != nil {
			return time.Time{}, false, false, fmt.Errorf("%q is not a date and time such as 20261224T090000Z", clip(value))
		}
		return t, false, false, nil
	}
	t, err = time.Parse("20060102T150405", value)
	if err != nil {
		return time.Time{}, false, false, fmt.Errorf("%q is not a date and time such as 20261224T090000", clip(value))
	}
	if tzid := strings.Trim(param(p, "TZID"), `"/ `); tzid != "" && !strings.EqualFold(tzid, "local") {
		if loc, err := time.LoadLocation(tzid); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, loc), false, false, nil
		}
	}
	return t, false, true, nil
}

// param is a property's parameter, its name in any case.
func param(p *ics.IANAProperty, name string) string {
	for k, v := range p.ICalParameters {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

func propValue(v *ics.VEvent, name ics.ComponentProperty) string {
	if p := v.GetProperty(name); p != nil {
		return strings.TrimSpace(p.Value)
	}
	return ""
}

// maxSummary bounds the reason an event gives, which config check, the preview and the
// ledger show.
const maxSummary = 80

// summary is the event's SUMMARY on one line, or "Closed" when it has none.
func summary(v *ics.VEvent) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(propValue(v, ics.ComponentPropertySummary), "")), " ")
	if s == "" {
		return "Closed"
	}
	if utf8.RuneCountInString(s) > maxSummary {
		s = string([]rune(s)[:maxSummary-1]) + "…"
	}
	return s
}

// eventName names the i-th event in a message: its summary, else its UID, else its place.
func eventName(v *ics.VEvent, i int) string {
	if s := propValue(v, ics.ComponentPropertySummary); s != "" {
		return strconv.Quote(summary(v))
	}
	if uid := propValue(v, ics.ComponentPropertyUniqueId); uid != "" {
		return "UID " + strconv.Quote(clip(uid))
	}
	return fmt.Sprintf("%d", i+1)
}

// clip shortens a value a message quotes from the file.
func clip(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		return string([]rune(s)[:59]) + "…"
	}
	return s
}

// ownDate is the day at falls on in the event's own terms (its zone, or as written when
// floating or all day), written 20060102, as occurrences are left out by it.
func (e *event) ownDate(at time.Time) string {
	if !e.allDay && !e.floating {
		at = at.In(e.start.Location())
	}
	return at.Format("20060102")
}

// closedOn is why the file closes day in zone, if it does.
func (f *ICS) closedOn(day time.Time, zone *time.Location) (string, bool) {
	for i := range f.events {
		if f.events[i].covers(day, zone) {
			return f.events[i].summary + " (" + f.name + ")", true
		}
	}
	return "", false
}

// covers reports whether the event closes day in zone.
func (e *event) covers(day time.Time, zone *time.Location) bool {
	if e.allDay {
		// The occurrences that may reach day started in its year or, for a long event, before.
		for year := max(day.Year()-(e.days-1)/365-1, e.start.Year()); year <= day.Year(); year++ {
			if from, ok := e.occurrence(year, zone); ok && !day.Before(from) && day.Before(from.AddDate(0, 0, e.days)) {
				return true
			}
		}
		return false
	}
	// A timed start may fall on the day before or after in the digest's zone.
	for year := day.Year() - 1; year <= day.Year()+1; year++ {
		if at, ok := e.occurrence(year, zone); ok && civil(at.In(zone)).Equal(day) {
			return true
		}
	}
	return false
}

// occurrence is the start of the event's occurrence in year, if it has one: an all-day one as
// midnight UTC, a floating one in zone.
func (e *event) occurrence(year int, zone *time.Location) (time.Time, bool) {
	s := e.start
	loc := s.Location()
	if e.floating {
		loc = zone
	}
	if e.repeat == nil {
		if year != s.Year() {
			return time.Time{}, false
		}
		return time.Date(s.Year(), s.Month(), s.Day(), s.Hour(), s.Minute(), s.Second(), 0, loc), true
	}
	r := e.repeat
	n := year - s.Year()
	if n < 0 || n%r.interval != 0 || (r.count > 0 && n/r.interval >= r.count) {
		return time.Time{}, false
	}
	at := time.Date(year, s.Month(), s.Day(), s.Hour(), s.Minute(), s.Second(), 0, loc)
	if at.Month() != s.Month() || at.Day() != s.Day() {
		return time.Time{}, false // 29 February, in a year without one
	}
	if e.except[e.ownDate(at)] {
		return time.Time{}, false
	}
	if !r.until.IsZero() {
		if e.allDay || r.untilDay {
			if civil(at).After(civil(r.until)) {
				return time.Time{}, false
			}
		} else if at.After(r.until) {
			return time.Time{}, false
		}
	}
	return at, true
}
