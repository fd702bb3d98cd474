package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
	"briefbot/internal/retry"
)

// postRetry is how a digest's post is retried, until the slot's deadline rather than for a
// number of tries: a 429 waits its Retry-After, however long (the deadline bounds it); other
// temporary failures wait 2 seconds, doubling up to a minute, with jitter so that channels
// failing together do not retry together.
var postRetry = retry.Policy{Base: 2 * time.Second, Cap: time.Minute, Jitter: true}

// markRetry is how the write that ends a slot is retried: four tries, 1, 2 and 4 seconds apart,
// all within ledgerFor; after that the lease lapses and the next holder finds the post.
var markRetry = retry.Policy{Base: time.Second, Cap: 4 * time.Second, Tries: 4}

const (
	// historySlack widens a look at a channel's history for clocks that disagree a little
	// between replicas and the platform.
	historySlack = time.Minute
	// ledgerFor bounds the writes that end a slot (Mark, Release), which run even while
	// shutting down.
	ledgerFor = 15 * time.Second
)

type outcome int

const (
	sent    outcome = iota // posted now, or found already posted by an earlier holder
	already                // marked before, or another process is posting it
	skipped
	failed
	stopped // shutting down: released unposted
)

type result struct {
	outcome outcome
	reason  string
}

var errLeaseLost = errors.New("lease lost to another process")

func (j job) attrs(more ...any) []any {
	return append([]any{"digest", j.slot.Digest, "platform", j.slot.Platform, "channel", j.slot.Channel,
		"slot", j.slot.At, "key", j.key()}, more...)
}

// deliver works one slot in one channel through the ledger: claim, look for an earlier
// holder's post, compose, post with retries (or skip an only_when_changed digest that has not
// changed), mark. stop ends claiming and waiting; work ends posts and ledger calls under way.
func (s *Scheduler) deliver(stop, work context.Context, j job) result {
	if j.missed {
		return s.settleMissed(work, j)
	}
	if err := s.limits.wait(stop, j.bucket, j.booked); err != nil {
		return result{stopped, "shutting down"}
	}
	release, err := s.limits.acquire(stop, j.digest.Platform)
	if err != nil {
		return result{stopped, "shutting down"}
	}
	if stop.Err() != nil {
		release()
		return result{stopped, "shutting down"}
	}
	claim, err := s.ledger.Claim(work, j.slot, s.owner, leaseFor, s.clock.Now())
	switch {
	case err != nil:
		release()
		s.observe.LedgerFailed("claim")
		s.log.Warn("digest claim failed; will try again", j.attrs("err", err)...)
		s.recheckLater(j, true)
		return result{failed, "the ledger did not answer"}
	case claim.Done != nil:
		release()
		s.settled(j)
		return result{already, string(claim.Done.Result)}
	case !claim.Taken:
		release()
		s.recheckLater(j, false)
		return result{already, "another process is posting it"}
	}
	h := s.hold(stop, work, j.slot)
	defer h.stopRenewing()
	if j.retake {
		release()
		var ok bool
		if release, ok = s.resume(h, j, 0); !ok {
			return s.giveBack(h, j)
		}
	}
	return s.post(h, j, claim.Prior, release)
}

// post composes the digest and sends it while h holds the slot; release gives back the place
// taken under the platform's concurrency bound, which is not kept while waiting to retry.
func (s *Scheduler) post(h *holding, j job, prior time.Time, release func()) result {
	way, err := s.sendingFor(j)
	if err != nil {
		release()
		s.log.Error("digest cannot be posted", j.attrs("err", err)...)
		return s.fail(h, j, FailCompose, err.Error())
	}
	// An earlier holder that claimed and never marked may have posted just before it died.
	look, since, mayDouble := !prior.IsZero(), h.since, false
	if look {
		since = prior
	}
	var reply *bot.Reply
	var version string // of the briefing in reply
	for try := 1; ; try++ {
		var wait time.Duration
		var code string
		// A message is looked for here, before it is posted again; a thread's poster looks for
		// each of its parts itself, since a headline found alone is not the digest posted.
		if look && !way.thread && way.find == nil {
			look, mayDouble = false, true
		}
		if look && !way.thread {
			id, found, err := way.find.FindPost(h.ctx, j.slot.Channel, j.key(), since.Add(-historySlack))
			switch {
			case err == nil && found:
				release()
				return s.posted(h, j, id, false, "")
			case err == nil:
				look = false
			case errors.Is(err, bot.ErrHistoryUnavailable):
				look, mayDouble = false, true
				s.log.Warn("channel history unreadable: posting anyway, the digest may show twice", j.attrs()...)
			case h.ctx.Err() != nil:
				release()
				return s.giveBack(h, j)
			default:
				wait, _ = postRetry.Next(try, 0)
				code = "history lookup failed"
				s.log.Warn("channel history lookup failed; will try again", j.attrs("err", err)...)
			}
		}
		if !look || way.thread {
			if reply == nil {
				r, v, last, err := s.composeFor(h.ctx, j)
				if err != nil {
					release()
					s.log.Error("digest not composed", j.attrs("err", err)...)
					return s.fail(h, j, FailCompose, "the digest could not be composed")
				}
				// Decided once, on the first composition: a retry sends what was decided.
				if j.digest.OnlyWhenChanged && !j.ordered && last != "" && v == last {
					release()
					return s.unchanged(h, j, v)
				}
				reply, version = &r, v
			}
			// The channel's own budget last: its spacing is the strict one, so it is taken right
			// before the post goes.
			if s.limits.pace(h.ctx, s.limits.shared(j.slot.Platform)) != nil || s.limits.pace(h.ctx, j.bucket) != nil {
				release()
				return s.giveBack(h, j)
			}
			id, doubled, err := way.send(h.ctx, *reply, look, since.Add(-historySlack))
			if err == nil {
				release()
				return s.posted(h, j, id, mayDouble || doubled, version)
			}
			if h.ctx.Err() != nil {
				release()
				return s.giveBack(h, j)
			}
			var pe *bot.PostError
			isPostError := errors.As(err, &pe)
			switch {
			case isPostError && pe.Permanent:
				release()
				s.log.Error("digest post refused", j.attrs("err", err)...)
				return s.fail(h, j, FailRefused, "refused: "+codeOf(pe))
			case isPostError && (pe.RetryAfter > 0 || pe.Code == "429"):
				// Refused for the rate: nothing went out, but for a thread's headline, which may
				// have gone out before its detail was refused. The whole budget waits, not just
				// this post.
				wait, _ = postRetry.Next(try, pe.RetryAfter)
				code = "rate limited"
				j.bucket.pause(s.clock.Now().Add(wait))
				look = look || way.thread
			default:
				// The post may have gone out before the failure: look before posting again. A
				// poster that cannot look relies on its own key (Discord's nonce).
				wait, _ = postRetry.Next(try, 0)
				code = "temporary error"
				if isPostError {
					code = "temporary error: " + codeOf(pe)
				}
				look = way.find != nil || way.thread
			}
			s.log.Info("digest post failed; will retry", j.attrs("err", err, "wait", wait)...)
		}
		release()
		if s.clock.Now().Add(wait).After(j.deadline) {
			s.log.Error("digest not posted by its deadline", j.attrs("last", code)...)
			return s.fail(h, j, FailDeadline, "not posted by the deadline: "+code)
		}
		var ok bool
		if release, ok = s.resume(h, j, wait); !ok {
			return s.giveBack(h, j)
		}
	}
}

// A sending is how a slot's post goes out on its platform: as one message (bot.Poster), or as
// a thread of a headline and the digest (bot.ThreadPoster). Everything else about a post, its
// retries, rate budget and deadline, is the same for both.
type sending struct {
	// send posts r, the digest composed. look: an earlier attempt, from since on, may have
	// posted a part, which a thread's poster then looks for before posting it; a message is
	// looked for beforehand, with find, and sent with look false.
	send func(ctx context.Context, r bot.Reply, look bool, since time.Time) (id string, mayDouble bool, err error)
	// find looks for a message in the channel's history; nil when the poster cannot.
	find   bot.PostFinder
	thread bool
}

// sendingFor is how j's post goes out. A thread digest whose platform's poster cannot post
// threads is refused: config validation keeps such a digest from being built.
func (s *Scheduler) sendingFor(j job) (sending, error) {
	poster := s.posters[j.digest.Platform]
	channel, key := j.slot.Channel, j.key()
	if !j.digest.Thread {
		find, _ := poster.(bot.PostFinder)
		return sending{find: find, send: func(ctx context.Context, r bot.Reply, _ bool, _ time.Time) (string, bool, error) {
			id, err := poster.Post(ctx, channel, key, r)
			return id, false, err
		}}, nil
	}
	threads, ok := poster.(bot.ThreadPoster)
	if !ok {
		return sending{}, fmt.Errorf("thread: the %s poster cannot post threads", j.digest.Platform)
	}
	day := j.slot.At.In(j.digest.Schedule.Zone())
	return sending{thread: true, send: func(ctx context.Context, r bot.Reply, look bool, since time.Time) (string, bool, error) {
		t := j.digest.ThreadOf(r, day)
		t.Look, t.Since = look, since
		return threads.PostThread(ctx, channel, key, t)
	}}, nil
}

// resume waits out a retry's delay and the rate budget, then takes a place to post again;
// false when shutting down or the lease was lost meanwhile.
func (s *Scheduler) resume(h *holding, j job, wait time.Duration) (release func(), ok bool) {
	ctx, cancel := context.WithCancel(h.stop)
	defer cancel()
	defer context.AfterFunc(h.ctx, cancel)()
	if retry.Sleep(ctx, s.clock, wait) != nil {
		return nil, false
	}
	if s.limits.wait(ctx, j.bucket, s.limits.reserve(j.bucket)) != nil {
		return nil, false
	}
	release, err := s.limits.acquire(ctx, j.digest.Platform)
	if err != nil {
		return nil, false
	}
	if ctx.Err() != nil {
		release()
		return nil, false
	}
	return release, true
}

// composeFor builds the slot's post for its channel, which last got the briefing's version that
// the ledger kept (last, "" when it got none or the ledger did not say), with the digest's
// mention; a compose function that panics fails the slot rather than the process.
func (s *Scheduler) composeFor(ctx context.Context, j job) (r bot.Reply, version, last string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("compose %s for %s: %v", j.digest.Name, j.slot.At, p)
		}
	}()
	if posted, err := s.ledger.LastPosted(ctx, j.digest.Name, j.slot.Platform, j.slot.Channel); err == nil && posted != nil {
		last = posted.Version
	}
	r, version = s.compose(ctx, j.digest, j.slot.At.In(j.digest.Schedule.Zone()), last)
	r.Mention = j.digest.Mention
	return r, version, last, nil
}

func codeOf(pe *bot.PostError) string {
	if pe.Code == "" {
		return "unknown"
	}
	return pe.Code
}

// posted marks a slot's post, with the briefing version it carried ("" when an earlier holder
// posted it and only the platform's history told).
func (s *Scheduler) posted(h *holding, j job, id string, mayDouble bool, version string) result {
	h.stopRenewing()
	out := store.Outcome{Result: store.Posted, MessageID: id, Version: version}
	if s.clock.Now().Sub(j.slot.At) > onTime {
		out.Result = store.Late
	}
	if mayDouble {
		out.Reason = reasonMayBeDoubled
	}
	s.log.Info("digest posted", j.attrs("result", out.Result, "message", id, "may_be_doubled", mayDouble)...)
	s.mark(h, j, out)
	return result{sent, string(out.Result)}
}

// reasonUnchanged is why an only_when_changed digest's slot was not posted.
const reasonUnchanged = "no change since the last digest"

// unchanged marks skipped a slot of an only_when_changed digest whose post would carry the
// briefing version its channel last received.
func (s *Scheduler) unchanged(h *holding, j job, version string) result {
	h.stopRenewing()
	s.log.Info("digest skipped: no change since the last digest", j.attrs("version", version)...)
	s.mark(h, j, store.Outcome{Result: store.Skipped, Reason: reasonUnchanged})
	return result{skipped, reasonUnchanged}
}

func (s *Scheduler) fail(h *holding, j job, why Failure, reason string) result {
	h.stopRenewing()
	s.observe.Failed(j.slot, why)
	s.mark(h, j, store.Outcome{Result: store.Failed, Reason: reason})
	return result{failed, reason}
}

// giveBack releases a slot left unposted, so that another process may take it at once. A lost
// lease is another process's already.
func (s *Scheduler) giveBack(h *holding, j job) result {
	h.stopRenewing()
	if h.lost() {
		s.log.Warn("digest lease lost to another process", j.attrs()...)
		return result{already, "another process took it over"}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.work), ledgerFor)
	defer cancel()
	if err := s.ledger.Release(ctx, j.slot, s.owner); err != nil {
		s.log.Warn("digest release failed; its lease will lapse", j.attrs("err", err)...)
	}
	return result{stopped, "shutting down"}
}

// mark records how a slot ended. When the ledger will not take it, the lease lapses and the
// next holder finds the post in the channel's history instead of posting again.
func (s *Scheduler) mark(h *holding, j job, out store.Outcome) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(h.work), ledgerFor)
	defer cancel()
	for try := 1; ; try++ {
		err := s.ledger.Mark(ctx, j.slot, s.owner, out, s.clock.Now())
		wait, again := markRetry.Next(try, 0)
		switch {
		case err == nil:
			s.observe.Marked(j.slot, out.Result)
			s.settled(j)
			return
		case errors.Is(err, store.ErrNotHeld):
			s.log.Warn("digest lease lost before marking: the next holder looks for the post", j.attrs()...)
			return
		case !again || ctx.Err() != nil:
			s.observe.LedgerFailed("mark")
			s.log.Error("digest mark failed: left to the next holder", j.attrs("err", err)...)
			s.recheckLater(j, true)
			return
		}
		if retry.Sleep(ctx, s.clock, wait) != nil {
			s.recheckLater(j, true)
			return
		}
	}
}

// settleMissed records a slot whose time has passed. One an earlier holder claimed may have
// been posted before it died: the channel's history says so.
func (s *Scheduler) settleMissed(work context.Context, j job) result {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(work), ledgerFor)
	defer cancel()
	out := store.Outcome{Result: store.Skipped, Reason: j.reason}
	if !j.claimed {
		if err := s.ledger.Record(ctx, j.slot, out, s.clock.Now()); err != nil {
			s.observe.LedgerFailed("record")
			s.log.Warn("recording a missed digest failed", j.attrs("err", err)...)
			return result{failed, "the ledger did not answer"}
		}
		if j.overdue {
			s.observe.Failed(j.slot, FailMissed)
		}
		s.log.Info("digest skipped", j.attrs("reason", j.reason)...)
		return result{skipped, j.reason}
	}
	claim, err := s.ledger.Claim(ctx, j.slot, s.owner, leaseFor, s.clock.Now())
	switch {
	case err != nil:
		s.observe.LedgerFailed("claim")
		s.recheckLater(j, true)
		return result{failed, "the ledger did not answer"}
	case claim.Done != nil:
		s.settled(j)
		return result{already, string(claim.Done.Result)}
	case !claim.Taken:
		s.recheckLater(j, false)
		return result{already, "another process is settling it"}
	}
	h := s.hold(ctx, work, j.slot)
	defer h.stopRenewing()
	if finder, ok := s.posters[j.digest.Platform].(bot.PostFinder); ok && !claim.Prior.IsZero() {
		// A thread went out when its detail did: a headline found alone is not the digest.
		key := j.key()
		if j.digest.Thread {
			key += bot.DetailKey
		}
		id, found, err := finder.FindPost(h.ctx, j.slot.Channel, key, claim.Prior.Add(-historySlack))
		if err == nil && found {
			out = store.Outcome{Result: store.Posted, MessageID: id}
			if claim.Prior.Sub(j.slot.At) > onTime {
				out.Result = store.Late
			}
		}
	}
	s.log.Info("missed digest settled", j.attrs("result", out.Result)...)
	if out.Result == store.Skipped && j.overdue {
		s.observe.Failed(j.slot, FailMissed)
	}
	s.mark(h, j, out)
	return result{skipped, j.reason}
}
