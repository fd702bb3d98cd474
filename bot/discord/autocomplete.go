package discord

import (
	"strings"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

const (
	// maxAutocomplete, maxChoiceName and maxChoiceValue are Discord's limits on suggestions.
	maxAutocomplete = 25
	maxChoiceName   = 100
	maxChoiceValue  = 100
)

// complete suggests values for the focused option. The other options typed so far go along:
// a chosen briefing decides which issues to suggest.
func (b *Bot) complete(e *bot.Engine, data discordgo.ApplicationCommandInteractionData) []bot.Choice {
	cmd, _ := e.CommandOn(platform, data.Name)
	req := bot.Request{Command: cmd, Options: map[string]string{}, Caller: bot.Caller{Platform: platform}}
	focused, typed, found := "", "", false
	for _, o := range data.Options {
		v, ok := optionValue(o)
		if !ok {
			continue
		}
		if o.Focused && !found {
			focused, typed, found = o.Name, v, true
			continue
		}
		req.Options[o.Name] = v
	}
	if !found {
		return nil
	}
	return b.core.Complete(e, req, focused, typed, maxAutocomplete)
}

// autocompleteResponse answers with at most 25 suggestions within Discord's 1 to 100 characters.
// A value too long is left out, not cut: a cut value would name something else. No suggestion
// at all is sent as no list, which Discord shows as "no options match".
func autocompleteResponse(choices []bot.Choice) *discordgo.InteractionResponse {
	data := &discordgo.InteractionResponseData{}
	for _, c := range choices {
		if len(data.Choices) == maxAutocomplete {
			break
		}
		value := c.Value
		if n := length(value); n < 1 || n > maxChoiceValue {
			continue
		}
		name := clip(strings.TrimSpace(c.Name), maxChoiceName)
		if name == "" {
			name = value
		}
		data.Choices = append(data.Choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: value})
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult, Data: data}
}
