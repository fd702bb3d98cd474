package store

import (
	"testing"
	"time"
)

// TestPostgresLeasesOnTheServersClock runs a PostgreSQL ledger as production opens it, on the
// server's real clock, with callers whose clocks are decades off either way: every lease runs
// for its length on the server's clock, whatever now the callers pass. On the callers' clocks
// b, an hour ahead of a, would take a's slot and role at once.
func TestPostgresLeasesOnTheServersClock(t *testing.T) {
	l := mustOpen(t, postgresBackend(postgresDSN(t), realServerClock)(t))
	ahead := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
	behind := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

	mustClaim(t, l, slot0, "a", ahead)
	if c, err := l.Claim(ctx, slot0, "b", slotLease, ahead.Add(time.Hour)); err != nil || describe(c) != "refused" {
		t.Errorf("Claim(b, an hour ahead of a) = %s, %v; want refused: a's lease runs on the server's clock", describe(c), err)
	}
	if err := l.Renew(ctx, slot0, "a", slotLease, behind); err != nil {
		t.Errorf("Renew(a, decades behind) = %v; want nil", err)
	}
	if c, err := l.Claim(ctx, slot0, "b", slotLease, ahead.AddDate(1, 0, 0)); err != nil || describe(c) != "refused" {
		t.Errorf("Claim(b, a year ahead) after a's renewal = %s, %v; want refused", describe(c), err)
	}

	if ok, err := l.Lease(ctx, "discord-gateway", "a", time.Minute, ahead); err != nil || !ok {
		t.Fatalf("Lease(a) = %v, %v; want true", ok, err)
	}
	if ok, err := l.Lease(ctx, "discord-gateway", "b", time.Minute, ahead.Add(time.Hour)); err != nil || ok {
		t.Errorf("Lease(b, an hour ahead) = %v, %v; want false", ok, err)
	}
	if who, err := l.Holder(ctx, "discord-gateway", ahead.Add(time.Hour)); err != nil || who != "a" {
		t.Errorf("Holder(an hour ahead) = %q, %v; want a", who, err)
	}

	// A short lease lapses on the server's clock, however far behind the next claimant's is,
	// and the first claim's time is the server's.
	const short = 300 * time.Millisecond
	c, err := l.Claim(ctx, day(1), "a", short, ahead)
	if err != nil || !c.Taken {
		t.Fatalf("Claim(a, %v lease) = %s, %v; want taken", short, describe(c), err)
	}
	claimed := time.Now()
	if c, err := l.Claim(ctx, day(1), "b", slotLease, behind); err != nil || describe(c) != "refused" {
		t.Errorf("Claim(b) before a's %v lease ended = %s, %v; want refused", short, describe(c), err)
	}
	time.Sleep(short + 100*time.Millisecond)
	c, err = l.Claim(ctx, day(1), "b", slotLease, behind)
	if err != nil || !c.Taken {
		t.Fatalf("Claim(b, decades behind) after a's lease ended = %s, %v; want taken", describe(c), err)
	}
	if d := c.Prior.Sub(claimed); d < -time.Minute || d > time.Minute {
		t.Errorf("Prior = %v, %v from the claim by this machine's clock; want the server's time of a's claim", c.Prior, d)
	}
	if who, err := l.Holder(ctx, "discord-gateway", behind); err != nil || who != "a" {
		t.Errorf("Holder(decades behind) = %q, %v; want a", who, err)
	}
}
