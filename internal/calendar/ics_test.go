package calendar_test

import (
	"strings"
	"testing"
	"time"

	"briefbot/internal/calendar"
)

// vcalendar is an iCalendar file with one VEVENT per string of lines ("|" between lines).
func vcalendar(events ...string) []byte {
	lines := []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//briefbot//test//EN"}
	for i, e := range events {
		lines = append(lines, "BEGIN:VEVENT", "UID:e"+string(rune('0'+i))+"@example.org", "DTSTAMP:20260101T000000Z")
		lines = append(lines, strings.Split(e, "|")...)
		lines = append(lines, "END:VEVENT")
	}
	lines = append(lines, "END:VCALENDAR")
	return []byte(strings.Join(lines, "\r\n") + "\r\n")
}

// TestICSEvents: which days each kind of event closes, in the digest's zone.
func TestICSEvents(t *testing.T) {
	tests := []struct {
		name   string
		event  string
		zone   string
		closed []string // the days closed
		open   []string // days around them that are not
	}{
		{"one day", "SUMMARY:Strike|DTSTART;VALUE=DATE:20261105", "UTC",
			[]string{"2026-11-05"}, []string{"2026-11-04", "2026-11-06", "2027-11-05"}},
		{"a date without VALUE=DATE", "SUMMARY:Strike|DTSTART:20261105", "UTC",
			[]string{"2026-11-05"}, []string{"2026-11-06"}},
		{"DTEND on its own day", "SUMMARY:Strike|DTSTART;VALUE=DATE:20261105|DTEND;VALUE=DATE:20261105", "UTC",
			[]string{"2026-11-05"}, []string{"2026-11-06"}},
		{"across the new year", "SUMMARY:Break|DTSTART;VALUE=DATE:20261230|DTEND;VALUE=DATE:20270103", "UTC",
			[]string{"2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"}, []string{"2026-12-29", "2027-01-03"}},
		{"DURATION in days", "SUMMARY:Move|DTSTART;VALUE=DATE:20261105|DURATION:P2D", "UTC",
			[]string{"2026-11-05", "2026-11-06"}, []string{"2026-11-07"}},
		{"DURATION in weeks", "SUMMARY:Move|DTSTART;VALUE=DATE:20261102|DURATION:P1W", "UTC",
			[]string{"2026-11-02", "2026-11-08"}, []string{"2026-11-09"}},
		{"yearly", "SUMMARY:Founders|DTSTART;VALUE=DATE:20240312|RRULE:FREQ=YEARLY", "UTC",
			[]string{"2024-03-12", "2026-03-12", "2099-03-12"}, []string{"2023-03-12", "2026-03-13"}},
		{"yearly, as Outlook writes it", "SUMMARY:Founders|DTSTART;VALUE=DATE:20240312|RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=12;WKST=MO", "UTC",
			[]string{"2026-03-12"}, []string{"2026-03-13"}},
		{"yearly over two days across the new year", "SUMMARY:Break|DTSTART;VALUE=DATE:20241231|DTEND;VALUE=DATE:20250102|RRULE:FREQ=YEARLY", "UTC",
			[]string{"2026-12-31", "2027-01-01"}, []string{"2024-12-30", "2027-01-02"}},
		{"every other year", "SUMMARY:Congress|DTSTART;VALUE=DATE:20240601|RRULE:FREQ=YEARLY;INTERVAL=2", "UTC",
			[]string{"2024-06-01", "2026-06-01"}, []string{"2025-06-01", "2027-06-01"}},
		{"three times", "SUMMARY:Pilot|DTSTART;VALUE=DATE:20240601|RRULE:FREQ=YEARLY;COUNT=3", "UTC",
			[]string{"2024-06-01", "2026-06-01"}, []string{"2027-06-01"}},
		{"until a day", "SUMMARY:Pilot|DTSTART;VALUE=DATE:20240601|RRULE:FREQ=YEARLY;UNTIL=20260601", "UTC",
			[]string{"2026-06-01"}, []string{"2027-06-01"}},
		{"until a moment", "SUMMARY:Pilot|DTSTART;VALUE=DATE:20240601|RRULE:FREQ=YEARLY;UNTIL=20250601T235959Z", "UTC",
			[]string{"2025-06-01"}, []string{"2026-06-01"}},
		{"a year left out", "SUMMARY:Founders|DTSTART;VALUE=DATE:20240312|RRULE:FREQ=YEARLY|EXDATE;VALUE=DATE:20260312,20270312", "UTC",
			[]string{"2025-03-12", "2028-03-12"}, []string{"2026-03-12", "2027-03-12"}},
		{"29 February", "SUMMARY:Leap|DTSTART;VALUE=DATE:20240229|RRULE:FREQ=YEARLY", "UTC",
			[]string{"2028-02-29"}, []string{"2025-02-28", "2025-03-01"}},
		{"a time in UTC, in the digest's zone", "SUMMARY:Retreat|DTSTART:20261008T030000Z|DTEND:20261008T230000Z", "America/Mexico_City",
			[]string{"2026-10-07"}, []string{"2026-10-08"}},
		{"a time in its own zone", "SUMMARY:Retreat|DTSTART;TZID=Asia/Tokyo:20261008T080000", "America/Mexico_City",
			[]string{"2026-10-07"}, []string{"2026-10-08"}},
		{"a floating time is the digest's", "SUMMARY:Retreat|DTSTART:20261008T230000", "Asia/Tokyo",
			[]string{"2026-10-08"}, []string{"2026-10-09"}},
		{"a zone Go does not know is the digest's", "SUMMARY:Retreat|DTSTART;TZID=Pacific Standard Time:20261008T230000", "Asia/Tokyo",
			[]string{"2026-10-08"}, []string{"2026-10-09"}},
		{"a timed yearly event until a day", "SUMMARY:Drill|DTSTART;TZID=America/Mexico_City:20240601T090000|RRULE:FREQ=YEARLY;UNTIL=20260601", "America/Mexico_City",
			[]string{"2026-06-01"}, []string{"2027-06-01"}},
		{"a timed yearly event", "SUMMARY:Drill|DTSTART;TZID=Europe/Berlin:20240401T010000|RRULE:FREQ=YEARLY", "UTC",
			[]string{"2026-03-31"}, []string{"2026-04-01"}},
		{"cancelled", "SUMMARY:Strike|STATUS:CANCELLED|DTSTART;VALUE=DATE:20261105", "UTC",
			nil, []string{"2026-11-05"}},
		{"no summary", "DTSTART;VALUE=DATE:20261105", "UTC", []string{"2026-11-05"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := calendar.ParseICS("c.ics", vcalendar(tc.event))
			if err != nil {
				t.Fatalf("ParseICS(%s) = %v", tc.event, err)
			}
			c, err := calendar.New(mustZone(t, tc.zone), nil, nil, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range tc.closed {
				if _, closed := c.Closed(d); !closed {
					t.Errorf("%s in %s: Closed(%s) = open; want closed", tc.event, tc.zone, d)
				}
			}
			for _, d := range tc.open {
				if why, closed := c.Closed(d); closed {
					t.Errorf("%s in %s: Closed(%s) = %q; want open", tc.event, tc.zone, d, why)
				}
			}
		})
	}
}

// TestICSOverride: an event with a RECURRENCE-ID moves one occurrence of a yearly event, or,
// cancelled, removes it.
func TestICSOverride(t *testing.T) {
	text := strings.ReplaceAll(string(vcalendar(
		"SUMMARY:Founders|DTSTART;VALUE=DATE:20240312|RRULE:FREQ=YEARLY",
		"SUMMARY:Founders (moved)|RECURRENCE-ID;VALUE=DATE:20260312|DTSTART;VALUE=DATE:20260313",
		"SUMMARY:Founders|RECURRENCE-ID;VALUE=DATE:20270312|STATUS:CANCELLED|DTSTART;VALUE=DATE:20270312",
	)), "UID:e1@", "UID:e0@")
	text = strings.ReplaceAll(text, "UID:e2@", "UID:e0@")
	f, err := calendar.ParseICS("c.ics", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := calendar.New(time.UTC, nil, nil, f)
	for date, want := range map[string]string{
		"2025-03-12": "Founders (c.ics)",
		"2026-03-12": "",
		"2026-03-13": "Founders (moved) (c.ics)",
		"2027-03-12": "",
		"2028-03-12": "Founders (c.ics)",
	} {
		if why, _ := c.Closed(date); why != want {
			t.Errorf("Closed(%s) = %q; want %q", date, why, want)
		}
	}
}

// TestParseICSRefuses: what cannot be read is refused, naming the event, never left out.
func TestParseICSRefuses(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"empty", "", "not an iCalendar file (it does not start with BEGIN:VCALENDAR)"},
		{"not iCalendar", "name,date\nstrike,2026-11-05\n", "not an iCalendar file"},
		{"broken", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;X=\"a\"b:20261105\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", "not a readable iCalendar file"},
		{"no start", string(vcalendar("SUMMARY:Strike")), `event "Strike": no DTSTART`},
		{"bad start", string(vcalendar("SUMMARY:Strike|DTSTART:tomorrow")), `event "Strike": DTSTART: "tomorrow" is not a date and time such as 20261224T090000`},
		{"bad date", string(vcalendar("SUMMARY:Strike|DTSTART;VALUE=DATE:20261305")), `event "Strike": DTSTART: "20261305" is not a date such as 20261224`},
		{"ends before", string(vcalendar("SUMMARY:Strike|DTSTART;VALUE=DATE:20261105|DTEND;VALUE=DATE:20261101")), `event "Strike": ends before it starts`},
		{"ends at a time", string(vcalendar("SUMMARY:Strike|DTSTART;VALUE=DATE:20261105|DTEND:20261105T120000Z")), `event "Strike": starts on a date (all day) but ends at a time`},
		{"hours", string(vcalendar("SUMMARY:Strike|DTSTART;VALUE=DATE:20261105|DURATION:PT4H")), `event "Strike": DURATION "PT4H" is not whole days or weeks`},
		{"monthly", string(vcalendar("SUMMARY:Board|DTSTART;VALUE=DATE:20261105|RRULE:FREQ=MONTHLY")),
			`event "Board": RRULE "FREQ=MONTHLY" is not read: only FREQ=YEARLY on the event's own date (with INTERVAL, COUNT or UNTIL)`},
		{"yearly by weekday", string(vcalendar("SUMMARY:Thanksgiving|DTSTART;VALUE=DATE:20261126|RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH")),
			`event "Thanksgiving": RRULE "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH" is not read`},
		{"yearly in another month", string(vcalendar("SUMMARY:Board|DTSTART;VALUE=DATE:20261105|RRULE:FREQ=YEARLY;BYMONTH=12")), `event "Board": RRULE`},
		{"two rules", string(vcalendar("SUMMARY:Board|DTSTART;VALUE=DATE:20261105|RRULE:FREQ=YEARLY|RRULE:FREQ=YEARLY;INTERVAL=2")), `event "Board": more than one RRULE`},
		{"bad until", string(vcalendar("SUMMARY:Board|DTSTART;VALUE=DATE:20261105|RRULE:FREQ=YEARLY;UNTIL=never")), `event "Board": RRULE UNTIL: "never" is not a date and time`},
		{"RDATE", string(vcalendar("SUMMARY:Board|DTSTART;VALUE=DATE:20261105|RDATE;VALUE=DATE:20261205")), `event "Board": RDATE is not read; give each date an event of its own`},
		{"named by UID", string(vcalendar("DTSTART:soon")), `event UID "e0@example.org": DTSTART`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := calendar.ParseICS("c.ics", []byte(tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParseICS(%q) = %v; want %q", tc.text, err, tc.want)
			}
		})
	}
}

// FuzzParseICS: any text is read or refused; nothing panics, and what is read answers.
func FuzzParseICS(f *testing.F) {
	f.Add(vcalendar("SUMMARY:Founders|DTSTART;VALUE=DATE:20240229|RRULE:FREQ=YEARLY;COUNT=2|EXDATE:20280229"))
	f.Add(vcalendar("SUMMARY:Retreat|DTSTART;TZID=Asia/Tokyo:20261008T080000|RECURRENCE-ID:20261008T080000"))
	f.Add(vcalendar("DTSTART;VALUE=DATE:20261230|DTEND;VALUE=DATE:99991231"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n \r\nEND:VCALENDAR"))
	f.Fuzz(func(t *testing.T, text []byte) {
		file, err := calendar.ParseICS("f.ics", text)
		if err != nil {
			return
		}
		c, _ := calendar.New(time.UTC, nil, nil, file)
		for _, d := range []string{"2024-02-29", "2026-12-31", "2027-01-01"} {
			c.Closed(d)
		}
	})
}

// TestICSVersion: a file's version follows its bytes, so that a reload tells an edited file from
// the same one read again.
func TestICSVersion(t *testing.T) {
	read := func(data []byte) string {
		t.Helper()
		f, err := calendar.ParseICS("c.ics", data)
		if err != nil {
			t.Fatal(err)
		}
		return f.Version()
	}
	a, again := read(vcalendar("SUMMARY:Closed|DTSTART;VALUE=DATE:20261224")), read(vcalendar("SUMMARY:Closed|DTSTART;VALUE=DATE:20261224"))
	edited := read(vcalendar("SUMMARY:Closed|DTSTART;VALUE=DATE:20261231"))
	if len(a) != 12 || a != again || a == edited {
		t.Errorf("Version = %q, read again %q, edited %q; want 12 hex digits, the same for the same bytes only", a, again, edited)
	}
}
