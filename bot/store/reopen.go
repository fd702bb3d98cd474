package store

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// reopenEvery spaces attempts at a new handle while a write fault lasts: each attempt opens
	// the database and writes, and every ledger call may ask for one.
	reopenEvery = time.Second
	// writableFor is how long Writable trusts its last write. Readiness probes, a load
	// balancer's and the metrics' every few seconds each, then cost one small write at most
	// this often, and a fault that no real write met yet shows within it.
	writableFor = 2 * time.Second
)

// reopeningLedger is the Ledger that Open returns: a sqlLedger whose handle is replaced when a
// write fails for a fault of the database rather than of the call (dialect.writeFault). A
// SQLite file that was read-only when the handle opened it stays read-only to that handle for
// good, even once its permissions are fixed; a PostgreSQL session set read-only stays so. So
// after such a failure the next call, at most once every reopenEvery, opens a new handle, and
// takes it once a write through it succeeds. Until then the old handle serves, so reads go on,
// and Writable reports the fault, so that readiness says the store cannot take a claim.
type reopeningLedger struct {
	// open opens a new handle on the same database; nil when none can be (an in-memory one).
	open func(context.Context) (*sqlLedger, error)
	log  *slog.Logger

	// handle is held for reading by every call on l, so that a handle is closed only once no
	// call uses it any more; for writing only to swap handles. Taken before state when both are.
	handle sync.RWMutex
	l      *sqlLedger
	// generation counts handles, so that a call on a handle already replaced does not report
	// its fault against the new one.
	generation atomic.Int64

	faulty atomic.Bool // fault is set: the one thing every call looks at
	// state is never held across a call on the database.
	state      sync.Mutex
	fault      error     // the write fault that no new handle has cured yet; nil when none
	faultSince time.Time // when it was first met
	tried      time.Time // the last attempt at a new handle
	reopening  bool      // an attempt is under way
	checkedAt  time.Time // when Writable last wrote, zero before it did
	checked    error     // how that went

	// turn is held by the Writable call that writes; others wait for its answer.
	turn chan struct{}
}

var _ Ledger = (*reopeningLedger)(nil)

func newReopening(l *sqlLedger, open func(context.Context) (*sqlLedger, error), log *slog.Logger) *reopeningLedger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &reopeningLedger{l: l, open: open, log: log, turn: make(chan struct{}, 1)}
}

// use runs f on the current handle, after trying a new one if a fault is due for it, and notes
// a write fault in f's answer.
func (r *reopeningLedger) use(ctx context.Context, f func(*sqlLedger) error) error {
	if r.faulty.Load() {
		r.reopenIfDue(ctx)
	}
	r.handle.RLock()
	l, generation := r.l, r.generation.Load()
	err := f(l)
	r.handle.RUnlock()
	if err != nil && l.dialect.writeFault(err) {
		r.noteFault(generation, err)
	}
	return err
}

func (r *reopeningLedger) noteFault(generation int64, err error) {
	r.state.Lock()
	defer r.state.Unlock()
	if generation != r.generation.Load() || r.fault != nil {
		return
	}
	r.fault, r.faultSince = err, time.Now()
	r.faulty.Store(true)
	if r.open == nil {
		r.log.Error("store write failed", "err", err)
		return
	}
	r.log.Error("store write failed; reopening the ledger once it takes writes again", "err", err)
}

// reopenIfDue opens a new handle while a fault lasts, and swaps it in once it writes.
func (r *reopeningLedger) reopenIfDue(ctx context.Context) {
	r.state.Lock()
	due := r.fault != nil && r.open != nil && !r.reopening && time.Since(r.tried) >= reopenEvery
	open := r.open
	if due {
		r.tried, r.reopening = time.Now(), true
	}
	r.state.Unlock()
	if !due {
		return
	}
	fresh, err := open(ctx)
	if err == nil {
		if err = fresh.Writable(ctx); err != nil {
			fresh.Close()
		}
	}
	if err != nil {
		r.state.Lock()
		r.reopening = false
		r.state.Unlock()
		r.log.Debug("store still takes no writes", "err", err)
		return
	}
	r.handle.Lock() // every call on the old handle has ended once this is ours
	r.state.Lock()
	if r.open == nil { // closed meanwhile
		r.state.Unlock()
		r.handle.Unlock()
		fresh.Close()
		return
	}
	old := r.l
	r.l = fresh
	r.generation.Add(1)
	fault, since := r.fault, r.faultSince
	r.fault, r.reopening = nil, false
	r.faulty.Store(false)
	r.checkedAt, r.checked = time.Now(), nil
	r.state.Unlock()
	r.handle.Unlock()
	old.Close()
	r.log.Info("store reopened", "after", time.Since(since).Round(time.Millisecond), "fault", fault.Error())
}

// Writable reports a write fault that no new handle cured yet, else writes, at most once every
// writableFor: the answers in between are that write's.
func (r *reopeningLedger) Writable(ctx context.Context) error {
	if r.faulty.Load() {
		r.reopenIfDue(ctx)
	}
	if err := r.pendingFault(); err != nil {
		return err
	}
	select {
	case r.turn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("store: write check: %w", ctx.Err())
	}
	defer func() { <-r.turn }()
	r.state.Lock()
	at, checked := r.checkedAt, r.checked
	r.state.Unlock()
	if err := r.pendingFault(); err != nil {
		return err
	}
	if !at.IsZero() && time.Since(at) < writableFor {
		return checked
	}
	err := r.use(ctx, func(l *sqlLedger) error { return l.Writable(ctx) })
	if err != nil && ctx.Err() != nil {
		return err // the caller gave up: that tells nothing of the store
	}
	r.state.Lock()
	r.checkedAt, r.checked = time.Now(), err
	r.state.Unlock()
	if err != nil {
		return r.pendingFaultOr(err)
	}
	return nil
}

func (r *reopeningLedger) pendingFault() error { return r.pendingFaultOr(nil) }

// pendingFaultOr is the pending write fault, in words for readiness, or err when none is.
func (r *reopeningLedger) pendingFaultOr(err error) error {
	r.state.Lock()
	defer r.state.Unlock()
	if r.fault == nil {
		return err
	}
	return fmt.Errorf("store: writes fail since %s: %w", r.faultSince.UTC().Format(time.RFC3339), r.fault)
}

func (r *reopeningLedger) Close() error {
	r.state.Lock()
	r.open = nil                              // no handle after this one
	r.checkedAt, r.checked = time.Time{}, nil // nor an answer from before
	r.state.Unlock()
	r.handle.RLock()
	defer r.handle.RUnlock()
	return r.l.Close()
}

// The Ledger's calls, each on the current handle.

func (r *reopeningLedger) Claim(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) (c Claim, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { c, err = l.Claim(ctx, slot, owner, lease, now); return err })
	return c, err
}

func (r *reopeningLedger) Renew(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Renew(ctx, slot, owner, lease, now) })
}

func (r *reopeningLedger) Mark(ctx context.Context, slot Slot, owner string, out Outcome, now time.Time) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Mark(ctx, slot, owner, out, now) })
}

func (r *reopeningLedger) Release(ctx context.Context, slot Slot, owner string) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Release(ctx, slot, owner) })
}

func (r *reopeningLedger) Record(ctx context.Context, slot Slot, out Outcome, now time.Time) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Record(ctx, slot, out, now) })
}

func (r *reopeningLedger) Last(ctx context.Context, digest, platform, channel string) (last, lastFailed *Entry, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { last, lastFailed, err = l.Last(ctx, digest, platform, channel); return err })
	return last, lastFailed, err
}

func (r *reopeningLedger) LastPosted(ctx context.Context, digest, platform, channel string) (e *Entry, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { e, err = l.LastPosted(ctx, digest, platform, channel); return err })
	return e, err
}

func (r *reopeningLedger) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (seen map[string]time.Time, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { seen, err = l.FirstSeen(ctx, digest, platform, channels, now); return err })
	return seen, err
}

func (r *reopeningLedger) Prune(ctx context.Context, cutoff time.Time) (n int64, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { n, err = l.Prune(ctx, cutoff); return err })
	return n, err
}

func (r *reopeningLedger) PutHold(ctx context.Context, h Hold) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.PutHold(ctx, h) })
}

func (r *reopeningLedger) DropHold(ctx context.Context, digest, skip string) (h *Hold, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { h, err = l.DropHold(ctx, digest, skip); return err })
	return h, err
}

func (r *reopeningLedger) Holds(ctx context.Context, digest string) (out []Hold, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { out, err = l.Holds(ctx, digest); return err })
	return out, err
}

func (r *reopeningLedger) Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (held bool, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { held, err = l.Lease(ctx, role, owner, ttl, now); return err })
	return held, err
}

func (r *reopeningLedger) Resign(ctx context.Context, role, owner string) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Resign(ctx, role, owner) })
}

func (r *reopeningLedger) Holder(ctx context.Context, role string, now time.Time) (owner string, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { owner, err = l.Holder(ctx, role, now); return err })
	return owner, err
}

func (r *reopeningLedger) Audit(ctx context.Context, e AuditEntry) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Audit(ctx, e) })
}

func (r *reopeningLedger) AuditSince(ctx context.Context, since time.Time, limit int) (out []AuditEntry, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { out, err = l.AuditSince(ctx, since, limit); return err })
	return out, err
}

func (r *reopeningLedger) SaveVersion(ctx context.Context, v Version) (isNew bool, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { isNew, err = l.SaveVersion(ctx, v); return err })
	return isNew, err
}

func (r *reopeningLedger) Versions(ctx context.Context, briefing string, limit int) (out []Version, err error) {
	err = r.use(ctx, func(l *sqlLedger) error { out, err = l.Versions(ctx, briefing, limit); return err })
	return out, err
}

func (r *reopeningLedger) Ping(ctx context.Context) error {
	return r.use(ctx, func(l *sqlLedger) error { return l.Ping(ctx) })
}
