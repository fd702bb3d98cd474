package discord

import (
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
)

// fresh reports whether an interaction's X-Signature-Timestamp (Unix seconds) is within
// replayWindow of our clock, either way. Discord documents no freshness rule; this one is ours,
// so that a captured request cannot be sent again later.
func (b *Bot) fresh(timestamp string) bool {
	secs, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return false
	}
	age := b.now().Sub(time.Unix(secs, 0))
	return -replayWindow <= age && age <= replayWindow
}

// firstTime reports whether the interaction of type typ and id arrives for the first time, and
// remembers it: every interaction is answered once, so a replay inside the window runs nothing.
// The key is the interaction's id; a request without one (Discord always sends one) is known by
// its signed bytes, the timestamp and signature: the signature's decoded bytes, not its hex, so
// that a replay with the hex in upper case is known too. A PING is let through: answering it
// again runs nothing.
func (b *Bot) firstTime(typ discordgo.InteractionType, id, timestamp string, sig []byte) bool {
	if typ == discordgo.InteractionPing {
		return true
	}
	key := "id:" + id
	if id == "" {
		if sig == nil {
			return true // from the gateway, whose connection Discord authenticates
		}
		key = "signed:" + timestamp + ":" + string(sig)
	}
	return b.recent.First(key, b.now())
}
