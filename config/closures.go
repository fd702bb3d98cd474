package config

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"briefbot/internal/calendar"
)

// calendarFile is one reading of a calendar file: what it says, or why it could not be read.
type calendarFile struct {
	ics *calendar.ICS
	err error
}

// closures checks the days digest i rests on (skip_dates, skip_holidays, calendar) and fills in
// its Closures. A date already past in the digest's zone is only a warning.
func (l *loader) closures(i int, name string) {
	g := &l.c.Digests[i]
	at := func(key string, more ...any) []any { return append([]any{"digests", i, key}, more...) }
	zone := g.Location
	if zone == nil {
		zone = time.UTC // the zone's own problem is reported
	}
	today := l.now().In(zone).Format(time.DateOnly)
	var dates, sets []string
	for j, d := range g.SkipDates {
		path := at("skip_dates", j)
		if _, ok := calendar.ParseDate(d); !ok {
			l.problem(path, "%s: skip_dates %s is not a date YYYY-MM-DD", name, l.show(path, d))
			continue
		}
		if d < today {
			l.warning(path, "%s: skip_dates %s has passed; it can be removed", name, l.show(path, d))
		}
		dates = append(dates, d)
	}
	for j, set := range g.SkipHolidays {
		path := at("skip_holidays", j)
		if calendar.KnownHolidaySet(set) {
			sets = append(sets, set)
			continue
		}
		known := calendar.HolidaySets()
		msg := fmt.Sprintf("%s: unknown holiday set %s in skip_holidays (known: %s)", name, l.show(path, set), strings.Join(known, ", "))
		if fix, ok := Closest(set, known); ok && !l.fromEnv(path...) {
			msg += fmt.Sprintf("; did you mean %q?", fix)
		}
		l.problem(path, "%s", msg)
	}
	var files []*calendar.ICS
	if g.Calendar != "" {
		g.CalendarFile = l.calendarPath(g.Calendar)
		f := l.calendarFile(g.CalendarFile)
		if f.err != nil {
			l.problem(at("calendar"), "%s: calendar %s: %v", name, l.show(at("calendar"), g.Calendar), f.err)
		} else {
			files = append(files, f.ics)
			g.CalendarVersion = f.ics.Version()
		}
	}
	if len(dates)+len(sets)+len(files) > 0 {
		g.Closures, _ = calendar.New(zone, dates, sets, files...) // every value is checked above
	}
}

// calendarPath is where the calendar file named is: relative to the config file's folder
// unless absolute.
func (l *loader) calendarPath(name string) string {
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(filepath.Dir(l.c.File), name)
}

// calendarFile reads the calendar file at path.
func (l *loader) calendarFile(path string) calendarFile {
	f, ok := l.calendars[path]
	if !ok {
		f.ics, f.err = calendar.ReadICS(path)
		l.calendars[path] = f
	}
	return f
}
