package retry_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"briefbot/internal/retry"
)

func TestNext(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name       string
		policy     retry.Policy
		failures   int
		retryAfter time.Duration
		want       time.Duration
		ok         bool
	}{
		{"first wait is Base", retry.Policy{Base: s, Cap: 5 * time.Minute}, 1, 0, s, true},
		{"second doubles", retry.Policy{Base: s, Cap: 5 * time.Minute}, 2, 0, 2 * s, true},
		{"third doubles again", retry.Policy{Base: s, Cap: 5 * time.Minute}, 3, 0, 4 * s, true},
		{"ninth doubles up to 4m16s", retry.Policy{Base: s, Cap: 5 * time.Minute}, 9, 0, 256 * s, true},
		{"doubling stops at Cap", retry.Policy{Base: s, Cap: 5 * time.Minute}, 10, 0, 5 * time.Minute, true},
		{"and stays there", retry.Policy{Base: s, Cap: 5 * time.Minute}, 1_000_000, 0, 5 * time.Minute, true},
		{"Cap not a doubling of Base", retry.Policy{Base: 2 * s, Cap: 5 * s}, 3, 0, 5 * s, true},
		{"Cap below Base", retry.Policy{Base: 2 * s, Cap: s}, 1, 0, s, true},
		{"no Cap: Base every time", retry.Policy{Base: s}, 5, 0, s, true},
		{"Cap as Base: Base every time", retry.Policy{Base: s, Cap: s, Tries: 4}, 3, 0, s, true},
		{"a huge Cap does not overflow", retry.Policy{Base: s, Cap: time.Duration(1<<63 - 1)}, 200, 0, time.Duration(1<<63 - 1), true},
		{"zero Policy: at once, without end", retry.Policy{}, 1_000, 0, 0, true},
		{"Retry-After is the wait", retry.Policy{Base: s, Cap: 5 * time.Minute}, 4, 300 * time.Millisecond, 300 * time.Millisecond, true},
		{"Retry-After past Cap is waited", retry.Policy{Base: s, Cap: 5 * time.Minute}, 1, time.Hour, time.Hour, true},
		{"Retry-After within MaxRetryAfter", retry.Policy{Tries: 3, MaxRetryAfter: 5 * s}, 1, 5 * s, 5 * s, true},
		{"Retry-After past MaxRetryAfter ends the tries", retry.Policy{Tries: 3, MaxRetryAfter: 5 * s}, 1, 5*s + 1, 0, false},
		{"Retry-After is not jittered", retry.Policy{Base: s, Cap: s, Jitter: true}, 1, 3 * s, 3 * s, true},
		{"a try left", retry.Policy{Base: s, Cap: s, Tries: 3}, 2, 0, s, true},
		{"tries spent", retry.Policy{Base: s, Cap: s, Tries: 3}, 3, 0, 0, false},
		{"tries spent, Retry-After or not", retry.Policy{Base: s, Cap: s, Tries: 3}, 3, s, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tc.policy.Next(tc.failures, tc.retryAfter)
			if got != tc.want || ok != tc.ok {
				t.Errorf("%+v.Next(%d, %v) = %v, %v; want %v, %v", tc.policy, tc.failures, tc.retryAfter, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestNextJitter: a jittered wait lies between half the doubled wait and all of it, and does
// vary.
func TestNextJitter(t *testing.T) {
	p := retry.Policy{Base: 2 * time.Second, Cap: time.Minute, Jitter: true}
	for _, tc := range []struct {
		failures int
		full     time.Duration
	}{{1, 2 * time.Second}, {2, 4 * time.Second}, {3, 8 * time.Second}, {6, time.Minute}, {50, time.Minute}} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d, ok := p.Next(tc.failures, 0)
			if !ok || d < tc.full/2 || d > tc.full {
				t.Fatalf("%+v.Next(%d, 0) = %v, %v; want within [%v, %v]", p, tc.failures, d, ok, tc.full/2, tc.full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("%+v.Next(%d, 0) gave %v 200 times: no jitter", p, tc.failures, seen)
		}
	}
}

// stepClock hands each wait to the test, which ends it.
type stepClock struct {
	asked chan time.Duration
	fire  chan time.Time
}

func (c *stepClock) Now() time.Time { return time.Time{} }

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.asked <- d
	return c.fire
}

func TestSleep(t *testing.T) {
	t.Run("the injected clock ends the wait", func(t *testing.T) {
		c := &stepClock{asked: make(chan time.Duration, 1), fire: make(chan time.Time, 1)}
		done := make(chan error, 1)
		go func() { done <- retry.Sleep(t.Context(), c, 3*time.Second) }()
		if d := <-c.asked; d != 3*time.Second {
			t.Errorf("Sleep asked the clock for %v, want 3s", d)
		}
		select {
		case err := <-done:
			t.Fatalf("Sleep = %v before the clock said so", err)
		default:
		}
		c.fire <- time.Time{}
		if err := <-done; err != nil {
			t.Errorf("Sleep = %v, want nil", err)
		}
	})
	t.Run("a cancelled context ends the wait at once", func(t *testing.T) {
		c := &stepClock{asked: make(chan time.Duration, 1), fire: make(chan time.Time)}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- retry.Sleep(ctx, c, time.Hour) }()
		<-c.asked
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Sleep = %v, want context.Canceled", err)
		}
	})
	t.Run("an ended context does not wait", func(t *testing.T) {
		c := &stepClock{asked: make(chan time.Duration, 1), fire: make(chan time.Time)}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		for _, d := range []time.Duration{time.Hour, 0} {
			if err := retry.Sleep(ctx, c, d); !errors.Is(err, context.Canceled) {
				t.Errorf("Sleep(ended, %v) = %v, want context.Canceled", d, err)
			}
		}
		if len(c.asked) != 0 {
			t.Errorf("Sleep on an ended context asked the clock to wait")
		}
	})
	t.Run("no wait", func(t *testing.T) {
		c := &stepClock{asked: make(chan time.Duration, 1), fire: make(chan time.Time)}
		for _, d := range []time.Duration{0, -time.Second} {
			if err := retry.Sleep(t.Context(), c, d); err != nil {
				t.Errorf("Sleep(%v) = %v, want nil at once", d, err)
			}
		}
		if len(c.asked) != 0 {
			t.Errorf("Sleep(0) asked the clock to wait")
		}
	})
}

// TestSleepSystemClock: the machine's clock waits the time asked (synctest's fake time here),
// and a deadline ends the wait when it comes.
func TestSleepSystemClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := retry.SystemClock()
		start := clock.Now()
		if err := retry.Sleep(t.Context(), clock, time.Minute); err != nil {
			t.Fatalf("Sleep = %v", err)
		}
		if got := clock.Now().Sub(start); got != time.Minute {
			t.Errorf("Sleep(1m) took %v", got)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start = clock.Now()
		if err := retry.Sleep(ctx, clock, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Sleep past the deadline = %v, want context.DeadlineExceeded", err)
		}
		if got := clock.Now().Sub(start); got != 10*time.Second {
			t.Errorf("Sleep past a 10s deadline took %v", got)
		}
	})
}
