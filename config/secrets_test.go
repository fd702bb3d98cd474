package config_test

import (
	"errors"
	"strings"
	"testing"

	"briefbot/config"
)

const topSecret = "s3cr3t-9f8e7d6c5b4a-zz"

func secretEnv(k string) (string, bool) {
	switch k {
	case "TOPSECRET":
		return topSecret, true
	case "SLACK_BOT_TOKEN":
		return "xoxb-" + topSecret, true
	}
	return "", false
}

// leaks reports whether msg shows the secret or a telling part of it (yaml quotes the first seven
// characters of a value it cannot read).
func leaks(msg string) bool {
	return strings.Contains(msg, topSecret[:7]) || strings.Contains(msg, topSecret[10:])
}

// Each file is refused, and the refusal shows nothing of the secret in it.
func TestErrorsDoNotShowSecrets(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"no space after a secret key's colon", "slack: {signing_secret:" + topSecret + "}\n",
			`b.yaml:1: "signing_secret" in slack needs a space after its colon: write "signing_secret: value"`},
		{"token pasted as a key", "slack:\n  " + topSecret + ": x\n", "b.yaml:2: unknown key (22 characters, not a name) in slack (known: bot_token, signing_secret, app_token, api_url, command_prefix, admin_user_ids)"},
		{"yaml type error on a literal", "discord: {gateway: " + topSecret + "}\n", "b.yaml:1: discord.gateway must be true or false"},
		{"yaml type error on a variable", "discord:\n  gateway: ${TOPSECRET}\n", "b.yaml:2: discord.gateway must be true or false"},
		{"list where a token belongs", "slack: {bot_token: [" + topSecret + "]}\n", "b.yaml:1: slack.bot_token must be a single value, not a list"},
		{"time zone from a variable", "slack: {bot_token: x, signing_secret: s, admin_user_ids: [U]}\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"@daily\", timezone: \"${TOPSECRET}\"}\n",
			`b.yaml:3: digest "a": unknown time zone from ${TOPSECRET} (22 characters) (use an IANA name such as America/Mexico_City)`},
		{"schedule from a variable", "slack: {bot_token: x, signing_secret: s, admin_user_ids: [U]}\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"${TOPSECRET}\"}\n",
			`b.yaml:3: digest "a": schedule from ${TOPSECRET} (22 characters): not five cron fields (minute hour day-of-month month weekday) nor a descriptor such as @daily`},
		{"digest name from a variable", "digests:\n  - {name: \"${TOPSECRET}\", platform: discord, channel: C, schedule: \"@daily\"}\n",
			"b.yaml:2: digest 1 posts to discord, which needs discord.token"},
		{"platform from a variable", "digests:\n  - {name: a, platform: \"${TOPSECRET}\", channel: C, schedule: \"@daily\"}\n",
			`b.yaml:2: digest "a": unknown platform from ${TOPSECRET} (22 characters) (known: discord, slack)`},
		{"listen from a variable", "http:\n  listen: ${TOPSECRET}\n", "b.yaml:2: http.listen from ${TOPSECRET} (22 characters) is not host:port (such as 127.0.0.1:8080 or :8080)"},
		{"log level from a variable", "log:\n  level: ${TOPSECRET}\n", "b.yaml:2: log.level from ${TOPSECRET} (22 characters) is not one of debug, info, warn, error"},
		{"dsn from a variable", "store:\n  dsn: ${TOPSECRET}\n", "b.yaml:2: store.dsn must start with sqlite://, postgres:// or postgresql://"},
		{"dsn password", "store:\n  dsn: \"mysql://u:" + topSecret + "@h/db\"\n", `b.yaml:2: store.dsn must start with sqlite://, postgres:// or postgresql:// (it starts with "mysql://")`},
		{"dsn password not a URL", "store:\n  dsn: \"postgres://u:" + topSecret + "/x@h/db\"\n", "b.yaml:2: store.dsn is not a URL (a user name or password with @, :, / or # must be percent-encoded)"},
		// The anchored value is wrong once, where it is written.
		{"variable through an alias", "slack: {bot_token: x, signing_secret: s, admin_user_ids: [U]}\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"@daily\", catch_up: &z \"${TOPSECRET}\"}\n  - {name: b, platform: slack, channel: C, schedule: \"@daily\", catch_up: *z}\n",
			`b.yaml:3: digest "a": catch_up from ${TOPSECRET} (22 characters) is not a duration such as 2h, 30m or 1d`},
		{"variable through an alias only", "zone: &z \"${TOPSECRET}\"\nslack: {bot_token: x, signing_secret: s, admin_user_ids: [U]}\ndigests:\n  - {name: a, platform: slack, channel: C, schedule: \"@daily\", timezone: *z}\n",
			`b.yaml:1: unknown key "zone" (known: http, discord, slack, briefings, digests, store, log, metrics, rate_limits)` + "\n" +
				`b.yaml:4: digest "a": unknown time zone from ${TOPSECRET} (22 characters) (use an IANA name such as America/Mexico_City)`},
		{"duplicate secret key", "slack:\n  bot_token: ${TOPSECRET}\n  bot_token: " + topSecret + "\n", `b.yaml:3: "bot_token" is set twice in slack (first at line 2)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), secretEnv)
			if err == nil {
				t.Fatalf("Parse(%q) = nil; want an error", tc.text)
			}
			if leaks(err.Error()) {
				t.Errorf("Parse(%q) shows the secret:\n%v", tc.text, err)
			}
			if err.Error() != tc.want {
				t.Errorf("Parse(%q) =\n%v\nwant\n%s", tc.text, err, tc.want)
			}
		})
	}
}

// An adapter's check reports through Errorf; a secret handed to it is not shown either, even when
// the check quotes the value whole or inside a longer text.
func TestErrorfDoesNotShowSecrets(t *testing.T) {
	text := `discord:
  token: literal-discord-token-1
  application_id: ${TOPSECRET}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: plain-signing-secret
  admin_user_ids: [U1]
store: {dsn: "postgres://briefbot:hunter2hunter2@db/briefbot"}
`
	c, err := config.Parse("b.yaml", []byte(text), secretEnv)
	if err != nil {
		if leaks(err.Error()) {
			t.Fatalf("Parse shows the secret:\n%v", err)
		}
		t.Fatal(err)
	}
	tests := []struct {
		path   []any
		format string
		args   []any
		want   string
	}{
		{[]any{"discord", "application_id"}, "discord.application_id %q is not a Discord id (digits)", []any{c.Discord.ApplicationID},
			"b.yaml:3: discord.application_id <from ${TOPSECRET}, 22 characters> is not a Discord id (digits)"},
		{[]any{"discord", "token"}, "discord.token %s is refused", []any{c.Discord.Token},
			"b.yaml:2: discord.token <discord.token, 23 characters> is refused"},
		{[]any{"slack", "bot_token"}, "slack.bot_token %v: starts with %.5s", []any{c.Slack.BotToken, c.Slack.BotToken},
			"b.yaml:5: slack.bot_token <slack.bot_token, 27 characters>: starts with <slack.bot_token, 27 characters>"},
		{[]any{"slack", "signing_secret"}, "slack.signing_secret: " + c.Slack.SigningSecret + " is refused", nil,
			"b.yaml:6: slack.signing_secret: <slack.signing_secret> is refused"},
		{[]any{"store", "dsn"}, "cannot open %s", []any{"postgres://briefbot:hunter2hunter2@db/briefbot"},
			"b.yaml:8: cannot open postgres://briefbot:<store.dsn password>@db/briefbot"},
		{[]any{"discord", "application_id"}, "check: %v", []any{errors.New("id " + topSecret + " is not digits")},
			"b.yaml:3: check: id <from ${TOPSECRET}> is not digits"},
		{[]any{"discord", "guild_ids"}, "guild_ids %q are not ids", []any{[]string{"1", c.Discord.ApplicationID}},
			`b.yaml:2: guild_ids ["1" <from ${TOPSECRET}, 22 characters>] are not ids`},
		{[]any{"slack", "admin_user_ids", 0}, "user %q is not a Slack user id", []any{"U1"},
			`b.yaml:7: user "U1" is not a Slack user id`},
	}
	for _, tc := range tests {
		err := c.Errorf(tc.path, tc.format, tc.args...)
		if got := err.Error(); got != tc.want || leaks(got) || strings.Contains(got, "hunter2") {
			t.Errorf("Errorf(%v, %q) = %q; want %q", tc.path, tc.format, got, tc.want)
		}
	}
}

// A value from the environment is kept out of what Errorf is given, not out of the words of a
// message: a digest's ${TZ} does not blank out the hint that names the same zone.
func TestEnvValuesDoNotBlankOutHints(t *testing.T) {
	env := func(k string) (string, bool) { return "America/Mexico_City", k == "TZ" }
	text := "slack: {bot_token: x, signing_secret: s, admin_user_ids: [U]}\ndigests:\n" +
		"  - {name: a, platform: slack, channel: C, schedule: \"@daily\", timezone: \"${TZ}\"}\n" +
		"  - {name: b, platform: slack, channel: C, schedule: \"@daily\", timezone: Mars}\n"
	_, err := config.Parse("b.yaml", []byte(text), env)
	want := `b.yaml:4: digest "b": unknown time zone "Mars" (use an IANA name such as America/Mexico_City)`
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v; want %s", err, want)
	}
}

func TestErrorfPlaces(t *testing.T) {
	c, err := config.Parse("b.yaml", []byte("discord:\n  guild_ids:\n    - \"1\"\n    - \"x\"\nbriefings:\n  default: nope\n"), lookup)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path []any
		want string
	}{
		{[]any{"discord", "guild_ids", 1}, "b.yaml:4: m"},
		{[]any{"briefings", "default"}, "b.yaml:6: m"},
		{[]any{"discord", "application_id"}, "b.yaml:2: m"}, // not there: the section
		{[]any{"digests", 3, "briefing"}, "b.yaml:1: m"},    // not there at all: the top
		{nil, "b.yaml:1: m"},
	} {
		if got := c.Errorf(tc.path, "m").Error(); got != tc.want {
			t.Errorf("Errorf(%v) = %q; want %q", tc.path, got, tc.want)
		}
	}
	if got := config.Default().Errorf([]any{"http", "listen"}, "no file").Error(); got != "no file" {
		t.Errorf("Default().Errorf = %q; want the message alone", got)
	}
}
