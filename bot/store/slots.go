package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// String names the slot in errors and logs: digest/platform/channel@instant.
func (s Slot) String() string {
	return fmt.Sprintf("%s/%s/%s@%s", s.Digest, s.Platform, s.Channel, s.At.UTC().Format(time.RFC3339))
}

func (r Result) valid() bool {
	switch r {
	case Posted, Late, Skipped, Failed:
		return true
	}
	return false
}

// slotKey is the WHERE clause that picks one slot from $1 to $4, the arguments of slotArgs.
const slotKey = `digest = $1 AND platform = $2 AND channel = $3 AND at = $4`

func slotArgs(s Slot, more ...any) []any {
	return append([]any{s.Digest, s.Platform, s.Channel, s.At.Unix()}, more...)
}

// claimSlot inserts a new slot or takes over one whose holder neither marked it nor kept its
// lease, in one statement, so that of any number of concurrent claimants exactly one wins on
// either database. claims above 1 tells a takeover, which must look for an earlier post, from
// a fresh claim. {now} is the clock of leases (leaseStatements); $6 is the lease's length. The
// first claim's time comes from that clock too: a later holder looks through the channel's
// history from it, and the clock the replicas share is the one to trust for that.
const claimSlot = `
INSERT INTO slots (digest, platform, channel, at, owner, lease_expires, claimed_at, claims)
VALUES ($1, $2, $3, $4, $5, {now} + $6, {now}, 1)
ON CONFLICT (digest, platform, channel, at) DO UPDATE
SET owner = excluded.owner, lease_expires = excluded.lease_expires, claims = slots.claims + 1
WHERE slots.result IS NULL AND (slots.lease_expires IS NULL OR slots.lease_expires <= {now})
RETURNING claimed_at, claims`

func (l *sqlLedger) Claim(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) (Claim, error) {
	if owner == "" { // a recorded slot's owner: it would hold what nobody claimed
		return Claim{}, fmt.Errorf("store: claim %v: no owner", slot)
	}
	var claimedAt, claims int64
	err := l.db.QueryRowContext(ctx, l.leases.claim, l.withNow(slotArgs(slot, owner, lease.Milliseconds()), now)...).
		Scan(&claimedAt, &claims)
	switch {
	case err == nil:
		c := Claim{Taken: true}
		if claims > 1 {
			c.Prior = time.UnixMilli(claimedAt).UTC()
		}
		return c, nil
	case !errors.Is(err, sql.ErrNoRows):
		return Claim{}, fmt.Errorf("store: claim %v: %w", slot, err)
	}
	// Refused: say how the slot ended, if it did. A mark is final, so this later read cannot
	// contradict the refusal.
	var (
		result            sql.NullString
		messageID, reason string
	)
	err = l.db.QueryRowContext(ctx, `SELECT result, message_id, reason FROM slots WHERE `+slotKey, slotArgs(slot)...).
		Scan(&result, &messageID, &reason)
	if errors.Is(err, sql.ErrNoRows) { // pruned in between
		return Claim{}, nil
	}
	if err != nil {
		return Claim{}, fmt.Errorf("store: claim %v: read outcome: %w", slot, err)
	}
	if !result.Valid {
		return Claim{}, nil
	}
	return Claim{Done: &Outcome{Result: Result(result.String), MessageID: messageID, Reason: reason}}, nil
}

// heldBy is the condition under which owner still holds a slot: it was the last to claim it,
// and has neither marked nor released it. An expired lease that nobody took over still counts,
// since no one else can have posted in the meantime.
const heldBy = slotKey + ` AND owner = $5 AND result IS NULL AND lease_expires IS NOT NULL`

func (l *sqlLedger) Renew(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) error {
	return l.update(ctx, "renew", slot, l.leases.renew, l.withNow(slotArgs(slot, owner, lease.Milliseconds()), now))
}

func (l *sqlLedger) Mark(ctx context.Context, slot Slot, owner string, out Outcome, now time.Time) error {
	if !out.Result.valid() {
		return fmt.Errorf("store: mark %v: unknown result %q", slot, out.Result)
	}
	return l.update(ctx, "mark", slot,
		`UPDATE slots SET result = $6, message_id = $7, reason = $8, marked_at = $9, version = $10, lease_expires = NULL WHERE `+heldBy,
		slotArgs(slot, owner, string(out.Result), out.MessageID, out.Reason, now.UnixMilli(), out.Version))
}

func (l *sqlLedger) Release(ctx context.Context, slot Slot, owner string) error {
	return l.update(ctx, "release", slot, `UPDATE slots SET lease_expires = NULL WHERE `+heldBy, slotArgs(slot, owner))
}

// update runs a statement that changes the caller's held slot, and reports ErrNotHeld when it
// changed nothing.
func (l *sqlLedger) update(ctx context.Context, verb string, slot Slot, query string, args []any) error {
	res, err := l.db.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s %v: %w", verb, slot, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s %v: %w", verb, slot, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %v", ErrNotHeld, verb, slot)
	}
	return nil
}

func (l *sqlLedger) Record(ctx context.Context, slot Slot, out Outcome, now time.Time) error {
	if !out.Result.valid() {
		return fmt.Errorf("store: record %v: unknown result %q", slot, out.Result)
	}
	_, err := l.db.ExecContext(ctx, `
INSERT INTO slots (digest, platform, channel, at, result, message_id, reason, marked_at, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (digest, platform, channel, at) DO NOTHING`,
		slotArgs(slot, string(out.Result), out.MessageID, out.Reason, now.UnixMilli(), out.Version)...)
	if err != nil {
		return fmt.Errorf("store: record %v: %w", slot, err)
	}
	return nil
}

const selectEntry = `
SELECT digest, platform, channel, at, owner, result, message_id, reason, claimed_at, marked_at, version
FROM slots WHERE digest = $1 AND platform = $2 AND channel = $3`

func (l *sqlLedger) Last(ctx context.Context, digest, platform, channel string) (last, lastFailed *Entry, err error) {
	last, err = l.entry(ctx, selectEntry+` ORDER BY at DESC LIMIT 1`, digest, platform, channel)
	if err != nil || last == nil {
		return nil, nil, err
	}
	if last.Result == Failed {
		return last, last, nil
	}
	lastFailed, err = l.entry(ctx, selectEntry+` AND result = $4 ORDER BY at DESC LIMIT 1`,
		digest, platform, channel, string(Failed))
	if err != nil {
		return nil, nil, err
	}
	return last, lastFailed, nil
}

func (l *sqlLedger) LastPosted(ctx context.Context, digest, platform, channel string) (*Entry, error) {
	return l.entry(ctx, selectEntry+` AND result IN ($4, $5) ORDER BY at DESC LIMIT 1`,
		digest, platform, channel, string(Posted), string(Late))
}

// entry returns the one slot query finds, nil when none.
func (l *sqlLedger) entry(ctx context.Context, query string, args ...any) (*Entry, error) {
	var (
		e                   Entry
		at                  int64
		result              sql.NullString
		claimedAt, markedAt sql.NullInt64
	)
	err := l.db.QueryRowContext(ctx, query, args...).Scan(&e.Digest, &e.Platform, &e.Channel, &at,
		&e.Owner, &result, &e.MessageID, &e.Reason, &claimedAt, &markedAt, &e.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: last %s/%s/%s: %w", args[0], args[1], args[2], err)
	}
	e.At = time.Unix(at, 0).UTC()
	e.Result = Result(result.String)
	e.ClaimedAt = fromMilli(claimedAt)
	e.MarkedAt = fromMilli(markedAt)
	return &e, nil
}

// firstSeenBatch is how many channels one statement records: three arguments and one per
// channel stay far below either database's limit on a statement's parameters.
const firstSeenBatch = 500

func (l *sqlLedger) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	seen, err := l.firstSeen(ctx, digest, platform, channels)
	if err != nil {
		return nil, err
	}
	var missing []string
	for _, c := range channels {
		if _, ok := seen[c]; !ok {
			missing = append(missing, c)
		}
	}
	// Sorted, so that processes recording together take the rows' locks in one order.
	slices.Sort(missing)
	missing = slices.Compact(missing)
	if len(missing) == 0 {
		return seen, nil
	}
	if err := l.recordFirstSeen(ctx, digest, platform, missing, now); err != nil {
		return nil, err
	}
	// Read back: another process may have recorded its own moment first, and the first holds.
	return l.firstSeen(ctx, digest, platform, channels)
}

// recordFirstSeen writes moments for channels, which had none, in one transaction so that the
// check for a ledger from before moments and the writes see the same ledger. A moment already
// there stays: a moment never changes.
func (l *sqlLedger) recordFirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) error {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: record first seen %s/%s: %w", digest, platform, err)
	}
	defer tx.Rollback()
	moment := now.UnixMilli()
	var recorded bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM first_seen WHERE digest = $1)`, digest).Scan(&recorded); err != nil {
		return fmt.Errorf("store: record first seen %s/%s: %w", digest, platform, err)
	}
	if !recorded {
		// Slots but no moment: the ledger was kept by a briefbot from before moments, and the
		// digest has been running since its earliest slot.
		var earliest sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(at) FROM slots WHERE digest = $1`, digest).Scan(&earliest); err != nil {
			return fmt.Errorf("store: record first seen %s/%s: earliest slot: %w", digest, platform, err)
		}
		if earliest.Valid {
			moment = min(moment, time.Unix(earliest.Int64, 0).UnixMilli())
		}
	}
	for batch := range slices.Chunk(channels, firstSeenBatch) {
		var values strings.Builder
		args := []any{digest, platform, moment}
		for i, c := range batch {
			if i > 0 {
				values.WriteString(", ")
			}
			fmt.Fprintf(&values, "($1, $2, $%d, $3)", len(args)+1)
			args = append(args, c)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO first_seen (digest, platform, channel, seen_at) VALUES `+
			values.String()+` ON CONFLICT (digest, platform, channel) DO NOTHING`, args...); err != nil {
			return fmt.Errorf("store: record first seen %s/%s: %w", digest, platform, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: record first seen %s/%s: %w", digest, platform, err)
	}
	return nil
}

// firstSeen returns the recorded moments of channels, of those that have one.
func (l *sqlLedger) firstSeen(ctx context.Context, digest, platform string, channels []string) (map[string]time.Time, error) {
	seen := make(map[string]time.Time, len(channels))
	if len(channels) == 0 {
		return seen, nil
	}
	rows, err := l.db.QueryContext(ctx, `SELECT channel, seen_at FROM first_seen WHERE digest = $1 AND platform = $2`,
		digest, platform)
	if err != nil {
		return nil, fmt.Errorf("store: first seen %s/%s: %w", digest, platform, err)
	}
	defer rows.Close()
	want := make(map[string]bool, len(channels))
	for _, c := range channels {
		want[c] = true
	}
	for rows.Next() {
		var (
			channel string
			at      int64
		)
		if err := rows.Scan(&channel, &at); err != nil {
			return nil, fmt.Errorf("store: first seen %s/%s: %w", digest, platform, err)
		}
		if want[channel] {
			seen[channel] = time.UnixMilli(at).UTC()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: first seen %s/%s: %w", digest, platform, err)
	}
	return seen, nil
}

// keepVersions is how many of each briefing's newest versions Prune keeps however old they
// are, so that /changes always has the current version and the one before it.
const keepVersions = 2

// Prune runs its deletions in one transaction so that a failure leaves the ledger as it was
// and the count stays true. Claimed slots never marked stay whatever their age: a holder may
// still be posting, and the row keeps the Prior a later claimant needs.
func (l *sqlLedger) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	date := cutoff.UTC().Format(time.DateOnly)
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: prune: %w", err)
	}
	defer tx.Rollback()
	var total int64
	for _, del := range []struct {
		query string
		arg   any
	}{
		{`DELETE FROM slots WHERE result IS NOT NULL AND at < $1`, cutoff.Unix()},
		{`DELETE FROM audit WHERE at < $1`, cutoff.UnixMilli()},
		{`DELETE FROM briefing_versions WHERE seen_at < $1 AND id NOT IN (
			SELECT newer.id FROM briefing_versions newer WHERE newer.briefing = briefing_versions.briefing
			ORDER BY newer.seen_at DESC, newer.id DESC LIMIT ` + fmt.Sprint(keepVersions) + `)`, cutoff.UnixMilli()},
		{`DELETE FROM digest_holds WHERE kind = '` + holdSkip + `' AND date < $1`, date},
		{`DELETE FROM digest_holds WHERE kind = '` + holdPause + `' AND until <> '' AND until < $1`, date},
	} {
		res, err := tx.ExecContext(ctx, del.query, del.arg)
		if err != nil {
			return 0, fmt.Errorf("store: prune: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("store: prune: %w", err)
		}
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: prune: %w", err)
	}
	return total, nil
}
