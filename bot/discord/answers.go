package discord

import (
	"context"
	"encoding/json"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// answerCommand answers an application command: from the answers kept, when this engine answered
// the same command before, else from the engine; then it keeps the encoded answer. A kept answer
// still goes through the chain, so that it is logged and counted like any. A slow command is only
// acknowledged: later is the request to answer in the follow-up.
//
// Over HTTP the answer is looked for first by the command's data as Discord sent it (in.Data):
// the same bytes are the same command, so a kept answer goes out with the interaction decoded no
// further than its head. The rest of the body goes unchecked for its fields' types, none of which
// bears on such an answer. Only the engine's work is bounded by Discord's deadline, which spares
// the common path a timer.
func (b *Bot) answerCommand(ctx context.Context, e *bot.Engine, in *incoming) (out json.RawMessage, later *bot.Request, err error) {
	if kept, encoded, ok := b.answers.GetSent(e, in.Data); ok {
		b.core.Handle(ctx, kept)
		return encoded, nil, nil
	}
	full, err := in.decode()
	if err != nil {
		return nil, nil, err
	}
	data, ok := commandData(full)
	if !ok {
		return encodeResponse(Response(bot.Unreadable())), nil, nil
	}
	if data.CommandType == discordgo.MessageApplicationCommand {
		return encodeResponse(b.findIn(ctx, e, full, data)), nil, nil
	}
	req := commandRequest(e, full, data)
	if req.Command.Slow {
		return encodeResponse(deferredResponse()), &req, nil
	}
	if kept, encoded, ok := b.answers.Get(req); ok {
		b.core.Handle(ctx, kept)
		if in.Data != nil { // the same command, sent in other bytes: keep these too
			b.answers.Put(req, *kept.Kept, encoded, in.Data)
		}
		return encoded, nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, answerDeadline)
	defer cancel()
	reply := b.core.Handle(ctx, req)
	encoded := encodeResponse(Response(reply))
	b.answers.Put(req, reply, encoded, in.Data)
	return encoded, nil, nil
}

func encodeResponse(resp *discordgo.InteractionResponse) json.RawMessage {
	out, err := json.Marshal(resp)
	if err != nil { // our own types: cannot happen; answer something Discord shows
		out, _ = json.Marshal(Response(bot.Failed()))
	}
	return out
}

// findIn answers "Find in briefing" on a message, privately: the engine's find for the text of
// the message it was run on. Never kept: no two messages are the same request.
func (b *Bot) findIn(ctx context.Context, e *bot.Engine, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) *discordgo.InteractionResponse {
	if data.Name != bot.FindLabel {
		return Response(bot.NotSupported())
	}
	var text string
	if data.Resolved != nil {
		if m := data.Resolved.Messages[data.TargetID]; m != nil {
			text = m.Content
		}
	}
	req := e.FindRequest(text)
	req.Caller, req.Room = caller(in), PageRoom()
	ctx, cancel := context.WithTimeout(ctx, answerDeadline)
	defer cancel()
	reply := b.core.Handle(ctx, req)
	reply.Private = true
	return Response(reply)
}
