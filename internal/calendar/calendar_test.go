package calendar_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the days must not depend on the machine's zoneinfo

	"briefbot/internal/calendar"
)

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func mustReadICS(t *testing.T, path string) *calendar.ICS {
	t.Helper()
	f, err := calendar.ReadICS(path)
	if err != nil {
		t.Fatalf("ReadICS(%q) = %v", path, err)
	}
	return f
}

// TestClosed: a digest in Mexico City that rests on two dates, on the United States' and
// Mexico's public holidays and on the closures of testdata/closures.ics.
func TestClosed(t *testing.T) {
	zone := mustZone(t, "America/Mexico_City")
	c, err := calendar.New(zone, []string{"2026-12-24", "2026-12-31"}, []string{"us", "mx"}, mustReadICS(t, "testdata/closures.ics"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		date, want string // want "" for open
	}{
		// Thanksgiving week: only the Thursday; the Friday after is no federal holiday.
		{"2026-11-23", ""},
		{"2026-11-26", "Thanksgiving Day (us)"},
		{"2026-11-27", ""},
		// Mexico's Revolution Day is the third Monday of November, not the 20th.
		{"2026-11-16", "Revolution Day (mx)"},
		{"2026-11-20", ""},
		{"2026-02-02", "Constitution Day (mx)"},
		{"2026-03-16", "Benito Juárez's Birthday (mx)"},
		{"2026-10-01", ""},
		{"2030-10-01", "Transfer of Federal Executive Power (mx)"},
		// Observed days: 4 July 2026 is a Saturday, kept on the Friday before; 1 January 2028 is
		// a Saturday too, kept on the last day of 2027.
		{"2026-07-03", "Independence Day (us)"},
		{"2026-07-04", ""},
		{"2027-12-31", "New Year's Day (us)"},
		// The dates listed come before the holidays, the holidays before the file.
		{"2026-12-24", "skip_dates"},
		{"2026-12-25", "Christmas Day (us)"},
		{"2026-12-31", "skip_dates"},
		// An all-day event over three days, DTEND the first day open again.
		{"2026-12-27", ""},
		{"2026-12-28", "Winter break (closures.ics)"},
		{"2026-12-30", "Winter break (closures.ics)"},
		// A yearly event from 2020 on.
		{"2019-03-12", ""},
		{"2020-03-12", "Founders' Day (closures.ics)"},
		{"2031-03-12", "Founders' Day (closures.ics)"},
		// A timed event closes the day it starts on in the digest's zone: 03:00 UTC on the 8th
		// is 21:00 on the 7th in Mexico City.
		{"2026-10-07", "Board retreat, all staff (closures.ics)"},
		{"2026-10-08", ""},
		{"2026-13-01", ""},
		{"", ""},
	}
	for _, tc := range tests {
		why, closed := c.Closed(tc.date)
		if why != tc.want || closed != (tc.want != "") {
			t.Errorf("Closed(%q) = %q, %v; want %q, %v", tc.date, why, closed, tc.want, tc.want != "")
		}
	}
	utc, err := calendar.New(time.UTC, nil, nil, mustReadICS(t, "testdata/closures.ics"))
	if err != nil {
		t.Fatal(err)
	}
	if why, _ := utc.Closed("2026-10-08"); why != "Board retreat, all staff (closures.ics)" {
		t.Errorf("in UTC, Closed(2026-10-08) = %q; want the retreat", why)
	}
}

func TestNewRefuses(t *testing.T) {
	if _, err := calendar.New(nil, []string{"2026-12-1"}, nil); err == nil || !strings.Contains(err.Error(), `"2026-12-1" is not a date`) {
		t.Errorf("New(a bad date) = %v", err)
	}
	if _, err := calendar.New(nil, nil, []string{"usa"}); err == nil || !strings.Contains(err.Error(), `unknown holiday set "usa"`) {
		t.Errorf("New(an unknown set) = %v", err)
	}
}

func TestHolidaySets(t *testing.T) {
	if got := strings.Join(calendar.HolidaySets(), ","); got != "mx,us" {
		t.Errorf("HolidaySets() = %s; want mx,us", got)
	}
	if !calendar.KnownHolidaySet("us") || calendar.KnownHolidaySet("US") {
		t.Errorf("KnownHolidaySet: us must be known, US not")
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-12-24", true}, {"2028-02-29", true}, {"2027-02-29", false}, {"2026-12-1", false},
		{"2026-13-01", false}, {"24/12/2026", false}, {"2026-12-24T00:00:00Z", false}, {"", false},
	} {
		if _, ok := calendar.ParseDate(tc.in); ok != tc.ok {
			t.Errorf("ParseDate(%q) ok = %v; want %v", tc.in, ok, tc.ok)
		}
	}
}

func TestReadICSRefuses(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.ics")
	if err := os.WriteFile(big, []byte("BEGIN:VCALENDAR\r\n"+strings.Repeat("X-PAD:x\r\n", calendar.MaxFileSize/9+1)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "none.ics"), "no such file or directory"},
		{dir, "is a folder, not a regular file"},
		{big, "more than the limit of 1 MiB"},
	} {
		if _, err := calendar.ReadICS(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), dir) {
			t.Errorf("ReadICS(%s) = %v; want %q, without the path", filepath.Base(tc.path), err, tc.want)
		}
	}
}
