package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// openPostgres goes through database/sql rather than pgxpool so that both stores run the very
// same statements and scanning code, which the one conformance suite then covers for both;
// database/sql pools connections too, and the ledger's few small statements per slot do not
// need pgx's native interface. database/sql replaces connections that break; a connection
// whose session turned read-only, or a server that ran out of disk, is a write fault, after
// which the whole pool is replaced once a new one writes.
func openPostgres(ctx context.Context, dsn string, o options) (Ledger, error) {
	open := func(ctx context.Context) (*sqlLedger, error) {
		db, err := connectPostgres(ctx, dsn, 8)
		if err != nil {
			return nil, scrub(fmt.Errorf("store: open %s: %w", redact(dsn), err), dsn)
		}
		return newSQLLedger(db, postgresDialect, !o.callerClock), nil
	}
	l, err := open(ctx)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, l.db, postgresDialect); err != nil {
		l.Close()
		return nil, scrub(fmt.Errorf("store: open %s: %w", redact(dsn), err), dsn)
	}
	return newReopening(l, open, o.logger), nil
}

// connectPostgres opens a pool of at most conns connections and connects once, so that a wrong
// host or password reads as such, not as a failed statement later.
func connectPostgres(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(max(conns/2, 1))
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return db, nil
}

// postgresWriteFault: the session or the server is read-only (a transaction or a session set
// so, a standby after a failover), the disk is full, or I/O failed.
func postgresWriteFault(err error) bool {
	var e *pgconn.PgError
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case "25006", // read_only_sql_transaction
		"53100", // disk_full
		"58030": // io_error
		return true
	}
	return false
}
