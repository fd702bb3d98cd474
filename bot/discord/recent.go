package discord

import "time"

// Replay protection. A signed interaction stays valid for as long as its timestamp is inside
// replayWindow, so whoever captures one (a proxy's log, a leaked trace) could send it again.
// Discord delivers within seconds; five minutes either way leaves room for clock skew and
// refuses anything older. Inside the window, each interaction id is answered once.
const (
	replayWindow = 5 * time.Minute
	// recentSpan is how long an id is remembered: a request stamped replayWindow ahead of our
	// clock stays inside the window until 2×replayWindow after it first arrived.
	recentSpan = 2 * replayWindow
	// recentLimit bounds the ids one generation holds, so memory stays bounded (two generations
	// of 8-byte hashes, about 2 MB at most) however many interactions arrive. Up to about 55
	// interactions a second every id is remembered for the whole span; past that a generation
	// fills early and ids are remembered for the last 2×recentLimit interactions instead.
	recentLimit = 1 << 15
)

// sharedSpan is how long a shared answer is remembered as shared: about as long as anyone
// scrolls back to a private answer. Each replica remembers its own; two replicas may each share
// one answer once.
const sharedSpan = 24 * time.Hour
