package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// testLedger holds a store to the Ledger contract. Every test gets a database of its own, so
// they run in parallel.
func testLedger(t *testing.T, fresh backend) {
	for _, tc := range []struct {
		name string
		test func(*testing.T, backend)
	}{
		{"slot lifecycle", testSlotLifecycle},
		{"outcome kept", testOutcomeKept},
		{"bad arguments refused", testBadArguments},
		{"last", testLast},
		{"last posted and its version", testLastPosted},
		{"first seen", testFirstSeen},
		{"first seen after an upgrade", testFirstSeenUpgrade},
		{"one first-seen moment wins", testOneFirstSeenWins},
		{"prune", testPrune},
		{"holds", testHolds},
		{"holds seen by every replica", testHoldsReplicas},
		{"prune holds", testPruneHolds},
		{"holds read-only", testHoldsReadOnly},
		{"role leases", testRoleLeases},
		{"audit", testAudit},
		{"versions", testVersions},
		{"ping", testPing},
		{"writable", testWritable},
		{"handles opened together", testOpenTogether},
		{"one claim wins", testOneClaimWins},
		{"one role lease wins", testOneLeaseWins},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.test(t, fresh)
		})
	}
}

var (
	ctx   = context.Background()
	t0    = time.Date(2025, 4, 1, 15, 0, 0, 0, time.UTC)
	slot0 = Slot{Digest: "morning", Platform: "slack", Channel: "C0123", At: t0}
)

const slotLease = time.Minute

// A step is one call on slot0 at t0+at. want is how the call went: for claim, describe's
// words; for the others, "ok" or "not held".
type step struct {
	call  string // claim, renew, mark, release, record
	owner string
	at    time.Duration
	want  string
}

func (s step) String() string {
	return fmt.Sprintf("%s(%s, t0+%v)", s.call, s.owner, s.at)
}

func (s step) run(l Ledger) (string, error) {
	now := t0.Add(s.at)
	var err error
	switch s.call {
	case "claim":
		c, err := l.Claim(ctx, slot0, s.owner, slotLease, now)
		return describe(c), err
	case "renew":
		err = l.Renew(ctx, slot0, s.owner, slotLease, now)
	case "mark":
		err = l.Mark(ctx, slot0, s.owner, Outcome{Result: Posted, MessageID: "m-" + s.owner}, now)
	case "release":
		err = l.Release(ctx, slot0, s.owner)
	case "record":
		err = l.Record(ctx, slot0, Outcome{Result: Skipped, Reason: "downtime"}, now)
	default:
		return "", fmt.Errorf("no call %q", s.call)
	}
	if errors.Is(err, ErrNotHeld) {
		return "not held", nil
	}
	if err != nil {
		return "", err
	}
	return "ok", nil
}

func describe(c Claim) string {
	switch {
	case c.Taken && c.Prior.IsZero():
		return "taken"
	case c.Taken:
		return fmt.Sprintf("taken, prior t0+%v", c.Prior.Sub(t0))
	case c.Done != nil:
		return "done " + string(c.Done.Result)
	}
	return "refused"
}

func testSlotLifecycle(t *testing.T, fresh backend) {
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"fresh claim", []step{{"claim", "a", 0, "taken"}}},
		{"live lease refuses everyone, its holder too", []step{
			{"claim", "a", 0, "taken"},
			{"claim", "a", 30 * time.Second, "refused"},
			{"claim", "b", 59 * time.Second, "refused"},
		}},
		{"takeover once the lease ends keeps the first claim as prior", []step{
			{"claim", "a", 250 * time.Millisecond, "taken"},
			{"claim", "b", slotLease + 249*time.Millisecond, "refused"},
			{"claim", "b", slotLease + 250*time.Millisecond, "taken, prior t0+250ms"},
			{"claim", "c", 3 * slotLease, "taken, prior t0+250ms"},
		}},
		{"renew keeps others out", []step{
			{"claim", "a", 0, "taken"},
			{"renew", "a", 50 * time.Second, "ok"},
			{"claim", "b", 70 * time.Second, "refused"},
			{"claim", "b", 110 * time.Second, "taken, prior t0+0s"},
		}},
		{"marked slot is done", []step{
			{"claim", "a", 0, "taken"},
			{"mark", "a", 10 * time.Second, "ok"},
			{"claim", "b", 20 * time.Second, "done posted"},
			{"claim", "a", 5 * slotLease, "done posted"},
		}},
		{"non-holder may not renew, mark or release", []step{
			{"claim", "a", 0, "taken"},
			{"renew", "b", time.Second, "not held"},
			{"mark", "b", time.Second, "not held"},
			{"release", "b", time.Second, "not held"},
			{"mark", "a", 2 * time.Second, "ok"},
		}},
		{"slot never claimed is not held", []step{
			{"renew", "a", 0, "not held"},
			{"mark", "a", 0, "not held"},
			{"release", "a", 0, "not held"},
		}},
		{"holder taken over loses the slot", []step{
			{"claim", "a", 0, "taken"},
			{"claim", "b", 2 * slotLease, "taken, prior t0+0s"},
			{"renew", "a", 2 * slotLease, "not held"},
			{"mark", "a", 2 * slotLease, "not held"},
			{"release", "a", 2 * slotLease, "not held"},
			{"mark", "b", 2 * slotLease, "ok"},
		}},
		{"holder past its lease may still mark until taken over", []step{
			{"claim", "a", 0, "taken"},
			{"mark", "a", 5 * slotLease, "ok"},
			{"claim", "b", 6 * slotLease, "done posted"},
		}},
		{"holder past its lease may still renew until taken over", []step{
			{"claim", "a", 0, "taken"},
			{"renew", "a", 5 * slotLease, "ok"},
			{"claim", "b", 5*slotLease + time.Second, "refused"},
		}},
		{"released slot goes to the next claimant with prior kept", []step{
			{"claim", "a", 0, "taken"},
			{"release", "a", time.Second, "ok"},
			{"mark", "a", time.Second, "not held"},
			{"release", "a", time.Second, "not held"},
			{"claim", "b", 2 * time.Second, "taken, prior t0+0s"},
			{"release", "b", 3 * time.Second, "ok"},
			{"claim", "c", 4 * time.Second, "taken, prior t0+0s"},
		}},
		{"mark ends the lease", []step{
			{"claim", "a", 0, "taken"},
			{"mark", "a", time.Second, "ok"},
			{"mark", "a", time.Second, "not held"},
			{"renew", "a", time.Second, "not held"},
			{"release", "a", time.Second, "not held"},
		}},
		{"record on a new slot marks it", []step{
			{"record", "", 0, "ok"},
			{"claim", "a", time.Second, "done skipped"},
			{"mark", "a", time.Second, "not held"},
		}},
		{"record on a claimed slot does nothing", []step{
			{"claim", "a", 0, "taken"},
			{"record", "", time.Second, "ok"},
			{"claim", "b", 2 * time.Second, "refused"},
			{"mark", "a", 3 * time.Second, "ok"},
			{"claim", "b", 4 * time.Second, "done posted"},
		}},
		{"record on a marked slot does nothing", []step{
			{"claim", "a", 0, "taken"},
			{"mark", "a", time.Second, "ok"},
			{"record", "", 2 * time.Second, "ok"},
			{"claim", "b", 3 * time.Second, "done posted"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := mustOpen(t, fresh(t))
			for _, s := range tc.steps {
				got, err := s.run(l)
				if err != nil {
					t.Fatalf("%v: %v", s, err)
				}
				if got != s.want {
					t.Fatalf("%v = %s; want %s", s, got, s.want)
				}
			}
		})
	}
}

func testOutcomeKept(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	mustClaim(t, l, slot0, "a", t0)
	out := Outcome{Result: Failed, MessageID: "", Reason: "channel_not_found"}
	if err := l.Mark(ctx, slot0, "a", out, t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	c, err := l.Claim(ctx, slot0, "b", slotLease, t0.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if c.Taken || c.Done == nil || *c.Done != out {
		t.Fatalf("Claim after Mark(%+v) = %+v, Done %+v; want Done only", out, c, c.Done)
	}
}

func testBadArguments(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	if c, err := l.Claim(ctx, slot0, "", slotLease, t0); err == nil || c.Taken {
		t.Errorf("Claim(no owner) = %s, %v; want an error", describe(c), err)
	}
	if ok, err := l.Lease(ctx, "discord-gateway", "", time.Minute, t0); err == nil || ok {
		t.Errorf("Lease(no owner) = %v, %v; want an error", ok, err)
	}
	mustClaim(t, l, slot0, "a", t0)
	for _, r := range []Result{"", "POSTED", "sent"} {
		if err := l.Mark(ctx, slot0, "a", Outcome{Result: r}, t0); err == nil || errors.Is(err, ErrNotHeld) {
			t.Errorf("Mark(result %q) = %v; want an unknown-result error", r, err)
		}
		if err := l.Record(ctx, slot0, Outcome{Result: r}, t0); err == nil {
			t.Errorf("Record(result %q) = nil; want an unknown-result error", r)
		}
	}
	if err := l.Mark(ctx, slot0, "a", Outcome{Result: Posted}, t0); err != nil {
		t.Fatalf("Mark after refused results = %v; want the slot still held", err)
	}
}

func mustClaim(tb testing.TB, l Ledger, s Slot, owner string, now time.Time) {
	tb.Helper()
	c, err := l.Claim(ctx, s, owner, slotLease, now)
	if err != nil {
		tb.Fatal(err)
	}
	if !c.Taken {
		tb.Fatalf("Claim(%v, %s) = %s; want taken", s, owner, describe(c))
	}
}

func day(n int) Slot {
	s := slot0
	s.At = t0.AddDate(0, 0, n)
	return s
}

func testLastPosted(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	if e, err := l.LastPosted(ctx, "morning", "slack", "C0123"); err != nil || e != nil {
		t.Fatalf("LastPosted on an empty ledger = %v, %v; want nil", e, err)
	}
	mustClaim(t, l, day(1), "a", day(1).At)
	if err := l.Mark(ctx, day(1), "a", Outcome{Result: Posted, MessageID: "1", Version: "aaaaaaaaaaaa"}, day(1).At); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, l, day(2), "a", day(2).At)
	if err := l.Mark(ctx, day(2), "a", Outcome{Result: Late, MessageID: "2", Version: "bbbbbbbbbbbb"}, day(2).At); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(ctx, day(3), Outcome{Result: Skipped, Reason: "missed"}, day(3).At); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, l, day(4), "a", day(4).At) // claimed, not posted yet
	e, err := l.LastPosted(ctx, "morning", "slack", "C0123")
	if err != nil || e == nil || e.At != day(2).At || e.Version != "bbbbbbbbbbbb" || e.MessageID != "2" {
		t.Errorf("LastPosted = %+v, %v; want the late day-2 post with its version", e, err)
	}
}

func testLast(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	if last, failed, err := l.Last(ctx, "morning", "slack", "C0123"); err != nil || last != nil || failed != nil {
		t.Fatalf("Last on an empty ledger = %v, %v, %v; want nil, nil, nil", last, failed, err)
	}
	failedOut := Outcome{Result: Failed, Reason: "rate limited past deadline"}
	if err := l.Record(ctx, day(1), failedOut, day(1).At.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, l, day(2), "a", day(2).At)
	if err := l.Mark(ctx, day(2), "a", Outcome{Result: Posted, MessageID: "1712.0001"}, day(2).At.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, l, day(3), "b", day(3).At.Add(1500*time.Millisecond))
	// Neighbours that must not show.
	for _, s := range []Slot{
		{Digest: "evening", Platform: "slack", Channel: "C0123", At: day(9).At},
		{Digest: "morning", Platform: "discord", Channel: "C0123", At: day(9).At},
		{Digest: "morning", Platform: "slack", Channel: "C0999", At: day(9).At},
	} {
		if err := l.Record(ctx, s, Outcome{Result: Failed, Reason: "elsewhere"}, s.At); err != nil {
			t.Fatal(err)
		}
	}

	last, failed, err := l.Last(ctx, "morning", "slack", "C0123")
	if err != nil {
		t.Fatal(err)
	}
	wantLast := Entry{Slot: day(3), Owner: "b", ClaimedAt: day(3).At.Add(1500 * time.Millisecond)}
	wantFailed := Entry{Slot: day(1), Outcome: failedOut, MarkedAt: day(1).At.Add(time.Hour)}
	if last == nil || *last != wantLast {
		t.Errorf("Last = %+v; want %+v", last, wantLast)
	}
	if failed == nil || *failed != wantFailed {
		t.Errorf("Last failed = %+v; want %+v", failed, wantFailed)
	}

	if err := l.Mark(ctx, day(3), "b", failedOut, day(3).At.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	last, failed, err = l.Last(ctx, "morning", "slack", "C0123")
	if err != nil {
		t.Fatal(err)
	}
	if last == nil || failed == nil || last.At != day(3).At || *failed != *last {
		t.Errorf("Last after the newest failed = %+v, %+v; want both the day-3 slot", last, failed)
	}
}

// seenAt is FirstSeen's answer as text, for comparing: channel=offset from t0, in order.
func seenAt(tb testing.TB, l Ledger, digest, platform string, now time.Time, channels ...string) string {
	tb.Helper()
	seen, err := l.FirstSeen(ctx, digest, platform, channels, now)
	if err != nil {
		tb.Fatalf("FirstSeen(%s, %s, %v): %v", digest, platform, channels, err)
	}
	var out []string
	for _, c := range channels {
		at, ok := seen[c]
		if !ok {
			out = append(out, c+"=none")
			continue
		}
		if at.Location() != time.UTC {
			tb.Errorf("FirstSeen(%s)[%s] in %s; want UTC", digest, c, at.Location())
		}
		sign := "+"
		if at.Before(t0) {
			sign = ""
		}
		out = append(out, fmt.Sprintf("%s=t0%s%v", c, sign, at.Sub(t0)))
	}
	for c := range seen {
		if !slices.Contains(channels, c) {
			tb.Errorf("FirstSeen(%s, %v) = %v; want the channels asked for only", digest, channels, seen)
		}
	}
	return strings.Join(out, " ")
}

func testFirstSeen(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	for _, c := range []struct {
		digest, platform string
		at               time.Duration
		channels         []string
		want             string
	}{
		{"morning", "slack", 1500 * time.Microsecond, []string{"C1", "C2"}, "C1=t0+1ms C2=t0+1ms"},
		{"morning", "slack", time.Hour, []string{"C2", "C3", "C1"}, "C2=t0+1ms C3=t0+1h0m0s C1=t0+1ms"},
		{"morning", "slack", 2 * time.Hour, []string{"C3", "C3"}, "C3=t0+1h0m0s C3=t0+1h0m0s"},
		{"morning", "slack", 2 * time.Hour, nil, ""},
		// Another platform, another digest: channels of their own.
		{"morning", "discord", 3 * time.Hour, []string{"C1"}, "C1=t0+3h0m0s"},
		{"evening", "slack", 4 * time.Hour, []string{"C1"}, "C1=t0+4h0m0s"},
		// A slot of a digest that has moments already changes nothing: only a ledger from before
		// moments has slots and no moment.
		{"evening", "slack", 5 * time.Hour, []string{"C9"}, "C9=t0+5h0m0s"},
	} {
		if c.digest == "evening" && c.at == 5*time.Hour {
			mustClaim(t, l, Slot{Digest: "evening", Platform: "slack", Channel: "C1", At: t0.Add(-time.Hour)}, "a", t0)
		}
		if got := seenAt(t, l, c.digest, c.platform, t0.Add(c.at), c.channels...); got != c.want {
			t.Errorf("FirstSeen(%s, %s, %v, t0+%v) = %s; want %s", c.digest, c.platform, c.channels, c.at, got, c.want)
		}
	}
	// A fan-out to thousands of channels records them all at once.
	many := make([]string, 1234)
	for i := range many {
		many[i] = fmt.Sprintf("C%05d", i)
	}
	seen, err := l.FirstSeen(ctx, "wide", "discord", many, t0)
	if err != nil || len(seen) != len(many) || !seen[many[len(many)-1]].Equal(t0) {
		t.Errorf("FirstSeen(%d channels) = %d moments, %v; want all at t0", len(many), len(seen), err)
	}
	// Prune keeps every moment, however old.
	if _, err := l.Prune(ctx, t0.AddDate(1, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if got, want := seenAt(t, l, "morning", "slack", t0.AddDate(1, 0, 0), "C1", "C3"), "C1=t0+1ms C3=t0+1h0m0s"; got != want {
		t.Errorf("FirstSeen after Prune = %s; want %s", got, want)
	}
}

// testFirstSeenUpgrade opens a ledger kept by a briefbot from before first-seen moments (the
// schema before its migration 3) with slots in it: each digest that has slots has been running
// since its earliest one, in every channel, even one its slots never reached.
func testFirstSeenUpgrade(t *testing.T, fresh backend) {
	d := fresh(t)
	l := mustOpen(t, d)
	mustClaim(t, l, day(2), "a", day(2).At)
	if err := l.Record(ctx, day(1), Outcome{Result: Skipped}, day(1).At); err != nil {
		t.Fatal(err)
	}
	other := Slot{Digest: "morning", Platform: "discord", Channel: "42", At: day(-3).At}
	if err := l.Record(ctx, other, Outcome{Result: Posted}, other.At); err != nil {
		t.Fatal(err)
	}
	db := rawDB(l)
	for _, q := range []string{
		`DROP TABLE digest_holds`, `DROP TABLE store_health`, `DROP TABLE first_seen`,
		`DELETE FROM schema_version WHERE version >= 3`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("back to the schema before first-seen moments: %s: %v", q, err)
		}
	}
	l.Close()

	l = mustOpen(t, d)
	now := day(4).At
	if got, want := seenAt(t, l, "morning", "slack", now, "C0123", "C-never-reached"), "C0123=t0-72h0m0s C-never-reached=t0-72h0m0s"; got != want {
		t.Errorf("FirstSeen of a digest with slots and no moments = %s; want its earliest slot, %s", got, want)
	}
	if got, want := seenAt(t, l, "morning", "slack", now.Add(time.Hour), "C-added-later"), "C-added-later=t0+97h0m0s"; got != want {
		t.Errorf("FirstSeen of a channel added once moments are recorded = %s; want now, %s", got, want)
	}
	if got, want := seenAt(t, l, "weekly", "slack", now, "C0123"), "C0123=t0+96h0m0s"; got != want {
		t.Errorf("FirstSeen of a digest without slots = %s; want now, %s", got, want)
	}
	if c, err := l.Claim(ctx, day(2), "b", slotLease, now); err != nil || describe(c) != "taken, prior t0+48h0m0s" {
		t.Errorf("Claim of a slot claimed before the upgrade = %s, %v; want it taken over with its prior", describe(c), err)
	}
}

// testOneFirstSeenWins races processes recording the same digest's channels at different
// moments: every one reads back the same moments, each one of the racers'.
func testOneFirstSeenWins(t *testing.T, fresh backend) {
	d := fresh(t)
	handles := []Ledger{mustOpen(t, d), mustOpen(t, d)}
	channels := []string{"C1", "C2", "C3"}
	answers := make([]map[string]time.Time, 12)
	_, errs := race(len(answers), func(i int) (bool, error) {
		// Each racer asks for the channels in its own order.
		mine := slices.Clone(channels)
		slices.Reverse(mine[:i%len(mine)+1])
		seen, err := handles[i%2].FirstSeen(ctx, "morning", "slack", mine, t0.Add(time.Duration(i)*time.Second))
		answers[i] = seen
		return false, err
	})
	for _, err := range errs {
		t.Fatalf("FirstSeen: %v", err)
	}
	for i, seen := range answers {
		if fmt.Sprint(seen) != fmt.Sprint(answers[0]) || len(seen) != len(channels) {
			t.Fatalf("racer %d read back %v; racer 0 %v: want the same moments for all", i, seen, answers[0])
		}
	}
	if at := answers[0]["C1"]; at.Before(t0) || at.After(t0.Add(11*time.Second)) || at.Sub(t0)%time.Second != 0 {
		t.Errorf("moment %v; want one of the racers' own", at)
	}
}

func testPrune(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	now := t0.AddDate(1, 0, 0)
	cutoff := now.Add(-DefaultRetention)
	old, recent := cutoff.Add(-time.Hour), cutoff.Add(time.Hour)
	slot := func(digest string, at time.Time) Slot {
		return Slot{Digest: digest, Platform: "slack", Channel: "C1", At: at}
	}

	// Old and marked: go. Old but never marked, or recent: stay.
	mustClaim(t, l, slot("old-posted", old), "a", old)
	if err := l.Mark(ctx, slot("old-posted", old), "a", Outcome{Result: Posted}, old); err != nil {
		t.Fatal(err)
	}
	if err := l.Record(ctx, slot("old-skipped", old), Outcome{Result: Skipped}, now); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, l, slot("old-claimed", old), "a", old)
	if err := l.Record(ctx, slot("recent", recent), Outcome{Result: Posted}, recent); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{old, cutoff, recent} {
		if err := l.Audit(ctx, AuditEntry{At: at, Actor: "shell", Action: "reload", Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	// Three old versions of one briefing: the oldest goes, the two newest stay. A lone old
	// version of another stays.
	for i, b := range []string{"mx", "mx", "mx", "us"} {
		v := Version{Briefing: b, Version: fmt.Sprint("v", i), SeenAt: old.Add(time.Duration(i-10) * time.Minute)}
		if _, err := l.SaveVersion(ctx, v); err != nil {
			t.Fatal(err)
		}
	}

	n, err := l.Prune(ctx, cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("Prune(cutoff) = %d rows; want 4 (two marked slots, one audit entry, one version)", n)
	}
	for digest, want := range map[string]bool{"old-posted": false, "old-skipped": false, "old-claimed": true, "recent": true} {
		if last, _, err := l.Last(ctx, digest, "slack", "C1"); err != nil || (last != nil) != want {
			t.Errorf("after Prune, Last(%q) = %v, %v; want a slot %v", digest, last, err, want)
		}
	}
	if got, err := l.AuditSince(ctx, time.Time{}, 0); err != nil || len(got) != 2 || !got[1].At.Equal(cutoff) {
		t.Errorf("after Prune, AuditSince = %+v, %v; want the entries at cutoff and after", got, err)
	}
	if got := versionNames(t, l, "mx"); got != "v2 v1" {
		t.Errorf("after Prune, Versions(mx) = %s; want v2 v1", got)
	}
	if got := versionNames(t, l, "us"); got != "v3" {
		t.Errorf("after Prune, Versions(us) = %s; want v3", got)
	}
	if n, err := l.Prune(ctx, cutoff); err != nil || n != 0 {
		t.Errorf("Prune again = %d, %v; want 0, nil", n, err)
	}
}
