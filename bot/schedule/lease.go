package schedule

import (
	"context"
	"errors"
	"sync"
	"time"

	"briefbot/bot/store"
)

// A holding is a claimed slot whose lease is renewed in the background until stopRenewing.
type holding struct {
	slot  store.Slot
	since time.Time       // when the claim was taken
	stop  context.Context // ends: no more waiting to retry
	work  context.Context
	ctx   context.Context // the post's: ends with work or when the lease is lost

	cancel context.CancelCauseFunc
	quit   chan struct{}
	ended  chan struct{}
	once   sync.Once
}

func (s *Scheduler) hold(stop, work context.Context, slot store.Slot) *holding {
	ctx, cancel := context.WithCancelCause(work)
	h := &holding{slot: slot, since: s.clock.Now(), stop: stop, work: work, ctx: ctx, cancel: cancel,
		quit: make(chan struct{}), ended: make(chan struct{})}
	go func() {
		defer close(h.ended)
		for {
			select {
			case <-h.quit:
				return
			case <-ctx.Done():
				return
			case <-s.clock.After(renewEvery):
			}
			err := s.ledger.Renew(ctx, slot, s.owner, leaseFor, s.clock.Now())
			if errors.Is(err, store.ErrNotHeld) {
				cancel(errLeaseLost)
				return
			}
			if err != nil && ctx.Err() == nil {
				s.log.Warn("digest lease renewal failed", "digest", slot.Digest, "channel", slot.Channel, "err", err)
			}
		}
	}()
	return h
}

// stopRenewing ends the renewals; none runs once it returns, so a Mark or Release that follows
// is the holding's last word.
func (h *holding) stopRenewing() {
	h.once.Do(func() { close(h.quit) })
	<-h.ended
}

func (h *holding) lost() bool { return errors.Is(context.Cause(h.ctx), errLeaseLost) }
