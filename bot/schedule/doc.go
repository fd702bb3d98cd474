// Package schedule posts each configured digest to its channels at its scheduled local times,
// exactly once: every slot goes through the delivery ledger, so restarts, crashes, downtime,
// rate limits and several replicas neither lose a post nor double one.
//
// A slot is a digest, a platform, a channel and a scheduled instant. Each process claims a slot
// just before posting it, with a 20-second lease renewed every 7 seconds, and marks how it ended.
// A process killed mid-post leaves its lease to lapse; the others claim again every 10 seconds
// the slots they found held, so a 9:00 digest still goes out within the minute. A claim that
// finds an earlier holder's unmarked claim first looks through the channel's history for that
// holder's post, by the slot's delivery key, rather than posting again.
//
// A digest, and each channel of it, is owed its slots from the moment a running scheduler first
// loaded it, at start or on a reload. The ledger records that moment once, for every replica,
// before any slot of it is dispatched; every start catches each channel up from there, so a
// crash or a downtime across a new digest's first slot loses nothing, and nothing scheduled
// before that moment is ever posted.
//
// Posts are spaced by a token bucket per process: one for all of Discord (50 a second), one per
// Slack channel (one a second). A 429 pauses the whole bucket for its Retry-After; other
// temporary errors back off exponentially, with jitter, up to a minute at a time, until the
// slot's catch-up window has passed.
package schedule
