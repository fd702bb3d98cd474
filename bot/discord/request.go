package discord

import (
	"strconv"

	"github.com/bwmarrin/discordgo"

	"briefbot/bot"
)

// commandRequest reads an application command into a request of e: the command by its name
// on Discord, its options as named, and who sent it.
func commandRequest(e *bot.Engine, in *discordgo.Interaction, data discordgo.ApplicationCommandInteractionData) bot.Request {
	options := make(map[string]string, len(data.Options))
	for _, o := range data.Options {
		if v, ok := optionValue(o); ok {
			options[o.Name] = v
		}
	}
	req, _ := e.RequestOn(platform, data.Name, options)
	req.Caller, req.Room = caller(in), PageRoom()
	return req
}

// commandData and componentData read an interaction's data without discordgo's accessors, which
// panic on the wrong interaction type.
func commandData(in *discordgo.Interaction) (discordgo.ApplicationCommandInteractionData, bool) {
	return dataAs[discordgo.ApplicationCommandInteractionData](in)
}

func componentData(in *discordgo.Interaction) (discordgo.MessageComponentInteractionData, bool) {
	return dataAs[discordgo.MessageComponentInteractionData](in)
}

// dataAs is in's data as a D, whether discordgo holds it as a value or a pointer.
func dataAs[D any](in *discordgo.Interaction) (D, bool) {
	switch d := any(in.Data).(type) {
	case D:
		return d, true
	case *D:
		if d != nil {
			return *d, true
		}
	}
	var none D
	return none, false
}

// optionValue is what the user typed for an option. Ours are all strings; other kinds are read
// as text rather than refused.
func optionValue(o *discordgo.ApplicationCommandInteractionDataOption) (string, bool) {
	if o == nil || o.Name == "" {
		return "", false
	}
	switch v := o.Value.(type) {
	case string:
		return v, true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	}
	return "", false
}

// caller is who sent an interaction: the member in a server that installed briefbot (with
// roles and whether Discord lets them manage the server), or else the user alone, outside any
// such server. The engine decides who is an admin.
func caller(in *discordgo.Interaction) bot.Caller {
	c := bot.Caller{Platform: platform}
	m := in.Member
	switch {
	case m != nil && m.User != nil:
		c.User = m.User.ID
	case in.User != nil:
		c.User = in.User.ID
	}
	if m == nil || !fromInstallingServer(in) {
		c.OutsideServer = true
		return c
	}
	c.Roles = m.Roles
	c.Manager = m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0
	return c
}

// fromInstallingServer reports whether in came from a server that installed briefbot. A member
// who installed it for themselves may run its commands in any server they are in, and Discord
// then sends their roles and permissions in that server, which grant nothing here. Only the
// server's own installation makes them count, and Discord names it under
// authorizing_integration_owners; without that word, the interaction counts as from outside.
func fromInstallingServer(in *discordgo.Interaction) bool {
	if in.GuildID == "" || in.Context != discordgo.InteractionContextGuild {
		return false
	}
	return in.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] == in.GuildID
}
