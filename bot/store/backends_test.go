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
)

// A backend makes one new, empty database for a test, dropped when it ends, and returns its
// DSN; several handles opened on it stand for several processes or replicas.
type backend func(tb testing.TB) (dsn string)

func TestSQLite(t *testing.T) { testLedger(t, sqliteBackend) }

func TestPostgres(t *testing.T) { testLedger(t, postgresBackend(postgresDSN(t))) }

func sqliteBackend(tb testing.TB) string {
	return "sqlite://" + filepath.Join(tb.TempDir(), "ledger.db")
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

// postgresBackend isolates each test in a schema of its own, chosen through search_path and
// dropped when the test ends.
func postgresBackend(base string) backend {
	return func(tb testing.TB) string {
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
		dsn, err := withParam(base, "search_path", schema)
		if err != nil {
			tb.Fatal(err)
		}
		return dsn
	}
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

func mustOpen(tb testing.TB, dsn string) Ledger {
	tb.Helper()
	l, err := Open(context.Background(), dsn)
	if err != nil {
		tb.Fatalf("Open(%s): %v", redact(dsn), err)
	}
	tb.Cleanup(func() { l.Close() })
	return l
}
