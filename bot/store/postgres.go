package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// openPostgres goes through database/sql rather than pgxpool so that both stores run the very
// same statements and scanning code, which the one conformance suite then covers for both;
// database/sql pools connections too, and the ledger's few small statements per slot do not
// need pgx's native interface.
func openPostgres(ctx context.Context, dsn string) (Ledger, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	// Connecting first makes a wrong host or password read as such, not as a failed migration.
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	if err := migrate(ctx, db, postgresDialect); err != nil {
		db.Close()
		return nil, err
	}
	return &sqlLedger{db: db, dialect: postgresDialect}, nil
}
