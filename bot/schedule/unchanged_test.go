package schedule

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// TestOnlyWhenChanged: a digest posted only when its briefing changed posts its first slot, is
// skipped while the briefing stays the version the channel last received, and posts again once
// it changes. A channel added later, which never received it, gets it at its first slot
// whatever the others got; /digest now posts, changed or not.
func TestOnlyWhenChanged(t *testing.T) {
	on(t, []namedKind{inMemory, inSQLite, sharedPostgres(t)}, func(t *testing.T, kind ledgerKind) {
		start := at(t, "2025-04-01T08:00:00Z")
		g := newRig(t, start, kind)
		var mu sync.Mutex
		version := "v1"
		setVersion := func(v string) {
			mu.Lock()
			defer mu.Unlock()
			version = v
		}
		g.compose = func(_ context.Context, d bot.Digest, day time.Time, _ string) (bot.Reply, string) {
			mu.Lock()
			defer mu.Unlock()
			return bot.Reply{Title: d.Name + " " + day.Format(time.DateOnly)}, version
		}
		d := g.digest("morning", "slack", "0 9 * * *", "UTC", "C1")
		d.OnlyWhenChanged = true
		p := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-02T12:00:00Z"))
		setVersion("v2")
		g.clock.advanceTo(at(t, "2025-04-03T12:00:00Z"))
		withC2 := d
		withC2.Channels = []string{"C1", "C2"}
		if err := p.Replan([]bot.Digest{withC2}); err != nil {
			t.Fatal(err)
		}
		g.clock.advanceTo(at(t, "2025-04-04T12:00:00Z"))
		res, err := p.PostNow(t.Context(), "morning", "shell")
		if err != nil || !slices.Equal(res.Posted, []string{"slack:C1", "slack:C2"}) {
			t.Errorf("PostNow of an unchanged digest = %+v, %v; want both channels posted", res, err)
		}
		p.stop(t)

		for _, tc := range []struct {
			channel, day string
			want         store.Result
		}{
			{"C1", "2025-04-01", store.Posted},  // the first post
			{"C1", "2025-04-02", store.Skipped}, // still v1
			{"C1", "2025-04-03", store.Posted},  // v2
			{"C1", "2025-04-04", store.Skipped}, // still v2
			{"C2", "2025-04-04", store.Posted},  // v2, new to C2
		} {
			slot := at(t, tc.day+"T09:00:00Z")
			out := g.outcome(d, tc.channel, slot)
			posts := len(g.slack.sent()[tc.channel+" "+d.Key(slot)])
			switch {
			case out.Result != tc.want:
				t.Errorf("%s in %s ended %s (%s); want %s", tc.day, tc.channel, out.Result, out.Reason, tc.want)
			case tc.want == store.Skipped && (out.Reason != "no change since the last digest" || posts != 0):
				t.Errorf("%s in %s skipped for %q with %d posts; want none, for no change", tc.day, tc.channel, out.Reason, posts)
			case tc.want == store.Posted && posts != 1:
				t.Errorf("%s in %s posted %d times; want once", tc.day, tc.channel, posts)
			}
		}
		if n := g.slack.count(); n != 5 {
			t.Errorf("%d posts; want 5: three slots and /digest now in two channels", n)
		}
	})
}
