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
// (status, holds, versions, audit) beside a running bot: it never creates the file, never
// migrates the schema, and the database refuses any write (SQLite's query_only, PostgreSQL's
// read-only transactions), so that no command meant to read can change what the bot relies on.
// On a schema an older briefbot migrated last, what it kept no table for reads as empty.
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
		return readOnly(ctx, newSQLLedger(db, sqliteDialect, false), "sqlite://"+path)
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
		l, err := readOnly(ctx, newSQLLedger(db, postgresDialect, true), redact(dsn))
		if err != nil {
			return nil, scrub(err, dsn)
		}
		return l, nil
	}
	return Open(ctx, dsn) // refused there, with the reason
}

// readOnly reads the schema version of l's database, which a briefbot older than this one may
// have migrated last: tables it has not made yet read as empty rather than fail.
func readOnly(ctx context.Context, l *sqlLedger, name string) (Ledger, error) {
	version, err := schemaVersion(ctx, l.db)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("store: open %s: %w", name, err)
	}
	l.noHolds = version < holdsSchema
	return l, nil
}
