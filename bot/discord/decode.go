package discord

import (
	"encoding/json"
	"errors"

	"github.com/bwmarrin/discordgo"
)

// wireInteraction is what the HTTP endpoint reads of an interaction: its type, the member's
// roles and permissions, and its data, in one pass. Decoding into discordgo.Interaction instead
// fills dozens of fields briefbot never reads and parses data twice, a fifth of every request;
// the gateway still hands over discordgo's own, and both reach respond as the same type.
type wireInteraction struct {
	Type          discordgo.InteractionType `json:"type"`
	ID            string                    `json:"id"`
	ApplicationID string                    `json:"application_id"`
	Token         string                    `json:"token"`
	Member        *struct {
		User        *wireUser `json:"user"`
		Roles       []string  `json:"roles"`
		Permissions int64     `json:"permissions,string"`
	} `json:"member"`
	User *wireUser `json:"user"` // in a DM, where there is no member
	Data *wireData `json:"data"`
}

// wireData holds the fields briefbot reads of every kind of interaction's data, so that the
// body is parsed once: a command's or autocomplete's name and options, a button's custom_id.
type wireData struct {
	ID            string                                               `json:"id"`
	Name          string                                               `json:"name"`
	CommandType   discordgo.ApplicationCommandType                     `json:"type"`
	Options       []*discordgo.ApplicationCommandInteractionDataOption `json:"options"`
	CustomID      string                                               `json:"custom_id"`
	ComponentType discordgo.ComponentType                              `json:"component_type"`
}

type wireUser struct {
	ID string `json:"id"`
}

func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	var wire wireInteraction
	if err := json.Unmarshal(body, &wire); err != nil {
		return nil, err
	}
	in := &discordgo.Interaction{Type: wire.Type, ID: wire.ID, AppID: wire.ApplicationID, Token: wire.Token}
	if m := wire.Member; m != nil {
		in.Member = &discordgo.Member{Roles: m.Roles, Permissions: m.Permissions}
		if m.User != nil {
			in.Member.User = &discordgo.User{ID: m.User.ID}
		}
	}
	if wire.User != nil {
		in.User = &discordgo.User{ID: wire.User.ID}
	}
	d := wire.Data
	if d == nil && wire.Type != discordgo.InteractionPing && wire.Type != discordgo.InteractionModalSubmit {
		return nil, errors.New("an interaction without data")
	}
	if d != nil {
		switch wire.Type {
		case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
			in.Data = discordgo.ApplicationCommandInteractionData{ID: d.ID, Name: d.Name, CommandType: d.CommandType, Options: d.Options}
		case discordgo.InteractionMessageComponent:
			in.Data = discordgo.MessageComponentInteractionData{CustomID: d.CustomID, ComponentType: d.ComponentType}
		}
	}
	return in, nil
}

func knownType(t discordgo.InteractionType) bool {
	switch t {
	case discordgo.InteractionPing, discordgo.InteractionApplicationCommand, discordgo.InteractionMessageComponent,
		discordgo.InteractionApplicationCommandAutocomplete, discordgo.InteractionModalSubmit:
		return true
	}
	return false
}
