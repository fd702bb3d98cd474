package briefings

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Precision is how fine a timeline date is.
type Precision int

const (
	Decade Precision = iota + 1 // "1990s", "early 1900s"
	Year                        // "2023", "1846–1848", "later this year"
	Month                       // "2025-06", "April 2025", "March"
	Day                         // "2025-06-01", "1 April 2025"
)

func (p Precision) String() string {
	switch p {
	case Decade:
		return "decade"
	case Year:
		return "year"
	case Month:
		return "month"
	case Day:
		return "day"
	}
	return "unknown"
}

// sortKey orders dates of any precision on one line: YYYYMMDD of the start, where a coarser date
// has 00 for its month or day and so comes before the months and days it holds.
func sortKey(y, m, d int) int { return y*10000 + m*100 + d }

// An anchor is the briefing's own date, against which dates without a year and dates relative to
// "this year" are placed. Zero fields are unknown.
type anchor struct{ year, month, day int }

func parseAnchor(date string) anchor {
	var a anchor
	fmt.Sscanf(date, "%4d-%2d-%2d", &a.year, &a.month, &a.day)
	return a
}

// last is the sort key of the anchor's last day: a date after it is still to come.
func (a anchor) last() int {
	switch {
	case a.day > 0:
		return sortKey(a.year, a.month, a.day)
	case a.month > 0:
		return sortKey(a.year, a.month, 99)
	}
	return sortKey(a.year, 99, 99)
}

// A when is a timeline date, read from what the briefing wrote.
type when struct {
	precision Precision
	key       int
	yearless  bool
	upcoming  bool
}

var (
	isoDate     = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$`)
	yearRange   = regexp.MustCompile(`^(\d{4})\s*(?:[-–—]|to)\s*(\d{4})$`)
	decade      = regexp.MustCompile(`^(?:(early|mid|late)[\s-]+)?(?:the\s+)?(\d{3}0)s$`)
	looseYear   = regexp.MustCompile(`\b(\d{4})(s?)\b`)
	spaces      = regexp.MustCompile(`\s+`)
	dayOrdinals = regexp.MustCompile(`^(\d{1,2})(?:st|nd|rd|th)?$`)
)

// whenForms is what a timeline date may be, for error messages.
const whenForms = "a year (2025), a month (2025-06, April 2025, March), a day (2025-06-01, 1 April 2025), " +
	"a range (1846-1848), a decade (1990s, early 1900s) or \"later this year\""

// parseWhen reads a timeline date as an analyst writes it. A date without a year and a date
// relative to the briefing ("later this year") are placed by the briefing's date, which they then
// need; they are never given a year in what is shown.
func parseWhen(s string, at anchor) (when, error) {
	l := strings.ToLower(spaces.ReplaceAllString(strings.TrimSpace(s), " "))
	if m := isoDate.FindStringSubmatch(l); m != nil {
		return isoWhen(s, m, at)
	}
	if m := yearRange.FindStringSubmatch(l); m != nil {
		from, _ := strconv.Atoi(m[1])
		to, _ := strconv.Atoi(m[2])
		if to < from {
			return when{}, fmt.Errorf("%q ends before it starts", s)
		}
		return absolute(Year, sortKey(from, 0, 0), at), nil
	}
	if m := decade.FindStringSubmatch(l); m != nil {
		y, _ := strconv.Atoi(m[2])
		y += map[string]int{"mid": 4, "late": 7}[m[1]]
		return absolute(Decade, sortKey(y, 0, 0), at), nil
	}
	if w, ok, err := namedWhen(s, l, at); ok || err != nil {
		return w, err
	}
	if w, ok, err := relativeWhen(s, l, at); ok || err != nil {
		return w, err
	}
	if len(l) > 4 && isDigits(l[:4]) && l[4] == '-' {
		return when{}, fmt.Errorf("%q is not a date: write %s", s, whenForms)
	}
	// Earlier briefings wrote any label holding a year ("Spring 2001"); they still load, placed
	// by that year.
	if m := looseYear.FindStringSubmatch(l); m != nil {
		y, _ := strconv.Atoi(m[1])
		p := Year
		if m[2] != "" {
			p = Decade
		}
		return absolute(p, sortKey(y, 0, 0), at), nil
	}
	return when{}, fmt.Errorf("%q is not a date: write %s", s, whenForms)
}

func isoWhen(s string, m []string, at anchor) (when, error) {
	y, _ := strconv.Atoi(m[1])
	if m[2] == "" {
		return absolute(Year, sortKey(y, 0, 0), at), nil
	}
	mon, _ := strconv.Atoi(m[2])
	if len(m[2]) != 2 || mon < 1 || mon > 12 {
		return when{}, fmt.Errorf("%q is not a date: the month is written 01 to 12 (YYYY-MM)", s)
	}
	if m[3] == "" {
		return absolute(Month, sortKey(y, mon, 0), at), nil
	}
	d, _ := strconv.Atoi(m[3])
	if len(m[3]) != 2 || !validDay(y, mon, d) {
		return when{}, fmt.Errorf("%q is not a date: there is no day %s in that month", s, m[3])
	}
	return absolute(Day, sortKey(y, mon, d), at), nil
}

func validDay(y, m, d int) bool {
	if d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

func absolute(p Precision, key int, at anchor) when {
	return when{precision: p, key: key, upcoming: at.year > 0 && key > at.last()}
}

// namedWhen reads dates with a month's name: "April 2025", "1 April 2025", "April 1, 2025",
// "March", "1 March".
func namedWhen(s, l string, at anchor) (when, bool, error) {
	words := strings.Fields(strings.ReplaceAll(l, ",", " "))
	mi := -1
	mon := 0
	for i, w := range words {
		if m := monthNumber(w); m > 0 {
			mi, mon = i, m
			break
		}
	}
	if mi < 0 || len(words) > 3 {
		return when{}, false, nil
	}
	var rest []string
	rest = append(rest, words[:mi]...)
	rest = append(rest, words[mi+1:]...)
	day, year := 0, 0
	for _, w := range rest {
		switch dm := dayOrdinals.FindStringSubmatch(w); {
		case len(w) == 4 && year == 0 && isDigits(w):
			year, _ = strconv.Atoi(w)
		case dm != nil && day == 0:
			day, _ = strconv.Atoi(dm[1])
		default:
			return when{}, false, nil
		}
	}
	p := Month
	if day > 0 {
		p = Day
	}
	if year > 0 {
		if day > 0 && !validDay(year, mon, day) {
			return when{}, true, fmt.Errorf("%q is not a date: there is no day %d in that month", s, day)
		}
		return absolute(p, sortKey(year, mon, day), at), true, nil
	}
	if day > 0 && !validDay(2000, mon, day) { // a leap year: "29 February" may be right
		return when{}, true, fmt.Errorf("%q is not a date: there is no day %d in that month", s, day)
	}
	if at.year == 0 {
		return when{}, true, fmt.Errorf("%q has no year: give one (%q), or give the briefing a date: in its front matter, by which it is placed", s, s+" 2025")
	}
	// The source leaves the year out because it is the briefing's own, or the one before when
	// the month has not come yet by the briefing's date.
	y := at.year
	if at.month > 0 && (mon > at.month || mon == at.month && at.day > 0 && day > at.day) {
		y--
	}
	w := absolute(p, sortKey(y, mon, day), at)
	w.yearless = true
	return w, true, nil
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func monthNumber(w string) int {
	w = strings.TrimSuffix(w, ".")
	if len(w) < 3 {
		return 0
	}
	for i, name := range monthNames {
		n := strings.ToLower(name)
		if w == n || w == n[:3] || (w == "sept" && i == 8) {
			return i + 1
		}
	}
	return 0
}

// relativeWhen reads dates the source gives against its own: "later this year", "next month".
func relativeWhen(s, l string, at anchor) (when, bool, error) {
	l = strings.TrimPrefix(l, "in ")
	qualifier, unit, ok := strings.Cut(l, " ")
	if !ok {
		return when{}, false, nil
	}
	if qualifier != "later" && qualifier != "earlier" {
		unit = l
		qualifier = ""
	}
	which, period, ok := strings.Cut(unit, " ")
	if !ok || (period != "year" && period != "month") || (which != "this" && which != "next" && which != "last") {
		return when{}, false, nil
	}
	if qualifier != "" && which != "this" {
		return when{}, false, nil
	}
	if at.year == 0 || (period == "month" && at.month == 0) {
		return when{}, true, fmt.Errorf("%q needs the briefing's date, to the %s, in its front matter", s, period)
	}
	y, m := at.year, 0
	step := map[string]int{"next": 1, "last": -1}[which]
	w := when{precision: Year, upcoming: step > 0 || qualifier == "later"}
	if period == "month" {
		w.precision = Month
		m = at.month + step
		if m == 0 {
			y, m = y-1, 12
		} else if m == 13 {
			y, m = y+1, 1
		}
	} else {
		y += step
	}
	w.key = sortKey(y, m, 0)
	switch qualifier {
	case "later": // after every date of that period: it is not known when in it
		if period == "year" {
			w.key = sortKey(y, 13, 0)
		} else {
			w.key = sortKey(y, m, 32)
		}
	case "earlier": // just before the briefing's date, when it is finer than the period
		if period == "year" && at.month > 0 || period == "month" && at.day > 0 {
			w.key = sortKey(at.year, at.month, at.day) - 1
		}
	}
	return w, true, nil
}
