package slack

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode"

	"briefbot/bot"
)

// The app manifest, as Slack's manifest schema 1 describes it. Only what briefbot sets.
type manifest struct {
	Metadata    manifestMetadata `json:"_metadata"`
	Display     manifestDisplay  `json:"display_information"`
	Features    manifestFeatures `json:"features"`
	OAuthConfig manifestOAuth    `json:"oauth_config"`
	Settings    manifestSettings `json:"settings"`
}

type manifestMetadata struct {
	MajorVersion int `json:"major_version"`
	MinorVersion int `json:"minor_version"`
}

type manifestDisplay struct {
	Name            string `json:"name"`
	Description     string `json:"description"`
	BackgroundColor string `json:"background_color"`
}

type manifestFeatures struct {
	AppHome       manifestAppHome        `json:"app_home"`
	BotUser       manifestBotUser        `json:"bot_user"`
	SlashCommands []manifestSlashCommand `json:"slash_commands"`
	Shortcuts     []manifestShortcut     `json:"shortcuts"`
}

// A message shortcut is in every message's More actions menu; Slack sends it to the
// interactivity URL (or over Socket Mode) with the message it was run on.
type manifestShortcut struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	CallbackID  string `json:"callback_id"`
	Description string `json:"description"`
}

// The Messages tab holds the answers to buttons pressed in the Home tab, which Slack sends
// without a response_url; read-only, since briefbot reads no message typed there.
type manifestAppHome struct {
	HomeTabEnabled             bool `json:"home_tab_enabled"`
	MessagesTabEnabled         bool `json:"messages_tab_enabled"`
	MessagesTabReadOnlyEnabled bool `json:"messages_tab_read_only_enabled"`
}

type manifestBotUser struct {
	DisplayName  string `json:"display_name"`
	AlwaysOnline bool   `json:"always_online"`
}

type manifestSlashCommand struct {
	Command      string `json:"command"`
	URL          string `json:"url,omitempty"`
	Description  string `json:"description"`
	UsageHint    string `json:"usage_hint,omitempty"`
	ShouldEscape bool   `json:"should_escape"`
}

type manifestOAuth struct {
	Scopes manifestScopes `json:"scopes"`
}

type manifestScopes struct {
	Bot []string `json:"bot"`
}

type manifestSettings struct {
	EventSubscriptions   manifestEvents        `json:"event_subscriptions"`
	Interactivity        manifestInteractivity `json:"interactivity"`
	OrgDeployEnabled     bool                  `json:"org_deploy_enabled"`
	SocketModeEnabled    bool                  `json:"socket_mode_enabled"`
	TokenRotationEnabled bool                  `json:"token_rotation_enabled"`
}

type manifestEvents struct {
	RequestURL string   `json:"request_url,omitempty"`
	BotEvents  []string `json:"bot_events"`
}

type manifestInteractivity struct {
	IsEnabled  bool   `json:"is_enabled"`
	RequestURL string `json:"request_url,omitempty"`
}

// Manifest limits from Slack's manifest schema.
const (
	maxSlashCommands      = 50
	maxCommandName        = 32
	maxCommandDescription = 2000
	maxUsageHint          = 1000
	maxManifestURL        = 3000
)

// Manifest is the complete Slack app manifest for the commands and the Home tab, as indented
// JSON. With a base url (https://bot.example.org) Slack sends commands, button presses and events
// to briefbot's HTTP endpoints under it; without one the app uses Socket Mode and names no URL.
func Manifest(e *bot.Engine, baseURL string) ([]byte, error) {
	commands := e.Commands()
	if len(commands) == 0 || len(commands) > maxSlashCommands {
		return nil, fmt.Errorf("slack manifest: %d commands; Slack takes 1 to %d", len(commands), maxSlashCommands)
	}
	base := strings.TrimRight(strings.TrimSpace(baseURL), "/")
	if base != "" {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("slack manifest: url %q is not an http(s) base URL", baseURL)
		}
		if len(base)+len("/slack/interactivity") > maxManifestURL {
			return nil, errors.New("slack manifest: url too long")
		}
	}
	m := manifest{
		Metadata: manifestMetadata{MajorVersion: 1, MinorVersion: 1},
		Display: manifestDisplay{
			Name:            "briefbot",
			Description:     "Policy briefings in Slack: each party's position side by side, with the briefing's source.",
			BackgroundColor: "#1d3557",
		},
		Features: manifestFeatures{
			AppHome: manifestAppHome{HomeTabEnabled: true, MessagesTabEnabled: true, MessagesTabReadOnlyEnabled: true},
			BotUser: manifestBotUser{DisplayName: "briefbot"},
			Shortcuts: []manifestShortcut{{Name: bot.FindLabel, Type: "message", CallbackID: findCallback,
				Description: "The positions and passages of the briefings that match this message"}},
		},
		// Exactly what briefbot uses: slash commands; posting digests and answers; and reading
		// back a channel's history after a crash, to find a digest it may already have posted
		// (public and private channels), so that it is never posted twice.
		OAuthConfig: manifestOAuth{Scopes: manifestScopes{Bot: scopes}},
		Settings: manifestSettings{
			// Opening the Home tab is the one event briefbot answers: it publishes the tab. The
			// event needs no scope of its own, nor does views.publish with the bot token.
			EventSubscriptions: manifestEvents{BotEvents: []string{"app_home_opened"}},
			Interactivity:      manifestInteractivity{IsEnabled: true},
			SocketModeEnabled:  base == "",
		},
	}
	if base != "" {
		m.Settings.Interactivity.RequestURL = base + "/slack/interactivity"
		m.Settings.EventSubscriptions.RequestURL = base + "/slack/events"
	}
	for _, c := range commands {
		name := "/" + e.NameOn(platform, c)
		if err := CheckCommandName(name); err != nil {
			return nil, fmt.Errorf("slack manifest: %w", err)
		}
		desc := strings.TrimSpace(c.Description)
		if desc == "" || len([]rune(desc)) > maxCommandDescription {
			return nil, fmt.Errorf("slack manifest: %s: description must be 1 to %d characters", name, maxCommandDescription)
		}
		hint := c.Hint()
		if len([]rune(hint)) > maxUsageHint {
			return nil, fmt.Errorf("slack manifest: %s: usage hint longer than %d characters", name, maxUsageHint)
		}
		sc := manifestSlashCommand{Command: name, Description: desc, UsageHint: hint}
		if base != "" {
			sc.URL = base + "/slack/commands"
		}
		m.Features.SlashCommands = append(m.Features.SlashCommands, sc)
	}
	out, err := marshal(m, "  ")
	if err != nil {
		return nil, fmt.Errorf("slack manifest: %w", err)
	}
	return out, nil
}

// scopes are the bot scopes the manifest asks for.
var scopes = []string{"commands", "chat:write", "channels:history", "groups:history"}

// Reserved are Slack's built-in commands. An app cannot take them, and a manifest that names one
// is refused whole ("the slash command has an invalid name"), so not one command would register.
var Reserved = []string{"/status", "/me", "/join", "/away", "/dnd", "/shrug", "/remind", "/msg", "/feed",
	"/who", "/collapse", "/expand", "/leave", "/open", "/search", "/topic", "/mute", "/pro", "/shortcuts"}

// CheckCommandName applies Slack's rules for a slash command's name ("/brief-search"): 2 to 32
// characters with the slash, lower case, no spaces or underscores, and none of Slack's own.
func CheckCommandName(name string) error {
	word := strings.TrimPrefix(name, "/")
	if !strings.HasPrefix(name, "/") || word == "" || len(name) > maxCommandName {
		return fmt.Errorf("command name %q does not fit Slack's 2 to %d characters", name, maxCommandName)
	}
	for _, r := range word {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r > 127 && unicode.IsLower(r)) {
			return fmt.Errorf("command name %q: lower-case letters, digits and hyphens only", name)
		}
	}
	if slices.Contains(Reserved, name) {
		return fmt.Errorf("command name %q is one of Slack's own commands", name)
	}
	return nil
}
