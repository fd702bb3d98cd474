// Package retry is the bot's one way of trying again after a failure: how long to wait, when to
// stop, and a wait that ends with its context.
//
// A platform's Retry-After, when a failure carries one, is the wait: the platform said when to
// come back. Without one the wait starts at Base and doubles with each failure, up to Cap, with
// jitter where many callers fail together. Each caller keeps only its own values, as a Policy,
// with the reason for them. The package imports nothing of briefbot's and reads the time only
// through the Clock it is given, so that tests run it on a fake one.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// A Policy says how long to wait before each try after a failure, and when to stop trying.
// The zero Policy retries at once, without end.
type Policy struct {
	// Base is the wait after the first failure that named no Retry-After; each failure after
	// doubles it, up to Cap.
	Base time.Duration
	// Cap is the longest wait of the doubling; 0 keeps every wait at Base.
	Cap time.Duration
	// Tries is how many tries there are in all, the first one included; 0: no limit.
	Tries int
	// Jitter waits a random part of each doubled wait, from half of it to all of it, so that
	// callers that failed together do not come back together. A Retry-After is waited as given.
	Jitter bool
	// MaxRetryAfter is the longest Retry-After waited under this policy: a longer one ends the
	// tries, for a caller that can wait without holding anything (the scheduler) to wait it
	// instead. 0: any Retry-After is waited.
	MaxRetryAfter time.Duration
}

// Next is the wait after failure number failures (1 once the first try has failed), given the
// Retry-After that failure carried (0 when it carried none). It is false when no try is left:
// the tries are spent, or the Retry-After is longer than MaxRetryAfter.
func (p Policy) Next(failures int, retryAfter time.Duration) (time.Duration, bool) {
	if p.Tries > 0 && failures >= p.Tries {
		return 0, false
	}
	if retryAfter > 0 {
		if p.MaxRetryAfter > 0 && retryAfter > p.MaxRetryAfter {
			return 0, false
		}
		return retryAfter, true
	}
	d := p.Base
	if p.Cap > 0 {
		for i := 1; i < failures && d > 0 && d < p.Cap; i++ {
			if d > p.Cap/2 { // doubling would pass Cap (or overflow)
				d = p.Cap
			} else {
				d *= 2
			}
		}
		d = min(d, p.Cap)
	}
	if p.Jitter && d > 0 {
		d = d/2 + rand.N(d-d/2+1)
	}
	return max(d, 0), true
}

// A Clock tells the time and waits. Whatever waits in the bot reads no other clock, so that
// tests run days of it without waiting for them.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the machine's clock.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// Sleep waits d on clock, or until ctx ends, and then returns ctx's error. A d of 0 or less
// does not wait, but still reports a ctx that has ended.
func Sleep(ctx context.Context, clock Clock, d time.Duration) error {
	if d <= 0 || ctx.Err() != nil {
		return ctx.Err()
	}
	select {
	case <-clock.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
