package schedule

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// expectDue checks that p says digest name owes the slot want next, when.
func expectDue(t *testing.T, p *proc, name, when string, want time.Time) {
	t.Helper()
	for _, d := range p.Due() {
		if d.Digest == name {
			if !d.Next.Equal(want) {
				t.Errorf("%s, %s: Due = %s; want %s", p.owner, when, d.Next, want)
			}
			return
		}
	}
	t.Errorf("%s, %s: Due() has no digest %q", p.owner, when, name)
}

// claimsDown is a ledger that fails every claim while its clock is in [from, until).
type claimsDown struct {
	store.Ledger
	clock       Clock
	from, until time.Time
}

func (l claimsDown) Claim(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	if now := l.clock.Now(); !now.Before(l.from) && now.Before(l.until) {
		return store.Claim{}, errors.New("database unavailable")
	}
	return l.Ledger.Claim(ctx, slot, owner, lease, now)
}

// TestDueAndFailures follows one digest through the ways a slot fails, as metrics see them:
// Due's next slot stays at a slot while it is retried and moves on once it is settled, and each
// slot that did not go out is told once, with its reason: refused for good, retried until its
// catch-up window closed, missed while no process ran, given up while the ledger did not answer.
// A slot a later one replaced within its window, and one a moderator skipped, are no failures.
func TestDueAndFailures(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		day := func(n int, clock string) time.Time { return at(t, fmt.Sprintf("2025-04-%02dT%sZ", n, clock)) }
		g := newRig(t, day(1, "08:00:00"), kind)
		obs := newRecorder()
		g.observers["a"], g.observers["b"], g.observers["c"] = obs, obs, obs
		g.faults = func(l store.Ledger) store.Ledger {
			return claimsDown{l, g.clock, day(4, "09:00:00"), day(4, "11:30:00")}
		}
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", "D1", "D2")
		d.CatchUp = 2 * time.Hour
		g.discord.refused["D2"] = "10003" // unknown channel
		a := g.start("a", d)
		expectDue(t, a, "morning", "at start", day(1, "09:00:00"))
		if due := a.Due(); due[0].CatchUp != 2*time.Hour {
			t.Errorf("Due()[0].CatchUp = %s; want 2h", due[0].CatchUp)
		}

		// Day 1: D1 posted, D2 refused; both settled.
		g.clock.advanceTo(day(1, "09:01:00"))
		expectDue(t, a, "morning", "after day 1's slot", day(2, "09:00:00"))

		// Day 2: every post is rate limited until the window closes; the slot stays owed.
		g.clock.advanceTo(day(1, "12:00:00"))
		g.discord.mu.Lock()
		g.discord.limitEach = 1
		g.discord.mu.Unlock()
		g.clock.advanceTo(day(2, "10:30:00"))
		expectDue(t, a, "morning", "while day 2's slot is retried", day(2, "09:00:00"))
		g.clock.advanceTo(day(2, "11:05:00"))
		expectDue(t, a, "morning", "once day 2's slot failed", day(3, "09:00:00"))
		g.discord.mu.Lock()
		g.discord.limitEach = 0
		g.discord.mu.Unlock()

		// Day 3: no process runs across the slot's window; the next one records it missed.
		a.stop(t)
		g.clock.advanceTo(day(3, "11:30:00"))
		b := g.start("b", d)
		expectDue(t, b, "morning", "after catching up day 3", day(4, "09:00:00"))

		// Day 4: the ledger refuses claims past the window: both channels given up, for the
		// ledger, once they are forgotten; owed until then.
		g.clock.advanceTo(day(4, "11:05:00"))
		expectDue(t, b, "morning", "while the ledger refuses day 4's claims", day(4, "09:00:00"))
		g.clock.advanceTo(day(4, "11:20:00"))
		expectDue(t, b, "morning", "once day 4's slot is given up", day(5, "09:00:00"))

		// Day 5 is skipped by a moderator: not owed, and no failure. Day 6's slot is missed
		// by a downtime, but day 7's, within its window, replaces it: one missed, none for 7.
		hold(t, b, bot.Hold{Digest: "morning", Skip: "2025-04-05", By: "shell"})
		g.clock.advanceTo(day(4, "12:00:00"))
		expectDue(t, b, "morning", "with day 5 skipped", day(6, "09:00:00"))
		g.clock.advanceTo(day(6, "08:00:00"))
		b.stop(t)
		g.clock.advanceTo(day(7, "10:00:00"))
		c := g.start("c", d)
		g.clock.advanceTo(day(7, "10:01:00"))
		c.stop(t)

		want := "refused: [04-01T09:00 D2 04-02T09:00 D2 04-07T09:00 D2] deadline: [04-02T09:00 D1] " +
			"missed: [04-03T09:00 D1 04-03T09:00 D2 04-06T09:00 D1 04-06T09:00 D2] ledger: [04-04T09:00 D1 04-04T09:00 D2] "
		if got := obs.took(); got != want {
			t.Errorf("failures told:\n%s\nwant\n%s", got, want)
		}
	})
}

// TestDueFollowsTheLedger: a replica that finds another posting a slot owes it until the ledger
// says it is settled, as the one posting does; then both move on.
func TestDueFollowsTheLedger(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		slot := at(t, "2025-04-01T09:00:00Z")
		g := newRig(t, slot.Add(-time.Hour), kind)
		g.discord.latency = 25 * time.Second
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", "D1")
		a := g.start("a", d)
		g.clock.advanceTo(slot.Add(-time.Second))
		b := g.start("b", d)
		g.clock.advanceTo(slot.Add(5 * time.Second))
		for _, p := range []*proc{a, b} {
			expectDue(t, p, "morning", "while the slot is posted", slot)
		}
		g.clock.advanceTo(slot.Add(time.Minute))
		for _, p := range []*proc{a, b} {
			expectDue(t, p, "morning", "once the slot is posted", slot.Add(24*time.Hour))
		}
		a.stop(t)
		b.stop(t)
		if n := g.discord.count(); n != 1 {
			t.Errorf("%d posts; want 1", n)
		}
	})
}
