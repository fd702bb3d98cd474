package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// ErrNoLedger is returned by OpenReadOnly when the SQLite file does not exist: no bot has run
// with it yet, so nothing is recorded.
var ErrNoLedger = errors.New("store: no ledger yet")

// OpenReadOnly opens the ledger that dsn names for reading only, for the command line's answers
// (status, versions, audit) beside a running bot: it never creates the file, never migrates the
// schema, and the database refuses any write (SQLite's query_only, PostgreSQL's read-only
// transactions), so that no command meant to read can change what the bot relies on.
func OpenReadOnly(ctx context.Context, dsn string) (Ledger, error) {
	scheme, rest, ok := strings.Cut(dsn, "://")
	switch {
	case ok && scheme == "sqlite":
		path, query, _ := strings.Cut(rest, "?")
		if path == ":memory:" {
			return Open(ctx, dsn) // private to this process: nothing to protect, nothing to read
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, ErrNoLedger
		}
		db, err := openSQLiteFile(ctx, path, query, fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=query_only(1)", busyTimeout.Milliseconds()))
		if err != nil {
			return nil, err
		}
		return newSQLLedger(db, sqliteDialect, false), nil
	case ok && (scheme == "postgres" || scheme == "postgresql"):
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		db, err := connectPostgres(ctx, dsn+sep+"default_transaction_read_only=on", 2)
		if err != nil {
			return nil, scrub(fmt.Errorf("store: open %s: %w", redact(dsn), err), dsn)
		}
		// Reads only: the clock of leases never matters here.
		return newSQLLedger(db, postgresDialect, true), nil
	}
	return Open(ctx, dsn) // refused there, with the reason
}
