package main

import (
	"strings"
	"testing"
)

// TestEnvironmentValuesNeverPrinted: a value read from the environment is never printed by
// config check or serve, whatever its length, wherever it is used: an admin id, the default
// briefing, a digest's name or briefing, a channel.
func TestEnvironmentValuesNeverPrinted(t *testing.T) {
	const short = "Pw08Zq" // under eight characters: too short to take out of free text
	env := map[string]string{"S": short}
	tests := []struct {
		name, config string
	}{
		{"slack admin id", "slack: {signing_secret: s, admin_user_ids: [\"${S}\"]}\n"},
		{"discord admin role", "discord: {application_id: \"123\", public_key: \"" + strings.Repeat("ab", 32) + "\", admin_role_ids: [\"${S}\"]}\n"},
		{"default briefing", "briefings: {default: \"${S}\"}\n"},
		{"digest briefing", "slack: {signing_secret: s, bot_token: xoxb-1}\ndigests:\n  - {name: morning, platform: slack, channels: [C0123], schedule: \"0 9 * * *\", briefing: \"${S}\"}\n"},
		{"digest name, refused elsewhere", "slack: {signing_secret: s, bot_token: xoxb-1}\ndigests:\n  - {name: \"${S}\", platform: slack, channels: [\"#general\"], schedule: \"0 9 * * *\"}\n"},
		{"digest name, in force", "slack: {signing_secret: s, bot_token: xoxb-1}\ndigests:\n  - {name: \"${S}\", platform: slack, channels: [C0123], schedule: \"0 9 * * *\"}\n"},
		{"store, in force", "store: {dsn: \"sqlite://${S}\"}\n"},
		{"channel", "slack: {signing_secret: s, bot_token: xoxb-1}\ndigests:\n  - {name: morning, platform: slack, channels: [\"${S}\"], schedule: \"0 9 * * *\"}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "briefbot.yaml", tc.config)
			for _, args := range [][]string{{"config", "check", path}, {"config", "check", path, "--format", "json"}, {"serve", "--config", path}} {
				if args[0] == "serve" && strings.Contains(tc.name, "in force") {
					continue // serve would run: its refusals are what is checked here
				}
				stdout, stderr, _ := invoke(t, "", env, args...)
				if strings.Contains(stdout+stderr, short) {
					t.Errorf("%s printed the environment's value:\n%s%s", strings.Join(args[:2], " "), stdout, stderr)
				}
			}
		})
	}
}
