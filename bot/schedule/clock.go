package schedule

import "briefbot/internal/retry"

// A Clock tells the time and waits. The scheduler reads no other clock, so that tests can run
// days of schedules without waiting for them. It is the retry policy's clock: the scheduler's
// waits (retries, pacing) go through retry.Sleep on it.
type Clock = retry.Clock

// SystemClock is the machine's clock.
func SystemClock() Clock { return retry.SystemClock() }
