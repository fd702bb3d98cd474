package config_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"briefbot/config"
	"briefbot/internal/cron"
)

// Schedules are read by config's validation (a file is refused or warned about) and by the
// scheduler (which posts), both through cron.Parse. These tables go through both, so that the two
// never disagree on what a spec means, which specs are refused, or when a spec posts.

// sundaySpecs name Sunday as 7, as crontab(5) and cronie allow, with their first runs after
// Tuesday 2025-04-01 00:00 UTC.
var sundaySpecs = []struct {
	spec string
	want []string
}{
	{"0 9 * * 7", []string{"Sun 04-06 09:00", "Sun 04-13 09:00"}},
	{"0 0 * * 5-7", []string{"Fri 04-04 00:00", "Sat 04-05 00:00", "Sun 04-06 00:00", "Fri 04-11 00:00"}},
	{"0 9 * * 7-7", []string{"Sun 04-06 09:00", "Sun 04-13 09:00"}},
	{"0 9 * * 1,7", []string{"Sun 04-06 09:00", "Mon 04-07 09:00", "Sun 04-13 09:00"}},
	{"0 9 * * 7,0", []string{"Sun 04-06 09:00", "Sun 04-13 09:00"}},
	{"0 9 * * 0-7", []string{"Tue 04-01 09:00", "Wed 04-02 09:00", "Thu 04-03 09:00", "Fri 04-04 09:00", "Sat 04-05 09:00", "Sun 04-06 09:00", "Mon 04-07 09:00"}},
	{"0 9 * * */7", []string{"Sun 04-06 09:00", "Sun 04-13 09:00"}},
	{"0 9 * * 1-7/2", []string{"Wed 04-02 09:00", "Fri 04-04 09:00", "Sun 04-06 09:00", "Mon 04-07 09:00"}},
	{"0 9 * * 3-7/4", []string{"Wed 04-02 09:00", "Sun 04-06 09:00", "Wed 04-09 09:00"}},
	{"0 9 * * 2-7/2", []string{"Tue 04-01 09:00", "Thu 04-03 09:00", "Sat 04-05 09:00", "Tue 04-08 09:00"}},
	{"0 9 * * fri-7", []string{"Fri 04-04 09:00", "Sat 04-05 09:00", "Sun 04-06 09:00", "Fri 04-11 09:00"}},
	{"0 9 * * SUN", []string{"Sun 04-06 09:00", "Sun 04-13 09:00"}},
	{"0 9 * * sun-sat/3", []string{"Wed 04-02 09:00", "Sat 04-05 09:00", "Sun 04-06 09:00"}},
	{"0 9 * * 1/2", []string{"Wed 04-02 09:00", "Fri 04-04 09:00", "Mon 04-07 09:00"}},
	{"0 8 1 * 7", []string{"Tue 04-01 08:00", "Sun 04-06 08:00", "Sun 04-13 08:00"}}, // either day field may match
	{"@weekly", []string{"Sun 04-06 00:00", "Sun 04-13 00:00"}},
}

func TestSundayAsSevenReadAlikeByBothReaders(t *testing.T) {
	after := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range sundaySpecs {
		t.Run(tc.spec, func(t *testing.T) {
			text := digest("schedule", fmt.Sprintf("schedule: %q", tc.spec))
			if _, err := config.Parse("b.yaml", []byte(text), lookup); err != nil {
				t.Errorf("config.Parse(schedule %q) = %v; want it accepted", tc.spec, err)
			}
			s, err := cron.Parse(tc.spec, time.UTC)
			if err != nil {
				t.Fatalf("cron.Parse(%q) = %v", tc.spec, err)
			}
			var got []string
			for _, r := range s.Runs(after, len(tc.want)) {
				got = append(got, r.At.Format("Mon 01-02 15:04"))
			}
			if strings.Join(got, ", ") != strings.Join(tc.want, ", ") {
				t.Errorf("cron.Parse(%q).Runs(%s) = %q; want %q", tc.spec, after, got, tc.want)
			}
		})
	}
}

// badSpecs are refused by both readers, each naming the field at fault.
var badSpecs = []struct{ spec, want string }{
	{"0 9 * * 8", "weekday field: end of range (8) above maximum (7): 8"},
	{"0 9 * * 0-8", "weekday field: end of range (8) above maximum (7): 0-8"},
	{"0 9 * * 1,9", "weekday field: end of range (9) above maximum (7): 9"},
	{"0 9 * * 7-1", "weekday field: beginning of range (7) beyond end of range (1): 7-1"},
	{"0 9 * * MON-SUN", "weekday field: MON-SUN runs backwards: SUN is day 0; end a range on Sunday with 7 (MON-7)"},
	{"0 9 * * 5-7/0", "weekday field: step of range should be a positive number: 5-7/0"},
	{"0 9 * * 5-7/x", "weekday field: failed to parse int from x"},
	{"0 9 * * sunday", "weekday field: failed to parse int from sunday"},
	{"0 25 * * *", "hour field: end of range (25) above maximum (23): 25"},
	{"61 9 * * *", "minute field: end of range (61) above maximum (59): 61"},
	{"0 9 32 * *", "day-of-month field: end of range (32) above maximum (31): 32"},
	{"0 9 * 13 *", "month field: end of range (13) above maximum (12): 13"},
	{"0 9 * *", "expected exactly 5 fields, found 4"},
	{"0 9 * * * *", "expected exactly 5 fields, found 6"},
	{"@fortnightly", "unrecognized descriptor: @fortnightly"},
	{"CRON_TZ=UTC", "put the time zone in timezone:"},
	{"TZ=", "put the time zone in timezone:"},
	{"TZ=0", "put the time zone in timezone:"},
	{"cron_tz=UTC 0 9 * * *", "put the time zone in timezone:"},
	{"@every 1h", "@every has no fixed times; use five fields"},
	{"@every 10s", "@every has no fixed times; use five fields"},
	{"0 9 30 2 *", "never fires: no such day in those months"},
}

func TestBadSchedulesRefusedAlikeByBothReaders(t *testing.T) {
	for _, tc := range badSpecs {
		t.Run(tc.spec, func(t *testing.T) {
			text := digest("schedule", fmt.Sprintf("schedule: %q", tc.spec))
			_, err := config.Parse("b.yaml", []byte(text), lookup)
			if want := fmt.Sprintf("b.yaml:3: digest \"a\": schedule %q: %s", tc.spec, tc.want); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("config.Parse(schedule %q) = %v; want %q", tc.spec, err, want)
			}
			_, err = cron.Parse(tc.spec, time.UTC)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("cron.Parse(%q) = %v; want %q", tc.spec, err, tc.want)
			}
		})
	}
}

// TestEveryMinuteWarnedAcrossClockChanges: config warns that a digest posts every minute when
// the scheduler's runs say so, changes of the clocks included (robfig's arithmetic, which
// config used before, skips a time in a spring-forward gap and repeats one in a fall-back hour).
func TestEveryMinuteWarnedAcrossClockChanges(t *testing.T) {
	tests := []struct {
		zone, spec string
		want       string // the warning after the spec; "" for none
	}{
		// The hour does not exist on 9 March 2025: its minutes run once, as the clocks jump,
		// and every minute of it a year later.
		{"America/New_York", "* 2 9 3 *", "posts every minute (at 02:00, 02:01, ...)"},
		// 01:59 GMT, then 01:59 BST, which does not exist that day: run as the clocks jump at
		// 02:00 BST, a minute later.
		{"Europe/London", "59 0,1 30 3 *", "posts every minute (at 00:59, 02:00, ...)"},
		// 01:59 happens twice on 2 November: it runs the first time only, not an hour apart.
		{"America/New_York", "59 1 2 11 *", ""},
		{"America/New_York", "* 1 2 11 *", "posts every minute (at 01:00, 01:01, ...)"},
	}
	for _, tc := range tests {
		t.Run(tc.zone+" "+tc.spec, func(t *testing.T) {
			text := digest("schedule", fmt.Sprintf("schedule: %q", tc.spec), "timezone", "timezone: "+tc.zone)
			c, err := config.Parse("b.yaml", []byte(text), lookup)
			if err != nil {
				t.Fatalf("config.Parse(schedule %q in %s) = %v", tc.spec, tc.zone, err)
			}
			want := []string{}
			if tc.want != "" {
				want = []string{fmt.Sprintf("b.yaml:3: warning: digest \"a\": schedule %q %s", tc.spec, tc.want)}
			}
			if got := append([]string{}, c.Warnings...); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("config.Parse(schedule %q in %s) warns %q; want %q", tc.spec, tc.zone, got, want)
			}
		})
	}
}
