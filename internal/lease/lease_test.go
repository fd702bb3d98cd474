package lease_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/internal/lease"
)

// ledger is one role's lease in memory; down makes every call fail.
type ledger struct {
	mu       sync.Mutex
	owner    string
	until    time.Time
	down     error
	resigned []string
}

func (l *ledger) Lease(_ context.Context, _, owner string, term time.Duration, now time.Time) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down != nil {
		return false, l.down
	}
	if l.owner != "" && l.owner != owner && now.Before(l.until) {
		return false, nil
	}
	l.owner, l.until = owner, now.Add(term)
	return true, nil
}

func (l *ledger) Resign(_ context.Context, _, owner string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.resigned = append(l.resigned, owner)
	if l.owner == owner {
		l.owner = ""
	}
	return nil
}

func (l *ledger) Holder(_ context.Context, _ string, now time.Time) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.down != nil {
		return "", l.down
	}
	if now.Before(l.until) {
		return l.owner, nil
	}
	return "", nil
}

func (l *ledger) set(change func(l *ledger)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	change(l)
}

// clock is a fake clock: Run's every wait is handed to the test, which moves the time on and
// lets it go with step.
type clock struct {
	mu    sync.Mutex
	now   time.Time
	slept chan struct{}
	wake  chan struct{}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	select {
	case c.slept <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-c.wake:
		c.mu.Lock()
		c.now = c.now.Add(d)
		c.mu.Unlock()
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// step lets Run's wait end, the time having moved on by the wait, and returns once Run has
// tried again and waits anew.
func (c *clock) step() {
	c.wake <- struct{}{}
	<-c.slept
}

// events records the role's work starting and stopping.
type events struct {
	mu   sync.Mutex
	took int
	drop []string // the holder each Drop was told of, or "error"
}

func (e *events) counts() (took, dropped int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.took, len(e.drop)
}

func (e *events) drops() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.drop...)
}

const (
	term  = 15 * time.Second
	every = 5 * time.Second
)

// start runs a role for owner "a" on l and a fake clock, and waits for its first try. stop ends
// Run and waits for it to return; the test's end does too.
func start(t *testing.T, l *ledger, take func(context.Context) error) (r *lease.Role, c *clock, e *events, stop func()) {
	t.Helper()
	c = &clock{now: time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC), slept: make(chan struct{}), wake: make(chan struct{})}
	e = &events{}
	if take == nil {
		take = func(context.Context) error { return nil }
	}
	r = &lease.Role{Name: "gateway", Owner: "a", Term: term, Every: every, Ledger: l, Now: c.Now, Sleep: c.Sleep,
		Take: func(ctx context.Context) error {
			err := take(ctx)
			if err == nil {
				e.mu.Lock()
				e.took++
				e.mu.Unlock()
			}
			return err
		},
		Drop: func(holder string, err error) {
			e.mu.Lock()
			defer e.mu.Unlock()
			if err != nil {
				holder = "error"
			}
			e.drop = append(e.drop, holder)
		}}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() { defer close(ended); r.Run(ctx) }()
	stop = func() { cancel(); <-ended }
	t.Cleanup(stop)
	<-c.slept
	return r, c, e, stop
}

func TestRoleTakenAndKept(t *testing.T) {
	l := &ledger{}
	r, c, e, _ := start(t, l, nil)
	if held, holder := r.Status(); !held || holder != "a" {
		t.Fatalf("after the first try: Status() = %v, %q; want true, \"a\"", held, holder)
	}
	for range 5 {
		c.step()
	}
	if took, dropped := e.counts(); took != 1 || dropped != 0 {
		t.Errorf("renewed five times: taken %d times, dropped %d; want taken once, never dropped", took, dropped)
	}
}

func TestRoleKeptThroughLedgerErrorsUntilItsLeaseEnds(t *testing.T) {
	l := &ledger{}
	r, c, e, _ := start(t, l, nil)
	l.set(func(l *ledger) { l.down = errors.New("connection refused") })
	// Won at 0 s for 15 s: the tries at 5 s and 10 s fail, and the role is still this one's.
	c.step()
	c.step()
	if held, _ := r.Status(); !held {
		t.Fatal("dropped at 10 s without a word from the ledger; the lease won at 0 s lasts until 15 s")
	}
	c.step()
	if held, _ := r.Status(); held {
		t.Fatal("kept at 15 s without a word from the ledger, when the lease won at 0 s has run out")
	}
	if drops := e.drops(); len(drops) != 1 || drops[0] != "error" {
		t.Errorf("Drop told of %q; want the ledger's error", drops)
	}
	l.set(func(l *ledger) { l.down = nil })
	c.step()
	if took, _ := e.counts(); took != 2 {
		t.Errorf("the ledger back: taken %d times in all; want again, 2", took)
	}
}

func TestRoleDroppedWhenAnotherHoldsIt(t *testing.T) {
	l := &ledger{}
	r, c, e, _ := start(t, l, nil)
	l.set(func(l *ledger) { l.owner, l.until = "b", c.Now().Add(time.Hour) })
	c.step()
	if held, holder := r.Status(); held || holder != "b" {
		t.Errorf("b took the lease: Status() = %v, %q; want false, \"b\"", held, holder)
	}
	if drops := e.drops(); len(drops) != 1 || drops[0] != "b" {
		t.Errorf("Drop told of %q; want [b]", drops)
	}
}

func TestRoleResignedWhenItsWorkCannotStart(t *testing.T) {
	l := &ledger{}
	var refuse atomic.Bool
	refuse.Store(true)
	r, c, e, _ := start(t, l, func(context.Context) error {
		if refuse.Load() {
			return errors.New("gateway unreachable")
		}
		return nil
	})
	l.mu.Lock()
	resigned := len(l.resigned)
	l.mu.Unlock()
	if held, _ := r.Status(); held || resigned != 1 {
		t.Fatalf("work refused: held %v, resigned %d times; want not held, resigned once", held, resigned)
	}
	refuse.Store(false)
	c.step()
	if took, _ := e.counts(); took != 1 {
		t.Errorf("taken %d times once the work could start; want 1", took)
	}
}

func TestRoleGivenUpAtTheEnd(t *testing.T) {
	l := &ledger{}
	_, c, e, stop := start(t, l, nil)
	stop()
	if holder, _ := l.Holder(context.Background(), "gateway", c.Now()); holder != "" || len(l.resigned) != 1 {
		t.Errorf("after Run: held by %q, resigned by %q; want by nobody, resigned by a", holder, l.resigned)
	}
	if _, dropped := e.counts(); dropped != 1 {
		t.Errorf("dropped %d times at the end; want 1", dropped)
	}
}
