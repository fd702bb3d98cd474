// Package schedule posts each configured digest to its channels at its scheduled local times,
// exactly once: every slot goes through the delivery ledger, so restarts, crashes, downtime,
// rate limits and several replicas neither lose a post nor double one.
//
// A slot is a digest, a platform, a channel and a scheduled instant. Each process claims a slot
// when its turn under the rate limits comes, just before posting it, with a 20-second lease
// renewed every 7 seconds while the post is under way, and marks how it ended. A process killed
// mid-post leaves its lease to lapse; the others claim again every 10 seconds the slots they
// found held, so a 9:00 digest still goes out within the minute. On PostgreSQL a lease lapses by
// the database server's clock, so replicas whose own clocks disagree still agree on when (see
// bot/store, "Clocks"). A claim that finds an earlier holder's unmarked claim first looks
// through the channel's history for that holder's post, by the slot's delivery key, rather than
// posting again. (A slot's lease is not a role held by one replica, as the Discord gateway is:
// that is internal/lease.)
//
// A digest, and each channel of it, is owed its slots from the moment a running scheduler first
// loaded it, at start or on a reload. The ledger records that moment once, for every replica,
// before any slot of it is dispatched; every start catches each channel up from there, so a
// crash or a downtime across a new digest's first slot is caught up as any missed slot is (Run
// says how), and nothing scheduled before that moment is ever posted.
//
// Moderators hold digests back (Hold): a pause, from when it is said until a date or until it
// is ended, or the skip of one date, dates being days of the digest's zone. Holds are kept in
// the ledger, and the loop reads a digest's holds there at each slot time, once for all its
// channels, never from a copy of its own: a hold said to one replica counts on every replica
// from its next slot on, and across restarts. A slot a hold covers is recorded Skipped, with
// the hold's reason, instead of being claimed; a recorded slot is marked, so nobody claims,
// posts or catches it up later. While the holds cannot be read, the digest's slots wait, as
// after a failed claim. A digest's calendar (bot.Digest.Closed: skipped dates, holidays, an
// .ics file) rests it on some dates the same way, read with its holds: a slot on a closed date
// is recorded Skipped, "closed: " and why, or for the hold when one covers it too. /digest now
// (PostNow) posts whatever the holds and the calendar: it is an explicit order.
//
// A slot goes out as one message or, for a thread digest, as a headline in the channel and the
// digest in its thread (bot.ThreadPoster), each part bearing its own key: an attempt that may
// follow an earlier one (a claim with a prior holder, a retry after a temporary error or a
// 429) asks the poster to look for each part and post only what is missing, so a crash between
// the two leaves one headline and one detail. A digest posted only when its briefing changed
// is composed and compared with the version its channel last received: the same version is
// recorded Skipped ("no change since the last digest") rather than posted.
//
// Posts are spaced by token buckets per process (DefaultLimits, or the config's rate_limits):
// by default one for all of Discord (48 a second), and on Slack one per channel (one a second)
// with one for the workspace (5 a second). A 429 pauses the whole bucket for its Retry-After;
// other temporary errors back off exponentially, with jitter, up to a minute at a time, until
// the slot's catch-up window has passed.
package schedule
