package main

import (
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestAskFormats(t *testing.T) {
	stdout, stderr, code := invoke(t, "", nil, "ask", "--format", "discord", "/position sovereignty")
	var discordReply struct {
		Type int `json:"type"`
		Data struct {
			Embeds []struct {
				Title  string `json:"title"`
				Fields []struct {
					Name, Value string
					Inline      bool
				} `json:"fields"`
			} `json:"embeds"`
			AllowedMentions struct {
				Parse []string `json:"parse"`
			} `json:"allowed_mentions"`
		} `json:"data"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &discordReply) != nil {
		t.Fatalf("ask --format discord = exit %d\n%s%s", code, stdout, stderr)
	}
	if discordReply.Type != 4 || len(discordReply.Data.Embeds) != 1 || discordReply.Data.Embeds[0].Title != "Sovereignty" ||
		len(discordReply.Data.Embeds[0].Fields) != 2 || !discordReply.Data.Embeds[0].Fields[0].Inline ||
		discordReply.Data.AllowedMentions.Parse == nil {
		t.Errorf("ask --format discord printed:\n%s", stdout)
	}

	stdout, stderr, code = invoke(t, "", nil, "ask", "/position troops mexico", "--format=slack")
	var slackReply struct {
		ResponseType string           `json:"response_type"`
		Text         string           `json:"text"`
		Blocks       []map[string]any `json:"blocks"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &slackReply) != nil {
		t.Fatalf("ask --format slack = exit %d\n%s%s", code, stdout, stderr)
	}
	if slackReply.ResponseType != "in_channel" || len(slackReply.Blocks) == 0 || slackReply.Blocks[0]["type"] != "header" ||
		!strings.Contains(stdout, "Strongly opposes any foreign military presence") {
		t.Errorf("ask --format slack printed:\n%s", stdout)
	}

	stdout, _, code = invoke(t, "", nil, "ask", "--format", "slack", "/position banana")
	if code != 1 || !strings.Contains(stdout, `"response_type": "ephemeral"`) {
		t.Errorf("ask --format slack /position banana = exit %d\n%s", code, stdout)
	}
}

func TestManifestSlack(t *testing.T) {
	stdout, stderr, code := invoke(t, "", nil, "manifest", "slack", "--url", "https://bot.example.org/")
	var m struct {
		Features struct {
			SlashCommands []struct {
				Command, Description, URL string
				UsageHint                 string `json:"usage_hint"`
			} `json:"slash_commands"`
		} `json:"features"`
		OAuth struct {
			Scopes struct {
				Bot []string `json:"bot"`
			} `json:"scopes"`
		} `json:"oauth_config"`
		Settings struct {
			SocketMode bool `json:"socket_mode_enabled"`
		} `json:"settings"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &m) != nil {
		t.Fatalf("manifest slack --url = exit %d\n%s%s", code, stdout, stderr)
	}
	if len(m.Features.SlashCommands) != 10 || strings.Join(m.OAuth.Scopes.Bot, ",") != "commands,chat:write,channels:history,groups:history" || m.Settings.SocketMode {
		t.Errorf("manifest slack --url printed:\n%s", stdout)
	}
	for _, c := range m.Features.SlashCommands {
		if c.URL != "https://bot.example.org/slack/commands" || c.Description == "" {
			t.Errorf("command %s: url %q, description %q", c.Command, c.URL, c.Description)
		}
		if c.Command == "/position" && c.UsageHint != "<issue> [party] [briefing]" {
			t.Errorf("/position usage hint = %q", c.UsageHint)
		}
	}

	stdout, _, code = invoke(t, "", nil, "manifest", "slack")
	if code != 0 || !strings.Contains(stdout, `"socket_mode_enabled": true`) || strings.Contains(stdout, "/slack/commands") {
		t.Errorf("manifest slack without --url = exit %d; want Socket Mode and no URLs\n%s", code, stdout)
	}
	if _, stderr, code := invoke(t, "", nil, "manifest", "slack", "--url", "bot.example.org"); code != 2 || !strings.Contains(stderr, "not an https:// URL") {
		t.Errorf("manifest slack --url bot.example.org = exit %d\n%s", code, stderr)
	}
}

func TestInviteDiscord(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "b.yaml", "discord:\n  token: ${DISCORD_BOT_TOKEN}\n  application_id: \"123456789012345678\"\n")
	stdout, stderr, code := invoke(t, "", map[string]string{"DISCORD_BOT_TOKEN": "tok"}, "invite", "discord", "--config", cfg)
	want := []string{
		"  https://discord.com/oauth2/authorize?client_id=123456789012345678&integration_type=0&permissions=84992&scope=bot+applications.commands\n",
		"  https://discord.com/oauth2/authorize?client_id=123456789012345678&integration_type=1&scope=applications.commands\n",
	}
	if code != 0 || !strings.Contains(stdout, want[0]) || !strings.Contains(stdout, want[1]) ||
		strings.Index(stdout, want[0]) > strings.Index(stdout, want[1]) {
		t.Errorf("invite discord = exit %d\n%s%s\nwant the server install, then the user install:\n%s", code, stdout, stderr, strings.Join(want, ""))
	}
	if _, stderr, code := invoke(t, "", nil, "invite", "discord"); code != 1 || !strings.Contains(stderr, "discord.application_id is not set") {
		t.Errorf("invite discord with no config = exit %d\n%s", code, stderr)
	}
}

func TestServeAnswersSignedPlatformRequests(t *testing.T) {
	base, stop := startServe(t, fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: %q}
slack: {signing_secret: %q}
`, discordtest.PublicKey(), slacktest.Secret), nil)
	defer stop()
	client := &http.Client{}

	do := func(target loadTarget) (int, string) {
		t.Helper()
		req, err := target(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	if code, body := do(discordTarget(base + "/discord/interactions")); code != 200 || !strings.Contains(body, "Prioritizes independence and historical context") {
		t.Errorf("signed /position over /discord/interactions = %d %s", code, body)
	}
	stranger := func(ctx context.Context) (*http.Request, error) {
		req, err := discordTarget(base + "/discord/interactions")(ctx)
		if err == nil {
			body, _ := io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
			_, other, _ := ed25519.GenerateKey(nil)
			ts := req.Header.Get("X-Signature-Timestamp")
			req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(other, append([]byte(ts), body...))))
		}
		return req, err
	}
	if code, _ := do(stranger); code != http.StatusUnauthorized {
		t.Errorf("interaction signed with another key = %d; want 401", code)
	}
	if code, body := do(slackTarget(base + "/slack/commands")); code != 200 || !strings.Contains(body, "Prioritizes independence and historical context") {
		t.Errorf("signed /position over /slack/commands = %d %s", code, body)
	}
	unsigned := func(url string) loadTarget {
		inner := slackTarget(url)
		return func(ctx context.Context) (*http.Request, error) {
			req, err := inner(ctx)
			if err == nil {
				req.Header.Set("X-Slack-Signature", "v0="+strings.Repeat("0", 64))
			}
			return req, err
		}
	}
	if code, _ := do(unsigned(base + "/slack/commands")); code != http.StatusUnauthorized {
		t.Errorf("slash command with a wrong signature = %d; want 401", code)
	}
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}
