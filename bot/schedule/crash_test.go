package schedule

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// pathSteps are the steps of a slot's path, in order: the calls on the ledger and the platform
// that change something, and the read of the digest's holds, which decides whether the slot is
// posted at all. When you add a step to a digest's path, add it here, and have the rig's ledger
// or poster call killSwitch.reach before and after it: TestCrashAtEveryStep then kills a
// process at it. heldSteps are the path of a slot that a hold covers, which TestCrashAtHeldSlot
// kills a process at.
var (
	pathSteps = []string{stepFirstSeen, stepHolds, stepClaim, stepPost, stepMark}
	heldSteps = []string{stepFirstSeen, stepHolds, stepRecord}
)

// restartTakes is how long a killed process takes to come back.
const restartTakes = 100 * time.Millisecond

// TestCrashAtEveryStep kills a process, as SIGKILL does, before and after every step of a
// slot's path in one channel and starts another at once; and stops one before the slot and
// starts another after it, within the catch-up window. It does so for a new digest's first slot
// and for a slot of a digest that ran before, with one channel and with 25, on every kind of
// ledger: every channel ends with exactly one post of every slot since the digest was first
// loaded, and none from before.
func TestCrashAtEveryStep(t *testing.T) { crashAtEach(t, pathSteps, false) }

// TestCrashAtHeldSlot does the same across a slot that a pause said just before it holds back,
// at every step of a held slot's path: the slot is never posted, in any channel, and every
// channel has it skipped for the pause.
func TestCrashAtHeldSlot(t *testing.T) { crashAtEach(t, heldSteps, true) }

// crashAtEach runs crashAt killing before and after each of steps, and across a downtime.
func crashAtEach(t *testing.T, steps []string, held bool) {
	type crash struct {
		name  string
		point *killPoint // nil: a downtime across the slot
	}
	var crashes []crash
	for _, step := range steps {
		for _, after := range []bool{false, true} {
			p := &killPoint{step: step, after: after}
			crashes = append(crashes, crash{p.String(), p})
		}
	}
	crashes = append(crashes, crash{"downtime", nil})
	kinds := []namedKind{inMemory, sharedSQLite(t), sharedPostgres(t)}
	for _, known := range []bool{false, true} {
		for _, n := range []int{1, 25} {
			for _, c := range crashes {
				digest := "new digest"
				if known {
					digest = "known digest"
				}
				name := fmt.Sprintf("%s/%d channels/%s", digest, n, c.name)
				t.Run(name, func(t *testing.T) {
					on(t, kinds, func(t *testing.T, kind ledgerKind) {
						// A digest of the case's own, as the cases share a database.
						crashAt(t, kind, strings.NewReplacer(" ", "-", "/", ".").Replace(name), known, held, n, c.point)
					})
				})
			}
		}
	}
}

// sharedSQLite and sharedPostgres make one database for every case of test: a new one and its
// migrations for each case would take most of the test's time. Each case posts a digest of its
// own, and the ledger keeps digests apart.

func sharedSQLite(test *testing.T) namedKind {
	dsn := "sqlite://" + test.TempDir() + "/l.db" + sqliteFast
	return namedKind{"sqlite", func(*testing.T) ledgerKind {
		return func(t *testing.T) func() store.Ledger { return handles(t, dsn) }
	}}
}

func sharedPostgres(test *testing.T) namedKind {
	var (
		once sync.Once
		dsn  string
		err  error
	)
	return namedKind{"postgres", func(t *testing.T) ledgerKind {
		server := postgresDSN(t)
		once.Do(func() {
			var drop func() error
			if dsn, drop, err = newSchema(server); err == nil {
				test.Cleanup(func() {
					if err := drop(); err != nil {
						test.Error(err)
					}
				})
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		return func(t *testing.T) func() store.Ledger { return handles(t, dsn+postgresFast) }
	}}
}

// crashAt loads a digest at 07:59:30 and crashes across its slot at 08:00 (a new digest's
// first) or, when known, across its slot at 09:00, after a first process posted 08:00. One
// channel goes to Discord; 25 go to Slack, whose pace spreads the fan-out over five seconds, and
// the process dies in the middle one. When held, a moderator pauses the digest just before the
// process that crashes starts.
func crashAt(t *testing.T, kind ledgerKind, name string, known, held bool, n int, point *killPoint) {
	loaded := at(t, "2025-04-01T07:59:30Z")
	g := newRig(t, loaded, kind)
	g.discord.latency, g.slack.latency = 200*time.Millisecond, 200*time.Millisecond
	d := g.digest(name, "discord", "0 * * * *", "UTC", "D1")
	if n > 1 {
		d = g.digest(name, "slack", "0 * * * *", "UTC", channels("C", n)...)
	}
	victim := d.Channels[n/2]
	slot := at(t, "2025-04-01T08:00:00Z")
	if known {
		a := g.start("a", d)
		g.clock.advanceTo(at(t, "2025-04-01T08:30:00Z"))
		a.stop(t)
		slot = at(t, "2025-04-01T09:00:00Z")
		g.clock.advanceTo(slot.Add(-30 * time.Second))
	}
	if held {
		hold(t, g.scheduler("moderator", d), bot.Hold{Digest: name, By: "shell"})
	}

	if point == nil {
		b := g.start("b", d)
		g.clock.advanceTo(slot.Add(-10 * time.Second))
		b.stop(t)
		g.clock.advanceTo(slot.Add(30 * time.Minute))
	} else {
		here := *point
		here.channel = victim
		b := g.startKilling("b", &here, d)
		select {
		case <-b.dead.hit:
		case <-time.After(time.Hour):
			t.Fatalf("the process never reached %v in %s", here, victim)
		}
		// The kill is exact: the channel's post went out if and only if the process got past it.
		want := 0
		if !held && (here.step == stepMark || here.step == stepPost && here.after) {
			want = 1
		}
		if got := len(g.platformOf(d).sent()[victim+" "+d.Key(slot)]); got != want {
			t.Fatalf("killed %v in %s with %d posts of the slot there; want %d", here, victim, got, want)
		}
		b.kill()
		// Started again at once: in the time a process takes to start, which puts the slot
		// of a kill at its very instant in the past, for catch-up to find.
		g.clock.advanceTo(g.clock.Now().Add(restartTakes))
	}
	c := g.start("c", d)
	g.clock.advanceTo(slot.Add(35 * time.Minute))
	c.stop(t)
	g.expectHeld(d, loaded, g.clock.Now(), func(at time.Time) string {
		if held && !at.Before(slot) {
			return "paused by shell"
		}
		return ""
	})
}
