package schedule

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

func TestOnePostPerChannelPerSlot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T00:00:00Z")
		g := newRig(t, start, kind)
		morning := g.digest("morning", "discord", "0 9 * * *", "America/New_York", "D1", "D2", "D3")
		evening := g.digest("evening", "slack", "30 17 * * 1-5", "Europe/London", "C1", "C2")
		p := g.start("a", morning, evening)
		end := start.Add(7 * 24 * time.Hour)
		g.clock.advanceTo(end)
		p.stop(t)
		g.expectOnce(morning, start, end)
		g.expectOnce(evening, start, end)
		for _, e := range g.entries(morning, "D2") {
			if e.Result != store.Posted || e.MessageID == "" {
				t.Errorf("ledger %s at %s = %q %q; want posted with a message id", e.Channel, e.At, e.Result, e.MessageID)
			}
		}
		if n := len(evening.Schedule.Between(start, end, 100)); n != 5 {
			t.Errorf("evening: %d slots in a week; want 5 weekdays", n)
		}
	})
}

func TestRestartDoesNotDouble(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.latency = 300 * time.Millisecond
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", channels("D", 40)...)
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T09:00:01Z")) // mid fan-out
		a.stop(t)
		if held := g.held(); len(held) > 0 {
			t.Errorf("after a graceful stop, still held: %v", held)
		}
		b := g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-02T12:00:00Z"))
		b.stop(t)
		c := g.start("c", d)
		g.clock.advanceTo(at(t, "2025-04-03T12:00:00Z"))
		c.stop(t)
		g.expectOnce(d, start, g.clock.Now())
	})
}

func TestCrashAfterPostBeforeMark(t *testing.T) {
	for _, tc := range []struct {
		name        string
		history     error
		plain       bool
		wantPosts   int
		wantDoubled bool
	}{
		{name: "history shows the post", wantPosts: 1},
		{name: "history unreadable", history: bot.ErrHistoryUnavailable, wantPosts: 2, wantDoubled: true},
		{name: "poster cannot look", plain: true, wantPosts: 2, wantDoubled: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				start := at(t, "2025-04-01T08:00:00Z")
				g := newRig(t, start, kind)
				g.slack.history, g.plain["slack"] = tc.history, tc.plain
				d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
				a, b := g.start("a", d), g.start("b", d)
				killed := make(chan *killSwitch, 1)
				g.slack.setAfterPost(func(_ sentPost, dead *killSwitch) {
					dead.kill()
					killed <- dead
				})
				g.clock.advanceTo(at(t, "2025-04-01T09:00:00Z"))
				g.slack.setAfterPost(nil)
				if dead := <-killed; dead == a.dead {
					a.kill()
				} else {
					a, b = b, a
					a.kill()
				}
				g.clock.advanceTo(at(t, "2025-04-01T09:01:00Z"))
				posts := g.slack.sent()["C1 "+d.Key(at(t, "2025-04-01T09:00:00Z"))]
				if len(posts) != tc.wantPosts {
					t.Fatalf("posts in C1 = %d; want %d", len(posts), tc.wantPosts)
				}
				e := g.entries(d, "C1")[0]
				if e.Owner != b.owner || e.Result != store.Posted || e.MessageID != posts[len(posts)-1].id {
					t.Errorf("ledger = %s %q %q; want b's mark, posted, id %s", e.Owner, e.Result, e.MessageID, posts[len(posts)-1].id)
				}
				st, err := b.Status(t.Context())
				if err != nil || len(st) != 1 || st[0].MayBeDoubled != tc.wantDoubled || st[0].LastResult != "posted" {
					t.Errorf("Status = %+v, %v; want posted, may be doubled %v", st, err, tc.wantDoubled)
				}
				b.stop(t)
			})
		})
	}
}

func TestDowntime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, memory)
		d := g.digest("twice", "slack", "0 9,11 * * *", "UTC", "C1", "C2")
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T12:00:00Z"))
		a.stop(t)
		// Down until 12:30 the next day: 09:00 is 3h30 late, 11:00 is 1h30 late.
		g.clock.advanceTo(at(t, "2025-04-02T12:30:00Z"))
		b := g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-02T12:31:00Z"))
		b.stop(t)
		for _, ch := range d.Channels {
			es := g.entries(d, ch)
			if len(es) != 4 {
				t.Fatalf("%s: %d ledger entries; want 4", ch, len(es))
			}
			if es[2].Result != store.Skipped || es[3].Result != store.Late {
				t.Errorf("%s: day two = %s, %s; want skipped, late", ch, es[2].Result, es[3].Result)
			}
		}
		sent := g.slack.sent()
		if n := len(sent["C1 "+d.Key(at(t, "2025-04-02T09:00:00Z"))]); n != 0 {
			t.Errorf("the slot missed by 3h30 was posted %d times; want never", n)
		}
		if p := sent["C1 "+d.Key(at(t, "2025-04-02T11:00:00Z"))]; len(p) != 1 || p[0].at.Sub(at(t, "2025-04-02T12:30:00Z")) > time.Second {
			t.Errorf("the slot missed by 1h30 = %v; want one post at 12:30, within the workspace's pace", p)
		}
	})
}

func TestLongDowntimeAndNewDigests(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, memory)
		often := g.digest("often", "discord", "*/10 * * * *", "UTC", "D1")
		a := g.start("a", often)
		g.clock.advanceTo(at(t, "2025-04-01T08:35:00Z"))
		a.stop(t)
		g.clock.advanceTo(at(t, "2025-04-09T10:35:00Z"))
		fresh := g.digest("fresh", "discord", "*/10 * * * *", "UTC", "D1")
		b := g.start("b", often, fresh)
		g.clock.advanceTo(at(t, "2025-04-09T10:36:00Z"))
		b.stop(t)
		if n := g.discord.count(); n != 5 {
			t.Errorf("%d posts; want 4 before the downtime and one after it", n)
		}
		var skipped, late int
		for _, e := range g.entries(often, "D1") {
			switch e.Result {
			case store.Skipped:
				skipped++
			case store.Late:
				late++
				if !e.At.Equal(at(t, "2025-04-09T10:30:00Z")) {
					t.Errorf("late post of the slot at %s; want the latest, 10:30", e.At)
				}
			}
		}
		if skipped != maxMissed-1 || late != 1 {
			t.Errorf("%d slots skipped, %d late; want the latest %d looked at, one of them posted", skipped, late, maxMissed)
		}
		if es := g.entries(fresh, "D1"); len(es) != 0 {
			t.Errorf("a new digest back-filled %d slots; want none", len(es))
		}
	})
}

func TestDaylightSavingDays(t *testing.T) {
	tests := []struct {
		name, zone, spec, from, to string
		want                       []string
	}{
		{"new york spring", "America/New_York", "30 2 * * *", "2025-03-08T00:00:00-05:00", "2025-03-10T12:00:00-04:00",
			[]string{"2025-03-08T02:30:00-05:00", "2025-03-09T03:00:00-04:00", "2025-03-10T02:30:00-04:00"}},
		{"new york fall", "America/New_York", "30 1 * * *", "2025-11-01T00:00:00-04:00", "2025-11-03T12:00:00-05:00",
			[]string{"2025-11-01T01:30:00-04:00", "2025-11-02T01:30:00-04:00", "2025-11-03T01:30:00-05:00"}},
		{"london spring", "Europe/London", "30 1 * * *", "2025-03-29T00:00:00Z", "2025-03-31T12:00:00+01:00",
			[]string{"2025-03-29T01:30:00Z", "2025-03-30T02:00:00+01:00", "2025-03-31T01:30:00+01:00"}},
		{"london fall", "Europe/London", "30 1 * * *", "2025-10-25T00:00:00+01:00", "2025-10-27T12:00:00Z",
			[]string{"2025-10-25T01:30:00+01:00", "2025-10-26T01:30:00+01:00", "2025-10-27T01:30:00Z"}},
		{"new york nine across the change", "America/New_York", "0 9 * * *", "2025-03-08T00:00:00-05:00", "2025-03-09T12:00:00-04:00",
			[]string{"2025-03-08T09:00:00-05:00", "2025-03-09T09:00:00-04:00"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ledgers(t, func(t *testing.T, kind ledgerKind) {
				g := newRig(t, at(t, tc.from), kind)
				d := g.digest("dst", "discord", tc.spec, tc.zone, "D1")
				p := g.start("a", d)
				g.clock.advanceTo(at(t, tc.to))
				p.stop(t)
				g.discord.mu.Lock()
				posts := g.discord.posts
				g.discord.mu.Unlock()
				if len(posts) != len(tc.want) {
					t.Fatalf("%d posts; want %d: %v", len(posts), len(tc.want), posts)
				}
				for i, w := range tc.want {
					if want := at(t, w); !posts[i].at.Equal(want) || posts[i].key != d.Key(want) {
						t.Errorf("post %d at %s key %s; want %s", i, posts[i].at, posts[i].key, want)
					}
				}
			})
		})
	}
}

func TestStormLosesAndDoublesNothing(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.storm, g.discord.ambiguous = rand.New(rand.NewPCG(1, 2)), true
		g.slack.storm, g.slack.ambiguous = rand.New(rand.NewPCG(3, 4)), true
		d := g.digest("morning", "discord", "0 9,13 * * *", "UTC", channels("D", 30)...)
		s := g.digest("noon", "slack", "0 12 * * *", "UTC", channels("C", 10)...)
		a := g.start("a", d, s)
		b := g.start("b", d, s)
		end := at(t, "2025-04-04T00:00:00Z")
		g.clock.advanceTo(end)
		a.stop(t)
		b.stop(t)
		g.expectOnce(d, start, end)
		g.expectOnce(s, start, end)
		for _, dg := range []bot.Digest{d, s} {
			for _, ch := range dg.Channels {
				for _, e := range g.entries(dg, ch) {
					if e.Result != store.Posted && e.Result != store.Late {
						t.Errorf("%s in %s at %s ended %q (%s); want posted", dg.Name, ch, e.At, e.Result, e.Reason)
					}
				}
			}
		}
	})
}

func TestReplicasPostOnce(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.latency = 50 * time.Millisecond
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", channels("D", 60)...)
		s := g.digest("evening", "slack", "0 18 * * *", "UTC", channels("C", 20)...)
		procs := []*proc{g.start("a", d, s), g.start("b", d, s), g.start("c", d, s)}
		end := at(t, "2025-04-03T20:00:00Z")
		g.clock.advanceTo(end)
		for _, p := range procs {
			p.stop(t)
		}
		g.expectOnce(d, start, end)
		g.expectOnce(s, start, end)
	})
}

func TestKilledMidFanOutIsTakenOver(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		g.discord.latency = 400 * time.Millisecond
		d := g.digest("morning", "discord", "0 9 * * *", "UTC", channels("D", 100)...)
		a := g.start("a", d)
		b := g.start("b", d)
		g.clock.advanceTo(at(t, "2025-04-01T09:00:00.5Z"))
		if _, inMemory := g.ledger.(*memLedger); inMemory && len(g.held()) == 0 {
			t.Fatal("no slot held mid fan-out; the test kills nothing")
		}
		held := 0
		for _, sl := range g.held() {
			if es := g.entries(d, sl.Channel); len(es) > 0 && es[0].Owner == "a" {
				held++
			}
		}
		a.kill()
		g.clock.advanceTo(at(t, "2025-04-01T09:05:00Z"))
		b.stop(t)
		g.expectOnce(d, start, g.clock.Now())
		latest := time.Time{}
		for _, posts := range g.discord.sent() {
			latest = later(latest, posts[0].at)
		}
		if late := latest.Sub(at(t, "2025-04-01T09:00:00Z")); late > time.Minute {
			t.Errorf("last post %s after the slot; want within a minute (a held %d at the kill)", late, held)
		}
		t.Logf("a held %d slots when killed; the last post went out %s after the slot", held, latest.Sub(at(t, "2025-04-01T09:00:00Z")))
	})
}

// TestComposeKnowsWhatTheChannelLastGot: each post records the briefing version it carried, and
// the channel's next post is composed knowing it, so that it can say what changed in between.
func TestComposeKnowsWhatTheChannelLastGot(t *testing.T) {
	ledgers(t, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		var mu sync.Mutex
		version, seen := "v1", map[string][]string{} // day -> the since each post was composed with
		g.compose = func(_ context.Context, d bot.Digest, day time.Time, since string) (bot.Reply, string) {
			mu.Lock()
			defer mu.Unlock()
			seen[day.Format(time.DateOnly)] = append(seen[day.Format(time.DateOnly)], since)
			return bot.Reply{Title: d.Name}, version
		}
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1", "C2")
		p := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T12:00:00Z"))
		mu.Lock()
		version = "v2"
		mu.Unlock()
		g.clock.advanceTo(at(t, "2025-04-03T12:00:00Z"))
		p.stop(t)
		want := map[string][]string{"2025-04-01": {"", ""}, "2025-04-02": {"v1", "v1"}, "2025-04-03": {"v2", "v2"}}
		for day, w := range want {
			if got := seen[day]; len(got) != len(w) || got[0] != w[0] || got[1] != w[1] {
				t.Errorf("%s: composed with since %q; want %q", day, got, w)
			}
		}
	})
}
