package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"briefbot/config"
)

// december3 is the clock of these tests: noon UTC on 3 December 2026.
func december3() time.Time { return time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) }

const closuresICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Office closed\r\nDTSTART;VALUE=DATE:20261228\r\nDTEND;VALUE=DATE:20261231\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:2\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Founders' Day\r\nDTSTART;VALUE=DATE:20200312\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// TestDigestCalendarAndDelivery: the new keys are read (a mention's form is the adapters' to
// judge, as config check does), the calendar file beside the config
// (wherever the process runs), and the digest's Closures answer from all three.
func TestDigestCalendarAndDelivery(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	writeFile("closures.ics", closuresICS)
	path := writeFile("b.yaml", slackOK+`  - name: a
    platform: slack
    channel: C1
    schedule: "0 9 * * 1-5"
    timezone: America/Mexico_City
    skip_dates: [2026-12-24, "2026-12-31"]
    skip_holidays: [us, mx]
    calendar: closures.ics
    thread: true
    mention: S0123ABCD
    only_when_changed: true
  - {name: b, platform: slack, channel: C1, schedule: "@daily"}
`)
	c, err := config.Load(path, lookup, config.Clock(december3))
	if err != nil {
		t.Fatalf("Load = %v", err)
	}
	a := c.Digests[0]
	if !a.Thread || a.Mention != "S0123ABCD" || !a.OnlyWhenChanged {
		t.Errorf("digest a: thread %v, mention %q, only_when_changed %v; want true, S0123ABCD, true", a.Thread, a.Mention, a.OnlyWhenChanged)
	}
	if a.Closures == nil {
		t.Fatal("digest a has no Closures")
	}
	for date, want := range map[string]string{
		"2026-12-24": "skip_dates",
		"2026-12-25": "Christmas Day (us)",
		"2026-11-16": "Revolution Day (mx)",
		"2026-12-29": "Office closed (closures.ics)",
		"2027-03-12": "Founders' Day (closures.ics)",
		"2026-12-31": "skip_dates",
		"2026-12-23": "",
	} {
		if why, _ := a.Closures.Closed(date); why != want {
			t.Errorf("digest a: Closed(%s) = %q; want %q", date, why, want)
		}
	}
	if b := c.Digests[1]; b.Closures != nil || b.Thread || b.Mention != "" || b.OnlyWhenChanged {
		t.Errorf("digest b names no closures nor options: %+v", b)
	}
	if len(c.Warnings) > 0 {
		t.Errorf("Warnings = %q; want none", c.Warnings)
	}
}

func TestDigestCalendarErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"malformed date", digest("skip_dates", "skip_dates: [2026-12-24, 2026-12-1, 24/12/2026]"), []string{
			`b.yaml:3: digest "a": skip_dates "2026-12-1" is not a date YYYY-MM-DD`,
			`b.yaml:3: digest "a": skip_dates "24/12/2026" is not a date YYYY-MM-DD`,
		}},
		{"no such day", digest("skip_dates", "skip_dates: [2027-02-29]"), []string{`b.yaml:3: digest "a": skip_dates "2027-02-29" is not a date YYYY-MM-DD`}},
		{"one date, not a list", digest("skip_dates", "skip_dates: 2026-12-24"), []string{`b.yaml:3: digests[0].skip_dates must be a list ([a, b], or one "- item" per line)`}},
		{"holiday set typo", digest("skip_holidays", "skip_holidays: [usa]"), []string{`b.yaml:3: digest "a": unknown holiday set "usa" in skip_holidays (known: mx, us); did you mean "us"?`}},
		{"holiday set case", digest("skip_holidays", "skip_holidays: [MX]"), []string{`b.yaml:3: digest "a": unknown holiday set "MX" in skip_holidays (known: mx, us); did you mean "mx"?`}},
		{"holiday set unknown", digest("skip_holidays", "skip_holidays: [narnia]"), []string{`b.yaml:3: digest "a": unknown holiday set "narnia" in skip_holidays (known: mx, us)`}},
		{"calendar missing", digest("calendar", "calendar: nope.ics"), []string{`b.yaml:3: digest "a": calendar "nope.ics": no such file or directory`}},
		{"calendar a folder", digest("calendar", "calendar: ."), []string{`b.yaml:3: digest "a": calendar ".": is a folder, not a regular file`}},
		{"thread", digest("thread", "thread: yes please"), []string{`b.yaml:3: digests[0].thread must be true or false`}},
		{"only when changed", digest("only_when_changed", "only_when_changed: 1"), []string{`b.yaml:3: digests[0].only_when_changed must be true or false`}},
		{"misspelt key", digest("skip_holiday", "skip_holiday: [us]"), []string{`b.yaml:3: unknown key "skip_holiday" in digests[0]; did you mean "skip_holidays"?`}},
		{"misspelt option", digest("only_when_change", "only_when_change: true"), []string{`b.yaml:3: unknown key "only_when_change" in digests[0]; did you mean "only_when_changed"?`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), lookup, config.Clock(december3))
			want := strings.Join(tc.want, "\n")
			if err == nil || err.Error() != want {
				t.Fatalf("Parse(%q) =\n%v\nwant\n%s", tc.text, err, want)
			}
		})
	}
}

// TestDigestCalendarFileErrors: a calendar file that cannot be read is a problem at the
// calendar: line, naming the file and, when one is at fault, the event.
func TestDigestCalendarFileErrors(t *testing.T) {
	tests := []struct{ name, ics, want string }{
		{"not iCalendar", "date,what\n2026-12-24,closed\n", `digest "a": calendar "c.ics": not an iCalendar file (it does not start with BEGIN:VCALENDAR)`},
		{"a monthly event", strings.Replace(closuresICS, "RRULE:FREQ=YEARLY", "RRULE:FREQ=MONTHLY", 1),
			`digest "a": calendar "c.ics": event "Founders' Day": RRULE "FREQ=MONTHLY" is not read: only FREQ=YEARLY on the event's own date (with INTERVAL, COUNT or UNTIL); give the other dates events of their own`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "c.ics"), []byte(tc.ics), 0o600); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "b.yaml")
			text := slackOK + "  - name: a\n    platform: slack\n    channel: C1\n    schedule: \"@daily\"\n    calendar: c.ics\n"
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path, lookup)
			if want := path + ":7: " + tc.want; err == nil || err.Error() != want {
				t.Errorf("Load =\n%v\nwant\n%s", err, want)
			}
		})
	}
}

// TestSkipDatesPast: a date already past in the digest's zone, by the config's clock, is a
// warning at its line; the file still loads.
func TestSkipDatesPast(t *testing.T) {
	text := slackOK + `  - name: a
    platform: slack
    channel: C1
    schedule: "@daily"
    timezone: %s
    skip_dates:
      - 2025-12-24
      - 2026-12-02
      - 2026-12-03
`
	tests := []struct {
		zone string
		want []string
	}{
		// At noon UTC on 3 December it is 06:00 in Mexico City and 21:00 in Tokyo: the 2nd has
		// passed in both, the 3rd in neither.
		{"America/Mexico_City", []string{
			`b.yaml:9: warning: digest "a": skip_dates "2025-12-24" has passed; it can be removed`,
			`b.yaml:10: warning: digest "a": skip_dates "2026-12-02" has passed; it can be removed`,
		}},
		{"Pacific/Kiritimati", []string{ // UTC+14: already the 4th
			`b.yaml:9: warning: digest "a": skip_dates "2025-12-24" has passed; it can be removed`,
			`b.yaml:10: warning: digest "a": skip_dates "2026-12-02" has passed; it can be removed`,
			`b.yaml:11: warning: digest "a": skip_dates "2026-12-03" has passed; it can be removed`,
		}},
	}
	for _, tc := range tests {
		c, err := config.Parse("b.yaml", []byte(strings.Replace(text, "%s", tc.zone, 1)), lookup, config.Clock(december3))
		if err != nil {
			t.Fatalf("Parse in %s = %v", tc.zone, err)
		}
		if got := strings.Join(c.Warnings, "\n"); got != strings.Join(tc.want, "\n") {
			t.Errorf("in %s, Warnings =\n%s\nwant\n%s", tc.zone, got, strings.Join(tc.want, "\n"))
		}
	}
	// Without a clock, the time is now: a date of 2025 has passed.
	c, err := config.Parse("b.yaml", []byte(strings.Replace(text, "%s", "UTC", 1)), lookup)
	if err != nil || len(c.Warnings) < 1 {
		t.Errorf("Parse without a clock = %v, %q; want warnings", err, c.Warnings)
	}
}
