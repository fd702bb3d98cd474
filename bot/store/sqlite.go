package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

func openSQLite(ctx context.Context, rest string) (Ledger, error) {
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return nil, errors.New("store: open sqlite://: no file path")
	}
	name := path + "?" + sqliteParams
	if query != "" {
		name += "&" + query
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite://%s: %w", path, err)
	}
	// One connection: SQLite has one writer at a time anyway, so this process's writers queue
	// in Go rather than in SQLite's busy-retry sleeps, and ":memory:" stays one database.
	// Other processes on the same file wait through the busy timeout.
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if err := connectSQLite(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite://%s: connect: %w", path, err)
	}
	if err := migrate(ctx, db, sqliteDialect); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open sqlite://%s: %w", path, err)
	}
	return &sqlLedger{db: db, dialect: sqliteDialect}, nil
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
