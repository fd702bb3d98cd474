package schedule

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// closedOn is a digest calendar that closes the dates of why, each for its reason, as the
// config's skip_dates, holidays and .ics calendars make one.
func closedOn(why map[string]string) func(date string) (string, bool) {
	return func(date string) (string, bool) {
		reason, closed := why[date]
		return reason, closed
	}
}

// closedReasons is what expectHeld wants of the slots on the dates of why: skipped as closed.
func closedReasons(why map[string]string) map[string]string {
	reasons := map[string]string{}
	for date, w := range why {
		reasons[date] = "closed: " + w
	}
	return reasons
}

// TestClosedOverAWeek: a week of a daily digest with a US holiday, a weekend and a Mexican
// holiday, in zones where the slot's local date and its UTC date differ. The digest posts on
// the three open days only; each closed day's slot is skipped with its calendar's reason, or
// with a moderator's skip when one falls on a closed day too.
func TestClosedOverAWeek(t *testing.T) {
	// Wednesday 11 November 2026 to Tuesday 17 November.
	calendar := map[string]string{
		"2026-11-11": "Veterans Day (us)",
		"2026-11-14": "skip_dates",
		"2026-11-15": "skip_dates",
		"2026-11-16": "Revolution Day (mx)",
	}
	for _, tc := range []struct {
		name, zone, spec, start, end string
		skip                         string // a moderator's skip of a date, "" for none
	}{
		{"new york, mornings", "America/New_York", "0 9 * * *",
			"2026-11-11T00:00:00-05:00", "2026-11-18T00:00:00-05:00", ""},
		// 20:00 in Mexico City is 02:00 the next day in UTC.
		{"mexico city, evenings", "America/Mexico_City", "0 20 * * *",
			"2026-11-11T00:00:00-06:00", "2026-11-18T00:00:00-06:00", ""},
		// 07:00 in Tokyo is 22:00 the day before in UTC.
		{"tokyo, early", "Asia/Tokyo", "0 7 * * *",
			"2026-11-11T00:00:00+09:00", "2026-11-18T00:00:00+09:00", ""},
		{"mexico city, a closed day skipped by a moderator too", "America/Mexico_City", "0 20 * * *",
			"2026-11-11T00:00:00-06:00", "2026-11-18T00:00:00-06:00", "2026-11-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, end := at(t, tc.start), at(t, tc.end)
				g := newRig(t, start, kind)
				d := g.digest("morning", "slack", tc.spec, tc.zone, "C1", "C2")
				d.Closed = closedOn(calendar)
				p := g.start("a", d)
				reasons := closedReasons(calendar)
				if tc.skip != "" {
					hold(t, p, bot.Hold{Digest: "morning", Skip: tc.skip, By: "slack:U1"})
					reasons[tc.skip] = "skipped by slack:U1 (" + tc.skip + ")"
				}
				g.clock.advanceTo(end)
				p.stop(t)
				g.expectHeld(d, start, end, heldOn(d, reasons))
				if n, want := g.slack.count(), 2*3; n != want {
					t.Errorf("%d posts; want %d, the three open days in two channels", n, want)
				}
			})
		})
	}
}

// TestClosedSlotNotCaughtUp: a slot on a closed date missed in a downtime is recorded skipped
// as closed when the process comes back within its catch-up window, never posted late; the
// latest open slot before it is posted instead.
func TestClosedSlotNotCaughtUp(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2026-12-24T08:00:00Z")
		g := newRig(t, start, kind)
		// 23:00 on Christmas Eve, open, then midnight on Christmas Day, closed.
		d := g.digest("night", "slack", "0 0,23 * * *", "UTC", "C1", "C2")
		d.CatchUp = 3 * time.Hour
		d.Closed = closedOn(map[string]string{"2026-12-25": "Christmas Day (us)"})
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2026-12-24T22:30:00Z"))
		a.stop(t)
		back := at(t, "2026-12-25T00:30:00Z")
		g.clock.advanceTo(back)
		b := g.start("b", d)
		g.clock.advanceTo(back.Add(time.Minute))
		b.stop(t)
		g.expectHeld(d, start, g.clock.Now(), heldOn(d, map[string]string{"2026-12-25": "closed: Christmas Day (us)"}))
		for _, ch := range d.Channels {
			if out := g.outcome(d, ch, at(t, "2026-12-24T23:00:00Z")); out.Result != store.Late {
				t.Errorf("23:00 on the 24th in %s ended %s; want late, posted instead of the closed slot after it", ch, out.Result)
			}
		}
	})
}

// TestStatusNextPastClosures: Status' Next is the first run neither a hold covers nor the
// calendar closes, in the digest's zone; none when the calendar closes every run for good.
func TestStatusNextPastClosures(t *testing.T) {
	// Every date of a year, as a calendar recurring yearly that closes them all has it.
	everyDay := func(date string) (string, bool) { return "closed every day", true }
	// Friday 25 December 2026, in Berlin; the run of the 25th, at 02:30, is past.
	for _, tc := range []struct {
		name   string
		spec   string
		closed func(date string) (string, bool)
		holds  []bot.Hold
		want   string // "" for none
	}{
		{"open", "30 2 * * *", closedOn(nil), nil, "2026-12-26T02:30:00+01:00"},
		{"tomorrow closed", "30 2 * * *", closedOn(map[string]string{"2026-12-26": "St Stephen's Day (de)"}), nil,
			"2026-12-27T02:30:00+01:00"},
		{"a closed weekend", "30 2 * * *",
			closedOn(map[string]string{"2026-12-26": "St Stephen's Day (de)", "2026-12-27": "skip_dates"}), nil,
			"2026-12-28T02:30:00+01:00"},
		{"closed, then skipped", "30 2 * * *", closedOn(map[string]string{"2026-12-26": "St Stephen's Day (de)"}),
			[]bot.Hold{{Skip: "2026-12-27"}}, "2026-12-28T02:30:00+01:00"},
		{"paused until a closed date", "30 2 * * *",
			closedOn(map[string]string{"2026-12-28": "skip_dates", "2026-12-29": "skip_dates"}),
			[]bot.Hold{{Until: "2026-12-28"}}, "2026-12-30T02:30:00+01:00"},
		{"weekly, its next two runs closed", "0 9 * * 1",
			closedOn(map[string]string{"2026-12-28": "skip_dates", "2027-01-04": "skip_dates"}), nil,
			"2027-01-11T09:00:00+01:00"},
		{"yearly, its next run closed", "0 9 1 1 *",
			closedOn(map[string]string{"2027-01-01": "New Year's Day (de)"}), nil, "2028-01-01T09:00:00+01:00"},
		{"closed every day", "30 2 * * *", everyDay, nil, ""},
		{"yearly, on a date closed every year", "0 9 25 12 *", func(date string) (string, bool) {
			return "Christmas Day (de)", date[5:] == "12-25"
		}, nil, ""},
		{"paused until resumed, and closed every day", "30 2 * * *", everyDay, []bot.Hold{{}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newRig(t, at(t, "2026-12-25T12:00:00+01:00"), memory)
				d := g.digest("night", "discord", tc.spec, "Europe/Berlin", "D1", "D2")
				d.Closed = tc.closed
				p := g.scheduler("a", d)
				for _, h := range tc.holds {
					h.Digest, h.By = "night", "shell"
					hold(t, p, h)
				}
				st, err := p.Status(t.Context())
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range st {
					if got := s.Next; tc.want == "" && !got.IsZero() || tc.want != "" && !got.Equal(at(t, tc.want)) {
						t.Errorf("Status(%s).Next = %v; want %q", s.Channel, got, tc.want)
					}
				}
			})
		})
	}
}

// TestPostNowOnAClosedDay: /digest now posts on a day the calendar closes, and the scheduled
// slot of that day is skipped all the same.
func TestPostNowOnAClosedDay(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		g := newRig(t, at(t, "2026-12-25T08:00:00Z"), kind)
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
		d.Closed = closedOn(map[string]string{"2026-12-25": "Christmas Day (us)"})
		p := g.start("a", d)
		res, err := p.PostNow(t.Context(), "morning", "slack:U1")
		if err != nil || !slices.Equal(res.Posted, []string{"slack:C1"}) {
			t.Errorf("PostNow on a closed day = %+v, %v; want C1 posted", res, err)
		}
		slot := at(t, "2026-12-25T09:00:00Z")
		g.clock.advanceTo(slot.Add(time.Minute))
		p.stop(t)
		if out := g.outcome(d, "C1", slot); out.Result != store.Skipped || out.Reason != "closed: Christmas Day (us)" {
			t.Errorf("the 09:00 slot ended %s (%s); want skipped, closed", out.Result, out.Reason)
		}
		if n := g.slack.count(); n != 1 {
			t.Errorf("%d posts; want the one asked for", n)
		}
	})
}
