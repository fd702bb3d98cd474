package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"briefbot/bot/store"
)

// ledgerOps name the ledger's calls in briefbot_ledger_duration_seconds, as
// briefbot_ledger_errors_total names those it counts.
var ledgerOps = [...]string{opClaim: "claim", opRenew: "renew", opMark: "mark", opRelease: "release", opRecord: "record",
	opLast: "last", opLastPosted: "last_posted", opFirstSeen: "first_seen", opPrune: "prune",
	opPutHold: "put_hold", opDropHold: "drop_hold", opHolds: "holds", opLease: "lease", opResign: "resign",
	opHolder: "holder", opAudit: "audit", opAuditSince: "audit_since", opSaveVersion: "save_version",
	opVersions: "versions", opPing: "ping", opWritable: "writable"}

type ledgerOp int

const (
	opClaim ledgerOp = iota
	opRenew
	opMark
	opRelease
	opRecord
	opLast
	opLastPosted
	opFirstSeen
	opPrune
	opPutHold
	opDropHold
	opHolds
	opLease
	opResign
	opHolder
	opAudit
	opAuditSince
	opSaveVersion
	opVersions
	opPing
	opWritable
	numLedgerOps
)

// timedLedger times every call to the ledger it wraps, by operation.
type timedLedger struct {
	store.Ledger // Close, untimed
	took         [numLedgerOps]prometheus.Observer
}

var _ store.Ledger = (*timedLedger)(nil)

// timed wraps l so that its calls are timed in briefbot_ledger_duration_seconds.
func (m *metrics) timed(l store.Ledger) store.Ledger {
	t := &timedLedger{Ledger: l}
	for op, name := range ledgerOps {
		t.took[op] = m.ledgerCalls.WithLabelValues(name)
	}
	return t
}

// since records how long a call of op that began at start took; deferred, with start taken as
// the call begins.
func (l *timedLedger) since(op ledgerOp, start time.Time) {
	l.took[op].Observe(time.Since(start).Seconds())
}

func (l *timedLedger) Claim(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	defer l.since(opClaim, time.Now())
	return l.Ledger.Claim(ctx, slot, owner, lease, now)
}

func (l *timedLedger) Renew(ctx context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) error {
	defer l.since(opRenew, time.Now())
	return l.Ledger.Renew(ctx, slot, owner, lease, now)
}

func (l *timedLedger) Mark(ctx context.Context, slot store.Slot, owner string, out store.Outcome, now time.Time) error {
	defer l.since(opMark, time.Now())
	return l.Ledger.Mark(ctx, slot, owner, out, now)
}

func (l *timedLedger) Release(ctx context.Context, slot store.Slot, owner string) error {
	defer l.since(opRelease, time.Now())
	return l.Ledger.Release(ctx, slot, owner)
}

func (l *timedLedger) Record(ctx context.Context, slot store.Slot, out store.Outcome, now time.Time) error {
	defer l.since(opRecord, time.Now())
	return l.Ledger.Record(ctx, slot, out, now)
}

func (l *timedLedger) Last(ctx context.Context, digest, platform, channel string) (*store.Entry, *store.Entry, error) {
	defer l.since(opLast, time.Now())
	return l.Ledger.Last(ctx, digest, platform, channel)
}

func (l *timedLedger) LastPosted(ctx context.Context, digest, platform, channel string) (*store.Entry, error) {
	defer l.since(opLastPosted, time.Now())
	return l.Ledger.LastPosted(ctx, digest, platform, channel)
}

func (l *timedLedger) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	defer l.since(opFirstSeen, time.Now())
	return l.Ledger.FirstSeen(ctx, digest, platform, channels, now)
}

func (l *timedLedger) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	defer l.since(opPrune, time.Now())
	return l.Ledger.Prune(ctx, cutoff)
}

func (l *timedLedger) PutHold(ctx context.Context, h store.Hold) error {
	defer l.since(opPutHold, time.Now())
	return l.Ledger.PutHold(ctx, h)
}

func (l *timedLedger) DropHold(ctx context.Context, digest, skip string) (*store.Hold, error) {
	defer l.since(opDropHold, time.Now())
	return l.Ledger.DropHold(ctx, digest, skip)
}

func (l *timedLedger) Holds(ctx context.Context, digest string) ([]store.Hold, error) {
	defer l.since(opHolds, time.Now())
	return l.Ledger.Holds(ctx, digest)
}

func (l *timedLedger) Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error) {
	defer l.since(opLease, time.Now())
	return l.Ledger.Lease(ctx, role, owner, ttl, now)
}

func (l *timedLedger) Resign(ctx context.Context, role, owner string) error {
	defer l.since(opResign, time.Now())
	return l.Ledger.Resign(ctx, role, owner)
}

func (l *timedLedger) Holder(ctx context.Context, role string, now time.Time) (string, error) {
	defer l.since(opHolder, time.Now())
	return l.Ledger.Holder(ctx, role, now)
}

func (l *timedLedger) Audit(ctx context.Context, e store.AuditEntry) error {
	defer l.since(opAudit, time.Now())
	return l.Ledger.Audit(ctx, e)
}

func (l *timedLedger) AuditSince(ctx context.Context, since time.Time, limit int) ([]store.AuditEntry, error) {
	defer l.since(opAuditSince, time.Now())
	return l.Ledger.AuditSince(ctx, since, limit)
}

func (l *timedLedger) SaveVersion(ctx context.Context, v store.Version) (bool, error) {
	defer l.since(opSaveVersion, time.Now())
	return l.Ledger.SaveVersion(ctx, v)
}

func (l *timedLedger) Versions(ctx context.Context, briefing string, limit int) ([]store.Version, error) {
	defer l.since(opVersions, time.Now())
	return l.Ledger.Versions(ctx, briefing, limit)
}

func (l *timedLedger) Ping(ctx context.Context) error {
	defer l.since(opPing, time.Now())
	return l.Ledger.Ping(ctx)
}

func (l *timedLedger) Writable(ctx context.Context) error {
	defer l.since(opWritable, time.Now())
	return l.Ledger.Writable(ctx)
}

// watchReadiness keeps briefbot_ready in step with the readiness checks, as a probe would see
// them, until ctx ends.
func (m *metrics) watchReadiness(ctx context.Context, rd *readiness, every time.Duration) {
	for {
		rd.mu.Lock()
		checks := append([]check(nil), rd.checks...)
		rd.mu.Unlock()
		for _, c := range checks {
			cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			v := 1.0
			if c.check(cctx) != nil {
				v = 0
			}
			cancel()
			m.connection.WithLabelValues(c.name).Set(v)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}
