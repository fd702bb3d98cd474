package slack

// Replay protection. A signed request stays valid while its timestamp is inside
// signatureWindow (five minutes either way, as Slack asks), so whoever captures one could send
// it again within that time. Inside the window each request is answered once, known by its
// trigger_id (unique per command or button press), or by its timestamp and signature when it
// has none.
const (
	// recentSpan is how long a request is remembered: one stamped signatureWindow ahead of our
	// clock stays inside the window until 2×signatureWindow after it first arrived.
	recentSpan = 2 * signatureWindow
	// recentLimit bounds the keys one generation holds, so memory stays bounded (two generations
	// of 8-byte hashes, about 2 MB at most) however many requests arrive. Up to about 55 requests
	// a second every key is remembered for the whole span; past that a generation fills early
	// and keys are remembered for the last 2×recentLimit requests instead.
	recentLimit = 1 << 15
)
