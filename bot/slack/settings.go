package slack

import (
	"briefbot/bot"
	"fmt"
	"net/url"
	"strings"

	slackapi "github.com/slack-go/slack"
)

// platform is this adapter's name for the engine: the key of its access rules, command names
// and prefix.
const platform = "slack"

// Check is the one judgement of Slack settings: `config check` and `serve` both call it, so that
// a config one accepts the other cannot refuse. It is pure: no network, no clock.
func Check(cfg Config) []bot.SettingProblem {
	var ps []bot.SettingProblem
	bad := func(key, format string, args ...any) {
		ps = append(ps, bot.SettingProblem{Platform: platform, Key: key, Index: -1, Format: format, Args: args})
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		bad("", "needs signing_secret (Request URLs) or app_token (Socket Mode)")
	}
	if cfg.AppToken != "" && !strings.HasPrefix(cfg.AppToken, "xapp-") {
		// A bot token here is the usual mistake; apps.connections.open would refuse it later.
		bad("app_token", "must be an app-level token (xapp-...)")
	}
	if cfg.BotToken != "" && !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		bad("bot_token", "must be a bot token (xoxb-...)")
	}
	if _, err := normalizeAPIURL(cfg.APIURL); err != nil {
		bad("api_url", "%v", err)
	}
	for _, id := range cfg.AdminUserIDs {
		if !validID(strings.TrimSpace(id), "UW") {
			bad("admin_user_ids", "%q is not a Slack user id (U... or W...)", id)
		}
	}
	return ps
}

// ValidChannel reports whether id can name a Slack conversation a digest posts to: a public
// channel (C...), a private one (G...) or a direct message (D...).
func ValidChannel(id string) bool { return validID(id, "CGD") }

// ValidMention reports whether id can name the user group a digest's posts ping (Reply.Mention).
func ValidMention(id string) bool { return validID(id, "S") }

// validID: Slack's ids are an upper-case kind letter and upper-case letters and digits.
func validID(id, kinds string) bool {
	if len(id) < 2 || len(id) > 24 || !strings.ContainsRune(kinds, rune(id[0])) {
		return false
	}
	for _, c := range id[1:] {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// normalizeAPIURL gives slack-go the base it needs: absolute, ending in "/".
func normalizeAPIURL(raw string) (string, error) {
	if raw == "" {
		return slackapi.APIURL, nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("must be an http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("must not carry a query or fragment")
	}
	if !strings.HasSuffix(raw, "/") {
		raw += "/"
	}
	return raw, nil
}
