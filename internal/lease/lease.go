// Package lease holds a role that one process at a time may hold among replicas, by a lease in a
// shared ledger: the process takes the lease or renews it every little while, does the role's
// work while it holds it, and stops at once when it loses it. The Discord gateway is such a
// role: every gateway session of a bot receives every interaction, so replicas would race to
// answer each.
//
// It reads the time only through the clock it is given, and knows the ledger only by the three
// calls it makes, so that it imports nothing of briefbot's and tests drive it on a fake clock.
//
// A digest slot's lease (bot/schedule) is not a role: it is claimed once, for one post, renewed
// only while that post is under way, and marked or released by the post itself.
package lease

import (
	"context"
	"sync"
	"time"
)

// A Ledger keeps one-holder leases on named roles; bot/store's ledgers are one.
type Ledger interface {
	// Lease takes role for owner, or renews owner's lease, until now+term; false when another
	// owner's lease is live.
	Lease(ctx context.Context, role, owner string, term time.Duration, now time.Time) (bool, error)
	// Resign ends owner's lease on role, so that another owner may take it at once.
	Resign(ctx context.Context, role, owner string) error
	// Holder is the owner of role's live lease, "" when nobody holds it.
	Holder(ctx context.Context, role string, now time.Time) (string, error)
}

// resignWithin bounds giving the role up when Run ends, so that a ledger that does not answer
// cannot hold up the process's shutdown; the lease then runs out by itself.
const resignWithin = 5 * time.Second

// A Role is one role held by a lease. Set the fields, then call Run once.
type Role struct {
	Name   string        // the role, as the ledger names it
	Owner  string        // this process, as the ledger names it
	Term   time.Duration // how long one lease lasts
	Every  time.Duration // how often the lease is taken or renewed: well within Term
	Ledger Ledger

	// Now and Sleep are the clock; Sleep waits d, or returns ctx's error when ctx ends first.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error

	// Take starts the role's work once the lease is won. When it fails, the role is resigned,
	// and tried for again at the next try.
	Take func(ctx context.Context) error
	// Drop stops the work: the lease went to holder, or err kept the ledger from answering
	// until the last lease won had run out, or Run is ending (ctx is done).
	Drop func(holder string, err error)

	mu      sync.Mutex
	held    bool
	renewed time.Time // when the last lease this process won was asked for
	holder  string    // who holds the role, as last read
}

// Run takes or renews the lease every r.Every until ctx ends, then drops and resigns the role
// if this process holds it. A holder that dies loses the role when its lease runs out, and
// another process takes it at its next try: within Term + Every.
func (r *Role) Run(ctx context.Context) {
	for {
		start := r.Now()
		r.try(ctx, start)
		if r.Sleep(ctx, r.Every-r.Now().Sub(start)) != nil || ctx.Err() != nil {
			break
		}
	}
	r.mu.Lock()
	held := r.held
	r.held = false
	r.mu.Unlock()
	if held {
		r.Drop("", context.Cause(ctx))
		resign, cancel := context.WithTimeout(context.WithoutCancel(ctx), resignWithin)
		defer cancel()
		r.Ledger.Resign(resign, r.Name, r.Owner)
	}
}

func (r *Role) try(ctx context.Context, now time.Time) {
	won, err := r.Ledger.Lease(ctx, r.Name, r.Owner, r.Term, now)
	holder, _ := r.Ledger.Holder(ctx, r.Name, now)
	r.mu.Lock()
	r.holder = holder
	held := r.held
	if err == nil && won {
		r.renewed = now
	}
	// Without a word from the ledger, a holder keeps the role only while its last lease lasts:
	// after that another process may hold it. It measures that lease on its own clock (time.Now
	// reads a monotonic one) from before it asked, and a PostgreSQL ledger on the server's clock
	// from when it answered, so the holder lets go first however far the machines' clocks
	// disagree.
	keep := won || (err != nil && held && now.Sub(r.renewed) < r.Term)
	r.mu.Unlock()
	switch {
	case keep && !held:
		if err := r.Take(ctx); err != nil {
			r.Ledger.Resign(ctx, r.Name, r.Owner)
			return
		}
		r.set(true)
	case !keep && held:
		r.set(false)
		r.Drop(holder, err)
	}
}

func (r *Role) set(held bool) {
	r.mu.Lock()
	r.held = held
	r.mu.Unlock()
}

// Status says whether this process holds the role, and who does as last read from the ledger
// ("" before the first read, or when nobody does).
func (r *Role) Status() (held bool, holder string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.held, r.holder
}
