package discord

import (
	"context"
	"strings"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// renderComponents is the buttons of a post's actions.
func renderComponents(actions []bot.Action) []discordgo.MessageComponent {
	rows, _ := renderButtons(actions)
	return rows
}

// renderButtons turns buttons into Discord's, whose custom_id is the button's command line
// (customID): pressing one is answered by parsing it back, as if typed. A button whose line does
// not fit a custom_id is left out rather than cut, since a cut line would run another command; a
// page button is shown disabled instead, and unreachable says when that left the next page
// without a button.
func renderButtons(buttons []bot.Action) (rows []discordgo.MessageComponent, unreachable bool) {
	var row []discordgo.MessageComponent
	seen := map[string]bool{}
	for _, a := range buttons {
		id, disabled := customID(a), false
		if a.Kind == bot.TurnPage && (id == "" || length(id) > maxCustomID) {
			unreachable = unreachable || (a.Command != "" && a.Label == bot.NextLabel)
			id, disabled = pageEnd+a.Label, true
		}
		if id == "" || length(id) > maxCustomID || seen[id] { // custom_ids must be unique in a message
			continue
		}
		if len(rows) == maxActionRows {
			break
		}
		seen[id] = true
		label := clip(strings.TrimSpace(a.Label), maxButtonLabel)
		if label == "" {
			label = clip(id, maxButtonLabel)
		}
		style := discordgo.SecondaryButton
		if a.Kind == bot.ShareAnswer {
			style = discordgo.PrimaryButton
		}
		row = append(row, discordgo.Button{Label: label, Style: style, CustomID: id, Disabled: disabled})
		if len(row) == maxButtonsPerRow {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows, unreachable
}

// A custom_id says what its line's answer becomes: a bare line is asked anew, as buttons always
// were; one after pagePrefix turns the page in place; one after sharePrefix is shared to the
// channel. pageEnd names the disabled page button at either end, which no press reaches.
const (
	pagePrefix  = "page "
	sharePrefix = "share "
	pageEnd     = "end "
)

// customID is the custom_id of a button: its line, after the prefix of its kind.
func customID(a bot.Action) string {
	line := strings.TrimSpace(a.Command)
	if line == "" {
		return ""
	}
	switch a.Kind {
	case bot.TurnPage:
		return pagePrefix + line
	case bot.ShareAnswer:
		return sharePrefix + line
	}
	return line
}

// Pressed reads a custom_id back into the kind of its button and its line.
func Pressed(customID string) (bot.ActionKind, string) {
	if line, ok := strings.CutPrefix(customID, pagePrefix); ok {
		return bot.TurnPage, line
	}
	if line, ok := strings.CutPrefix(customID, sharePrefix); ok {
		return bot.ShareAnswer, line
	}
	return bot.Ask, customID
}

// turnPage answers a page button with the page in place of the one shown. A page that is not
// there (a forged line, a briefing reloaded shorter) is refused in a private message of its
// own, and the page shown stays.
func (b *Bot) turnPage(ctx context.Context, req bot.Request) *discordgo.InteractionResponse {
	if !req.Turns() {
		return Response(bot.Unreadable())
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return Response(reply)
	}
	return Update(reply)
}

// share answers a Share button with the answer, made again, as a new message for everyone in
// the channel, naming who shared it; once per private message, as far as this replica
// remembers (sharedSpan). An answer that is no longer there to share (an error now) stays
// private, as errors do. The private message keeps its button: Discord lets an interaction
// edit only its own messages, and this one is another's.
func (b *Bot) share(ctx context.Context, in *discordgo.Interaction, req bot.Request) *discordgo.InteractionResponse {
	if !req.Shareable() {
		return Response(bot.NotShareable())
	}
	key := "share:" + req.Line() + ":" + req.Caller.User
	if in.Message != nil && in.Message.ID != "" {
		key = "share:" + in.Message.ID
	}
	if !b.shared.First(key, b.now()) {
		return Response(bot.AlreadyShared())
	}
	reply := b.core.Handle(ctx, req)
	if reply.Status != bot.Answered {
		reply.Private = true
		return Response(reply)
	}
	return Response(bot.Shared(reply, bot.Sharer{User: req.Caller.User}))
}
