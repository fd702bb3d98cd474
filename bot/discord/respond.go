package discord

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// onInteractionCreate answers an interaction from the gateway. The answer goes over REST, as
// Discord requires for gateway-delivered interactions.
func (b *Bot) onInteractionCreate(s *discordgo.Session, ic *discordgo.InteractionCreate) {
	if ic == nil || ic.Interaction == nil {
		return
	}
	if ic.Type == discordgo.InteractionPing {
		return // pings come only over HTTP
	}
	// A resumed session may deliver an interaction again; the first delivery answered it.
	if !b.firstTime(ic.Type, ic.ID, "", nil) {
		return
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.inflight.Add(1)
	b.mu.Unlock()
	defer b.inflight.Done()

	ctx, cancel := context.WithTimeout(context.Background(), answerDeadline)
	defer cancel()
	resp, later, _ := b.respond(ctx, &incoming{head: head{Type: ic.Type, ID: ic.ID}, full: ic.Interaction})
	if err := b.answer(ctx, ic.Interaction, resp); err != nil {
		b.logger.Error("answer interaction", "kind", ic.Type.String(), "err", err)
		return
	}
	if later != nil {
		b.followUp(ic.Interaction, *later)
	}
}

// background runs fn unless the Bot is closed; Close waits for it.
func (b *Bot) background(fn func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.inflight.Add(1)
	go func() {
		defer b.inflight.Done()
		fn()
	}()
}

// followUpTimeout bounds a deferred answer; Discord keeps the interaction's token for 15 minutes.
const followUpTimeout = 2 * time.Minute

// followUp answers a deferred command: it runs the request and edits the deferred message into
// the answer.
func (b *Bot) followUp(in *discordgo.Interaction, req bot.Request) {
	ctx, cancel := context.WithTimeout(context.Background(), followUpTimeout)
	defer cancel()
	reply := b.core.Handle(ctx, req)
	msg := Response(reply).Data
	body := &discordgo.WebhookEdit{Embeds: &msg.Embeds, Components: &msg.Components, AllowedMentions: msg.AllowedMentions}
	if err := b.callback(ctx, http.MethodPatch, "PATCH webhooks/messages", in, body); err != nil {
		b.logger.Error("deferred answer not delivered", "command", req.Label(), "err", err)
	}
}

// answer posts an interaction response over REST. It is what Session.InteractionRespond does,
// minus discordgo's rate limiter: that keys a bucket by URL and never drops one, and every
// interaction has its own URL, so a long-running bot would grow a bucket per interaction.
// Interaction responses are exempt from the global rate limit, and each token answers once.
func (b *Bot) answer(ctx context.Context, in *discordgo.Interaction, resp any) error {
	return b.callback(ctx, http.MethodPost, "POST interactions/callback", in, resp)
}

// callback sends an interaction's answer (POST) or edits it later (PATCH) with the
// interaction's own token, which is also why op names the route and the URL is never logged.
func (b *Bot) callback(ctx context.Context, method, op string, in *discordgo.Interaction, payload any) error {
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("%s: encode: %w", op, err)
	}
	// Both go into the URL's path: refuse what could leave it.
	if !snowflake(in.ID) || in.Token == "" || strings.ContainsAny(in.Token, "/?#%\\ ") {
		return &apiError{Op: op, Err: errors.New("interaction id or token malformed")}
	}
	endpoint := discordgo.EndpointInteractionResponse(in.ID, in.Token)
	if method == http.MethodPatch {
		appID := cmp.Or(in.AppID, b.cfg.ApplicationID)
		if !snowflake(appID) {
			return &apiError{Op: op, Err: errors.New("application id malformed")}
		}
		endpoint = discordgo.EndpointWebhookMessage(appID, in.Token, "@original")
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, bytes.NewReader(body))
	if err != nil {
		return &apiError{Op: op, Err: errors.New("interaction id or token malformed")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", b.session.UserAgent)
	res, err := b.session.Client.Do(req)
	if err != nil {
		return newAPIError(op, "", err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if res.StatusCode < 300 {
		return nil
	}
	e := &apiError{Op: op, Status: res.StatusCode}
	var msg discordgo.APIErrorMessage
	if json.Unmarshal(raw, &msg) == nil {
		e.Code, e.Message = msg.Code, msg.Message
	}
	return e
}

// respond is the one answer to an interaction, whichever way it came, encoded. A slow command is
// acknowledged at once with a deferred response, and later is the request to answer in the
// follow-up. The error is for a body that, decoded in full, proves not to be an interaction.
func (b *Bot) respond(ctx context.Context, in *incoming) (out json.RawMessage, later *bot.Request, err error) {
	e := b.core.Engine() // once: reading and answering see the same engine
	if in.Type == discordgo.InteractionApplicationCommand {
		return b.answerCommand(ctx, e, in)
	}
	full, err := in.decode()
	if err != nil {
		return nil, nil, err
	}
	resp, later := b.respondOther(ctx, e, full)
	return encodeResponse(resp), later, nil
}

// respondOther answers an interaction other than a command: a ping, an autocomplete or a button.
func (b *Bot) respondOther(ctx context.Context, e *bot.Engine, in *discordgo.Interaction) (resp *discordgo.InteractionResponse, later *bot.Request) {
	switch in.Type {
	case discordgo.InteractionPing:
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, nil
	case discordgo.InteractionApplicationCommandAutocomplete:
		data, ok := commandData(in)
		if !ok {
			return autocompleteResponse(nil), nil
		}
		return autocompleteResponse(b.complete(e, data)), nil
	case discordgo.InteractionMessageComponent:
		data, ok := componentData(in)
		if !ok || strings.TrimSpace(data.CustomID) == "" {
			return Response(bot.Unreadable()), nil
		}
		// A button's custom_id is the command line it stands for, pressed with the presser's
		// rights; its prefix says where the answer goes.
		kind, line := Pressed(data.CustomID)
		req, _ := e.Parse(line)
		req.Caller, req.Room = caller(in), PageRoom()
		if req.Command.Slow && kind == bot.Ask {
			return deferredResponse(), &req
		}
		ctx, cancel := context.WithTimeout(ctx, answerDeadline)
		defer cancel()
		switch kind {
		case bot.TurnPage:
			return b.turnPage(ctx, req), nil
		case bot.ShareAnswer:
			return b.share(ctx, in, req), nil
		}
		return Response(b.core.Handle(ctx, req)), nil
	}
	return Response(bot.NotSupported()), nil
}

// deferredResponse acknowledges a slow command; the answer follows as an edit. Slow commands
// answer privately, and a deferred message's privacy cannot change later.
func deferredResponse() *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}
}
