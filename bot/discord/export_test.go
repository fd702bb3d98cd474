package discord

import (
	"context"
	"time"
)

// Hooks for the tests of package discord_test. They exist only while testing.

// SetSleep replaces the wait between retries, so that tests see each wait and decide when it
// ends instead of sleeping through it.
func SetSleep(b *Bot, sleep func(ctx context.Context, d time.Duration) error) { b.sleep = sleep }

// HeartbeatSilence is how long the gateway may go without an acknowledged heartbeat before
// Health calls it down.
const HeartbeatSilence = heartbeatSilence
