package config_test

import (
	"strings"
	"testing"
	"time"

	"briefbot/config"
)

var env = map[string]string{
	"DISCORD_BOT_TOKEN":    "discord-secret-token",
	"SLACK_BOT_TOKEN":      "xoxb-slack-secret",
	"SLACK_SIGNING_SECRET": "signing-secret-value",
	"GATEWAY":              "true",
}

func getenv(k string) string { return env[k] }

const full = `http: {listen: "127.0.0.1:8080"}
discord:
  token: ${DISCORD_BOT_TOKEN}
  application_id: "123"
  public_key: "3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29"
  gateway: ${GATEWAY}
  guild_ids: ["456"]
  api_url: ""
  admin_role_ids: []
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  app_token: ${SLACK_APP_TOKEN:-}
  api_url: ""
  admin_user_ids: [U1]
briefings: {dirs: [], default: us-mexico-troops}
digests:
  - {name: morning, platform: slack, channel: C0123, schedule: "0 9 * * 1-5",
     timezone: America/Mexico_City, briefing: us-mexico-troops, catch_up: 2h}
store: {dsn: "sqlite://briefbot.db"}
`

func TestParseFull(t *testing.T) {
	c, err := config.Parse("b.yaml", []byte(full), getenv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Discord.Token != "discord-secret-token" || !c.Discord.Gateway || c.Slack.AppToken != "" {
		t.Errorf("env not expanded: token %q, gateway %v, app token %q", c.Discord.Token, c.Discord.Gateway, c.Slack.AppToken)
	}
	d := c.Digests[0]
	if d.Location.String() != "America/Mexico_City" || d.CatchUpTime != 2*time.Hour {
		t.Errorf("digest = %+v", d)
	}
	if !c.Discord.Enabled() || !c.Slack.Enabled() {
		t.Errorf("platforms not enabled")
	}
}

func TestDefaults(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "http: {}\n"} {
		c, err := config.Parse("b.yaml", []byte(text), getenv)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", text, err)
		}
		if c.HTTP.Listen != config.DefaultListen || c.Store.DSN != config.DefaultDSN || c.Discord.Enabled() || c.Slack.Enabled() {
			t.Errorf("Parse(%q) = %+v; want the defaults", text, c)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string
	}{
		{"unknown top key", "htp: {}\n", "b.yaml:1: unknown key \"htp\" (known: http, discord, slack, briefings, digests, store)"},
		{"unknown nested key", "http:\n  listen: \":8080\"\n  port: 1\n", "b.yaml:3: unknown key \"port\" in http"},
		{"unknown digest key", "digests:\n  - {name: a, colour: red}\n", "b.yaml:2: unknown key \"colour\" in digests[0]"},
		{"key twice", "http: {listen: \":1\"}\nhttp: {listen: \":2\"}\n", "b.yaml:2:"},
		{"not a mapping", "- a\n- b\n", "b.yaml:1: the config is a mapping"},
		{"yaml syntax", "http: {listen: \n", "b.yaml:"},
		{"wrong type", "discord: {gateway: sometimes, application_id: \"1\"}\n", "b.yaml:1: cannot unmarshal"},
		{"unset variable", "slack:\n  signing_secret: ${NOT_SET}\n", "b.yaml:2: environment variable NOT_SET is not set"},
		{"listen", "http: {listen: \"8080\"}\n", "b.yaml:1: http.listen \"8080\" is not host:port"},
		{"public key", "discord: {application_id: \"1\", public_key: \"zz\"}\n", "b.yaml:1: discord.public_key must be 64 hex digits"},
		{"gateway without token", "discord:\n  application_id: \"1\"\n  gateway: true\n", "b.yaml:3: discord.gateway needs discord.token"},
		{"no application id", "discord:\n  public_key: \"3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29\"\n", "b.yaml:2: discord needs application_id"},
		{"guild id", "discord: {token: t, application_id: \"1\", guild_ids: [\"abc\"]}\n", "b.yaml:1: discord.guild_ids: \"abc\" is not a Discord id"},
		{"app token", "slack: {app_token: \"xoxb-1\"}\n", "b.yaml:1: slack.app_token must be an app-level token"},
		{"bot token alone", "slack:\n  bot_token: xoxb-1\n", "b.yaml:2: slack needs signing_secret"},
		{"dsn", "store: {dsn: \"mysql://x\"}\n", "b.yaml:1: store.dsn must start with"},
		{"digest platform", "digests:\n  - {name: a, platform: teams, channel: C, schedule: \"@daily\"}\n", "b.yaml:2: digest \"a\": platform must be slack or discord"},
		{"digest platform not configured", "digests:\n  - {name: a, platform: discord, channel: C, schedule: \"@daily\"}\n", "b.yaml:2: digest \"a\" posts to discord, which needs discord.token"},
		{"digest no name", "digests:\n  - {channel: C, schedule: \"@daily\"}\n", "b.yaml:2: digest 1 has no name"},
		{"digest no channel", "digests:\n  - {name: a, schedule: \"@daily\"}\n", "b.yaml:2: digest \"a\" has no channel"},
		{"cron fields", "digests:\n  - {name: a, schedule: \"0 9 * *\"}\n", "b.yaml:2: digest \"a\": schedule \"0 9 * *\": expected exactly 5 fields"},
		{"cron range", "digests:\n  - {name: a, schedule: \"61 9 * * *\"}\n", "schedule \"61 9 * * *\""},
		{"cron TZ prefix panics in cron", "digests:\n  - {name: a, schedule: \"CRON_TZ=UTC\"}\n", "b.yaml:2: digest \"a\": put the time zone in timezone:"},
		{"cron TZ= panics in cron", "digests:\n  - {name: a, schedule: \"TZ=\"}\n", "put the time zone in timezone:"},
		{"no schedule", "digests:\n  - {name: a}\n", "digest \"a\": no schedule"},
		{"time zone", "digests:\n  - {name: a, timezone: Mars/Base}\n", "b.yaml:2: digest \"a\": unknown time zone \"Mars/Base\""},
		{"catch up", "digests:\n  - {name: a, catch_up: soon}\n", "b.yaml:2: digest \"a\": catch_up \"soon\" is not a duration"},
		{"duplicate digest", "digests:\n  - {name: a}\n  - {name: a}\n", "b.yaml:3: duplicate digest name \"a\" (first at line 2)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), getenv)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) = %v\nwant an error with %q", tc.text, err, tc.want)
			}
			for _, secret := range env {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error shows a secret: %v", err)
				}
			}
		})
	}
}

func TestSecretsStayOutOfErrors(t *testing.T) {
	text := strings.Replace(full, `application_id: "123"`, `application_id: "not-a-number"`, 1)
	_, err := config.Parse("b.yaml", []byte(text), getenv)
	if err == nil {
		t.Fatal("want an error")
	}
	for _, secret := range env {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("error shows a secret: %v", err)
		}
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	if _, err := config.Load("example.yaml", getenv); err != nil {
		t.Fatalf("the example config in the README does not pass: %v", err)
	}
}

// FuzzParse: any file is either read or refused with errors naming it; nothing panics.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("digests:\n  - {name: a, schedule: \"CRON_TZ=UTC\"}\n"))
	f.Add([]byte("http: {listen: ${X:-:1}}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := config.Parse("f.yaml", text, getenv)
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml") {
					t.Fatalf("an error line without the file name: %q", line)
				}
			}
			return
		}
		if c.HTTP.Listen == "" || c.Store.DSN == "" {
			t.Fatalf("defaults not applied: %+v", c)
		}
	})
}
