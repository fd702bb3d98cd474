// Package cron reads the cron specs of digest schedules and works out their times. config (to
// check a file) and the command line (to make the digests the scheduler posts, a Schedule in each)
// both read schedules here, through Parse, so that what config check accepts and what is posted
// never disagree on what a spec means, when it runs, or which specs are refused.
//
// A spec is five fields (minute, hour, day of month, month, weekday) or a descriptor such as
// @daily, read through robfig/cron's parser in the dialect of crontab(5) as cronie reads it.
// Where robfig and crontab(5) differ, and what is read here:
//
//   - Sunday is 0 or 7 in the weekday field, where robfig knows only 0: alone (7), in a list
//     (1,7) and at either end of a range (5-7, 7-7). A stepped range counts its step from its
//     start, as cronie does, and takes in Sunday when the step lands on 7: 1-7/2 is Monday,
//     Wednesday, Friday and Sunday. */N needs nothing: cronie's 0-7 and robfig's 0-6 differ only
//     by a second Sunday.
//   - Day names are SUN to SAT in any case, SUN being 0, in robfig and cronie alike: a range
//     cannot end on SUN (MON-SUN runs backwards in both), and is refused with the fix, MON-7.
//   - N/STEP without an end, which crontab(5) refuses, keeps robfig's meaning, from N through
//     Saturday (1/2 is Monday, Wednesday and Friday, as before); 7/STEP is Sunday alone.
//   - A time zone prefix (CRON_TZ=, TZ=, in any case) is refused: a digest's zone is its own
//     timezone: key, and robfig panics on some prefixes.
//   - @every is refused: it counts from whenever the process started, so no two replicas would
//     agree on a slot.
//
// robfig reads the fields; the times are worked out here (schedule.go), since robfig's
// arithmetic skips a time inside a spring-forward gap and repeats one inside a fall-back hour.
package cron

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	robfig "github.com/robfig/cron/v3"
)

// fieldNames are the five fields in the order they are written.
var fieldNames = [...]string{"minute", "hour", "day-of-month", "month", "weekday"}

// ErrNoFixedTimes refuses @every, and ErrNeverFires a spec for a day that never comes (30
// February). Neither quotes the spec, unlike the errors that name a field.
var (
	ErrNoFixedTimes = errors.New("@every has no fixed times; use five fields")
	ErrNeverFires   = errors.New("never fires: no such day in those months")
)

// readFields reads spec's fields through robfig. Its errors name the field at fault but do not
// repeat the spec: the caller quotes it with its own context (a config line, a digest).
func readFields(spec string) (fields *robfig.SpecSchedule, err error) {
	if spec == "" {
		return nil, errors.New(`no schedule (five cron fields, e.g. "0 9 * * 1-5")`)
	}
	if upper := strings.ToUpper(spec); strings.HasPrefix(upper, "TZ=") || strings.HasPrefix(upper, "CRON_TZ=") {
		return nil, errors.New("put the time zone in timezone:, not in the schedule")
	}
	if strings.HasPrefix(spec, "@every") {
		return nil, ErrNoFixedTimes
	}
	defer func() {
		if r := recover(); r != nil {
			fields, err = nil, errors.New("cannot be read")
		}
	}()
	parser := robfig.NewParser(robfig.Minute | robfig.Hour | robfig.Dom | robfig.Month | robfig.Dow | robfig.Descriptor)
	if strings.HasPrefix(spec, "@") {
		return specSchedule(parser.Parse(spec))
	}
	words := strings.Fields(spec)
	if len(words) != len(fieldNames) {
		// robfig's own message lists the fields too: the caller quotes the spec already.
		return nil, fmt.Errorf("expected exactly %d fields, found %d", len(fieldNames), len(words))
	}
	weekday := len(words) - 1
	if words[weekday], err = sundayAsSeven(words[weekday]); err != nil {
		return nil, fmt.Errorf("%s field: %w", fieldNames[weekday], err)
	}
	parsed, err := parser.Parse(strings.Join(words, " "))
	if err != nil {
		if name := refusedField(parser, words); name != "" {
			return nil, fmt.Errorf("%s field: %w", name, err)
		}
		return nil, err
	}
	return specSchedule(parsed, nil)
}

// specSchedule is robfig's reading as fields: every descriptor but @every, which is refused
// before, reads as five fields.
func specSchedule(s robfig.Schedule, err error) (*robfig.SpecSchedule, error) {
	if err != nil {
		return nil, err
	}
	fields, ok := s.(*robfig.SpecSchedule)
	if !ok {
		return nil, ErrNoFixedTimes
	}
	return fields, nil
}

// refusedField names the field robfig refused. Its errors quote the bad text but not the field,
// and it reads each field on its own, stopping at the first it refuses: so that field is the
// first refused when tried alone, the others left at values it takes.
func refusedField(parser robfig.Parser, fields []string) string {
	for i, field := range fields {
		probe := []string{"0", "0", "*", "*", "*"}
		probe[i] = field
		if _, err := parser.Parse(strings.Join(probe, " ")); err != nil {
			return fieldNames[i]
		}
	}
	return ""
}

// sundayAsSeven rewrites a weekday field for robfig, whose week runs 0 to 6, so that 7 means
// Sunday as in crontab(5). Terms that robfig reads as cronie does come back unchanged, for
// robfig to read or refuse.
func sundayAsSeven(field string) (string, error) {
	terms := strings.Split(field, ",")
	for i, term := range terms {
		rewritten, err := sundayTerm(term)
		if err != nil {
			return "", err
		}
		terms[i] = rewritten
	}
	return strings.Join(terms, ","), nil
}

// sundayTerm rewrites one term of the weekday field: a day or a range of days, either with a
// /step. The errors are worded as robfig's are for the other fields.
func sundayTerm(term string) (string, error) {
	span, stepText, stepped := strings.Cut(term, "/")
	first, last, isRange := strings.Cut(span, "-")
	if strings.Contains(stepText, "/") || strings.Contains(last, "-") {
		return term, nil // robfig refuses too many slashes or hyphens
	}
	start, ok := weekdayNumber(first)
	if !ok {
		return term, nil // *, ? or not a day at all
	}
	end := start
	if isRange {
		if end, ok = weekdayNumber(last); !ok {
			return term, nil
		}
	}
	switch {
	case end > 7:
		return "", fmt.Errorf("end of range (%d) above maximum (7): %s", end, term)
	case start > end && strings.EqualFold(last, "sun"):
		fix := first + "-7"
		if stepped {
			fix += "/" + stepText
		}
		return "", fmt.Errorf("%s runs backwards: SUN is day 0; end a range on Sunday with 7 (%s)", term, fix)
	case start > end:
		return "", fmt.Errorf("beginning of range (%d) beyond end of range (%d): %s", start, end, term)
	case end != 7:
		return term, nil
	}
	step := 1
	if stepped {
		n, err := strconv.Atoi(stepText)
		if err != nil {
			return "", fmt.Errorf("failed to parse int from %s", stepText)
		}
		if n <= 0 {
			return "", fmt.Errorf("step of range should be a positive number: %s", term)
		}
		step = n
	}
	if start == 7 {
		return "0", nil // 7, 7-7, 7/2: Sunday
	}
	// start-7/step is start-6/step, plus Sunday when the step lands on 7.
	rewritten := fmt.Sprintf("%d-6/%d", start, step)
	if (7-start)%step == 0 {
		rewritten += ",0"
	}
	return rewritten, nil
}

// weekdayNumber reads a day as robfig does: a number, or a name from SUN (0) to SAT (6) in any
// case.
func weekdayNumber(s string) (int, bool) {
	for i, name := range [...]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"} {
		if strings.EqualFold(s, name) {
			return i, true
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}
