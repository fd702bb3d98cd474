package schedule

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"briefbot/bot/store"
)

// memLedger is store.Ledger in memory, held to the interface's documented rules, for tests
// that need no database.
type memLedger struct {
	mu        sync.Mutex
	slots     map[slotKey]*memSlot
	firstSeen map[channelKey]time.Time
	audit     []store.AuditEntry
	roles     map[string]memRole
	versions  map[string][]store.Version
	holds     map[holdKey]store.Hold
}

// holdKey is a hold's key in the ledger: its digest and its date, "" for the pause.
type holdKey struct{ digest, skip string }

type memSlot struct {
	entry      store.Entry
	prior      time.Time // the first claim, kept across takeovers until marked
	leaseUntil time.Time
	held       bool // claimed, not released, not marked
}

type memRole struct {
	owner string
	until time.Time
}

func newMemLedger() *memLedger {
	return &memLedger{slots: map[slotKey]*memSlot{}, firstSeen: map[channelKey]time.Time{}, roles: map[string]memRole{},
		versions: map[string][]store.Version{}, holds: map[holdKey]store.Hold{}}
}

var _ store.Ledger = (*memLedger)(nil)

func normal(s store.Slot) store.Slot {
	s.At = s.At.UTC().Truncate(time.Second)
	return s
}

func (l *memLedger) Claim(_ context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) (store.Claim, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	slot = normal(slot)
	m := l.slots[keyOf(slot)]
	switch {
	case m == nil:
		l.slots[keyOf(slot)] = &memSlot{
			entry: store.Entry{Slot: slot, Owner: owner, ClaimedAt: now},
			prior: now, leaseUntil: now.Add(lease), held: true,
		}
		return store.Claim{Taken: true}, nil
	case m.entry.Result != "":
		out := m.entry.Outcome
		return store.Claim{Done: &out}, nil
	case m.held && now.Before(m.leaseUntil):
		return store.Claim{}, nil
	}
	m.entry.Owner, m.entry.ClaimedAt, m.leaseUntil, m.held = owner, now, now.Add(lease), true
	return store.Claim{Taken: true, Prior: m.prior}, nil
}

func (l *memLedger) holder(slot store.Slot, owner string) (*memSlot, error) {
	m := l.slots[keyOf(normal(slot))]
	if m == nil || !m.held || m.entry.Owner != owner || m.entry.Result != "" {
		return nil, store.ErrNotHeld
	}
	return m, nil
}

func (l *memLedger) Renew(_ context.Context, slot store.Slot, owner string, lease time.Duration, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, err := l.holder(slot, owner)
	if err == nil {
		m.leaseUntil = now.Add(lease)
	}
	return err
}

func (l *memLedger) Mark(_ context.Context, slot store.Slot, owner string, out store.Outcome, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, err := l.holder(slot, owner)
	if err == nil {
		m.entry.Outcome, m.entry.MarkedAt, m.held = out, now, false
	}
	return err
}

func (l *memLedger) Release(_ context.Context, slot store.Slot, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	m, err := l.holder(slot, owner)
	if err == nil {
		m.held, m.leaseUntil = false, time.Time{}
	}
	return err
}

func (l *memLedger) Record(_ context.Context, slot store.Slot, out store.Outcome, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	slot = normal(slot)
	if l.slots[keyOf(slot)] == nil {
		l.slots[keyOf(slot)] = &memSlot{entry: store.Entry{Slot: slot, Outcome: out, MarkedAt: now}}
	}
	return nil
}

func (l *memLedger) Last(_ context.Context, digest, platform, channel string) (last, lastFailed *store.Entry, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.slots {
		e := m.entry
		if e.Digest != digest || e.Platform != platform || e.Channel != channel {
			continue
		}
		if last == nil || e.At.After(last.At) {
			last = &e
		}
		if e.Result == store.Failed && (lastFailed == nil || e.At.After(lastFailed.At)) {
			lastFailed = &e
		}
	}
	return last, lastFailed, nil
}

func (l *memLedger) LastPosted(_ context.Context, digest, platform, channel string) (*store.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var last *store.Entry
	for _, m := range l.slots {
		e := m.entry
		if e.Digest == digest && e.Platform == platform && e.Channel == channel &&
			(e.Result == store.Posted || e.Result == store.Late) && (last == nil || e.At.After(last.At)) {
			last = &e
		}
	}
	return last, nil
}

func (l *memLedger) FirstSeen(_ context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	moment := now.Truncate(time.Millisecond).UTC()
	recorded := false
	for k := range l.firstSeen {
		recorded = recorded || k.digest == digest
	}
	if !recorded {
		// A ledger from before moments: the digest has run since its earliest slot.
		for k := range l.slots {
			if at := time.Unix(k.at, 0).UTC(); k.digest == digest && at.Before(moment) {
				moment = at
			}
		}
	}
	seen := make(map[string]time.Time, len(channels))
	for _, c := range channels {
		k := channelKey{digest, platform, c}
		if _, ok := l.firstSeen[k]; !ok {
			l.firstSeen[k] = moment
		}
		seen[c] = l.firstSeen[k]
	}
	return seen, nil
}

func (l *memLedger) Prune(_ context.Context, cutoff time.Time) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	for k, m := range l.slots {
		if m.entry.Result != "" && m.entry.At.Before(cutoff) {
			delete(l.slots, k)
			n++
		}
	}
	kept := l.audit[:0]
	for _, e := range l.audit {
		if e.At.Before(cutoff) {
			n++
			continue
		}
		kept = append(kept, e)
	}
	l.audit = kept
	date := cutoff.UTC().Format(time.DateOnly)
	for k, h := range l.holds {
		if h.Skip != "" && h.Skip < date || h.Skip == "" && h.Until != "" && h.Until < date {
			delete(l.holds, k)
			n++
		}
	}
	return n, nil
}

func (l *memLedger) PutHold(_ context.Context, h store.Hold) error {
	if h.Digest == "" || h.Skip != "" && h.Until != "" {
		return fmt.Errorf("put hold %+v: refused", h)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	h.At = h.At.Truncate(time.Millisecond).UTC()
	l.holds[holdKey{h.Digest, h.Skip}] = h
	return nil
}

func (l *memLedger) DropHold(_ context.Context, digest, skip string) (*store.Hold, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.holds[holdKey{digest, skip}]
	if !ok {
		return nil, nil
	}
	delete(l.holds, holdKey{digest, skip})
	return &h, nil
}

func (l *memLedger) Holds(_ context.Context, digest string) ([]store.Hold, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.Hold
	for _, h := range l.holds {
		if digest == "" || h.Digest == digest {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b store.Hold) int {
		return cmp.Or(cmp.Compare(a.Digest, b.Digest), cmp.Compare(a.Skip, b.Skip))
	})
	return out, nil
}

func (l *memLedger) Lease(_ context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.roles[role]; ok && r.owner != owner && now.Before(r.until) {
		return false, nil
	}
	l.roles[role] = memRole{owner: owner, until: now.Add(ttl)}
	return true, nil
}

func (l *memLedger) Resign(_ context.Context, role, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.roles[role].owner == owner {
		delete(l.roles, role)
	}
	return nil
}

func (l *memLedger) Holder(_ context.Context, role string, now time.Time) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.roles[role]; ok && now.Before(r.until) {
		return r.owner, nil
	}
	return "", nil
}

func (l *memLedger) Audit(_ context.Context, e store.AuditEntry) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.audit = append(l.audit, e)
	return nil
}

func (l *memLedger) AuditSince(_ context.Context, since time.Time, limit int) ([]store.AuditEntry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []store.AuditEntry
	for i := len(l.audit) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if !l.audit[i].At.Before(since) {
			out = append(out, l.audit[i])
		}
	}
	return out, nil
}

func (l *memLedger) SaveVersion(_ context.Context, v store.Version) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if slices.ContainsFunc(l.versions[v.Briefing], func(o store.Version) bool { return o.Version == v.Version }) {
		return false, nil
	}
	l.versions[v.Briefing] = append(l.versions[v.Briefing], v)
	return true, nil
}

func (l *memLedger) Versions(_ context.Context, briefing string, limit int) ([]store.Version, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	vs := slices.Clone(l.versions[briefing])
	slices.Reverse(vs)
	return vs[:min(limit, len(vs))], nil
}

func (l *memLedger) Ping(context.Context) error     { return nil }
func (l *memLedger) Writable(context.Context) error { return nil }
func (l *memLedger) Close() error                   { return nil }

// errKilled is what a killed process's ledger and posters answer: nothing it does after the
// kill reaches the database or the platform, as after SIGKILL.
var errKilled = errors.New("process killed")

// killable wraps a ledger for one process; kill cuts it off mid-work without a Release.
type killable struct {
	store.Ledger
	dead *killSwitch
}

// The steps of a digest's path where a killPoint can stop a process: the calls on the ledger
// and the platform that change something. crash_test.go kills at each of them.
const (
	stepFirstSeen = "first seen"
	stepHolds     = "holds" // the read of a digest's holds, once for all its channels
	stepClaim     = "claim"
	stepPost      = "post"
	stepHeadline  = "headline" // a thread's first part, in the channel
	stepDetail    = "detail"   // a thread's second part, in the headline's thread
	stepMark      = "mark"
	stepRecord    = "record" // a slot settled without a claim: held, or missed
)

// A killPoint is where a process dies, as by SIGKILL: at a step of one channel's path, before
// the call takes effect, or after it took effect and before the process hears the answer.
type killPoint struct {
	step    string
	after   bool
	channel string
}

func (p killPoint) String() string {
	if p.after {
		return "after " + p.step
	}
	return "before " + p.step
}

type killSwitch struct {
	mu    sync.Mutex
	dead  bool
	point *killPoint    // nil: dies only when killed
	hit   chan struct{} // closed when the process died at point
}

func newKillSwitch() *killSwitch { return &killSwitch{hit: make(chan struct{})} }

// arm makes the process die when its work reaches point.
func (k *killSwitch) arm(point *killPoint) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.point = point
}

func (k *killSwitch) kill() {
	k.mu.Lock()
	k.dead = true
	k.mu.Unlock()
}

func (k *killSwitch) killed() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.dead
}

// reach is called before and after each step of a process's path in channels, or in every
// channel of a digest when none is named: it kills the process when that is its kill point,
// and reports whether the process is dead. Dead before a call, the call must not happen; dead
// after it, its answer is lost.
func (k *killSwitch) reach(step string, after bool, channels ...string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if p := k.point; !k.dead && p != nil && p.step == step && p.after == after &&
		(len(channels) == 0 || slices.Contains(channels, p.channel)) {
		k.dead = true
		close(k.hit)
	}
	return k.dead
}

func (k killable) Claim(ctx context.Context, s store.Slot, o string, d time.Duration, now time.Time) (store.Claim, error) {
	if k.dead.reach(stepClaim, false, s.Channel) {
		return store.Claim{}, errKilled
	}
	c, err := k.Ledger.Claim(ctx, s, o, d, now)
	if k.dead.reach(stepClaim, true, s.Channel) {
		return store.Claim{}, errKilled
	}
	return c, err
}

func (k killable) FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error) {
	if k.dead.reach(stepFirstSeen, false, channels...) {
		return nil, errKilled
	}
	seen, err := k.Ledger.FirstSeen(ctx, digest, platform, channels, now)
	if k.dead.reach(stepFirstSeen, true, channels...) {
		return nil, errKilled
	}
	return seen, err
}

func (k killable) Renew(ctx context.Context, s store.Slot, o string, d time.Duration, now time.Time) error {
	if k.dead.killed() {
		return errKilled
	}
	return k.Ledger.Renew(ctx, s, o, d, now)
}

func (k killable) Mark(ctx context.Context, s store.Slot, o string, out store.Outcome, now time.Time) error {
	if k.dead.reach(stepMark, false, s.Channel) {
		return errKilled
	}
	err := k.Ledger.Mark(ctx, s, o, out, now)
	if k.dead.reach(stepMark, true, s.Channel) {
		return errKilled
	}
	return err
}

func (k killable) Release(ctx context.Context, s store.Slot, o string) error {
	if k.dead.killed() {
		return errKilled
	}
	return k.Ledger.Release(ctx, s, o)
}

func (k killable) Record(ctx context.Context, s store.Slot, out store.Outcome, now time.Time) error {
	if k.dead.reach(stepRecord, false, s.Channel) {
		return errKilled
	}
	err := k.Ledger.Record(ctx, s, out, now)
	if k.dead.reach(stepRecord, true, s.Channel) {
		return errKilled
	}
	return err
}

func (k killable) Holds(ctx context.Context, digest string) ([]store.Hold, error) {
	if k.dead.reach(stepHolds, false) {
		return nil, errKilled
	}
	hs, err := k.Ledger.Holds(ctx, digest)
	if k.dead.reach(stepHolds, true) {
		return nil, errKilled
	}
	return hs, err
}

func (k killable) PutHold(ctx context.Context, h store.Hold) error {
	if k.dead.killed() {
		return errKilled
	}
	return k.Ledger.PutHold(ctx, h)
}

func (k killable) DropHold(ctx context.Context, digest, skip string) (*store.Hold, error) {
	if k.dead.killed() {
		return nil, errKilled
	}
	return k.Ledger.DropHold(ctx, digest, skip)
}
