package store

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenRefusesBadDSN(t *testing.T) {
	for _, tc := range []struct {
		dsn, want string
	}{
		{"briefbot.db", "must start with sqlite:// or postgres://"},
		{"mysql://u:pw@host/db", `unknown scheme "mysql"`},
		{"sqlite://", "no file path"},
		{"sqlite://?_pragma=foo", "no file path"},
	} {
		_, err := Open(ctx, tc.dsn)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%q) = %v; want an error saying %q", tc.dsn, err, tc.want)
		}
	}
}

// The password must not reach logs through an error, whichever way the DSN carries it and
// wherever opening fails: parsing, connecting or authenticating.
func TestOpenHidesPassword(t *testing.T) {
	const secret = "s3cr3t-Pa55"
	for _, dsn := range []string{
		"postgres://briefbot:" + secret + "@127.0.0.1:1/briefbot?sslmode=disable&connect_timeout=5",
		"postgresql://briefbot:" + secret + "@127.0.0.1:notaport/briefbot",
		"postgres://briefbot@127.0.0.1:1/briefbot?sslmode=disable&password=" + secret,
		"postgres://briefbot:" + secret + "%zz@127.0.0.1:1/briefbot",
		"postgres://briefbot:" + secret + "@127.0.0.1:1/briefbot?sslmode=bogus",
		"mysql://briefbot:" + secret + "@127.0.0.1/briefbot",
		"postgres//briefbot:" + secret + "@127.0.0.1/briefbot",
		"host=127.0.0.1 user=briefbot password=" + secret,
	} {
		_, err := Open(ctx, dsn)
		if err == nil {
			t.Errorf("Open(%s) = nil; want an error", redact(dsn))
			continue
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "Pa55") {
			t.Errorf("Open(%s) error shows the password: %v", redact(dsn), err)
		}
	}
}

func TestOpenWrongPasswordHidden(t *testing.T) {
	u, err := url.Parse(postgresDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	const secret = "wr0ng-Pa55"
	u.User = url.UserPassword(u.User.Username(), secret)
	_, err = Open(ctx, u.String())
	if err == nil {
		t.Skip("the server took a wrong password (trust authentication): nothing to hide")
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("Open with a wrong password shows it: %v", err)
	}
}

func TestOpenMemory(t *testing.T) {
	l := mustOpen(t, database{dsn: "sqlite://:memory:"})
	mustClaim(t, l, slot0, "a", t0)
	if c, err := l.Claim(ctx, slot0, "b", slotLease, t0); err != nil || c.Taken {
		t.Fatalf("second Claim in memory = %s, %v; want refused", describe(c), err)
	}
}

func TestReopenKeepsLedger(t *testing.T) {
	d := sqliteAt(filepath.Join(t.TempDir(), "ledger.db"))
	l := mustOpen(t, d)
	mustClaim(t, l, slot0, "a", t0)
	if err := l.Mark(ctx, slot0, "a", Outcome{Result: Posted, MessageID: "1"}, t0); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	again := mustOpen(t, d)
	if c, err := again.Claim(ctx, slot0, "b", slotLease, t0); err != nil || describe(c) != "done posted" {
		t.Fatalf("Claim after reopening = %s, %v; want done posted", describe(c), err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	d := sqliteAt(filepath.Join(t.TempDir(), "ledger.db"))
	l := mustOpen(t, d)
	if _, err := rawDB(l).ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (999)`); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := Open(ctx, d.dsn); err == nil || !strings.Contains(err.Error(), "newer than this build") {
		t.Fatalf("Open on a newer schema = %v; want it refused", err)
	}
}
