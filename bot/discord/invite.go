package discord

import (
	"net/url"
	"strconv"

	"github.com/bwmarrin/discordgo"
)

// invitePermissions are all the bot needs in a channel: post its digests, with embeds, and read
// back its own recent posts after a crash, so that a digest is never posted twice.
const invitePermissions = discordgo.PermissionViewChannel | discordgo.PermissionSendMessages |
	discordgo.PermissionEmbedLinks | discordgo.PermissionReadMessageHistory

// InviteURL is the OAuth2 link that installs the bot in a server, with its slash commands.
func InviteURL(applicationID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatInt(invitePermissions, 10))
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}
