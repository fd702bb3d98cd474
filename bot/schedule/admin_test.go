package schedule

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

func TestPostNowTwiceInOneMinute(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		g := newRig(t, at(t, "2025-04-01T10:15:20Z"), kind)
		g.slack.refused["C9"] = "channel_not_found"
		morning := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1", "C2")
		gone := g.digest("gone", "slack", "0 9 * * *", "UTC", "C9")
		a, b := g.scheduler("a", morning, gone), g.scheduler("b", morning, gone)

		first, err := a.PostNow(t.Context(), "morning", "slack:U1")
		if err != nil || !slices.Equal(first.Posted, []string{"slack:C1", "slack:C2"}) || len(first.Already) > 0 {
			t.Errorf("first PostNow = %+v, %v; want both channels posted", first, err)
		}
		g.clock.advanceTo(at(t, "2025-04-01T10:15:50Z"))
		second, err := b.PostNow(t.Context(), "morning", "discord:42")
		if err != nil || len(second.Posted) > 0 || !slices.Equal(second.Already, []string{"slack:C1", "slack:C2"}) {
			t.Errorf("second PostNow in the minute, on another replica = %+v, %v; want both already", second, err)
		}
		g.clock.advanceTo(at(t, "2025-04-01T10:16:05Z"))
		third, err := a.PostNow(t.Context(), "", "shell")
		if err != nil || !slices.Equal(third.Posted, []string{"slack:C1", "slack:C2"}) ||
			len(third.Failed) != 1 || !strings.Contains(third.Failed[0], "slack:C9: refused: channel_not_found") {
			t.Errorf("PostNow of every digest in the next minute = %+v, %v; want C1 and C2 posted, C9 refused", third, err)
		}
		if _, err := a.PostNow(t.Context(), "nightly", "shell"); err == nil {
			t.Error("PostNow of an unknown digest succeeded; want an error")
		}
		if n := g.slack.count(); n != 4 {
			t.Errorf("%d posts; want 4", n)
		}
		audit, _ := g.ledger.AuditSince(t.Context(), time.Time{}, 10)
		var got []string
		for _, e := range audit {
			got = append(got, e.Actor+" | "+e.Action+" | "+e.Outcome)
		}
		want := []string{
			"shell | digest now (all) | posted 2, already 0, failed 1: slack:C9: refused: channel_not_found",
			"discord:42 | digest now morning | ok: already posted this minute",
			"slack:U1 | digest now morning | ok",
		}
		if !slices.Equal(got, want) {
			t.Errorf("audit trail =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestReplanAcrossASlot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.latency = 200 * time.Millisecond
		morning := g.digest("morning", "discord", "0 9 * * *", "UTC", channels("D", 30)...)
		a := g.start("a", morning)
		g.clock.advanceTo(at(t, "2025-04-01T08:59:59Z"))

		grown := morning
		grown.Channels = append(slices.Clone(morning.Channels), "E1")
		noon := g.digest("noon", "discord", "0 12 * * *", "UTC", "D000")
		if err := a.Replan([]bot.Digest{grown, noon}); err != nil {
			t.Fatal(err)
		}
		g.clock.advanceTo(at(t, "2025-04-01T09:00:00.3Z")) // mid fan-out
		if err := a.Replan([]bot.Digest{grown, noon}); err != nil {
			t.Fatal(err)
		}
		g.clock.advanceTo(at(t, "2025-04-01T12:30:00Z"))
		if err := a.Replan([]bot.Digest{noon}); err != nil {
			t.Fatal(err)
		}
		g.clock.advanceTo(at(t, "2025-04-02T12:30:00Z"))
		a.stop(t)

		g.expectOnce(grown, start, at(t, "2025-04-01T12:30:00Z"))
		g.expectOnce(noon, start, g.clock.Now())
		if err := a.Replan([]bot.Digest{noon, noon}); err == nil {
			t.Error("Replan with a name twice succeeded; want an error")
		}
		if got := a.Digests(); len(got) != 1 || got[0].Name != "noon" || got[0].Schedule.Spec() != "0 12 * * *" {
			t.Errorf("Digests() = %+v; want noon only", got)
		}
	})
}

func TestPermanentFailureWaitsForTheNextSlot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.refused["D2"] = "50001"
		d := g.digest("morning", "discord", "0 9 * * *", "Asia/Tokyo", "D1", "D2")
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-03T08:00:00Z"))
		st, err := a.Status(t.Context())
		a.stop(t)
		if err != nil {
			t.Fatal(err)
		}
		g.discord.mu.Lock()
		attempts := g.discord.attempts
		g.discord.mu.Unlock()
		if attempts != 4 {
			t.Errorf("%d attempts over two days; want one per channel per slot", attempts)
		}
		for _, e := range g.entries(d, "D2") {
			if e.Result != store.Failed || e.Reason != "refused: 50001" {
				t.Errorf("D2 at %s = %q %q; want failed, refused", e.At, e.Result, e.Reason)
			}
		}
		tokyo := zone(t, "Asia/Tokyo")
		want := []struct {
			channel, result, lastError string
		}{{"D1", "posted", ""}, {"D2", "failed", "refused: 50001"}}
		for i, w := range want {
			s := st[i]
			if s.Channel != w.channel || s.LastResult != w.result || s.LastError != w.lastError ||
				!s.Next.Equal(time.Date(2025, 4, 4, 9, 0, 0, 0, tokyo)) || !s.LastAt.Equal(time.Date(2025, 4, 3, 9, 0, 0, 0, tokyo)) {
				t.Errorf("Status()[%d] = %+v; want %s %s %q, next 2025-04-04 09:00 JST", i, s, w.channel, w.result, w.lastError)
			}
		}
	})
}

func TestShutdownReleasesWhatItHolds(t *testing.T) {
	for _, latency := range []time.Duration{3 * time.Second, 30 * time.Second} {
		t.Run(latency.String(), func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start := at(t, "2025-04-01T08:00:00Z")
				g := newRig(t, start, kind)
				g.slack.latency = latency
				d := g.digest("morning", "slack", "0 9 * * *", "UTC", channels("C", 40)...)
				a := g.start("a", d)
				g.clock.advanceTo(at(t, "2025-04-01T09:00:01Z"))
				a.stop(t)
				if held := g.held(); len(held) > 0 {
					t.Errorf("still held after shutdown: %v", held)
				}
				if stopped := g.clock.Now(); stopped.After(at(t, "2025-04-01T09:00:01Z").Add(drainFor)) {
					t.Errorf("Run returned at %s; want within %s of the cancel", stopped, drainFor)
				}
				t.Logf("%d posted by the shutdown", g.slack.count())
				b := g.start("b", d)
				g.clock.advanceTo(at(t, "2025-04-01T09:10:00Z"))
				b.stop(t)
				g.expectOnce(d, start, g.clock.Now())
			})
		})
	}
}

func TestRateLimits(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newRig(t, at(t, "2025-04-01T08:00:00Z"), memory)
		wide := g.digest("wide", "discord", "0 9 * * *", "UTC", channels("D", 200)...)
		var same []bot.Digest
		for _, name := range []string{"a", "b", "c", "d"} {
			same = append(same, g.digest(name, "slack", "0 9 * * *", "UTC", "C1", "C2"))
		}
		p := g.start("a", append(same, wide)...)
		g.clock.advanceTo(at(t, "2025-04-01T09:10:00Z"))
		p.stop(t)

		g.discord.mu.Lock()
		posts := slices.Clone(g.discord.posts)
		g.discord.mu.Unlock()
		if len(posts) != 200 {
			t.Fatalf("%d discord posts; want 200", len(posts))
		}
		for i := 50; i < len(posts); i++ {
			if window := posts[i].at.Sub(posts[i-50].at); window < time.Second {
				t.Fatalf("discord posts %d to %d within %s; want at most 50 a second", i-50, i, window)
			}
		}
		if took := posts[199].at.Sub(posts[0].at); took > 4200*time.Millisecond {
			t.Errorf("200 discord posts took %s; want about 4.15 s, at 48 a second", took)
		}
		last := map[string]time.Time{}
		g.slack.mu.Lock()
		defer g.slack.mu.Unlock()
		for _, sp := range g.slack.posts {
			if prev, ok := last[sp.channel]; ok && sp.at.Sub(prev) < time.Second {
				t.Errorf("slack posts to %s %s apart; want a second at least", sp.channel, sp.at.Sub(prev))
			}
			last[sp.channel] = sp.at
		}
		if len(g.slack.posts) != 8 {
			t.Errorf("%d slack posts; want 8", len(g.slack.posts))
		}
	})
}

func TestPrune(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, memory)
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-20T08:00:00Z"))
		a.stop(t)
		if _, err := a.Prune(t.Context(), time.Hour); err == nil {
			t.Error("Prune(1h) succeeded; want it refused as shorter than a week")
		}
		n, err := a.Prune(t.Context(), 10*24*time.Hour)
		if err != nil || n != 9 {
			t.Errorf("Prune(10 days) = %d, %v; want the 9 slots before 10 April", n, err)
		}
	})
}

func TestComposeThatPanicsFailsTheSlotOnly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newRig(t, at(t, "2025-04-01T08:00:00Z"), memory)
		g.compose = func(_ context.Context, d bot.Digest, day time.Time, since string) (bot.Reply, string) {
			if d.Name == "broken" {
				var sections []string
				_ = sections[0]
			}
			return bot.Reply{Title: d.Name}, "v1"
		}
		broken := g.digest("broken", "slack", "0 9 * * *", "UTC", "C1")
		fine := g.digest("fine", "slack", "0 9 * * *", "UTC", "C2")
		p := g.start("a", broken, fine)
		g.clock.advanceTo(at(t, "2025-04-01T09:01:00Z"))
		p.stop(t)
		e := g.entries(broken, "C1")
		if len(e) != 1 {
			t.Fatalf("broken digest: %d ledger entries; want 1", len(e))
		}
		if e[0].Result != store.Failed || e[0].Reason != "the digest could not be composed" {
			t.Errorf("broken digest's ledger = %q %q; want failed, not composed", e[0].Result, e[0].Reason)
		}
		g.expectOnce(fine, at(t, "2025-04-01T08:00:00Z"), g.clock.Now())
	})
}
