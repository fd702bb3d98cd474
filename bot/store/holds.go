package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// holdsSchema is the schema version whose migration made the digest_holds table.
const holdsSchema = 5

// The kinds of hold, as the digest_holds table names them.
const (
	holdPause = "pause"
	holdSkip  = "skip"
)

func (h Hold) kind() string {
	if h.Skip == "" {
		return holdPause
	}
	return holdSkip
}

// String names the hold in errors: morning pause, morning skip 2026-12-25.
func (h Hold) String() string {
	if h.Skip == "" {
		return h.Digest + " pause"
	}
	return h.Digest + " skip " + h.Skip
}

// checkDate refuses a date not written "2006-01-02": the ledger compares dates as text, which
// only that form keeps in order.
func checkDate(what, date string) error {
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return fmt.Errorf("%s %q is not a date written 2006-01-02", what, date)
	}
	return nil
}

func (h Hold) check() error {
	switch {
	case h.Digest == "":
		return errors.New("no digest")
	case h.Skip != "" && h.Until != "":
		return errors.New("a skip has no end date")
	case h.Skip != "":
		return checkDate("skip date", h.Skip)
	case h.Until != "":
		return checkDate("end date", h.Until)
	}
	return nil
}

func (l *sqlLedger) PutHold(ctx context.Context, h Hold) error {
	if err := h.check(); err != nil {
		return fmt.Errorf("store: put hold %v: %w", h, err)
	}
	_, err := l.db.ExecContext(ctx, `
INSERT INTO digest_holds (digest, kind, date, until, actor, at) VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (digest, kind, date) DO UPDATE SET until = excluded.until, actor = excluded.actor, at = excluded.at`,
		h.Digest, h.kind(), h.Skip, h.Until, h.By, h.At.UnixMilli())
	if err != nil {
		return fmt.Errorf("store: put hold %v: %w", h, err)
	}
	return nil
}

// DropHold deletes and reads back in one statement, so that of two callers dropping the same
// hold one gets it and the other nil.
func (l *sqlLedger) DropHold(ctx context.Context, digest, skip string) (*Hold, error) {
	h := Hold{Digest: digest, Skip: skip}
	var at int64
	err := l.db.QueryRowContext(ctx, `DELETE FROM digest_holds WHERE digest = $1 AND kind = $2 AND date = $3
RETURNING until, actor, at`, digest, h.kind(), skip).Scan(&h.Until, &h.By, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: drop hold %v: %w", h, err)
	}
	h.At = time.UnixMilli(at).UTC()
	return &h, nil
}

// Holds sorts in Go rather than in SQL: PostgreSQL orders text by the database's collation,
// SQLite by bytes, and the ledgers must answer alike.
func (l *sqlLedger) Holds(ctx context.Context, digest string) ([]Hold, error) {
	if l.noHolds {
		return nil, nil
	}
	rows, err := l.db.QueryContext(ctx, `
SELECT digest, date, until, actor, at FROM digest_holds WHERE $1 = '' OR digest = $1`, digest)
	if err != nil {
		return nil, fmt.Errorf("store: holds of %q: %w", digest, err)
	}
	defer rows.Close()
	var out []Hold
	for rows.Next() {
		var (
			h  Hold
			at int64
		)
		if err := rows.Scan(&h.Digest, &h.Skip, &h.Until, &h.By, &at); err != nil {
			return nil, fmt.Errorf("store: holds of %q: %w", digest, err)
		}
		h.At = time.UnixMilli(at).UTC()
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: holds of %q: %w", digest, err)
	}
	// The pause's Skip is "", which sorts first.
	slices.SortFunc(out, func(a, b Hold) int { return cmp.Or(cmp.Compare(a.Digest, b.Digest), cmp.Compare(a.Skip, b.Skip)) })
	return out, nil
}
