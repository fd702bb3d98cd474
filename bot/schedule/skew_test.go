package schedule

import (
	"testing"
	"time"

	"briefbot/bot/store"
)

// TestReplicaClockSkewDoublesNothing runs two replicas on one PostgreSQL ledger, the second's
// clock ahead of the first's. The first posts the 9:00 slot to 8 channels, each post taking 2 s;
// the second starts a second into them and catches the slot up. Its clock says the first's
// 20-second leases have lapsed, the channels' history shows no post yet, and it would post
// every channel again: on the server's clock, which the ledger uses for leases, the leases are
// live and it posts nothing. The same run with leases on the replicas' own clocks
// (TrustCallerClock) must double every channel, or the run has stopped testing anything.
func TestReplicaClockSkewDoublesNothing(t *testing.T) {
	server := postgresDSN(t)
	for _, tc := range []struct {
		name        string
		ahead       time.Duration
		opts        []store.Option
		wantDoubled bool
	}{
		{"server clock, 30s ahead", 30 * time.Second, nil, false},
		{"server clock, 2m ahead", 2 * time.Minute, nil, false},
		{"server clock, 15s behind", -15 * time.Second, nil, false},
		{"replicas' clocks, 30s ahead", 30 * time.Second, []store.Option{store.TrustCallerClock()}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind := namedKind{"postgres", func(t *testing.T) ledgerKind {
				dsn := postgresScratch(t, server) + postgresFast
				return func(t *testing.T) func() store.Ledger { return openHandles(t, dsn, tc.opts...) }
			}}
			on(t, []namedKind{kind}, func(t *testing.T, kind ledgerKind) {
				start := at(t, "2025-04-01T08:59:50Z")
				slot := at(t, "2025-04-01T09:00:00Z")
				g := newRig(t, start, kind)
				g.discord.latency = 2 * time.Second
				// 8 channels: as many posts as a platform has under way at once by default.
				d := g.digest("morning", "discord", "0 9 * * *", "UTC", channels("D", 8)...)
				a := g.start("a", d)
				g.clock.advanceTo(slot.Add(time.Second))
				if posted := g.discord.count(); posted != 0 {
					t.Fatalf("%d posts out a second into the fan-out; want all %d under way", posted, len(d.Channels))
				}
				g.skew["b"] = tc.ahead
				b := g.start("b", d)
				end := slot.Add(5 * time.Minute)
				g.clock.advanceTo(end)
				a.stop(t)
				b.stop(t)

				doubled := 0
				for _, posts := range g.discord.sent() {
					if len(posts) > 1 {
						doubled++
					}
				}
				t.Logf("b %v ahead of a: %d of %d channels doubled", tc.ahead, doubled, len(d.Channels))
				if !tc.wantDoubled {
					g.expectOnce(d, start, end)
					return
				}
				if doubled != len(d.Channels) {
					t.Errorf("with leases on the replicas' clocks, %d of %d channels doubled; want every one: the run no longer shows the hazard",
						doubled, len(d.Channels))
				}
			})
		})
	}
}
