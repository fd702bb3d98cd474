package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/disgoorg/disgo/discord"
	"github.com/disgoorg/disgo/httpserver"
)

// disgoHandler serves reply through disgo's httpserver as a disgo application would: the answer
// is disgo's own discord.MessageCreate, built once from briefbot's, and disgo verifies, parses the
// interaction into its types, hands it to the handler on a goroutine and encodes the answer.
func disgoHandler(pub []byte, reply []byte) (http.Handler, error) {
	msg, err := messageCreate(reply)
	if err != nil {
		return nil, err
	}
	// Info level, as an application would run: disgo logs request bodies only at debug.
	logger := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return httpserver.HandleInteraction(pub, logger, func(respond httpserver.RespondFunc, e httpserver.EventInteractionCreate) {
		var resp discord.InteractionResponse
		switch e.Interaction.(type) {
		case discord.PingInteraction:
			resp = discord.InteractionResponse{Type: discord.InteractionResponseTypePong}
		case discord.AutocompleteInteraction:
			resp = discord.InteractionResponse{Type: discord.InteractionResponseTypeAutocompleteResult,
				Data: discord.AutocompleteResult{Choices: []discord.AutocompleteChoice{}}}
		default:
			resp = discord.InteractionResponse{Type: discord.InteractionResponseTypeCreateMessage, Data: msg}
		}
		_ = respond(resp) // an error here is a timed-out request, which the load generator counts
	}), nil
}

// messageCreate reads briefbot's interaction response into disgo's message type. Components are
// interfaces in disgo and go through its own decoder.
func messageCreate(reply []byte) (discord.MessageCreate, error) {
	var wire struct {
		Type int `json:"type"`
		Data struct {
			Content         string                       `json:"content"`
			Embeds          []discord.Embed              `json:"embeds"`
			Components      []discord.UnmarshalComponent `json:"components"`
			AllowedMentions *discord.AllowedMentions     `json:"allowed_mentions"`
			Flags           discord.MessageFlags         `json:"flags"`
		} `json:"data"`
	}
	if err := json.Unmarshal(reply, &wire); err != nil {
		return discord.MessageCreate{}, fmt.Errorf("read the reply as disgo's types: %w", err)
	}
	if wire.Type != int(discord.InteractionResponseTypeCreateMessage) {
		return discord.MessageCreate{}, fmt.Errorf("the reply is of type %d, not a message (4)", wire.Type)
	}
	m := discord.MessageCreate{Content: wire.Data.Content, Embeds: wire.Data.Embeds,
		AllowedMentions: wire.Data.AllowedMentions, Flags: wire.Data.Flags}
	for _, c := range wire.Data.Components {
		row, ok := c.Component.(discord.ContainerComponent)
		if !ok {
			return discord.MessageCreate{}, fmt.Errorf("component of type %d is not a row", c.Component.Type())
		}
		m.Components = append(m.Components, row)
	}
	return m, nil
}
