package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// sqlLedger is the Ledger of both databases on one database handle: their statements are the
// same, only the migrations and the clock of leases differ.
type sqlLedger struct {
	db      *sql.DB
	dialect dialect
	// serverClock: leases are compared and set with the database server's clock, not the now
	// the caller passes; see the package doc.
	serverClock bool
	leases      leaseStatements
	// noHolds: opened read-only on a schema from before holds (holdsSchema), which OpenReadOnly
	// never migrates. The briefbot that keeps it recorded none.
	noHolds bool
}

var _ Ledger = (*sqlLedger)(nil)

func newSQLLedger(db *sql.DB, d dialect, serverClock bool) *sqlLedger {
	l := &sqlLedger{db: db, dialect: d, serverClock: serverClock && d.serverNow != ""}
	l.leases = l.leaseStatements()
	return l
}

// leaseStatements are the statements that compare or set a lease's end, written once for the
// ledger's clock. Each takes the lease's length in milliseconds, never an end computed by the
// caller, so that the end comes from the same clock as the comparison.
type leaseStatements struct {
	claim, renew, lease, holder string
}

func (l *sqlLedger) leaseStatements() leaseStatements {
	// now is the clock of leases, in unix milliseconds: the server's, or the caller's now as the
	// statement's last parameter, $n (see withNow).
	now := func(n int) string {
		if l.serverClock {
			return l.dialect.serverNow
		}
		return fmt.Sprintf("CAST($%d AS BIGINT)", n)
	}
	return leaseStatements{
		claim: strings.NewReplacer("{now}", now(7)).Replace(claimSlot),
		renew: `UPDATE slots SET lease_expires = ` + now(7) + ` + $6 WHERE ` + heldBy,
		lease: `
INSERT INTO leases (role, owner, expires) VALUES ($1, $2, ` + now(4) + ` + $3)
ON CONFLICT (role) DO UPDATE SET owner = excluded.owner, expires = excluded.expires
WHERE leases.owner = excluded.owner OR leases.expires <= ` + now(4) + `
RETURNING owner`,
		holder: `SELECT owner FROM leases WHERE role = $1 AND expires > ` + now(2),
	}
}

// withNow ends a lease statement's arguments with the caller's now, which only a ledger on the
// caller's clock reads: a parameter the statement does not use would be refused by PostgreSQL.
func (l *sqlLedger) withNow(args []any, now time.Time) []any {
	if l.serverClock {
		return args
	}
	return append(args, now.UnixMilli())
}

func fromMilli(ms sql.NullInt64) time.Time {
	if !ms.Valid {
		return time.Time{}
	}
	return time.UnixMilli(ms.Int64).UTC()
}

// sqlLimit turns "at most limit, none meaning all" into a LIMIT both databases accept.
func sqlLimit(limit int) int64 {
	if limit <= 0 {
		return math.MaxInt64
	}
	return int64(limit)
}

// Lease takes the role when it is free or expired, or extends it for its holder, in one
// statement so that two owners racing for a free role cannot both win.
func (l *sqlLedger) Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error) {
	if owner == "" { // Holder's answer for nobody
		return false, fmt.Errorf("store: lease %s: no owner", role)
	}
	var holder string
	err := l.db.QueryRowContext(ctx, l.leases.lease, l.withNow([]any{role, owner, ttl.Milliseconds()}, now)...).Scan(&holder)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: lease %s: %w", role, err)
	}
	return true, nil
}

func (l *sqlLedger) Resign(ctx context.Context, role, owner string) error {
	if _, err := l.db.ExecContext(ctx, `DELETE FROM leases WHERE role = $1 AND owner = $2`, role, owner); err != nil {
		return fmt.Errorf("store: resign %s: %w", role, err)
	}
	return nil
}

func (l *sqlLedger) Holder(ctx context.Context, role string, now time.Time) (string, error) {
	var owner string
	err := l.db.QueryRowContext(ctx, l.leases.holder, l.withNow([]any{role}, now)...).Scan(&owner)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: holder %s: %w", role, err)
	}
	return owner, nil
}

func (l *sqlLedger) Audit(ctx context.Context, e AuditEntry) error {
	_, err := l.db.ExecContext(ctx, `INSERT INTO audit (at, actor, action, outcome) VALUES ($1, $2, $3, $4)`,
		e.At.UnixMilli(), e.Actor, e.Action, e.Outcome)
	if err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// AuditSince orders entries of the same instant newest written first.
func (l *sqlLedger) AuditSince(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error) {
	rows, err := l.db.QueryContext(ctx, `
SELECT at, actor, action, outcome FROM audit WHERE at >= $1 ORDER BY at DESC, id DESC LIMIT $2`,
		since.UnixMilli(), sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: audit since: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var (
			e  AuditEntry
			at int64
		)
		if err := rows.Scan(&at, &e.Actor, &e.Action, &e.Outcome); err != nil {
			return nil, fmt.Errorf("store: audit since: %w", err)
		}
		e.At = time.UnixMilli(at).UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: audit since: %w", err)
	}
	return out, nil
}

func (l *sqlLedger) SaveVersion(ctx context.Context, v Version) (bool, error) {
	content := v.Content
	if content == nil {
		content = []byte{} // the column is NOT NULL
	}
	res, err := l.db.ExecContext(ctx, `
INSERT INTO briefing_versions (briefing, version, seen_at, content) VALUES ($1, $2, $3, $4)
ON CONFLICT (briefing, version) DO NOTHING`, v.Briefing, v.Version, v.SeenAt.UnixMilli(), content)
	if err != nil {
		return false, fmt.Errorf("store: save version %s %s: %w", v.Briefing, v.Version, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: save version %s %s: %w", v.Briefing, v.Version, err)
	}
	return n == 1, nil
}

// Versions orders versions first seen at the same instant newest stored first.
func (l *sqlLedger) Versions(ctx context.Context, briefing string, limit int) ([]Version, error) {
	rows, err := l.db.QueryContext(ctx, `
SELECT version, seen_at, content FROM briefing_versions WHERE briefing = $1
ORDER BY seen_at DESC, id DESC LIMIT $2`, briefing, sqlLimit(limit))
	if err != nil {
		return nil, fmt.Errorf("store: versions %s: %w", briefing, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v := Version{Briefing: briefing}
		var seen int64
		if err := rows.Scan(&v.Version, &seen, &v.Content); err != nil {
			return nil, fmt.Errorf("store: versions %s: %w", briefing, err)
		}
		v.SeenAt = time.UnixMilli(seen).UTC()
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: versions %s: %w", briefing, err)
	}
	return out, nil
}

func (l *sqlLedger) Ping(ctx context.Context) error {
	if err := l.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", l.dialect.name, err)
	}
	return nil
}

// checkWrite commits a write to the one row of store_health: a write like a claim's, through
// the same handle, that touches no slot.
const checkWrite = `
INSERT INTO store_health (id, writes) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET writes = store_health.writes + 1`

// Writable writes at every call; reopeningLedger caches its answer for probes.
func (l *sqlLedger) Writable(ctx context.Context) error {
	if _, err := l.db.ExecContext(ctx, checkWrite); err != nil {
		return fmt.Errorf("store: %s takes no writes: %w", l.dialect.name, err)
	}
	return nil
}

func (l *sqlLedger) Close() error { return l.db.Close() }
