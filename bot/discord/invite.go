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

// InviteURL is the OAuth2 link that installs the bot in a server, with its slash commands. It
// names the installation (integration_type 0) rather than leave it to the app's default
// install settings in the developer portal.
func InviteURL(applicationID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("integration_type", strconv.Itoa(int(discordgo.ApplicationIntegrationGuildInstall)))
	q.Set("scope", "bot applications.commands")
	q.Set("permissions", strconv.FormatInt(invitePermissions, 10))
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}

// UserInstallURL is the OAuth2 link with which a member installs the bot's slash commands for
// themselves, to use in DMs and in any server. It asks for no bot and no permissions: such an
// installation only answers commands, and posts no digests.
func UserInstallURL(applicationID string) string {
	q := url.Values{}
	q.Set("client_id", applicationID)
	q.Set("integration_type", strconv.Itoa(int(discordgo.ApplicationIntegrationUserInstall)))
	q.Set("scope", "applications.commands")
	return "https://discord.com/oauth2/authorize?" + q.Encode()
}
