package store

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func testRoleLeases(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	const role, ttl = "discord-gateway", time.Minute
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	type call struct {
		what  string // lease, resign, holder
		owner string
		at    time.Duration
		want  string // lease: "true" or "false"; holder: the owner named; resign: "ok"
	}
	for _, c := range []call{
		{"holder", "", 0, ""},
		{"lease", "a", 0, "true"},
		{"holder", "", 0, "a"},
		{"lease", "b", 30 * time.Second, "false"},
		{"lease", "a", 50 * time.Second, "true"}, // renewed to t0+110s
		{"lease", "b", 70 * time.Second, "false"},
		{"holder", "", 109 * time.Second, "a"},
		{"holder", "", 110 * time.Second, ""},
		{"lease", "b", 110 * time.Second, "true"},
		{"resign", "a", 111 * time.Second, "ok"}, // not the holder: changes nothing
		{"holder", "", 111 * time.Second, "b"},
		{"lease", "a", 111 * time.Second, "false"},
		{"resign", "b", 112 * time.Second, "ok"},
		{"holder", "", 112 * time.Second, ""},
		{"lease", "a", 112 * time.Second, "true"},
	} {
		var got string
		var err error
		switch c.what {
		case "lease":
			var ok bool
			ok, err = l.Lease(ctx, role, c.owner, ttl, at(c.at))
			got = fmt.Sprint(ok)
		case "resign":
			err = l.Resign(ctx, role, c.owner)
			got = "ok"
		case "holder":
			got, err = l.Holder(ctx, role, at(c.at))
		}
		if err != nil || got != c.want {
			t.Fatalf("%s(%s, t0+%v) = %q, %v; want %q", c.what, c.owner, c.at, got, err, c.want)
		}
	}
	if ok, err := l.Lease(ctx, "slack-socket", "b", ttl, at(112*time.Second)); err != nil || !ok {
		t.Errorf("Lease(other role, b) = %v, %v; want true: roles are independent", ok, err)
	}
}

func testAudit(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	entries := []AuditEntry{
		{At: t0, Actor: "shell", Action: "reload", Outcome: "ok"},
		{At: t0.Add(time.Minute), Actor: "discord:1234", Action: "digest now morning", Outcome: "ok"},
		{At: t0.Add(time.Minute), Actor: "slack:U123", Action: "digest now morning", Outcome: "not an admin"},
		{At: t0.Add(2*time.Minute + 300*time.Millisecond), Actor: "reload:sighup", Action: "reload", Outcome: "config.yaml:3: bad cron"},
	}
	for _, e := range entries {
		if err := l.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		since time.Time
		limit int
		want  []int // indexes into entries
	}{
		{t0, 10, []int{3, 2, 1, 0}},
		{t0, 0, []int{3, 2, 1, 0}},
		{t0, 2, []int{3, 2}},
		{t0.Add(time.Minute), 10, []int{3, 2, 1}},
		{t0.Add(time.Minute + time.Millisecond), 10, []int{3}},
		{t0.Add(time.Hour), 10, nil},
	} {
		got, err := l.AuditSince(ctx, tc.since, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var want []AuditEntry
		for _, i := range tc.want {
			want = append(want, entries[i])
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("AuditSince(t0+%v, %d) =\n%v\nwant\n%v", tc.since.Sub(t0), tc.limit, got, want)
		}
	}
}

func versionNames(tb testing.TB, l Ledger, briefing string) string {
	tb.Helper()
	vs, err := l.Versions(ctx, briefing, 0)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, v := range vs {
		names = append(names, v.Version)
	}
	return strings.Join(names, " ")
}

func testVersions(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	saves := []struct {
		v    Version
		want bool
	}{
		{Version{Briefing: "us-mexico-troops", Version: "aa11", SeenAt: t0, Content: []byte("---\nid: first\n")}, true},
		{Version{Briefing: "us-mexico-troops", Version: "aa11", SeenAt: t0.Add(time.Hour), Content: []byte("again")}, false},
		{Version{Briefing: "us-mexico-troops", Version: "bb22", SeenAt: t0.Add(2 * time.Hour), Content: []byte("second")}, true},
		{Version{Briefing: "us-mexico-troops", Version: "cc33", SeenAt: t0.Add(2 * time.Hour), Content: nil}, true},
		{Version{Briefing: "other", Version: "aa11", SeenAt: t0.Add(3 * time.Hour), Content: []byte("x")}, true},
	}
	for _, s := range saves {
		if got, err := l.SaveVersion(ctx, s.v); err != nil || got != s.want {
			t.Fatalf("SaveVersion(%s %s) = %v, %v; want %v", s.v.Briefing, s.v.Version, got, err, s.want)
		}
	}
	got, err := l.Versions(ctx, "us-mexico-troops", 10)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first; of two seen at one instant, the one stored later first.
	want := []Version{saves[3].v, saves[2].v, saves[0].v}
	if len(got) != len(want) {
		t.Fatalf("Versions = %d versions; want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Briefing != w.Briefing || g.Version != w.Version || !g.SeenAt.Equal(w.SeenAt) || !bytes.Equal(g.Content, w.Content) {
			t.Errorf("Versions[%d] = %s %s %v %q; want %s %s %v %q", i,
				g.Briefing, g.Version, g.SeenAt, g.Content, w.Briefing, w.Version, w.SeenAt, w.Content)
		}
	}
	if got, err := l.Versions(ctx, "us-mexico-troops", 1); err != nil || len(got) != 1 || got[0].Version != "cc33" {
		t.Errorf("Versions(limit 1) = %v, %v; want cc33 only", got, err)
	}
	if got, err := l.Versions(ctx, "unknown", 10); err != nil || len(got) != 0 {
		t.Errorf("Versions(unknown) = %v, %v; want none", got, err)
	}
}

func testPing(t *testing.T, fresh backend) {
	l := mustOpen(t, fresh(t))
	if err := l.Ping(ctx); err != nil {
		t.Fatalf("Ping = %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := l.Ping(ctx); err == nil {
		t.Fatal("Ping after Close = nil; want an error")
	}
}

// testWritable: a ledger takes writes, one opened for reading only does not, and neither does
// a closed one.
func testWritable(t *testing.T, fresh backend) {
	d := fresh(t)
	l := mustOpen(t, d)
	if err := l.Writable(ctx); err != nil {
		t.Fatalf("Writable = %v; want nil", err)
	}
	ro, err := OpenReadOnly(ctx, d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if err := ro.Writable(ctx); err == nil {
		t.Error("Writable on a ledger opened read-only = nil; want an error")
	}
	if _, _, err := ro.Last(ctx, "morning", "slack", "C0123"); err != nil {
		t.Errorf("Last on a ledger opened read-only = %v; want reads to work", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Writable(ctx); err == nil {
		t.Error("Writable after Close = nil; want an error")
	}
}

// testOpenTogether starts several processes on one new database at once: each must open it,
// the schema migrated exactly once. Several rounds, since the race is brief.
func testOpenTogether(t *testing.T, fresh backend) {
	for range 8 {
		d := fresh(t)
		handles := make([]Ledger, 6)
		_, errs := race(len(handles), func(i int) (bool, error) {
			l, err := d.open(ctx)
			handles[i] = l
			return false, err
		})
		for _, l := range handles {
			if l != nil {
				t.Cleanup(func() { l.Close() })
			}
		}
		for _, err := range errs {
			t.Fatalf("Open together: %v", err)
		}
		mustClaim(t, handles[0], slot0, "a", t0)
		if c, err := handles[5].Claim(ctx, slot0, "b", slotLease, t0); err != nil || c.Taken {
			t.Fatalf("Claim on another handle = %s, %v; want refused", describe(c), err)
		}
	}
}

// testOneClaimWins races many claimants, spread over two handles as over two processes, for
// each of several slots.
func testOneClaimWins(t *testing.T, fresh backend) {
	d := fresh(t)
	handles := []Ledger{mustOpen(t, d), mustOpen(t, d)}
	for i := range 10 {
		s := day(i)
		winners, errs := race(12, func(c int) (bool, error) {
			got, err := handles[c%2].Claim(ctx, s, fmt.Sprint("replica-", c), slotLease, s.At)
			return got.Taken, err
		})
		for _, err := range errs {
			t.Errorf("Claim(%v): %v", s, err)
		}
		if len(winners) != 1 {
			t.Fatalf("12 claimants raced for %v; winners %v, want exactly one", s, winners)
		}
	}
}

func testOneLeaseWins(t *testing.T, fresh backend) {
	d := fresh(t)
	handles := []Ledger{mustOpen(t, d), mustOpen(t, d)}
	winners, errs := race(12, func(c int) (bool, error) {
		return handles[c%2].Lease(ctx, "discord-gateway", fmt.Sprint("replica-", c), time.Minute, t0)
	})
	for _, err := range errs {
		t.Errorf("Lease: %v", err)
	}
	if len(winners) != 1 {
		t.Fatalf("12 contenders raced for one role; winners %v, want exactly one", winners)
	}
}

// race runs f for 0..n-1 at once and returns which calls won and every error.
func race(n int, f func(i int) (bool, error)) (winners []int, errs []error) {
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			won, err := f(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
			}
			if won {
				winners = append(winners, i)
			}
		})
	}
	close(start)
	wg.Wait()
	return winners, errs
}
