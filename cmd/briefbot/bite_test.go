package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
)

// serveRefusal runs serve with a config that must be refused and returns what it said; serve
// must stop before it listens, so nothing half-configured ever answers.
func serveRefusal(t *testing.T, configText string, env map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if !strings.Contains(configText, "store:") {
		configText += "store: {dsn: \"sqlite://" + filepath.Join(dir, "ledger.db") + "\"}\n"
	}
	path := writeFile(t, dir, "briefbot.yaml", configText)
	var errOut bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	// Refusals come before the listener; a context that ends soon keeps a wrongly accepted
	// config from serving forever.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := run(ctx, []string{"serve", "--config", path}, lookup, strings.NewReader(""), io.Discard, &errOut)
	if err == nil {
		t.Fatalf("serve with\n%s= nil error; want it refused\n%s", configText, errOut.String())
	}
	if listenLine.MatchString(errOut.String()) {
		t.Errorf("serve listened before refusing:\n%s", errOut.String())
	}
	return strings.ReplaceAll(err.Error(), path, "briefbot.yaml")
}

// TestServeRefusesPlatformSettings runs each adapter's settings check through serve, one fault a
// config, and wants the one line that names it: the same judgement config check makes.
func TestServeRefusesPlatformSettings(t *testing.T) {
	const listen = "http: {listen: \"127.0.0.1:0\"}\n"
	key := discordtest.PublicKey()
	tests := []struct {
		name, config string
		want         string // the whole error
	}{
		{"discord key not hex", `discord: {application_id: "1", public_key: "` + strings.Repeat("zz", 32) + `"}`,
			"briefbot.yaml:2: discord.public_key: must be the application's Ed25519 public key, 64 hex digits"},
		{"discord key a byte short", `discord: {application_id: "1", public_key: "` + key[:62] + `"}`,
			"briefbot.yaml:2: discord.public_key: must be the application's Ed25519 public key, 64 hex digits"},
		{"discord key a byte long", `discord: {application_id: "1", public_key: "` + key + `00"}`,
			"briefbot.yaml:2: discord.public_key: must be the application's Ed25519 public key, 64 hex digits"},
		{"discord gateway without token", `discord: {application_id: "1", public_key: "` + key + `", gateway: true}`,
			"briefbot.yaml:2: discord.gateway: the gateway needs discord.token"},
		{"discord token without application", `discord: {token: t}`,
			"briefbot.yaml:2: discord.application_id: is needed to register commands and to answer them"},
		{"discord key without application", `discord: {public_key: "` + key + `"}`,
			"briefbot.yaml:2: discord.application_id: is needed to register commands and to answer them"},
		{"discord application not digits", `discord: {application_id: "12a", public_key: "` + key + `"}`,
			"briefbot.yaml:2: discord.application_id: is not a Discord id (up to 20 digits)"},
		{"discord application of 21 digits", `discord: {application_id: "` + strings.Repeat("1", 21) + `", public_key: "` + key + `"}`,
			"briefbot.yaml:2: discord.application_id: is not a Discord id (up to 20 digits)"},
		{"discord guild not an id", `discord: {application_id: "1", public_key: "` + key + `", guild_ids: ["1", "g"]}`,
			"briefbot.yaml:2: discord.guild_ids: is not a Discord id (up to 20 digits)"},
		{"discord admin role not an id", `discord: {application_id: "1", public_key: "` + key + `", admin_role_ids: ["r"]}`,
			"briefbot.yaml:2: discord.admin_role_ids: is not a Discord id (up to 20 digits)"},
		{"discord api_url not http", `discord: {application_id: "1", public_key: "` + key + `", api_url: "ftp://discord.example/api"}`,
			"briefbot.yaml:2: discord.api_url: must be an http(s) URL"},
		{"discord api_url without host", `discord: {application_id: "1", public_key: "` + key + `", api_url: "https:///api"}`,
			"briefbot.yaml:2: discord.api_url: must be an http(s) URL"},
		{"discord api_url with query", `discord: {application_id: "1", public_key: "` + key + `", api_url: "https://discord.example/api?v=9"}`,
			"briefbot.yaml:2: discord.api_url: must not carry a query or fragment"},
		{"discord api_url with fragment", `discord: {application_id: "1", public_key: "` + key + `", api_url: "https://discord.example/api#v9"}`,
			"briefbot.yaml:2: discord.api_url: must not carry a query or fragment"},
		{"slack neither secret nor app token", `slack: {bot_token: xoxb-1}`,
			"briefbot.yaml:2: slack: needs signing_secret (Request URLs) or app_token (Socket Mode)"},
		{"slack bot token as app token", `slack: {app_token: xoxb-1}`,
			"briefbot.yaml:2: slack.app_token: must be an app-level token (xapp-...)"},
		{"slack app token as bot token", `slack: {signing_secret: s, bot_token: xapp-1}`,
			"briefbot.yaml:2: slack.bot_token: must be a bot token (xoxb-...)"},
		{"slack api_url not http", `slack: {signing_secret: s, api_url: "slack.example/api/"}`,
			"briefbot.yaml:2: slack.api_url: must be an http(s) URL"},
		{"slack api_url without host", `slack: {signing_secret: s, api_url: "https:/api/"}`,
			"briefbot.yaml:2: slack.api_url: must be an http(s) URL"},
		{"slack api_url with query", `slack: {signing_secret: s, api_url: "https://slack.example/api/?a=1"}`,
			"briefbot.yaml:2: slack.api_url: must not carry a query or fragment"},
		{"slack api_url with fragment", `slack: {signing_secret: s, api_url: "https://slack.example/api/#a"}`,
			"briefbot.yaml:2: slack.api_url: must not carry a query or fragment"},
		{"slack admin a channel", `slack: {signing_secret: s, admin_user_ids: [U1, C1]}`,
			`briefbot.yaml:2: slack.admin_user_ids: "C1" is not a Slack user id (U... or W...)`},
		{"slack admin lower case", `slack: {signing_secret: s, admin_user_ids: [u1]}`,
			`briefbot.yaml:2: slack.admin_user_ids: "u1" is not a Slack user id (U... or W...)`},
		// The DSN is checked for its shape only; the password in it must not be quoted back.
		{"store dsn not a URL", "store: {dsn: \"postgres://briefbot:hunter%zz2@db.example/briefbot\"}",
			"briefbot.yaml:2: store.dsn is not a URL (a user name or password with @, :, / or # must be percent-encoded)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := serveRefusal(t, listen+tc.config+"\n", nil)
			if got != tc.want {
				t.Errorf("serve refused with\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestServeAcceptsTrimmedIDs: the settings checks read ids and keys as the adapters use them,
// trimmed, so a config with spaces around them serves.
func TestServeAcceptsTrimmedIDs(t *testing.T) {
	base, stop := startServe(t, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {application_id: "1", public_key: "  %s ", admin_role_ids: [" 2 "]}
slack: {signing_secret: s, admin_user_ids: [" U1 ", W2]}
`, discordtest.PublicKey()), nil)
	if code := getStatus(t, base+"/readyz"); code != http.StatusOK {
		t.Errorf("GET /readyz = %d; want 200", code)
	}
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}

// TestServeStartsEveryPlatform: with a token Discord takes, serve registers the commands before it
// listens and then answers on every platform's route.
func TestServeStartsEveryPlatform(t *testing.T) {
	fake := discordtest.NewFake(t)
	base, stop := startServe(t, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: "${DISCORD_BOT_TOKEN}", application_id: %q, public_key: %q, api_url: %q}
slack: {signing_secret: s, bot_token: xoxb-1}
`, discordtest.AppID, discordtest.PublicKey(), fake.APIURL()), map[string]string{"DISCORD_BOT_TOKEN": discordtest.Token})
	fake.Mu.Lock()
	puts := fake.PutPaths
	fake.Mu.Unlock()
	if want := "/api/v10/applications/" + discordtest.AppID + "/commands"; len(puts) != 1 || puts[0] != want {
		t.Errorf("commands registered at %q; want once at %q", puts, want)
	}
	for path, want := range map[string]int{"/readyz": 200, "/discord/interactions": 401, "/slack/commands": 401, "/slack/interactivity": 401} {
		code := 0
		if path == "/readyz" {
			code = getStatus(t, base+path)
		} else {
			resp, err := http.Post(base+path, "application/x-www-form-urlencoded", strings.NewReader("x=1"))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			code = resp.StatusCode
		}
		if code != want {
			t.Errorf("%s = %d; want %d (the route is served and checks signatures)", path, code, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}

// TestServeRefusesATokenDiscordRefuses: a 401 from Discord at registration means nothing would
// ever work with the token, so serve stops instead of running deaf; other failures only warn.
func TestServeRefusesATokenDiscordRefuses(t *testing.T) {
	fake := discordtest.NewFake(t)
	config := fmt.Sprintf("http: {listen: \"127.0.0.1:0\"}\ndiscord: {token: \"${DISCORD_BOT_TOKEN}\", application_id: %q, api_url: %q}\n",
		discordtest.AppID, fake.APIURL())
	got := serveRefusal(t, config, map[string]string{"DISCORD_BOT_TOKEN": "not-" + discordtest.Token})
	if !strings.Contains(got, "discord: register commands:") || !strings.Contains(got, strconv.Itoa(http.StatusUnauthorized)) {
		t.Errorf("serve with a token Discord refuses = %q; want discord: register commands: ... 401", got)
	}
	if strings.Contains(got, discordtest.Token) {
		t.Errorf("the refusal quotes the token: %q", got)
	}

	// A Discord that fails otherwise (a 500) does not stop serve: the endpoint answers with the
	// commands Discord has, and registration is retried.
	fake.Mu.Lock()
	fake.CommandFailures = []int{http.StatusInternalServerError}
	fake.Mu.Unlock()
	_, stop := startServe(t, config, map[string]string{"DISCORD_BOT_TOKEN": discordtest.Token})
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}

// getStatus is the status of a GET of url.
func getStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
