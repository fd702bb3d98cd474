package discord

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// ResponseJSON is Response as indented JSON: what `briefbot ask --format discord` prints.
func ResponseJSON(r bot.Reply) ([]byte, error) {
	out, err := json.MarshalIndent(Response(r), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("discord: encode response: %w", err)
	}
	return out, nil
}

// Response is the interaction response (type 4) that answers with r: a new message, within
// Discord's limits. The handler sends it; the preview draws it. It never pings: r.Mention is a
// digest post's alone (Poster), and an answer to a command leaves it out whatever it holds.
func Response(r bot.Reply) *discordgo.InteractionResponse {
	components, unreachable := renderButtons(r.Buttons())
	note := ""
	if unreachable {
		note = fmt.Sprintf("add page:%d to the command for the next", r.Page+1)
	}
	data := &discordgo.InteractionResponseData{
		Content:         sharedContent(r.SharedBy),
		Embeds:          renderPage(r, note),
		Components:      components,
		AllowedMentions: noMentions(),
	}
	if r.Private {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data}
}

// Update is the response (type 7) that turns the message a button is under into r: another
// page of it. The message stays as private or public as it was.
func Update(r bot.Reply) *discordgo.InteractionResponse {
	data := Response(r).Data
	data.Flags = 0
	return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: data}
}

// sharedContent names who shared an answer, as the message's content: a user mention shows
// their name, and noMentions keeps it from pinging them. An id that is not a snowflake is
// left out rather than written into markup.
func sharedContent(by *bot.Sharer) string {
	if by == nil || !snowflake(by.User) {
		return ""
	}
	return bot.SharedLine("<@" + by.User + ">")
}

// noMentions lets nothing in a message ping anyone: Discord parses user mentions in interaction
// replies by default, and answers quote what users typed. The empty, non-nil list matters: a nil
// one is sent as null.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// roleMention is how a post pings role, a digest's Mention: the role's mention as the message's
// content (a mention inside an embed never pings) and allowed_mentions naming that role alone,
// so that nothing else the message holds pings anyone. No role: no content, noMentions. A role
// that is not an id is refused for good, before it could reach the message.
func roleMention(role string) (content string, allowed *discordgo.MessageAllowedMentions, err error) {
	if role == "" {
		return "", noMentions(), nil
	}
	if !ValidMention(role) {
		return "", nil, &bot.PostError{Permanent: true, Code: "invalid_mention",
			Err: errors.New("discord: the mention is not a role id (digits)")}
	}
	return "<@&" + role + ">", &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}, Roles: []string{role}}, nil
}
