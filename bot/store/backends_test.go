package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A backend makes one new, empty database for a test, dropped when it ends; several handles
// opened on it stand for several processes or replicas.
type backend func(tb testing.TB) database

// A database is where a test's ledgers are, and how they are opened.
type database struct {
	dsn  string
	opts []Option
	// server, when set, is the clock the database's leases read: each handle sets it to each
	// call's now and passes the call a now of its own (skewedCallers).
	server *serverClock
}

func (d database) open(ctx context.Context) (Ledger, error) {
	l, err := Open(ctx, d.dsn, d.opts...)
	if err != nil || d.server == nil {
		return l, err
	}
	return &skewedCallers{Ledger: l, server: d.server}, nil
}

func TestSQLite(t *testing.T) { testLedger(t, sqliteBackend) }

// TestPostgres holds PostgreSQL as production runs it, leases on the server's clock, to the
// whole contract. The server's clock is the test's own (serverClock), and every caller's clock
// is off by up to two minutes, either way: the answers must be the same as on one clock.
func TestPostgres(t *testing.T) { testLedger(t, postgresBackend(postgresDSN(t), serverClockLeases)) }

// TestPostgresCallerClock holds PostgreSQL opened with TrustCallerClock, as the scheduler's
// tests open it, to the same contract.
func TestPostgresCallerClock(t *testing.T) {
	testLedger(t, postgresBackend(postgresDSN(t), callerClockLeases))
}

func sqliteBackend(tb testing.TB) database {
	return database{dsn: "sqlite://" + filepath.Join(tb.TempDir(), "ledger.db")}
}

// postgresDSN is the server the PostgreSQL suite runs against. CI must run that suite, so
// there a missing DSN fails rather than skips.
func postgresDSN(tb testing.TB) string {
	dsn := os.Getenv("BRIEFBOT_TEST_POSTGRES")
	if dsn != "" {
		return dsn
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("BRIEFBOT_TEST_POSTGRES is empty, but CI=true: CI must run the PostgreSQL suite (.ci/run sets it up)")
	}
	tb.Skip("no PostgreSQL DSN given: set BRIEFBOT_TEST_POSTGRES=postgres://user:password@host:5432/db?sslmode=disable to run this suite")
	return ""
}

// How a PostgreSQL backend's ledgers take the time of leases.
type leaseClock int

const (
	realServerClock   leaseClock = iota // production: the server's now()
	serverClockLeases                   // the server's clock, which the test sets (serverClock)
	callerClockLeases                   // TrustCallerClock
)

// postgresBackend isolates each test in a schema of its own, chosen through search_path and
// dropped when the test ends.
func postgresBackend(base string, clock leaseClock) backend {
	return func(tb testing.TB) database {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Fatalf("open %s: %v", redact(base), err)
		}
		suffix := make([]byte, 8)
		_, _ = rand.Read(suffix)
		schema := "briefbot_test_" + hex.EncodeToString(suffix)
		if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			tb.Fatalf("create schema: %v", err)
		}
		tb.Cleanup(func() {
			if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
				tb.Errorf("drop schema %s: %v", schema, err)
			}
			admin.Close()
		})
		d := database{}
		path := schema
		switch clock {
		case callerClockLeases:
			d.opts = append(d.opts, TrustCallerClock())
		case serverClockLeases:
			d.server = newServerClock(tb, admin, schema)
			path += ",pg_catalog" // the schema's now() first
		}
		if d.dsn, err = withParam(base, "search_path", path); err != nil {
			tb.Fatal(err)
		}
		return d
	}
}

// serverClock is a clock the test sets, which a PostgreSQL ledger on the server's clock reads
// as the server's: a now() of the test's schema, which the ledger's statements find before
// pg_catalog's on the search_path. It starts at the epoch.
type serverClock struct {
	tb     testing.TB
	db     *sql.DB
	schema string
}

func newServerClock(tb testing.TB, db *sql.DB, schema string) *serverClock {
	for _, q := range []string{
		`CREATE TABLE ` + schema + `.server_clock (at TIMESTAMPTZ NOT NULL)`,
		`INSERT INTO ` + schema + `.server_clock VALUES ('1970-01-01T00:00:00Z')`,
		`CREATE FUNCTION ` + schema + `.now() RETURNS TIMESTAMPTZ LANGUAGE sql STABLE AS 'SELECT at FROM ` + schema + `.server_clock'`,
	} {
		if _, err := db.ExecContext(context.Background(), q); err != nil {
			tb.Fatalf("a clock for the server: %s: %v", q, err)
		}
	}
	return &serverClock{tb: tb, db: db, schema: schema}
}

func (c *serverClock) set(at time.Time) {
	if _, err := c.db.ExecContext(context.Background(), `UPDATE `+c.schema+`.server_clock SET at = $1`, at); err != nil {
		c.tb.Errorf("set the server's clock to %v: %v", at, err)
	}
}

// skewedCallers is a ledger whose callers' clocks disagree with the server's, each owner's by
// its own amount: the server's clock moves to each lease call's now, and the call gets that now
// skewed. A ledger on the server's clock answers as if every clock agreed.
type skewedCallers struct {
	Ledger
	server *serverClock
}

// skewOf is how far owner's clock is off: the conformance tests' owners a, b and c by fixed
// amounts either way, racers by their number.
func skewOf(owner string) time.Duration {
	switch owner {
	case "a":
		return 45 * time.Second
	case "b":
		return -30 * time.Second
	case "c":
		return 2 * time.Minute
	}
	var sum int
	for _, c := range owner {
		sum += int(c)
	}
	return time.Duration(sum%9-4) * 30 * time.Second
}

// holderSkew is the clock of whoever asks who holds a role.
const holderSkew = 90 * time.Second

func (s *skewedCallers) Claim(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) (Claim, error) {
	s.server.set(now)
	return s.Ledger.Claim(ctx, slot, owner, lease, now.Add(skewOf(owner)))
}

func (s *skewedCallers) Renew(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) error {
	s.server.set(now)
	return s.Ledger.Renew(ctx, slot, owner, lease, now.Add(skewOf(owner)))
}

func (s *skewedCallers) Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error) {
	s.server.set(now)
	return s.Ledger.Lease(ctx, role, owner, ttl, now.Add(skewOf(owner)))
}

func (s *skewedCallers) Holder(ctx context.Context, role string, now time.Time) (string, error) {
	s.server.set(now)
	return s.Ledger.Holder(ctx, role, now.Add(holderSkew))
}

func withParam(dsn, key, value string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set(key, value)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func mustOpen(tb testing.TB, d database) Ledger {
	tb.Helper()
	l, err := d.open(context.Background())
	if err != nil {
		tb.Fatalf("Open(%s): %v", redact(d.dsn), err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}

// sqliteAt is the database in the SQLite file path.
func sqliteAt(path string) database { return database{dsn: "sqlite://" + path} }

// rawDB is the handle under l, for a test to change the database behind the ledger's back.
func rawDB(l Ledger) *sql.DB {
	if s, ok := l.(*skewedCallers); ok {
		l = s.Ledger
	}
	r := l.(*reopeningLedger)
	r.handle.RLock()
	defer r.handle.RUnlock()
	return r.l.db
}
