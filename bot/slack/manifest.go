package slack

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

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
	BotUser       manifestBotUser        `json:"bot_user"`
	SlashCommands []manifestSlashCommand `json:"slash_commands"`
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
	Interactivity        manifestInteractivity `json:"interactivity"`
	OrgDeployEnabled     bool                  `json:"org_deploy_enabled"`
	SocketModeEnabled    bool                  `json:"socket_mode_enabled"`
	TokenRotationEnabled bool                  `json:"token_rotation_enabled"`
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

// Manifest is the complete Slack app manifest for the commands, as indented JSON. With a base url
// (https://bot.example.org) Slack sends commands and button presses to briefbot's HTTP endpoints
// under it; without one the app uses Socket Mode and names no URL.
func Manifest(commands []bot.Command, baseURL string) ([]byte, error) {
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
			BotUser: manifestBotUser{DisplayName: "briefbot"},
		},
		// Exactly what briefbot uses: slash commands, and posting digests and answers.
		OAuthConfig: manifestOAuth{Scopes: manifestScopes{Bot: []string{"commands", "chat:write"}}},
		Settings: manifestSettings{
			Interactivity:     manifestInteractivity{IsEnabled: true},
			SocketModeEnabled: base == "",
		},
	}
	if base != "" {
		m.Settings.Interactivity.RequestURL = base + "/slack/interactivity"
	}
	for _, c := range commands {
		name := "/" + c.Name
		if len(c.Name) == 0 || len(name) > maxCommandName || strings.ContainsAny(c.Name, " /") {
			return nil, fmt.Errorf("slack manifest: command name %q does not fit Slack's 2 to %d characters", name, maxCommandName)
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
