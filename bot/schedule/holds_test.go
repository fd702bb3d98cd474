package schedule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// heldOn says, for expectHeld, which slots of d are held back and why: by their local date in
// d's zone.
func heldOn(d bot.Digest, reasons map[string]string) func(time.Time) string {
	return func(at time.Time) string { return reasons[at.In(d.Schedule.Zone()).Format(time.DateOnly)] }
}

// hold says h to p, as a moderator would, and fails the test when p refuses it.
func hold(t *testing.T, p *proc, h bot.Hold) {
	t.Helper()
	if err := p.Hold(t.Context(), h); err != nil {
		t.Fatalf("Hold(%+v) = %v", h, err)
	}
}

// TestSkipOverAWeek: a week of a daily digest, with a weekday skipped, in zones where the
// slot's local date and its UTC date differ. Every other day posts once; the skipped day posts
// nothing and its slot is skipped with who said so.
func TestSkipOverAWeek(t *testing.T) {
	for _, tc := range []struct {
		name, zone, spec, start, end, skip string
		slots                              int
	}{
		// 20:00 in Mexico City is 02:00 the next day in UTC.
		{"mexico city, evenings", "America/Mexico_City", "0 20 * * *",
			"2026-03-02T00:00:00-06:00", "2026-03-09T00:00:00-06:00", "2026-03-04", 7},
		// 00:30 in Berlin is 23:30 the day before in UTC.
		{"berlin, weekdays past midnight", "Europe/Berlin", "30 0 * * 1-5",
			"2026-03-02T00:00:00+01:00", "2026-03-09T00:00:00+01:00", "2026-03-04", 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, end := at(t, tc.start), at(t, tc.end)
				g := newRig(t, start, kind)
				d := g.digest("morning", "slack", tc.spec, tc.zone, "C1", "C2")
				p := g.start("a", d)
				hold(t, p, bot.Hold{Digest: "morning", Skip: tc.skip, By: "slack:U1"})
				g.clock.advanceTo(end)
				p.stop(t)
				if n := len(d.Schedule.Between(start, end, 100)); n != tc.slots {
					t.Fatalf("%d slots in the week; want %d", n, tc.slots)
				}
				g.expectHeld(d, start, end, heldOn(d, map[string]string{tc.skip: "skipped by slack:U1 (" + tc.skip + ")"}))
				if n, want := g.slack.count(), 2*(tc.slots-1); n != want {
					t.Errorf("%d posts; want %d, every slot but the skipped one's in two channels", n, want)
				}
			})
		})
	}
}

// TestPauseAcrossDaylightSaving pauses a Berlin digest at 02:30, which the clocks skip on the
// last Sunday of March, from the Friday before until a date: the slots in between, the one
// moved by the change included, are skipped, and the digest posts again on the date the pause
// ends, where Status said it would.
func TestPauseAcrossDaylightSaving(t *testing.T) {
	for _, tc := range []struct {
		until    string
		held     []string
		wantNext string // Status' Next once paused
	}{
		{"2026-03-30", []string{"2026-03-28", "2026-03-29"}, "2026-03-30T02:30:00+02:00"},
		// The day of the change: its first run is at 03:00, when the clocks jump.
		{"2026-03-29", []string{"2026-03-28"}, "2026-03-29T03:00:00+02:00"},
	} {
		t.Run("until "+tc.until, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, end := at(t, "2026-03-26T12:00:00+01:00"), at(t, "2026-03-31T12:00:00+02:00")
				g := newRig(t, start, kind)
				d := g.digest("night", "discord", "30 2 * * *", "Europe/Berlin", "D1")
				p := g.start("a", d)
				g.clock.advanceTo(at(t, "2026-03-27T12:00:00+01:00")) // after Friday's slot
				hold(t, p, bot.Hold{Digest: "night", Until: tc.until, By: "discord:123"})
				st, err := p.Status(t.Context())
				if err != nil || len(st) != 1 || !st[0].Next.Equal(at(t, tc.wantNext)) {
					t.Errorf("Status once paused = %+v, %v; want next %s", st, err, tc.wantNext)
				}
				g.clock.advanceTo(end)
				p.stop(t)
				reasons := map[string]string{}
				for _, date := range tc.held {
					reasons[date] = "paused by discord:123 until " + tc.until
				}
				g.expectHeld(d, start, end, heldOn(d, reasons))
				if n, want := g.discord.count(), 5-len(tc.held); n != want {
					t.Errorf("%d posts; want %d", n, want)
				}
			})
		})
	}
}

// TestResumeBeforeUntil: a pause ended, or a skip taken back, before its date posts the next
// slot, and the audit trail says who did what.
func TestResumeBeforeUntil(t *testing.T) {
	for _, tc := range []struct {
		name      string
		hold      bot.Hold
		unskip    string
		action    string // the audit trail's entries, oldest first, as "actor | action | outcome"
		reason    string // of the held slot, 2 April's
		wantAudit []string
	}{
		{"resume", bot.Hold{Digest: "morning", Until: "2025-04-10", By: "slack:U1"}, "", "resume",
			"paused by slack:U1 until 2025-04-10", []string{
				"slack:U1 | digest pause morning until 2025-04-10 | ok",
				"discord:2 | digest resume morning | ok",
				"shell | digest resume morning | ok: was not paused",
			}},
		{"unskip", bot.Hold{Digest: "morning", Skip: "2025-04-03", By: "slack:U1"}, "2025-04-03", "unskip",
			"", []string{
				"slack:U1 | digest skip morning 2025-04-03 | ok",
				"discord:2 | digest unskip morning 2025-04-03 | ok",
				"shell | digest unskip morning 2025-04-03 | ok: was not skipped",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start := at(t, "2025-04-01T12:00:00+02:00")
				g := newRig(t, start, kind)
				d := g.digest("morning", "slack", "0 9 * * *", "Europe/Berlin", "C1")
				p := g.start("a", d)
				hold(t, p, tc.hold)
				if hs, err := p.Holds(t.Context(), "morning"); err != nil || len(hs) != 1 || hs[0].By != "slack:U1" {
					t.Errorf("Holds = %+v, %v; want the %s", hs, err, tc.name)
				}
				g.clock.advanceTo(at(t, "2025-04-02T12:00:00+02:00"))
				for _, actor := range []string{"discord:2", "shell"} {
					was, err := p.Unhold(t.Context(), "morning", tc.unskip, actor)
					if err != nil || was != (actor == "discord:2") {
						t.Errorf("Unhold(%q) by %s = %v, %v; want %v", tc.unskip, actor, was, err, actor == "discord:2")
					}
				}
				if hs, err := p.Holds(t.Context(), ""); err != nil || len(hs) != 0 {
					t.Errorf("Holds after %s = %+v, %v; want none", tc.action, hs, err)
				}
				end := at(t, "2025-04-04T12:00:00+02:00")
				g.clock.advanceTo(end)
				p.stop(t)
				g.expectHeld(d, start, end, heldOn(d, map[string]string{"2025-04-02": tc.reason}))
				audit, err := g.ledger.AuditSince(t.Context(), time.Time{}, 0)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range slices.Backward(audit) {
					got = append(got, e.Actor+" | "+e.Action+" | "+e.Outcome)
				}
				if !slices.Equal(got, tc.wantAudit) {
					t.Errorf("audit trail =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.wantAudit, "\n"))
				}
			})
		})
	}
}

// TestHeldSlotNotCaughtUp: a held slot missed in a downtime is recorded skipped for its hold
// when the process comes back within its catch-up window, never posted late; the latest slot
// the hold does not cover is posted instead.
func TestHeldSlotNotCaughtUp(t *testing.T) {
	for _, tc := range []struct {
		name, spec string
		hold       bot.Hold
		heldAt     time.Time // the moderator speaks, while the bot is down
		back       time.Time
		want       map[string]string // slot: its hold's reason, or "late"
	}{
		{"skipped date", "0 9 * * *", bot.Hold{Skip: "2025-04-02", By: "shell"},
			at(t, "2025-04-02T08:40:00Z"), at(t, "2025-04-02T09:30:00Z"),
			map[string]string{"2025-04-02T09:00:00Z": "skipped by shell (2025-04-02)"}},
		{"paused between two slots missed", "0 9,11 * * *", bot.Hold{By: "slack:U1"},
			at(t, "2025-04-02T10:00:00Z"), at(t, "2025-04-02T11:30:00Z"),
			map[string]string{"2025-04-02T09:00:00Z": "late", "2025-04-02T11:00:00Z": "paused by slack:U1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start := at(t, "2025-04-01T08:00:00Z")
				g := newRig(t, start, kind)
				d := g.digest("morning", "slack", tc.spec, "UTC", "C1", "C2")
				d.CatchUp = 3 * time.Hour
				a := g.start("a", d)
				g.clock.advanceTo(at(t, "2025-04-02T08:30:00Z"))
				a.stop(t)
				g.clock.advanceTo(tc.heldAt)
				h := tc.hold
				h.Digest = d.Name
				hold(t, g.scheduler("moderator", d), h)
				g.clock.advanceTo(tc.back)
				b := g.start("b", d)
				g.clock.advanceTo(tc.back.Add(time.Minute))
				b.stop(t)
				g.expectHeld(d, start, g.clock.Now(), func(at time.Time) string {
					if r := tc.want[at.UTC().Format(time.RFC3339)]; r != "late" {
						return r
					}
					return ""
				})
				for slot, r := range tc.want {
					if r != "late" {
						continue
					}
					for _, ch := range d.Channels {
						if out := g.outcome(d, ch, at(t, slot)); out.Result != store.Late {
							t.Errorf("%s in %s ended %s; want late, posted instead of the held slot after it", slot, ch, out.Result)
						}
					}
				}
			})
		})
	}
}

// TestReplicasHonourEachOthersHolds: a hold said to one replica is honoured by another at its
// next slot, the one told having gone down meanwhile, and so is its end, on every kind of
// ledger replicas share.
func TestReplicasHonourEachOthersHolds(t *testing.T) {
	on(t, []namedKind{inMemory, inSQLite, sharedPostgres(t)}, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1", "C2", "C3")
		a, b := g.start("a", d), g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-01T12:00:00Z"))
		hold(t, a, bot.Hold{Digest: "morning", By: "slack:U1"})
		a.stop(t)
		if hs, err := b.Holds(t.Context(), "morning"); err != nil || len(hs) != 1 || hs[0].By != "slack:U1" {
			t.Errorf("b's Holds = %+v, %v; want the pause said to a", hs, err)
		}
		if st, err := b.Status(t.Context()); err != nil || !st[0].Next.IsZero() {
			t.Errorf("b's Status = %+v, %v; want no next run while paused", st, err)
		}
		g.clock.advanceTo(at(t, "2025-04-02T12:00:00Z"))
		hold(t, b, bot.Hold{Digest: "morning", Skip: "2025-04-04", By: "discord:1"})
		if was, err := b.Unhold(t.Context(), "morning", "", "discord:1"); err != nil || !was {
			t.Errorf("b.Unhold(pause) = %v, %v; want true", was, err)
		}
		b.stop(t)
		c := g.start("c", d) // a replica that heard neither
		end := at(t, "2025-04-05T12:00:00Z")
		g.clock.advanceTo(end)
		c.stop(t)
		g.expectHeld(d, start, end, heldOn(d, map[string]string{
			"2025-04-02": "paused by slack:U1",
			"2025-04-04": "skipped by discord:1 (2025-04-04)",
		}))
	})
}

// TestStatusNextSkipsHeldRuns: Status' Next is the first run no hold covers, through the day the
// clocks skip 02:30 in Berlin.
func TestStatusNextSkipsHeldRuns(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spec  string
		holds []bot.Hold
		want  string // "" for none
	}{
		{"no hold", "30 2 * * *", nil, "2026-03-28T02:30:00+01:00"},
		{"today skipped, its run past", "30 2 * * *", []bot.Hold{{Skip: "2026-03-27"}}, "2026-03-28T02:30:00+01:00"},
		{"next run skipped", "30 2 * * *", []bot.Hold{{Skip: "2026-03-28"}}, "2026-03-29T03:00:00+02:00"},
		{"two runs skipped", "30 2 * * *", []bot.Hold{{Skip: "2026-03-29"}, {Skip: "2026-03-28"}}, "2026-03-30T02:30:00+02:00"},
		{"paused until the change", "30 2 * * *", []bot.Hold{{Until: "2026-03-29"}}, "2026-03-29T03:00:00+02:00"},
		{"paused, then the end date skipped", "30 2 * * *", []bot.Hold{{Until: "2026-03-29"}, {Skip: "2026-03-29"}}, "2026-03-30T02:30:00+02:00"},
		{"paused until a day without a run", "0 9 * * 1", []bot.Hold{{Until: "2026-03-31"}}, "2026-04-06T09:00:00+02:00"},
		{"paused until resumed", "30 2 * * *", []bot.Hold{{Until: "2026-03-29"}, {}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				g := newRig(t, at(t, "2026-03-27T12:00:00+01:00"), memory)
				d := g.digest("night", "discord", tc.spec, "Europe/Berlin", "D1", "D2")
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

// TestHoldsInForce: Holds lists what still holds anything back in each digest's own zone, the
// digests in their order; a hold over, or a digest no longer run, is left out.
func TestHoldsInForce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		// 14:00 on the 25th in Los Angeles, 11:00 on the 26th in Auckland.
		g := newRig(t, at(t, "2026-12-25T22:00:00Z"), memory)
		la := g.digest("la", "slack", "0 9 * * *", "America/Los_Angeles", "C1")
		nz := g.digest("auckland", "slack", "0 9 * * *", "Pacific/Auckland", "C2")
		for _, h := range []store.Hold{
			{Digest: "la", Until: "2026-12-26"}, {Digest: "auckland", Until: "2026-12-26"},
			{Digest: "la", Skip: "2026-12-25"}, {Digest: "auckland", Skip: "2026-12-25"},
			{Digest: "la", Skip: "2026-12-31"}, {Digest: "auckland", Skip: "2026-12-31"},
			{Digest: "gone", Skip: "2026-12-31"},
		} {
			if err := g.ledger.PutHold(t.Context(), h); err != nil {
				t.Fatal(err)
			}
		}
		p := g.scheduler("a", la, nz)
		for _, tc := range []struct {
			name string
			want string
		}{
			{"", "la pause until 2026-12-26, la skip 2026-12-25, la skip 2026-12-31, auckland skip 2026-12-31"},
			{"auckland", "auckland skip 2026-12-31"},
		} {
			hs, err := p.Holds(t.Context(), tc.name)
			var got []string
			for _, h := range hs {
				s := h.Digest + " pause until " + h.Until
				if h.Skip != "" {
					s = h.Digest + " skip " + h.Skip
				}
				got = append(got, s)
			}
			if err != nil || strings.Join(got, ", ") != tc.want {
				t.Errorf("Holds(%q) = %s, %v; want %s", tc.name, strings.Join(got, ", "), err, tc.want)
			}
		}
		// Over, but there: dropped, and reported as none.
		if was, err := p.Unhold(t.Context(), "auckland", "2026-12-25", "shell"); err != nil || was {
			t.Errorf("Unhold of a date past = %v, %v; want false", was, err)
		}
		if hs, _ := g.ledger.Holds(t.Context(), "auckland"); len(hs) != 2 {
			t.Errorf("the ledger keeps %v; want the pause and the skip of the 31st", hs)
		}
	})
}

// TestHoldRefused: what Hold and Unhold refuse, with messages a moderator can act on, changing
// nothing; a scheduler that only reads the ledger refuses both and answers Holds.
func TestHoldRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newRig(t, at(t, "2026-03-27T12:00:00+01:00"), memory)
		d := g.digest("night", "discord", "30 2 * * *", "Europe/Berlin", "D1")
		p := g.scheduler("a", d)
		if err := g.ledger.PutHold(t.Context(), store.Hold{Digest: "night", Skip: "2026-12-25", By: "shell"}); err != nil {
			t.Fatal(err)
		}
		readOnly, err := New(Config{Digests: []bot.Digest{d}, Ledger: g.ledger, Owner: "cli", Compose: g.compose, Clock: g.clock})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			call func() error
			want string
		}{
			{"unknown digest", func() error { return p.Hold(t.Context(), bot.Hold{Digest: "nightly", By: "shell"}) },
				`no digest named "nightly"`},
			{"skip of a date past", func() error { return p.Hold(t.Context(), bot.Hold{Digest: "night", Skip: "2026-03-26"}) },
				"2026-03-26 has passed in Europe/Berlin"},
			{"skip of no date", func() error { return p.Hold(t.Context(), bot.Hold{Digest: "night", Skip: "26/03/2026"}) },
				`"26/03/2026" is not a date: write it as 2026-12-25`},
			{"pause until today", func() error { return p.Hold(t.Context(), bot.Hold{Digest: "night", Until: "2026-03-27"}) },
				"a pause until 2026-03-27 would be over already: it is 2026-03-27 in Europe/Berlin"},
			{"skip with an end", func() error {
				return p.Hold(t.Context(), bot.Hold{Digest: "night", Skip: "2026-03-28", Until: "2026-03-29"})
			}, "a skipped date has no end date"},
			{"unhold of an unknown digest", func() error { _, err := p.Unhold(t.Context(), "nightly", "", "shell"); return err },
				`no digest named "nightly"`},
			{"unskip of no date", func() error { _, err := p.Unhold(t.Context(), "night", "tomorrow", "shell"); return err },
				`"tomorrow" is not a date: write it as 2026-12-25`},
			{"holds of an unknown digest", func() error { _, err := p.Holds(t.Context(), "nightly"); return err },
				`no digest named "nightly"`},
			{"hold on a read-only scheduler", func() error { return readOnly.Hold(t.Context(), bot.Hold{Digest: "night"}) },
				errHoldsReadOnly.Error()},
			{"unhold on a read-only scheduler", func() error {
				_, err := readOnly.Unhold(t.Context(), "night", "2026-12-25", "shell")
				return err
			}, errHoldsReadOnly.Error()},
		} {
			if err := tc.call(); err == nil || err.Error() != tc.want {
				t.Errorf("%s: %v; want %q", tc.name, err, tc.want)
			}
		}
		if hs, err := readOnly.Holds(t.Context(), ""); err != nil || len(hs) != 1 || hs[0].Skip != "2026-12-25" {
			t.Errorf("read-only Holds = %+v, %v; want the skip of 2026-12-25", hs, err)
		}
		if hs, _ := g.ledger.Holds(t.Context(), ""); len(hs) != 1 {
			t.Errorf("the ledger has %+v after refused calls; want the one hold put before", hs)
		}
		if audit, _ := g.ledger.AuditSince(t.Context(), time.Time{}, 0); len(audit) != 0 {
			t.Errorf("audit trail %+v after refused calls; want none", audit)
		}
	})
}

// holdsDown is a ledger whose holds cannot be read until a given time, as while the database
// is down for reads.
type holdsDown struct {
	store.Ledger
	clock Clock
	until time.Time
}

func (l holdsDown) Holds(ctx context.Context, digest string) ([]store.Hold, error) {
	if l.clock.Now().Before(l.until) {
		return nil, errors.New("database unavailable")
	}
	return l.Ledger.Holds(ctx, digest)
}

// TestHoldsUnreadable: while a digest's holds cannot be read, none of its slots is posted, due
// or caught up; once they can, a held slot is skipped and a free one posted, once.
func TestHoldsUnreadable(t *testing.T) {
	for _, downtime := range []bool{false, true} {
		for _, paused := range []bool{false, true} {
			t.Run(fmt.Sprintf("downtime %v, paused %v", downtime, paused), func(t *testing.T) {
				ledgers(t, func(t *testing.T, kind ledgerKind) {
					start := at(t, "2025-04-01T08:00:00Z")
					g := newRig(t, start, kind)
					back := at(t, "2025-04-01T09:00:20Z")
					if downtime {
						back = at(t, "2025-04-01T09:10:20Z")
					}
					g.faults = func(l store.Ledger) store.Ledger { return holdsDown{l, g.clock, back} }
					d := g.digest("morning", "discord", "0 9 * * *", "UTC", "D1", "D2")
					a := g.start("a", d)
					if paused {
						hold(t, a, bot.Hold{Digest: "morning", By: "shell"})
					}
					if downtime {
						g.clock.advanceTo(at(t, "2025-04-01T08:30:00Z"))
						a.stop(t)
						g.clock.advanceTo(at(t, "2025-04-01T09:10:00Z"))
						a = g.start("b", d)
					}
					g.clock.advanceTo(back.Add(-time.Second))
					if n := g.discord.count(); n != 0 {
						t.Errorf("%d posts while the holds were unreadable; want none", n)
					}
					if !downtime { // the slot waits, owed
						expectDue(t, a, "morning", "while its holds cannot be read", at(t, "2025-04-01T09:00:00Z"))
					}
					g.clock.advanceTo(back.Add(time.Minute))
					a.stop(t)
					reason := ""
					if paused {
						reason = "paused by shell"
					}
					g.expectHeld(d, start, g.clock.Now(), func(time.Time) string { return reason })
					for _, posts := range g.discord.sent() {
						if posts[0].at.After(back.Add(recheckEvery)) {
							t.Errorf("posted at %s; want within %s of the holds being readable, at %s", posts[0].at, recheckEvery, back)
						}
					}
				})
			})
		}
	}
}

// TestHeldSlotTakenOver: a replica dies holding a slot's claim; a moderator then skips the
// slot's date. The replica that takes the slot over settles it for the skip: skipped when the
// dead one had not posted it, posted when the channel's history shows it had. A thread counts as
// posted when its detail is there: a headline alone is not the digest.
func TestHeldSlotTakenOver(t *testing.T) {
	for _, tc := range []struct {
		name   string
		thread bool
		kill   killPoint
		posts  int // what a posted before it died: b posts nothing
		want   store.Result
	}{
		{"killed before posting", false, killPoint{step: stepPost}, 0, store.Skipped},
		{"killed after posting", false, killPoint{step: stepPost, after: true}, 1, store.Posted},
		{"thread, killed after its headline", true, killPoint{step: stepHeadline, after: true}, 1, store.Skipped},
		{"thread, killed after its detail", true, killPoint{step: stepDetail, after: true}, 2, store.Posted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start, slot := at(t, "2025-04-01T08:00:00Z"), at(t, "2025-04-01T09:00:00Z")
				g := newRig(t, start, kind)
				d := g.digest("morning", "discord", "0 9 * * *", "UTC", "D1")
				d.Thread = tc.thread
				kill := tc.kill
				kill.channel = "D1"
				a := g.startKilling("a", &kill, d)
				g.clock.advanceTo(slot)
				<-a.dead.hit
				a.kill()
				// b finds a's claim live and claims again every recheckEvery.
				g.clock.advanceTo(slot.Add(time.Second))
				b := g.start("b", d)
				g.clock.advanceTo(slot.Add(2 * time.Second))
				hold(t, b, bot.Hold{Digest: "morning", Skip: "2025-04-01", By: "shell"})
				g.clock.advanceTo(slot.Add(5 * time.Minute))
				b.stop(t)
				out := g.outcome(d, "D1", slot)
				if posts := g.discord.count(); posts != tc.posts || out.Result != tc.want {
					t.Errorf("%d posts, ended %s (%s); want %d, %s", posts, out.Result, out.Reason, tc.posts, tc.want)
				}
				if tc.want == store.Skipped && out.Reason != "skipped by shell (2025-04-01)" {
					t.Errorf("skipped for %q; want the skip's reason", out.Reason)
				}
			})
		})
	}
}

// holdsReads counts the reads of holds a process makes.
type holdsReads struct {
	store.Ledger
	n *atomic.Int64
}

func (l holdsReads) Holds(ctx context.Context, digest string) ([]store.Hold, error) {
	l.n.Add(1)
	return l.Ledger.Holds(ctx, digest)
}

// TestHoldsReadOncePerSlot: the loop reads a digest's holds once when it starts (for its next
// slot, Due) and once per slot time, not once per channel, and not between slots.
func TestHoldsReadOncePerSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newRig(t, at(t, "2025-04-01T08:00:00Z"), memory)
		var reads atomic.Int64
		g.faults = func(l store.Ledger) store.Ledger { return holdsReads{l, &reads} }
		d := g.digest("morning", "discord", "0 9,17 * * *", "UTC", channels("D", 40)...)
		p := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-03T08:00:00Z"))
		p.stop(t)
		if n := reads.Load(); n != 5 {
			t.Errorf("%d reads of holds for a start and 4 slot times of 40 channels; want 5", n)
		}
		g.expectOnce(d, at(t, "2025-04-01T08:00:00Z"), g.clock.Now())
	})
}
