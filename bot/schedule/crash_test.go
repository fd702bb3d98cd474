package schedule

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// A slotPath is one kind of slot's path through a process: its steps, in order, the calls on
// the ledger and the platform that change something, and the read of the digest's holds, which
// decides whether the slot is posted at all. When you add a step to a digest's path, add it
// here, and have the rig's ledger or poster call killSwitch.reach before and after it: crashAt
// then kills a process at it.
type slotPath struct {
	steps []string
	// posts names the steps that post a part of the slot, by the ending of the part's key: ""
	// for the message or a thread's headline, bot.DetailKey for its detail.
	posts map[string]string
	// skipped is why the slot is recorded skipped instead of posted; "" when it is posted.
	skipped string
	// shape makes the digest what the path needs, for every process.
	shape func(*bot.Digest)
	// before, when set, runs just before the process that crashes starts, across a slot at
	// slot, and returns the digest that process and the next run: a hold said, a calendar that
	// closes the slot's date.
	before func(t *testing.T, g *rig, d bot.Digest, slot time.Time) bot.Digest
	// knownOnly: the path needs a slot posted before, so a new digest's first slot never takes it.
	knownOnly bool
}

// closedWhy is why the calendar of crash tests closes a slot's date.
const closedWhy = "Office closed (closures.ics)"

var (
	// postedPath is a slot posted as one message.
	postedPath = slotPath{
		steps: []string{stepFirstSeen, stepHolds, stepClaim, stepPost, stepMark},
		posts: map[string]string{"": stepPost},
	}
	// heldPath is a slot that a pause said just before it holds back, settled without a claim.
	heldPath = slotPath{
		steps:   []string{stepFirstSeen, stepHolds, stepRecord},
		skipped: "paused by shell",
		before: func(t *testing.T, g *rig, d bot.Digest, _ time.Time) bot.Digest {
			hold(t, g.scheduler("moderator", d), bot.Hold{Digest: d.Name, By: "shell"})
			return d
		},
	}
	// closedPath is a slot on a date the digest's calendar closes, as the config that the
	// crashing process started with says: settled without a claim, as a held one is.
	closedPath = slotPath{
		steps:   []string{stepFirstSeen, stepHolds, stepRecord},
		skipped: "closed: " + closedWhy,
		before: func(_ *testing.T, _ *rig, d bot.Digest, slot time.Time) bot.Digest {
			d.Closed = closedOn(map[string]string{slot.In(d.Schedule.Zone()).Format(time.DateOnly): closedWhy})
			return d
		},
	}
	// threadPath is a slot posted as a thread: a headline, then the digest in its thread.
	threadPath = slotPath{
		steps: []string{stepFirstSeen, stepHolds, stepClaim, stepHeadline, stepDetail, stepMark},
		posts: map[string]string{"": stepHeadline, bot.DetailKey: stepDetail},
		shape: func(d *bot.Digest) { d.Thread = true },
	}
	// unchangedPath is a slot of an only_when_changed digest whose briefing is the version the
	// channel last received: claimed, composed, and marked skipped, with nothing posted. Killed
	// before the mark, the process had decided to skip.
	unchangedPath = slotPath{
		steps:     []string{stepFirstSeen, stepHolds, stepClaim, stepMark},
		skipped:   reasonUnchanged,
		shape:     func(d *bot.Digest) { d.OnlyWhenChanged = true },
		knownOnly: true,
	}
)

// restartTakes is how long a killed process takes to come back.
const restartTakes = 100 * time.Millisecond

// TestCrashAtEveryStep kills a process, as SIGKILL does, before and after every step of a
// slot's path in one channel and starts another at once; and stops one before the slot and
// starts another after it, within the catch-up window. It does so for a new digest's first slot
// and for a slot of a digest that ran before, with one channel and with 25, on every kind of
// ledger: every channel ends with exactly one post of every slot since the digest was first
// loaded, and none from before.
func TestCrashAtEveryStep(t *testing.T) { crashAtEach(t, postedPath) }

// TestCrashAtHeldSlot does the same across a slot that a pause said just before it holds back,
// at every step of a held slot's path: the slot is never posted, in any channel, and every
// channel has it skipped for the pause.
func TestCrashAtHeldSlot(t *testing.T) { crashAtEach(t, heldPath) }

// TestCrashAtClosedSlot does the same across a slot on a date the digest's calendar closes:
// the slot is never posted, in any channel, and every channel has it skipped as closed.
func TestCrashAtClosedSlot(t *testing.T) { crashAtEach(t, closedPath) }

// TestCrashAtThreadSlot does the same for a thread digest, killing a process between the
// headline and the detail too: every channel ends with exactly one headline and one detail of
// every slot, never a headline alone, never a part twice.
func TestCrashAtThreadSlot(t *testing.T) { crashAtEach(t, threadPath) }

// TestCrashAtUnchangedSlot does the same for an only_when_changed digest whose briefing has not
// changed since the slot before, killing a process once it decided to skip the slot and before
// it marked it: the slot is never posted, and every channel has it skipped for no change.
func TestCrashAtUnchangedSlot(t *testing.T) { crashAtEach(t, unchangedPath) }

// crashAtEach runs crashAt killing before and after each step of path, and across a downtime.
func crashAtEach(t *testing.T, path slotPath) {
	type crash struct {
		name  string
		point *killPoint // nil: a downtime across the slot
	}
	var crashes []crash
	for _, step := range path.steps {
		for _, after := range []bool{false, true} {
			p := &killPoint{step: step, after: after}
			crashes = append(crashes, crash{p.String(), p})
		}
	}
	crashes = append(crashes, crash{"downtime", nil})
	kinds := []namedKind{inMemory, sharedSQLite(t), sharedPostgres(t)}
	for _, known := range []bool{false, true} {
		if path.knownOnly && !known {
			continue
		}
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
						crashAt(t, kind, path, strings.NewReplacer(" ", "-", "/", ".").Replace(name), known, n, c.point)
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
// the process dies in the middle one. The digest takes path: its shape from the start, and what
// path does before the process that crashes starts.
func crashAt(t *testing.T, kind ledgerKind, path slotPath, name string, known bool, n int, point *killPoint) {
	loaded := at(t, "2025-04-01T07:59:30Z")
	g := newRig(t, loaded, kind)
	g.discord.latency, g.slack.latency = 200*time.Millisecond, 200*time.Millisecond
	d := g.digest(name, "discord", "0 * * * *", "UTC", "D1")
	if n > 1 {
		d = g.digest(name, "slack", "0 * * * *", "UTC", channels("C", n)...)
	}
	if path.shape != nil {
		path.shape(&d)
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
	if path.before != nil {
		d = path.before(t, g, d, slot)
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
		// The kill is exact: each part of the channel's post went out if and only if the
		// process got past the step that posts it.
		sent := g.platformOf(d).sent()
		for _, part := range []string{"", bot.DetailKey} {
			want := 0
			if step, ok := path.posts[part]; ok && passed(path.steps, step, here) {
				want = 1
			}
			if got := len(sent[victim+" "+d.Key(slot)+part]); got != want {
				t.Fatalf("killed %v in %s with %d posts of %s there; want %d", here, victim, got, d.Key(slot)+part, want)
			}
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
		if !at.Before(slot) {
			return path.skipped
		}
		return ""
	})
}

// passed reports whether a process killed at here had got past step, of steps.
func passed(steps []string, step string, here killPoint) bool {
	i, j := slices.Index(steps, step), slices.Index(steps, here.step)
	return i < j || i == j && here.after
}
