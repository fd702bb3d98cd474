package cron

import "time"

// A period is a stretch of time with one UTC offset; start or end is zero when the zone's
// data does not bound it.
type period struct {
	start, end time.Time
	offset     int64 // seconds east of UTC
}

func periodAt(t time.Time) period {
	_, offset := t.Zone()
	start, end := t.ZoneBounds()
	return period{start: start, end: end, offset: int64(offset)}
}

// resolve maps a wall-clock time on date in zone to an instant. time.Date alone does not say
// which instant it picked for a repeated time, nor that a time was missing: the offsets of the
// periods around its answer do.
func resolve(zone *time.Location, date time.Time, hour, minute int) (time.Time, Adjust) {
	y, mo, d := date.Date()
	guess := time.Date(y, mo, d, hour, minute, 0, 0, zone)
	wall := time.Date(y, mo, d, hour, minute, 0, 0, time.UTC).Unix()

	periods := []period{periodAt(guess)}
	if p := periods[0]; !p.start.IsZero() {
		periods = append([]period{periodAt(p.start.Add(-time.Nanosecond))}, periods...)
	}
	if p := periods[len(periods)-1]; !p.end.IsZero() {
		periods = append(periods, periodAt(p.end))
	}

	var found []time.Time
	for _, p := range periods {
		u := time.Unix(wall-p.offset, 0)
		if (p.start.IsZero() || !u.Before(p.start)) && (p.end.IsZero() || u.Before(p.end)) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
	case 1:
		return found[0].In(zone), Exact
	default:
		return found[0].In(zone), Repeated
	}

	// In a gap the wall time lies between the old offset's and the new offset's view of the
	// moment the clocks jump: that moment is the first instant after the scheduled time.
	for i := 0; i+1 < len(periods); i++ {
		jump := periods[i].end
		if jump.IsZero() {
			continue
		}
		before, after := jump.Unix()+periods[i].offset, jump.Unix()+periods[i+1].offset
		if before <= wall && wall < after {
			return jump.In(zone), InGap
		}
	}
	return guess, Exact
}
