package cron

import (
	"testing"
	"time"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	z, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return z
}

func TestNext(t *testing.T) {
	tests := []struct {
		name, zone, spec, after string
		want                    []string // successive runs, RFC 3339 in the zone
	}{
		{"new york spring gap fires at the jump", "America/New_York", "30 2 * * *", "2025-03-08T03:00:00-05:00",
			[]string{"2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"}},
		{"new york spring gap, whole hour once", "America/New_York", "*/15 2 * * *", "2025-03-09T01:59:00-05:00",
			[]string{"2025-03-09T03:00:00-04:00", "2025-03-10T02:00:00-04:00"}},
		{"new york gap and the hour after share one run", "America/New_York", "0 2,3 * * *", "2025-03-09T00:00:00-05:00",
			[]string{"2025-03-09T03:00:00-04:00", "2025-03-10T02:00:00-04:00"}},
		{"new york fall back fires the first time", "America/New_York", "30 1 * * *", "2025-11-01T12:00:00-04:00",
			[]string{"2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"}},
		{"new york fall back, asked during the second pass", "America/New_York", "30 1 * * *", "2025-11-02T01:10:00-05:00",
			[]string{"2025-11-03T01:30:00-05:00"}},
		{"new york 9am across the spring change", "America/New_York", "0 9 * * *", "2025-03-08T09:00:00-05:00",
			[]string{"2025-03-09T09:00:00-04:00", "2025-03-10T09:00:00-04:00"}},
		{"london spring gap", "Europe/London", "30 1 * * *", "2025-03-29T12:00:00Z",
			[]string{"2025-03-30T02:00:00+01:00", "2025-03-31T01:30:00+01:00"}},
		{"london fall back", "Europe/London", "30 1 * * *", "2025-10-25T12:00:00+01:00",
			[]string{"2025-10-26T01:30:00+01:00", "2025-10-27T01:30:00Z"}},
		{"london 9am across the autumn change", "Europe/London", "0 9 * * *", "2025-10-25T09:00:00+01:00",
			[]string{"2025-10-26T09:00:00Z"}},
		{"tokyo has no dst", "Asia/Tokyo", "30 2 * * *", "2025-03-09T00:00:00+09:00",
			[]string{"2025-03-09T02:30:00+09:00", "2025-03-10T02:30:00+09:00"}},
		{"weekdays skip the weekend", "America/Mexico_City", "0 9 * * 1-5", "2025-04-04T09:00:00-06:00",
			[]string{"2025-04-07T09:00:00-06:00", "2025-04-08T09:00:00-06:00"}},
		{"sunday as 7, as crontab(5) allows", "America/New_York", "0 9 * * 5-7", "2025-03-07T09:00:00-05:00",
			[]string{"2025-03-08T09:00:00-05:00", "2025-03-09T09:00:00-04:00", "2025-03-14T09:00:00-04:00"}},
		{"named weekdays", "UTC", "0 9 * * mon,fri", "2025-04-01T00:00:00Z",
			[]string{"2025-04-04T09:00:00Z", "2025-04-07T09:00:00Z"}},
		{"daily descriptor", "Europe/London", "@daily", "2025-03-29T12:00:00Z",
			[]string{"2025-03-30T00:00:00Z", "2025-03-31T00:00:00+01:00"}},
		{"month ends skip short months", "UTC", "0 12 31 * *", "2025-01-31T12:00:00Z",
			[]string{"2025-03-31T12:00:00Z", "2025-05-31T12:00:00Z"}},
		{"leap day", "UTC", "0 0 29 2 *", "2025-01-01T00:00:00Z",
			[]string{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"}},
		{"day of month or weekday", "UTC", "0 8 1 * sun", "2025-05-30T00:00:00Z",
			[]string{"2025-06-01T08:00:00Z", "2025-06-08T08:00:00Z"}},
		{"strictly after", "UTC", "0 9 * * *", "2025-04-01T09:00:00Z",
			[]string{"2025-04-02T09:00:00Z"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.spec, zone(t, tc.zone))
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.spec, err)
			}
			after, err := time.Parse(time.RFC3339, tc.after)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				got := s.Next(after)
				if got.Format(time.RFC3339) != w {
					t.Fatalf("Next(%s) = %s; want %s", after.Format(time.RFC3339), got.Format(time.RFC3339), w)
				}
				after = got
			}
		})
	}
}

func TestRunsFlagClockChanges(t *testing.T) {
	tests := []struct {
		zone, spec, after string
		want              []Adjust
	}{
		{"America/New_York", "30 2 * * *", "2025-03-07T12:00:00-05:00", []Adjust{Exact, InGap, Exact}},
		{"America/New_York", "30 1 * * *", "2025-10-31T12:00:00-04:00", []Adjust{Exact, Repeated, Exact}},
		{"Europe/London", "30 1 * * *", "2025-03-28T12:00:00Z", []Adjust{Exact, InGap, Exact}},
		{"Europe/London", "30 1 * * *", "2025-10-24T12:00:00+01:00", []Adjust{Exact, Repeated, Exact}},
		{"Asia/Tokyo", "30 1 * * *", "2025-10-24T12:00:00+09:00", []Adjust{Exact, Exact, Exact}},
	}
	for _, tc := range tests {
		s, err := Parse(tc.spec, zone(t, tc.zone))
		if err != nil {
			t.Fatal(err)
		}
		after, _ := time.Parse(time.RFC3339, tc.after)
		runs := s.Runs(after, len(tc.want))
		for i, r := range runs {
			if r.Adjust != tc.want[i] {
				t.Errorf("%s %q: Runs(%s)[%d] = %v; want adjust %d", tc.zone, tc.spec, tc.after, i, r, tc.want[i])
			}
		}
		if len(runs) != len(tc.want) {
			t.Errorf("%s %q: %d runs; want %d", tc.zone, tc.spec, len(runs), len(tc.want))
		}
	}
	s, _ := Parse("30 2 * * *", zone(t, "America/New_York"))
	gap := s.Runs(time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC), 1)[0].String()
	if want := "Sun 2025-03-09 03:00 EDT (02:30 does not exist that day: clocks move forward)"; gap != want {
		t.Errorf("Run.String() = %q; want %q", gap, want)
	}
}

// TestRunsFrom: a day's runs start at its midnight in the schedule's zone, or when the clocks
// skip midnight, at the moment they jump.
func TestRunsFrom(t *testing.T) {
	tests := []struct {
		name, zone, spec string
		day              time.Time
		want             string // the first run, RFC 3339 in the zone
		adjust           Adjust
	}{
		{"new york spring gap", "America/New_York", "30 2 * * *", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "2027-03-14T03:00:00-04:00", InGap},
		{"new york fall back", "America/New_York", "30 1 * * *", time.Date(2027, 11, 7, 0, 0, 0, 0, time.UTC), "2027-11-07T01:30:00-04:00", Repeated},
		{"midnight is on the day", "Asia/Tokyo", "@daily", time.Date(2027, 3, 13, 0, 0, 0, 0, time.UTC), "2027-03-13T00:00:00+09:00", Exact},
		{"the day's own zone does not matter", "Asia/Tokyo", "@daily", time.Date(2027, 3, 13, 23, 0, 0, 0, zone(t, "America/Los_Angeles")), "2027-03-13T00:00:00+09:00", Exact},
		{"the last minute is on the day", "America/Los_Angeles", "59 23 * * *", time.Date(2027, 3, 13, 0, 0, 0, 0, time.UTC), "2027-03-13T23:59:00-08:00", Exact},
		{"havana skips midnight", "America/Havana", "@daily", time.Date(2027, 3, 14, 0, 0, 0, 0, time.UTC), "2027-03-14T01:00:00-04:00", InGap},
		{"havana repeats midnight", "America/Havana", "30 0 * * *", time.Date(2027, 11, 7, 0, 0, 0, 0, time.UTC), "2027-11-07T00:30:00-04:00", Repeated},
		{"santiago skips midnight", "America/Santiago", "0 0,6 * * *", time.Date(2027, 9, 5, 0, 0, 0, 0, time.UTC), "2027-09-05T01:00:00-03:00", InGap},
		{"santiago repeats the day's last hour", "America/Santiago", "30 23 * * *", time.Date(2027, 4, 3, 0, 0, 0, 0, time.UTC), "2027-04-03T23:30:00-03:00", Repeated},
		{"a weekly run waits for its day", "UTC", "0 9 * * 7", time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), "2027-03-21T09:00:00Z", Exact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(tc.spec, zone(t, tc.zone))
			if err != nil {
				t.Fatal(err)
			}
			runs := s.RunsFrom(tc.day, 2)
			if len(runs) != 2 || runs[0].At.Format(time.RFC3339) != tc.want || runs[0].Adjust != tc.adjust {
				t.Errorf("Parse(%q) in %s: RunsFrom(%s) = %v; want first %s, adjust %d", tc.spec, tc.zone, tc.day, runs, tc.want, tc.adjust)
			}
		})
	}
	if runs := (Schedule{}).RunsFrom(time.Now(), 1); runs != nil {
		t.Errorf("Schedule{}.RunsFrom = %v; want none", runs)
	}
}

func TestBetween(t *testing.T) {
	s, _ := Parse("0 9,17 * * *", time.UTC)
	from := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	got := s.Between(from, from.Add(48*time.Hour), 10)
	if len(got) != 4 || !got[0].Equal(from.Add(8*time.Hour)) || !got[3].Equal(from.Add(48*time.Hour)) {
		t.Errorf("Between(%s, +48h) = %v; want 17:00, 09:00, 17:00, 09:00", from, got)
	}
	if got := s.Between(from, from.Add(48*time.Hour), 2); len(got) != 2 || !got[1].Equal(from.Add(48*time.Hour)) {
		t.Errorf("Between(limit 2) = %v; want the latest two", got)
	}
}

func FuzzParseNext(f *testing.F) {
	zones := []string{"UTC", "America/New_York", "Europe/London", "Asia/Tokyo", "Australia/Lord_Howe", "America/Sao_Paulo", "Pacific/Apia"}
	for _, spec := range []string{"0 9 * * 1-5", "30 2 * * *", "*/7 1-3 * * *", "@daily", "0 0 29 2 *", "TZ=0", "@every 1h", "0 9 31 * sun"} {
		f.Add(spec, int64(1741500000), uint8(1))
	}
	f.Add("30 1 * * *", int64(1761436800), uint8(2))
	f.Add("15 2 1 1 *", int64(-2208988800), uint8(4))
	f.Add("0 12 * * *", int64(1325000000), uint8(6))
	f.Fuzz(func(t *testing.T, spec string, unix int64, zoneIndex uint8) {
		s, err := Parse(spec, zone(t, zones[int(zoneIndex)%len(zones)]))
		if err != nil {
			return
		}
		prev := time.Unix(unix%(300*366*86400), 0)
		for range 5 {
			next := s.Next(prev)
			if next.IsZero() {
				return
			}
			if !next.After(prev) {
				t.Fatalf("Parse(%q).Next(%s) = %s; not after it", spec, prev, next)
			}
			for _, between := range []time.Time{next.Add(-time.Nanosecond), prev.Add(next.Sub(prev) / 2)} {
				if got := s.Next(between); !got.Equal(next) {
					t.Fatalf("Parse(%q): Next(%s) = %s but Next(%s) = %s", spec, prev, next, between, got)
				}
			}
			prev = next
		}
	})
}
