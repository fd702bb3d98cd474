// Package store is briefbot's ledger: which digest slots were claimed, by whom, and how each
// ended; when a running bot first loaded each digest for each channel; moderators' holds on
// digests (pauses and skipped dates); one-holder leases for roles such as the Discord gateway;
// the audit trail of admin actions and reloads; and the versions of each briefing seen. SQLite (pure Go, the embedded default) and PostgreSQL (for
// replicas) implement one interface, held to one conformance suite.
//
// # Clocks
//
// Every call that needs the time takes it from the caller (now), so that a fake clock drives
// the scheduler in tests, with one exception: a PostgreSQL ledger compares and sets the ends of
// leases (Claim, Renew, Lease, Holder) with the server's clock, now(), and records a slot's
// first claim (Claim.Prior) with it too. Replicas share that one clock, so a replica whose own
// clock runs ahead cannot take over a slot whose post is still under way, which with its own
// clock it would do as soon as its lead exceeded what was left of the holder's lease. A
// PostgreSQL ledger opened with TrustCallerClock takes the callers' now for leases instead, for
// tests that drive time. SQLite, on one machine, always takes the caller's: the processes that
// share its file share the machine's clock. The other times a ledger keeps (when a slot was
// marked, first-seen moments, when a hold was said, audit entries) are records, and stay the
// caller's.
//
// # Faults
//
// Writable, for readiness, proves that the ledger takes a write, not only that it answers.
// When a write fails for a fault of the database rather than of the call (a file or a session
// turned read-only, a full disk, an I/O error), Writable reports it from then on, and the
// ledger opens a new handle, which it uses once a write through it succeeds: a handle opened on
// a read-only SQLite file stays read-only even after the file is writable again.
package store

import (
	"context"
	"errors"
	"time"
)

// A Slot is one scheduled post: a digest to one channel of one platform at one scheduled
// instant. The four together are the slot's unique key.
type Slot struct {
	Digest   string
	Platform string
	Channel  string
	At       time.Time // the scheduled instant; stored as UTC with second precision
}

// Result is how a slot ended.
type Result string

const (
	Posted  Result = "posted"  // posted at its time
	Late    Result = "late"    // posted after a downtime, within the digest's catch-up window
	Skipped Result = "skipped" // missed by more than the catch-up window: never posted
	Failed  Result = "failed"  // a permanent error, or the slot's deadline passed; Reason says which
)

// An Outcome is what Mark records for a slot.
type Outcome struct {
	Result    Result
	MessageID string // the platform's id of the post, for Posted and Late
	Reason    string // for Failed and Skipped: short, safe to show (no secrets, no message text)
	Version   string // the version of the briefing the post carried, for Posted and Late
}

// A Claim is the answer to Ledger.Claim.
type Claim struct {
	// Taken: the caller now holds the slot's lease and must Mark or Release it.
	Taken bool
	// Prior is when an earlier holder first claimed the slot, if one did and never marked it
	// (it crashed or lost its lease). The post may then already be on the platform: look
	// through the channel's history since Prior before posting again. Zero for a fresh claim.
	Prior time.Time
	// Done is the slot's outcome when it is already marked; Taken is then false.
	Done *Outcome
}

// An Entry is one slot as the ledger knows it, for /digest status and the CLI.
type Entry struct {
	Slot
	Outcome          // zero Result while claimed and not yet marked
	Owner     string // the last holder of the lease
	ClaimedAt time.Time
	MarkedAt  time.Time // zero while unmarked
}

// An AuditEntry is one admin action or reload: who did what, when, and how it went.
type AuditEntry struct {
	At      time.Time
	Actor   string // "discord:1234", "slack:U123", "shell", "reload:sighup", ...
	Action  string // "digest now morning", "reload", ...
	Outcome string // "ok", or a short reason
}

// A Version is one content version of a briefing, as first seen loaded.
type Version struct {
	Briefing string
	Version  string // short content hash
	SeenAt   time.Time
	Content  []byte // the briefing file as loaded, so that a later version can be compared
}

// A Hold is a moderator's word that a digest is not to post: its pause (Skip "") or the skip of
// one date. Dates are days of the digest's own zone, written "2026-12-25": the ledger stores
// and compares them, the scheduler, which knows the zone, says which slots they cover.
type Hold struct {
	Digest string
	Skip   string    // the date skipped; "" for the pause
	Until  string    // the date the pause ends; "" until resumed, and for a skip
	By     string    // who said it: "slack:U1", "discord:1234", "shell"
	At     time.Time // when; kept to the millisecond
}

// ErrNotHeld is returned by Renew, Mark and Release when the caller does not hold the lease
// (it expired and another owner took it, or it was never taken).
var ErrNotHeld = errors.New("store: lease not held")

// Ledger is the one interface both stores implement. Every method is safe for concurrent use,
// from one process or from several sharing the database. Where a lease's end is compared or
// set, now is the database server's clock on PostgreSQL, not the caller's (see Clocks above).
type Ledger interface {
	// Claim takes slot for owner until now+lease. It succeeds when the slot is new, or claimed
	// but unmarked with an expired lease (a crashed holder). It fails, with Taken false, when
	// another owner's lease is live or the slot is marked (Done says how it ended).
	// A lease is live while now is before its end. A live lease refuses its own holder too, so
	// that two workers sharing an owner name never both post: the holder extends with Renew.
	Claim(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) (Claim, error)
	// Renew extends owner's lease on slot to now+lease while it is still working. Like Mark,
	// it succeeds after the lease ended as long as nobody took the slot over.
	Renew(ctx context.Context, slot Slot, owner string, lease time.Duration, now time.Time) error
	// Mark records how the slot ended and ends owner's lease. A marked slot is never claimed again.
	// The holder may still mark after its lease ended, until another owner claims the slot:
	// until then nobody else can have posted. Marking twice, or after Release, is ErrNotHeld.
	Mark(ctx context.Context, slot Slot, owner string, out Outcome, now time.Time) error
	// Release gives the lease up without an outcome (on shutdown), so another owner may claim
	// the slot at once. The claim's Prior stays, since the post may have gone out.
	Release(ctx context.Context, slot Slot, owner string) error
	// Record marks a slot that nobody claims, such as one skipped after a long downtime. It
	// does nothing when the slot is already claimed or marked.
	Record(ctx context.Context, slot Slot, out Outcome, now time.Time) error

	// Last returns the most recent slot of digest on platform and channel, and the most recent
	// one that failed, if any.
	Last(ctx context.Context, digest, platform, channel string) (last, lastFailed *Entry, err error)
	// LastPosted returns the most recent slot of digest on platform and channel that was posted
	// (Posted or Late), with the briefing version it carried; nil when none was.
	LastPosted(ctx context.Context, digest, platform, channel string) (*Entry, error)
	// FirstSeen records now, to the millisecond, as the moment a running bot first loaded digest
	// for each of channels on platform that has no moment yet, and returns the moment of every
	// one of channels. From its moment on, a channel is owed the digest's slots, and none before
	// it. A moment once recorded never changes: of processes racing to record one, the first
	// write wins and all read back the same. A digest with slots in the ledger and no moment in
	// any channel (a ledger from before moments were recorded) gets its earliest slot instead
	// of now, so that upgrading loses none of what it missed.
	FirstSeen(ctx context.Context, digest, platform string, channels []string, now time.Time) (map[string]time.Time, error)
	// Prune deletes marked slots scheduled before cutoff and audit entries older than it, and
	// returns how many rows went. Claimed slots never marked stay. Briefing versions first seen
	// before cutoff go too, except each briefing's two newest, which /changes compares.
	// First-seen moments always stay: one per channel a digest ever had, and a digest whose
	// moment went would be new again, owed nothing it missed. Holds that are over go: skips of
	// a date before cutoff's, and pauses whose Until is before it (dates are compared with
	// cutoff's UTC date: a retention of days dwarfs how far zones differ); a pause without an
	// end stays until it is dropped.
	Prune(ctx context.Context, cutoff time.Time) (int64, error)

	// PutHold records h: a pause (Skip "") replaces its digest's pause, a skip replaces the
	// same date's skip. Dates are written "2006-01-02"; a hold with both Skip and Until, or no
	// digest, is refused.
	PutHold(ctx context.Context, h Hold) error
	// DropHold deletes digest's pause (skip "") or its skip of the date skip, and returns what
	// it deleted; nil when there was none.
	DropHold(ctx context.Context, digest, skip string) (*Hold, error)
	// Holds lists the holds recorded for digest ("" for every digest), whether or not their
	// dates are over: by digest, each one's pause first, then its skips by date.
	Holds(ctx context.Context, digest string) ([]Hold, error)

	// Lease takes or renews a one-holder role (such as "discord-gateway") for owner until
	// now+ttl. It reports whether owner holds it; another owner holds it until its lease
	// expires or it calls Resign.
	Lease(ctx context.Context, role, owner string, ttl time.Duration, now time.Time) (bool, error)
	// Resign gives a role up at once; when owner does not hold it, it changes nothing.
	Resign(ctx context.Context, role, owner string) error
	// Holder names the current holder of role, "" when none holds a live lease.
	Holder(ctx context.Context, role string, now time.Time) (string, error)

	// Audit appends an entry to the audit trail.
	Audit(ctx context.Context, e AuditEntry) error
	// AuditSince lists entries at or after since, newest first, at most limit (all when limit
	// is zero or less).
	AuditSince(ctx context.Context, since time.Time, limit int) ([]AuditEntry, error)

	// SaveVersion stores a briefing version the first time it is seen; seeing it again does
	// nothing. It reports whether the version was new.
	SaveVersion(ctx context.Context, v Version) (bool, error)
	// Versions lists the stored versions of a briefing, newest first, at most limit (all when
	// limit is zero or less).
	Versions(ctx context.Context, briefing string, limit int) ([]Version, error)

	// Ping checks that the database answers. A ledger that answers may still refuse writes:
	// readiness asks Writable.
	Ping(ctx context.Context) error
	// Writable reports whether the ledger takes a write such as a claim now, for readiness: nil
	// after a write to a row of its own, which no slot shares, that went through; else what
	// stops writes. It may answer from a write a few seconds old, so that probes every few
	// seconds cost little.
	Writable(ctx context.Context) error
	// Close closes the database.
	Close() error
}
