package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"modernc.org/sqlite" // pure Go, so the binary builds without cgo
	sqlite3 "modernc.org/sqlite/lib"
)

// busyTimeout is how long SQLite waits for another process's write lock before giving up.
const busyTimeout = 5 * time.Second

// sqliteParams are added to every SQLite DSN. WAL lets readers run beside the one writer; the
// busy timeout makes a second process wait for the write lock instead of failing at once; and
// immediate transactions take that lock when they begin, since a transaction that upgrades from
// read to write fails with SQLITE_BUSY without waiting.
var sqliteParams = fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_txlock=immediate",
	busyTimeout.Milliseconds())

// openSQLite opens the ledger in the file rest names (a path and its query), migrated, on a
// handle that reopens after a write fault once the fault clears. An in-memory database is never
// reopened: a new handle would be a new, empty database.
func openSQLite(ctx context.Context, rest string, o options) (Ledger, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, errors.New("store: open sqlite://: no file path")
	}
	open := func(ctx context.Context) (*sqlLedger, error) {
		db, err := openSQLiteFile(ctx, path, query, sqliteParams)
		if err != nil {
			return nil, err
		}
		if err := migrate(ctx, db, sqliteDialect); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: open sqlite://%s: %w", path, err)
		}
		return newSQLLedger(db, sqliteDialect, false), nil
	}
	l, err := open(ctx)
	if err != nil {
		return nil, err
	}
	if path == ":memory:" {
		return newReopening(l, nil, o.logger), nil
	}
	reopen := func(ctx context.Context) (*sqlLedger, error) {
		// Never a new, empty ledger where the file went away (a volume not mounted, say):
		// one that forgot what was posted might post it again.
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("store: reopen sqlite://%s: %w", path, err)
		}
		return open(ctx)
	}
	return newReopening(l, reopen, o.logger), nil
}

// openSQLiteFile opens path on one connection with params and the DSN's own query. One
// connection: SQLite has one writer at a time anyway, so this process's writers queue in Go
// rather than in SQLite's busy-retry sleeps, and ":memory:" stays one database. Other processes
// on the same file wait through the busy timeout.
func openSQLiteFile(ctx context.Context, path, query, params string) (*sql.DB, error) {
	name := path + "?" + params
	if query != "" {
		name += "&" + query
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite://%s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := connectSQLite(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite://%s: connect: %w", path, err)
	}
	return db, nil
}

// sqliteWriteFault: the file or its folder turned read-only (SQLite then opens it read-only for
// good, so only a new handle writes again once it is writable), the disk is full, I/O failed, or
// the file cannot be opened.
func sqliteWriteFault(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN:
		return true
	}
	return false
}

// connectSQLite opens the connection, which switches the file to WAL. A new file's switch takes
// an exclusive lock without waiting for it, so processes creating the same file at once may
// see SQLITE_BUSY there: they wait and try again for as long as the busy timeout would have.
// WAL is then recorded in the file, and later opens do not switch again.
func connectSQLite(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := db.PingContext(ctx)
		var e *sqlite.Error
		if err == nil || !errors.As(err, &e) || e.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
