package store

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// showHolds writes holds as text for comparing: "morning pause until 2027-01-04 by shell at
// t0+1s", one after another with "; ".
func showHolds(tb testing.TB, hs []Hold) string {
	tb.Helper()
	var out []string
	for _, h := range hs {
		if h.At.Location() != time.UTC {
			tb.Errorf("hold %v at %v in %s; want UTC", h, h.At, h.At.Location())
		}
		s := h.String()
		if h.Until != "" {
			s += " until " + h.Until
		}
		out = append(out, fmt.Sprintf("%s by %s at t0+%v", s, h.By, h.At.Sub(t0)))
	}
	return strings.Join(out, "; ")
}

// A holdStep is one call on the holds of a ledger. want: for put, "ok" or "refused"; for drop,
// the hold dropped or "none"; for list, what Holds lists.
type holdStep struct {
	call string // put, drop, list
	hold Hold   // put: the hold; drop: its Digest and Skip; list: its Digest
	want string
}

func (s holdStep) run(tb testing.TB, l Ledger) (string, error) {
	switch s.call {
	case "put":
		if err := l.PutHold(ctx, s.hold); err != nil {
			tb.Logf("PutHold(%v): %v", s.hold, err)
			return "refused", nil
		}
		return "ok", nil
	case "drop":
		h, err := l.DropHold(ctx, s.hold.Digest, s.hold.Skip)
		if err != nil || h == nil {
			return "none", err
		}
		return showHolds(tb, []Hold{*h}), nil
	case "list":
		hs, err := l.Holds(ctx, s.hold.Digest)
		return showHolds(tb, hs), err
	}
	return "", fmt.Errorf("no call %q", s.call)
}

func pause(digest, until, by string, at time.Duration) Hold {
	return Hold{Digest: digest, Until: until, By: by, At: t0.Add(at)}
}

func skip(digest, date, by string, at time.Duration) Hold {
	return Hold{Digest: digest, Skip: date, By: by, At: t0.Add(at)}
}

func testHolds(t *testing.T, fresh backend) {
	for _, tc := range []struct {
		name  string
		steps []holdStep
	}{
		{"none", []holdStep{
			{"list", Hold{}, ""},
			{"list", Hold{Digest: "morning"}, ""},
			{"drop", Hold{Digest: "morning"}, "none"},
			{"drop", Hold{Digest: "morning", Skip: "2026-12-25"}, "none"},
		}},
		{"a new pause replaces the digest's pause", []holdStep{
			{"put", pause("morning", "2027-01-04", "slack:U1", 0), "ok"},
			{"list", Hold{Digest: "morning"}, "morning pause until 2027-01-04 by slack:U1 at t0+0s"},
			{"put", pause("morning", "", "shell", time.Minute), "ok"},
			{"list", Hold{Digest: "morning"}, "morning pause by shell at t0+1m0s"},
		}},
		{"a skip a date; the same date's replaced", []holdStep{
			{"put", skip("morning", "2026-12-25", "discord:1", 0), "ok"},
			{"put", skip("morning", "2026-12-24", "discord:2", time.Second), "ok"},
			{"put", skip("morning", "2026-12-25", "discord:3", 2*time.Second), "ok"},
			{"list", Hold{Digest: "morning"}, "morning skip 2026-12-24 by discord:2 at t0+1s; morning skip 2026-12-25 by discord:3 at t0+2s"},
		}},
		{"each digest's pause first, then its skips by date", []holdStep{
			{"put", skip("morning", "2027-01-02", "shell", 0), "ok"},
			{"put", skip("morning", "2026-12-31", "shell", 0), "ok"},
			{"put", skip("evening", "2026-12-25", "shell", 0), "ok"},
			{"put", pause("morning", "", "shell", 0), "ok"},
			{"put", pause("Evening", "", "shell", 0), "ok"},
			{"list", Hold{}, "Evening pause by shell at t0+0s; evening skip 2026-12-25 by shell at t0+0s; " +
				"morning pause by shell at t0+0s; morning skip 2026-12-31 by shell at t0+0s; morning skip 2027-01-02 by shell at t0+0s"},
			{"list", Hold{Digest: "evening"}, "evening skip 2026-12-25 by shell at t0+0s"},
			{"list", Hold{Digest: "noon"}, ""},
		}},
		{"drop takes one hold and says what it was", []holdStep{
			{"put", pause("morning", "2027-01-04", "slack:U1", 0), "ok"},
			{"put", skip("morning", "2026-12-25", "shell", time.Second), "ok"},
			{"put", skip("morning", "2026-12-26", "shell", time.Second), "ok"},
			{"drop", Hold{Digest: "morning", Skip: "2026-12-25"}, "morning skip 2026-12-25 by shell at t0+1s"},
			{"drop", Hold{Digest: "morning", Skip: "2026-12-25"}, "none"},
			{"drop", Hold{Digest: "evening"}, "none"},
			{"list", Hold{}, "morning pause until 2027-01-04 by slack:U1 at t0+0s; morning skip 2026-12-26 by shell at t0+1s"},
			{"drop", Hold{Digest: "morning"}, "morning pause until 2027-01-04 by slack:U1 at t0+0s"},
			{"drop", Hold{Digest: "morning"}, "none"},
			{"list", Hold{}, "morning skip 2026-12-26 by shell at t0+1s"},
		}},
		{"kept to the millisecond", []holdStep{
			{"put", pause("morning", "", "shell", 1500*time.Microsecond), "ok"},
			{"list", Hold{}, "morning pause by shell at t0+1ms"},
		}},
		{"bad holds refused", []holdStep{
			{"put", pause("", "", "shell", 0), "refused"},
			{"put", Hold{Digest: "morning", Skip: "2026-12-25", Until: "2026-12-26"}, "refused"},
			{"put", skip("morning", "2026-13-01", "shell", 0), "refused"},
			{"put", skip("morning", "2026-2-30", "shell", 0), "refused"},
			{"put", skip("morning", "25/12/2026", "shell", 0), "refused"},
			{"put", pause("morning", "tomorrow", "shell", 0), "refused"},
			{"put", pause("morning", "2027-01-04T00:00:00Z", "shell", 0), "refused"},
			{"list", Hold{}, ""},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := mustOpen(t, fresh(t))
			for _, s := range tc.steps {
				got, err := s.run(t, l)
				if err != nil {
					t.Fatalf("%s(%v): %v", s.call, s.hold, err)
				}
				if got != s.want {
					t.Fatalf("%s(%v) = %q; want %q", s.call, s.hold, got, s.want)
				}
			}
		})
	}
}

// testHoldsReplicas: what one handle records, as one replica told by a moderator, another
// reads and drops, as another replica at its next slot; of two dropping one hold, one gets it.
func testHoldsReplicas(t *testing.T, fresh backend) {
	d := fresh(t)
	a, b := mustOpen(t, d), mustOpen(t, d)
	replicas := map[string]Ledger{"a": a, "b": b}
	for _, s := range []struct {
		replica string
		holdStep
	}{
		{"a", holdStep{"put", pause("morning", "2027-01-04", "slack:U1", 0), "ok"}},
		{"b", holdStep{"list", Hold{Digest: "morning"}, "morning pause until 2027-01-04 by slack:U1 at t0+0s"}},
		{"b", holdStep{"put", pause("morning", "", "discord:2", time.Second), "ok"}},
		{"a", holdStep{"list", Hold{}, "morning pause by discord:2 at t0+1s"}},
		{"b", holdStep{"put", skip("morning", "2026-12-25", "shell", 2*time.Second), "ok"}},
		{"a", holdStep{"drop", Hold{Digest: "morning"}, "morning pause by discord:2 at t0+1s"}},
		{"b", holdStep{"drop", Hold{Digest: "morning"}, "none"}},
		{"b", holdStep{"list", Hold{}, "morning skip 2026-12-25 by shell at t0+2s"}},
	} {
		got, err := s.run(t, replicas[s.replica])
		if err != nil {
			t.Fatalf("%s: %s(%v): %v", s.replica, s.call, s.hold, err)
		}
		if got != s.want {
			t.Fatalf("%s: %s(%v) = %q; want %q", s.replica, s.call, s.hold, got, s.want)
		}
	}
	handles := []Ledger{a, b}
	winners, errs := race(12, func(i int) (bool, error) {
		h, err := handles[i%2].DropHold(ctx, "morning", "2026-12-25")
		return h != nil, err
	})
	for _, err := range errs {
		t.Errorf("DropHold: %v", err)
	}
	if len(winners) != 1 {
		t.Errorf("12 callers dropped one skip; %v got it, want exactly one", winners)
	}
}

// testPruneHolds: Prune deletes the holds that are over by cutoff's date, and no other.
func testPruneHolds(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	cutoff := time.Date(2026, 12, 25, 23, 30, 0, 0, time.FixedZone("UTC-3", -3*3600)) // the 26th in UTC
	for _, tc := range []struct {
		hold Hold
		kept bool
	}{
		{skip("morning", "2026-12-24", "shell", 0), false},
		{skip("morning", "2026-12-25", "shell", 0), false},
		{skip("morning", "2026-12-26", "shell", 0), true},
		{skip("morning", "2027-01-01", "shell", 0), true},
		{pause("ended", "2026-12-25", "shell", 0), false},
		{pause("ends-on-the-cutoffs-date", "2026-12-26", "shell", 0), true},
		{pause("ends-later", "2027-01-04", "shell", 0), true},
		{pause("until-resumed", "", "shell", 0), true},
	} {
		if err := l.PutHold(ctx, tc.hold); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.Prune(ctx, cutoff)
	if err != nil || n != 3 {
		t.Errorf("Prune(%v) = %d, %v; want 3 holds over by 2026-12-26", cutoff, n, err)
	}
	hs, err := l.Holds(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, h := range hs {
		kept = append(kept, h.String())
	}
	want := "ends-later pause, ends-on-the-cutoffs-date pause, morning skip 2026-12-26, morning skip 2027-01-01, until-resumed pause"
	if got := strings.Join(kept, ", "); got != want {
		t.Errorf("after Prune, holds = %s; want %s", got, want)
	}
}

// testHoldsReadOnly: a ledger opened for reading lists holds and refuses to change them.
func testHoldsReadOnly(t *testing.T, fresh backend) {
	d := fresh(t)
	l := mustOpen(t, d)
	if err := l.PutHold(ctx, pause("morning", "", "shell", 0)); err != nil {
		t.Fatal(err)
	}
	ro, err := OpenReadOnly(ctx, d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if hs, err := ro.Holds(ctx, "morning"); err != nil || showHolds(t, hs) != "morning pause by shell at t0+0s" {
		t.Errorf("Holds on a ledger opened read-only = %v, %v; want the pause", hs, err)
	}
	if err := ro.PutHold(ctx, skip("morning", "2026-12-25", "shell", 0)); err == nil {
		t.Error("PutHold on a ledger opened read-only = nil; want an error")
	}
	if h, err := ro.DropHold(ctx, "morning", ""); err == nil {
		t.Errorf("DropHold on a ledger opened read-only = %v, nil; want an error", h)
	}
	if hs, err := l.Holds(ctx, ""); err != nil || showHolds(t, hs) != "morning pause by shell at t0+0s" {
		t.Errorf("after refused writes, Holds = %v, %v; want the pause only", hs, err)
	}

	// A database that a briefbot from before holds migrated last, read by a newer one.
	for _, q := range []string{`DROP TABLE digest_holds`, `DELETE FROM schema_version WHERE version >= 5`} {
		if _, err := rawDB(l).ExecContext(ctx, q); err != nil {
			t.Fatalf("back to the schema before holds: %s: %v", q, err)
		}
	}
	older, err := OpenReadOnly(ctx, d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer older.Close()
	if hs, err := older.Holds(ctx, ""); err != nil || len(hs) != 0 {
		t.Errorf("Holds read-only on a schema from before holds = %v, %v; want none", hs, err)
	}
}
