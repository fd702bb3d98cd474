package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
)

// A dialect is what differs between the two databases; every statement is shared, written with
// $N placeholders, which both drivers accept.
type dialect struct {
	name string // the folder of its migrations
	// lockMigrations runs first in the migration transaction so that replicas starting
	// together migrate one after the other. SQLite needs none: its immediate transaction
	// already holds the file's write lock.
	lockMigrations string
	// serverNow is the server's clock in unix milliseconds, for leases; "" where the ledger
	// always takes the caller's (SQLite: one machine, one clock).
	serverNow string
	// writeFault tells a failed write that a new handle may cure once the fault clears (a
	// file or session turned read-only, a full disk, an I/O error).
	writeFault func(error) bool
}

var (
	sqliteDialect   = dialect{name: "sqlite", writeFault: sqliteWriteFault}
	postgresDialect = dialect{name: "postgres", lockMigrations: "SELECT pg_advisory_xact_lock(7262917355212)",
		// now() is the time the statement's transaction began, the same for every row it
		// touches; unqualified, so that a test can put a clock of its own first on the
		// search_path (backends_test.go).
		serverNow:  "CAST(FLOOR(EXTRACT(EPOCH FROM now()) * 1000) AS BIGINT)",
		writeFault: postgresWriteFault}
)

// Each dialect's migrations apply in file-name order, each once, recorded in schema_version.
// An applied file is never edited or renumbered: a change is a new file.
//
//go:embed migrations
var migrations embed.FS

// schemaVersion is the number of the last migration applied to the database q reads.
func schemaVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var have int
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return have, nil
}

func migrate(ctx context.Context, db *sql.DB, d dialect) error {
	names, err := fs.Glob(migrations, "migrations/"+d.name+"/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if d.lockMigrations != "" {
		if _, err := tx.ExecContext(ctx, d.lockMigrations); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	have, err := schemaVersion(ctx, tx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > len(names) {
		// A newer briefbot migrated this database; writing with older statements could
		// break what it relies on.
		return fmt.Errorf("migrate: schema version %d is newer than this build knows (%d): upgrade briefbot", have, len(names))
	}
	for i := have; i < len(names); i++ {
		body, err := migrations.ReadFile(names[i])
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return fmt.Errorf("migrate: %s: %w", names[i], err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, i+1); err != nil {
			return fmt.Errorf("migrate: %s: %w", names[i], err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
