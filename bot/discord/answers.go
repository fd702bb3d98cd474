package discord

import (
	"context"
	"encoding/json"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// answerCommand answers an application command through the core, with the encoded answer kept
// when this engine answered the same request before, and kept under sent (the command's data
// as Discord sent it) when there is one. A kept answer still goes through the chain, so that it
// is logged and counted like any; only the engine's work is bounded by Discord's deadline,
// which spares the common path a timer.
func (b *Bot) answerCommand(ctx context.Context, req bot.Request, sent []byte) json.RawMessage {
	if reply, encoded, ok := b.answers.Get(req); ok {
		b.core.Handle(ctx, req.Known(reply))
		if sent != nil { // the same command, sent in other bytes: keep these too
			b.answers.Put(req, reply, encoded, sent)
		}
		return encoded
	}
	ctx, cancel := context.WithTimeout(ctx, answerDeadline)
	defer cancel()
	reply := b.core.Handle(ctx, req)
	encoded := encodeResponse(Response(reply))
	b.answers.Put(req, reply, encoded, sent)
	return encoded
}

func encodeResponse(resp *discordgo.InteractionResponse) json.RawMessage {
	out, err := json.Marshal(resp)
	if err != nil { // our own types: cannot happen; answer something Discord shows
		out, _ = json.Marshal(Response(bot.Failed()))
	}
	return out
}
