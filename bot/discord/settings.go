package discord

import (
	"briefbot/bot"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
)

// Check is the one judgement of Discord settings: `config check` and `serve` both call it, so
// that a config one accepts the other cannot refuse. It is pure: no network, no clock.
func Check(cfg Config) []bot.SettingProblem {
	var ps []bot.SettingProblem
	bad := func(key string, i int, format string, args ...any) {
		ps = append(ps, bot.SettingProblem{Platform: platform, Key: key, Index: i, Format: format, Args: args})
	}
	if cfg.PublicKey != "" {
		if k, err := hex.DecodeString(strings.TrimSpace(cfg.PublicKey)); err != nil || len(k) != ed25519.PublicKeySize {
			// The key stays out of the message: config errors end up in logs.
			bad("public_key", -1, "must be the application's Ed25519 public key, 64 hex digits")
		}
	}
	if cfg.Gateway && cfg.Token == "" {
		bad("gateway", -1, "the gateway needs discord.token")
	}
	if (cfg.Token != "" || cfg.PublicKey != "" || cfg.Gateway) && cfg.ApplicationID == "" {
		bad("application_id", -1, "is needed to register commands and to answer them")
	} else if cfg.ApplicationID != "" && !snowflake(cfg.ApplicationID) {
		bad("application_id", -1, "is not a Discord id (up to 20 digits)")
	}
	for i, g := range cfg.GuildIDs {
		if !snowflake(g) {
			bad("guild_ids", i, "is not a Discord id (up to 20 digits)")
		}
	}
	for i, r := range cfg.AdminRoleIDs {
		if !snowflake(strings.TrimSpace(r)) {
			bad("admin_role_ids", i, "is not a Discord id (up to 20 digits)")
		}
	}
	if _, err := apiBase(cfg.APIURL); err != nil {
		bad("api_url", -1, "%v", err)
	}
	return ps
}

// ValidChannel reports whether id can name a Discord channel, for digests' channel lists.
func ValidChannel(id string) bool { return snowflake(id) }

// ValidMention reports whether id can name the role a digest's posts ping (Reply.Mention).
func ValidMention(id string) bool { return snowflake(id) }

// apiBase checks the REST base URL and returns it without a trailing slash.
func apiBase(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("must be an http(s) URL")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("must not carry a query or fragment")
	}
	return u, nil
}

// snowflake reports whether s looks like a Discord id. Ids go into REST paths, so nothing else
// may pass.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
