package cron

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// days lists the weekdays a parsed spec runs on, Sunday first.
func days(s Schedule) string {
	if s.IsZero() {
		return "none"
	}
	var names []string
	for d := time.Sunday; d <= time.Saturday; d++ {
		if s.dow&(1<<uint(d)) != 0 {
			names = append(names, d.String()[:3])
		}
	}
	return strings.Join(names, " ")
}

// TestWeekdaysAsCronieReadsThem: each weekday field runs on the days cronie's crontab(5) gives
// it, where 0 and 7 are both Sunday and a step counts from the start of its range.
func TestWeekdaysAsCronieReadsThem(t *testing.T) {
	tests := []struct{ weekday, want string }{
		{"7", "Sun"},
		{"07", "Sun"},
		{"0", "Sun"},
		{"7,0", "Sun"},
		{"1,7", "Sun Mon"},
		{"5-7", "Sun Fri Sat"},
		{"7-7", "Sun"},
		{"0-7", "Sun Mon Tue Wed Thu Fri Sat"},
		{"6-7/2", "Sat"},
		{"1-7/2", "Sun Mon Wed Fri"},
		{"1-7/3", "Sun Mon Thu"},
		{"0-7/7", "Sun"},
		{"3-7/4", "Sun Wed"},
		{"2-7/10", "Tue"},
		{"7-7/3", "Sun"},
		{"FRI-7", "Sun Fri Sat"},
		{"sat-7", "Sun Sat"},
		{"sun-7/3", "Sun Wed Sat"},
		{"1-5,7", "Sun Mon Tue Wed Thu Fri"},
		// unchanged from robfig's reading
		{"*", "Sun Mon Tue Wed Thu Fri Sat"},
		{"?", "Sun Mon Tue Wed Thu Fri Sat"},
		{"*/7", "Sun"},
		{"*/2", "Sun Tue Thu Sat"},
		{"*/3", "Sun Wed Sat"},
		{"SUN", "Sun"},
		{"mon-fri", "Mon Tue Wed Thu Fri"},
		{"sun-sat/2", "Sun Tue Thu Sat"},
		{"1/2", "Mon Wed Fri"}, // N/STEP: robfig's own, through Saturday
		{"7/2", "Sun"},
	}
	for _, tc := range tests {
		spec := "0 9 * * " + tc.weekday
		s, err := Parse(spec, nil)
		if err != nil {
			t.Errorf("Parse(%q) = %v; want %s", spec, err, tc.want)
			continue
		}
		if got := days(s); got != tc.want {
			t.Errorf("Parse(%q) runs on %s; want %s", spec, got, tc.want)
		}
	}
}

// TestSundayKeepsStarMeaning: with both day fields restricted, cron runs on either; a weekday
// field written with 7 restricts, as 0-6 does, while * leaves the day of month alone to decide.
func TestSundayKeepsStarMeaning(t *testing.T) {
	for spec, restricted := range map[string]bool{"0 9 1 * 0-7": true, "0 9 1 * 7": true, "0 9 1 * *": false, "0 9 1 * */1": false} {
		s, err := Parse(spec, nil)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", spec, err)
		}
		if got := !s.anyWeekday; got != restricted {
			t.Errorf("Parse(%q): weekday restricted = %v; want %v", spec, got, restricted)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ spec, want string }{
		{"", `no schedule (five cron fields, e.g. "0 9 * * 1-5")`},
		{"   ", `no schedule (five cron fields, e.g. "0 9 * * 1-5")`},
		{"CRON_TZ=UTC", "put the time zone in timezone:, not in the schedule"},
		{"TZ=", "put the time zone in timezone:, not in the schedule"},
		{"TZ=0", "put the time zone in timezone:, not in the schedule"},
		{"tz=Europe/Paris 0 9 * * *", "put the time zone in timezone:, not in the schedule"},
		{"0 9 * *", "expected exactly 5 fields, found 4"},
		{"0 0 9 * * *", "expected exactly 5 fields, found 6"},
		{"@fortnightly", "unrecognized descriptor: @fortnightly"},
		{"x 9 * * *", "minute field: failed to parse int from x"},
		{"0 24 * * *", "hour field: end of range (24) above maximum (23): 24"},
		{"0 9 0 * *", "day-of-month field: beginning of range (0) below minimum (1): 0"},
		{"0 9 * jan-dex *", "month field: failed to parse int from dex"},
		{"0 9 * * 8", "weekday field: end of range (8) above maximum (7): 8"},
		{"0 9 * * 1-5,8", "weekday field: end of range (8) above maximum (7): 8"},
		{"0 9 * * 9-8", "weekday field: end of range (8) above maximum (7): 9-8"},
		{"0 9 * * 7-0", "weekday field: beginning of range (7) beyond end of range (0): 7-0"},
		{"0 9 * * 5-3", "weekday field: beginning of range (5) beyond end of range (3): 5-3"},
		{"0 9 * * Mon-Sun", "weekday field: Mon-Sun runs backwards: SUN is day 0; end a range on Sunday with 7 (Mon-7)"},
		{"0 9 * * mon-sun/2", "weekday field: mon-sun/2 runs backwards: SUN is day 0; end a range on Sunday with 7 (mon-7/2)"},
		{"0 9 * * 1-7/0", "weekday field: step of range should be a positive number: 1-7/0"},
		{"0 9 * * 1-7/-2", "weekday field: step of range should be a positive number: 1-7/-2"},
		{"0 9 * * 1-7/x", "weekday field: failed to parse int from x"},
		{"0 9 * * 1-7/2/2", "weekday field: too many slashes: 1-7/2/2"},
		{"0 9 * * 1-2-7", "weekday field: too many hyphens: 1-2-7"},
		{"0 9 * * sunday", "weekday field: failed to parse int from sunday"},
		{"@every 1h", "@every has no fixed times; use five fields"},
		{"0 9 30 2 *", "never fires: no such day in those months"},
		{"0 9 31 4,6 *", "never fires: no such day in those months"},
	}
	for _, tc := range tests {
		s, err := Parse(tc.spec, nil)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, %v; want an error %q", tc.spec, days(s), err, tc.want)
		}
	}
	if _, err := Parse("@every 1h", time.UTC); !errors.Is(err, ErrNoFixedTimes) {
		t.Errorf("Parse(@every 1h) = %v; want ErrNoFixedTimes", err)
	}
	if _, err := Parse("0 9 30 2 *", time.UTC); !errors.Is(err, ErrNeverFires) {
		t.Errorf("Parse(0 9 30 2 *) = %v; want ErrNeverFires", err)
	}
	// With a weekday restricted too, cron runs on either: the day of month may never come.
	if s, err := Parse("0 9 31 4,6 sun", time.UTC); err != nil || s.IsZero() {
		t.Errorf("Parse with a weekday too = %v; want it to fire on Sundays", err)
	}
}

// FuzzParse: no spec panics, and a spec with 7 in its weekday field means what it means with
// 0 written instead, as in crontab(5), unless the 7 ends a range.
func FuzzParse(f *testing.F) {
	for _, spec := range []string{"0 9 * * 7", "0 9 * * 1,7", "0 9 * * 7-7/2", "TZ=0", "CRON_TZ=UTC", "@daily", "0 9 * * 5-7/x", "0 9 * * 7/3"} {
		f.Add(spec)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		s, err := Parse(spec, nil)
		if err != nil || !strings.HasSuffix(spec, " 7") {
			return
		}
		zero, err := Parse(strings.TrimSuffix(spec, "7")+"0", nil)
		if err != nil {
			t.Fatalf("Parse(%q) works but not with 0 for 7: %v", spec, err)
		}
		if days(s) != days(zero) {
			t.Fatalf("Parse(%q) runs on %s; with 0 for 7, on %s", spec, days(s), days(zero))
		}
	})
}
