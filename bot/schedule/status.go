package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"briefbot/bot"
	"briefbot/bot/store"
)

// PostNow posts digest name (every digest when name is "") as the slot of the current minute,
// through the ledger: a second call within the minute, here or on another replica, posts
// nothing and reports the channels as Already. The call and its outcome go to the audit trail.
// It posts whatever the digest's holds and calendar, and for an only_when_changed digest
// whether or not the briefing changed: a moderator's explicit order outranks a pause, a skipped
// or closed date and an unchanged briefing, which hold back scheduled slots only.
func (s *Scheduler) PostNow(ctx context.Context, name, actor string) (bot.NowResult, error) {
	if s.posters == nil {
		return bot.NowResult{}, errors.New("this briefbot only reads the ledger and never posts: " +
			"post from the running bot (briefbot serve), with /digest now on Discord or Slack")
	}
	var chosen []bot.Digest
	for _, d := range s.plan() {
		if name == "" || d.Name == name {
			chosen = append(chosen, d)
		}
	}
	if name != "" && len(chosen) == 0 {
		return bot.NowResult{}, fmt.Errorf("no digest named %q", name)
	}
	now := s.clock.Now()
	at := now.Truncate(time.Minute)
	var jobs []job
	for _, d := range chosen {
		for _, channel := range d.Channels {
			j := s.newJob(d, channel, at)
			j.deadline, j.recheck, j.ordered = now.Add(postNowFor), false, true
			jobs = append(jobs, j)
		}
	}
	results := make([]result, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		if !s.begin(j) {
			results[i] = result{already, "being posted"}
			continue
		}
		j.bucket = s.limits.bucket(j.digest.Platform, j.slot.Channel)
		j.booked = s.limits.reserve(j.bucket)
		wg.Go(func() {
			defer s.end(j)
			results[i] = s.deliver(ctx, ctx, j)
		})
	}
	wg.Wait()

	var res bot.NowResult
	for i, j := range jobs {
		where := j.slot.Platform + ":" + j.slot.Channel
		switch results[i].outcome {
		case sent:
			res.Posted = append(res.Posted, where)
		case already:
			res.Already = append(res.Already, where)
		default:
			res.Failed = append(res.Failed, where+": "+results[i].reason)
		}
	}
	s.audit(ctx, actor, name, res)
	return res, nil
}

func (s *Scheduler) audit(ctx context.Context, actor, name string, res bot.NowResult) {
	action := "digest now " + name
	if name == "" {
		action = "digest now (all)"
	}
	outcome := "ok"
	if len(res.Failed) > 0 {
		outcome = fmt.Sprintf("posted %d, already %d, failed %d: %s",
			len(res.Posted), len(res.Already), len(res.Failed), strings.Join(res.Failed, "; "))
	} else if len(res.Posted) == 0 {
		outcome = "ok: already posted this minute"
	}
	s.writeAudit(ctx, actor, action, outcome)
}

// writeAudit appends an admin action to the audit trail, even when ctx was cancelled since: the
// action took effect. A failure is logged, not returned, for the same reason.
func (s *Scheduler) writeAudit(ctx context.Context, actor, action, outcome string) {
	e := store.AuditEntry{At: s.clock.Now(), Actor: actor, Action: action, Outcome: outcome}
	if err := s.ledger.Audit(context.WithoutCancel(ctx), e); err != nil {
		s.log.Error("audit entry not written", "actor", actor, "action", action, "err", err)
	}
}

// Status reports every digest's standing in each of its channels, from the ledger, so that it
// covers what every replica did. A channel's Next is its next run that no hold covers and that
// falls on no closed date: after a pause with an end, the first run on or after that date; zero
// while the digest is paused without one, which /digest status tells from the digest's Holds,
// and zero for a digest whose calendar closes every run for over a year.
func (s *Scheduler) Status(ctx context.Context) ([]bot.ChannelStatus, error) {
	now := s.clock.Now()
	var out []bot.ChannelStatus
	for _, d := range s.plan() {
		zone := d.Schedule.Zone()
		holds, err := s.holdsOf(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("status of %s: %w", d.Name, err)
		}
		next := holds.next(d.Schedule, now)
		for _, channel := range d.Channels {
			last, lastFailed, err := s.ledger.Last(ctx, d.Name, d.Platform, channel)
			if err != nil {
				return nil, fmt.Errorf("status of %s in %s:%s: %w", d.Name, d.Platform, channel, err)
			}
			st := bot.ChannelStatus{Digest: d.Name, Platform: d.Platform, Channel: channel, Zone: zone}
			if !next.IsZero() {
				st.Next = next.In(zone)
			}
			if last != nil {
				st.LastResult, st.LastAt = string(last.Result), last.At.In(zone)
				if last.Result == "" {
					st.LastResult = "in progress"
				}
				posted := last.Result == store.Posted || last.Result == store.Late
				st.MayBeDoubled = posted && last.Reason == reasonMayBeDoubled
			}
			if lastFailed != nil {
				st.LastError, st.LastErrorAt = lastFailed.Reason, lastFailed.At.In(zone)
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// A Due is the slot a digest owes next, for metrics.
type Due struct {
	Digest string
	// Next is the digest's earliest slot this process is delivering or retrying, or found
	// another process holding when it last claimed it, until the slot is settled in the ledger
	// (so that a slot not getting out keeps it in the past); else its next run that no hold
	// covers and no closed date rests on (by its schedule alone while its holds cannot be read).
	// Zero when it owes none: paused without an end, no run to come, or Run is not running.
	Next time.Time
	// CatchUp is how late a slot of it is still posted.
	CatchUp time.Duration
}

// Due lists the slot each digest run owes next, in the plan's order. It reads no ledger: it
// answers from what the loop and the deliveries under way know, for a scrape at any rate.
func (s *Scheduler) Due() []Due {
	s.mu.Lock()
	defer s.mu.Unlock()
	owed := map[string]time.Time{}
	owe := func(k slotKey) {
		at := time.Unix(k.at, 0)
		if cur, ok := owed[k.digest]; !ok || at.Before(cur) {
			owed[k.digest] = at
		}
	}
	for k, scheduled := range s.inflight {
		if scheduled {
			owe(k)
		}
	}
	for k := range s.pending {
		owe(k)
	}
	out := make([]Due, len(s.digests))
	for i, d := range s.digests {
		next, known := s.ahead[d.Name]
		if cursor, running := s.cursor[d.Name]; !known && running && s.running {
			next = d.Schedule.Next(cursor)
		}
		if at, ok := owed[d.Name]; ok && (next.IsZero() || at.Before(next)) {
			next = at
		}
		out[i] = Due{Digest: d.Name, Next: next, CatchUp: catchUpWindow(d)}
	}
	return out
}

// Audit lists the latest admin actions and reloads from the ledger, newest first.
func (s *Scheduler) Audit(ctx context.Context, limit int) ([]bot.AuditLine, error) {
	entries, err := s.ledger.AuditSince(ctx, time.Time{}, limit)
	if err != nil {
		return nil, err
	}
	out := make([]bot.AuditLine, len(entries))
	for i, e := range entries {
		out[i] = bot.AuditLine{At: e.At, Actor: e.Actor, Action: e.Action, Outcome: e.Outcome}
	}
	return out, nil
}
