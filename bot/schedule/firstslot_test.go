package schedule

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// oneChannelDigests is issue 17's setup: n digests to one channel each, every minute, half to
// Discord and half to Slack.
func oneChannelDigests(g *rig, n int) []bot.Digest {
	var ds []bot.Digest
	for i := range n {
		platform, channel := "discord", fmt.Sprintf("D%03d", i)
		if i%2 == 1 {
			platform, channel = "slack", fmt.Sprintf("C%03d", i)
		}
		ds = append(ds, g.digest(fmt.Sprintf("minutely-%03d", i), platform, "* * * * *", "UTC", channel))
	}
	return ds
}

// TestNewDigestsFirstSlotsSurviveCrashAndDowntime is issue 17's scenario: fifty new one-channel
// digests, their process killed 0.2s into their first fan-out and started again at once, then
// killed 4s before the next slot and started 8s after it. Every channel gets both slots exactly
// once, and nothing from before the digests were first loaded.
func TestNewDigestsFirstSlotsSurviveCrashAndDowntime(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		loaded := at(t, "2025-04-01T08:59:30Z")
		g := newRig(t, loaded, kind)
		g.discord.latency, g.slack.latency = 150*time.Millisecond, 150*time.Millisecond
		g.discord.limitEach, g.slack.limitEach = 7, 5 // a 429 now and then
		ds := oneChannelDigests(g, 50)
		a := g.start("a", ds...)
		g.clock.advanceTo(at(t, "2025-04-01T09:00:00.2Z"))
		a.kill()
		b := g.start("b", ds...)
		g.clock.advanceTo(at(t, "2025-04-01T09:00:56Z"))
		b.kill()
		g.clock.advanceTo(at(t, "2025-04-01T09:01:08Z"))
		c := g.start("c", ds...)
		g.clock.advanceTo(at(t, "2025-04-01T09:01:59Z"))
		c.stop(t)
		for _, d := range ds {
			g.expectOnce(d, loaded, g.clock.Now())
		}
	})
}

// TestReloadedDigestFirstSlot: a digest or a channel added by a reload is new from the reload
// on. Its first slot survives a crash across it, and it gets nothing from before the reload,
// even when a restart follows at once.
func TestReloadedDigestFirstSlot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T07:30:00Z")
		g := newRig(t, start, kind)
		old := g.digest("old", "discord", "0 * * * *", "UTC", "D1")
		a := g.start("a", old)
		g.clock.advanceTo(at(t, "2025-04-01T08:30:00Z"))
		reloaded := g.clock.Now()
		fresh := g.digest("fresh", "slack", "0 9 * * *", "UTC", "C1", "C2")
		grown := g.digest("old", "discord", "0 * * * *", "UTC", "D1", "D2")
		if err := a.Replan([]bot.Digest{grown, fresh}); err != nil {
			t.Fatal(err)
		}
		g.clock.advanceTo(at(t, "2025-04-01T08:35:00Z"))
		a.kill()
		g.clock.advanceTo(at(t, "2025-04-01T08:40:00Z"))
		b := g.start("b", grown, fresh)
		g.clock.advanceTo(at(t, "2025-04-01T08:59:50Z"))
		b.kill()
		g.clock.advanceTo(at(t, "2025-04-01T09:10:00Z"))
		c := g.start("c", grown, fresh)
		g.clock.advanceTo(at(t, "2025-04-01T09:11:00Z"))
		c.stop(t)
		g.expectOnce(fresh, reloaded, g.clock.Now())
		g.expectOnce(old, start, g.clock.Now())
		g.expectOnce(g.digest("old", "discord", "0 * * * *", "UTC", "D2"), reloaded, g.clock.Now())
	})
}

// TestRestartAtTheSlotsInstant: a process killed at the very instant of a new digest's first
// slot, and started again in that instant, posts the slot once and nothing from before the
// digest was loaded, though the catch-up window reaches back past it.
func TestRestartAtTheSlotsInstant(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		loaded := at(t, "2025-04-01T07:59:30Z")
		g := newRig(t, loaded, kind)
		g.slack.latency = 200 * time.Millisecond
		d := g.digest("hourly", "slack", "0 * * * *", "UTC", channels("C", 25)...)
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T08:00:00Z"))
		a.kill()
		b := g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-01T08:05:00Z"))
		b.stop(t)
		g.expectOnce(d, loaded, g.clock.Now())
	})
}

// unrecordable is a ledger that cannot record first-seen moments until a given time, as while
// the database is down.
type unrecordable struct {
	store.Ledger
	clock Clock
	until time.Time
}

func (l unrecordable) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	if l.clock.Now().Before(l.until) {
		return nil, errors.New("database unavailable")
	}
	return l.Ledger.FirstSeen(ctx, digest, platform, channels, now)
}

// TestFirstSeenWriteFailsAcrossFirstSlot: while the ledger refuses to record when a new digest
// was loaded, nothing is posted to it; once it takes the moment, the moment is still when the
// digest was loaded, and the first slot, passed meanwhile, goes out once.
func TestFirstSeenWriteFailsAcrossFirstSlot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		loaded := at(t, "2025-04-01T08:59:30Z")
		g := newRig(t, loaded, kind)
		back := at(t, "2025-04-01T09:00:20Z")
		g.faults = func(l store.Ledger) store.Ledger { return unrecordable{l, g.clock, back} }
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", "D1", "D2")
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T09:05:00Z"))
		a.stop(t)
		g.expectOnce(d, loaded, g.clock.Now())
		for _, posts := range g.discord.sent() {
			if posts[0].at.Before(back) {
				t.Errorf("posted at %s, before the ledger recorded when the digest was loaded", posts[0].at)
			}
		}
		seen, err := g.ledger.FirstSeen(t.Context(), d.Name, d.Platform, d.Channels, g.clock.Now())
		if err != nil || !seen["D1"].Equal(loaded) {
			t.Errorf("first seen = %v, %v; want when the digest was loaded, %s", seen, err, loaded)
		}
	})
}

// TestUpgradeRestartCatchesUp: a ledger kept by a briefbot from before first-seen moments has a
// fan-out cut short by a crash. The restart on the upgrade still gives every channel its slot
// once: the digest counts as loaded since its earliest slot, not since the upgrade.
func TestUpgradeRestartCatchesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		loaded := at(t, "2025-04-01T07:59:30Z")
		g := newRig(t, loaded, memory)
		g.slack.latency = 200 * time.Millisecond
		d := g.digest("hourly", "slack", "0 * * * *", "UTC", channels("C", 25)...)
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T08:00:02Z"))
		a.kill()
		if n := g.slack.count(); n == 0 || n == len(d.Channels) {
			t.Fatalf("%d posts at the kill; want the fan-out cut short", n)
		}
		mem := g.ledger.(*memLedger)
		mem.mu.Lock()
		clear(mem.firstSeen) // the ledger as the old briefbot left it
		mem.mu.Unlock()
		g.clock.advanceTo(at(t, "2025-04-01T08:10:00Z"))
		b := g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-01T08:15:00Z"))
		b.stop(t)
		g.expectOnce(d, loaded, g.clock.Now())
	})
}
