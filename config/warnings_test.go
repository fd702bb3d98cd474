package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"briefbot/config"
)

func writeConfig(t *testing.T, text string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "b.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWarnings(t *testing.T) {
	const digests = "digests:\n  - {name: a, platform: slack, channel: C, schedule: \"%s\"}\n"
	tests := []struct {
		name string
		text string
		mode os.FileMode
		want []string // after the file's path
	}{
		{"literal secrets in a readable file",
			"discord:\n  token: literal-discord\nslack:\n  bot_token: xoxb-literal\n  signing_secret: ${SLACK_SIGNING_SECRET}\n  app_token: ${UNSET:-xapp-default}\n  admin_user_ids: [U1]\nstore:\n  dsn: postgres://u:pw@db/x\n",
			0o644, []string{
				":2: warning: discord.token is written in the file, which every user of this machine may read (mode 0644); use ${DISCORD_BOT_TOKEN} or chmod o-r ",
				":4: warning: slack.bot_token is written in the file, which every user of this machine may read (mode 0644); use ${SLACK_BOT_TOKEN} or chmod o-r ",
				":6: warning: slack.app_token is written in the file, which every user of this machine may read (mode 0644); use ${SLACK_APP_TOKEN} or chmod o-r ",
				":9: warning: store.dsn has a password written in the file, which every user of this machine may read (mode 0644); use ${DB_PASSWORD} in it or chmod o-r ",
			}},
		{"literal secrets in a private file",
			"discord:\n  token: literal-discord\nstore:\n  dsn: postgres://u:pw@db/x\n", 0o640, nil},
		{"secrets from the environment",
			"slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n  signing_secret: \"${SLACK_SIGNING_SECRET}\"\n  admin_user_ids: [U1]\nstore:\n  dsn: \"postgres://u:${SLACK_BOT_TOKEN}@db/x\"\n",
			0o644, nil},
		{"dsn without a password", "store:\n  dsn: postgres://u@db/x?sslmode=disable\n", 0o644, nil},
		{"dsn password parameter", "store:\n  dsn: postgres://u@db/x?password=pw\n", 0o644, []string{
			":2: warning: store.dsn has a password written in the file",
		}},
		{"every minute", "slack: {bot_token: \"${SLACK_BOT_TOKEN}\", signing_secret: s, admin_user_ids: [U1]}\n" + strings.Replace(digests, "%s", "* * * * *", 1),
			0o600, []string{`:3: warning: digest "a": schedule "* * * * *" posts every minute (at 00:00, 00:01, ...)`}},
		{"every minute for an hour", "slack: {bot_token: \"${SLACK_BOT_TOKEN}\", signing_secret: s, admin_user_ids: [U1]}\n" + strings.Replace(digests, "%s", "*/1 9 * * *", 1),
			0o600, []string{`:3: warning: digest "a": schedule "*/1 9 * * *" posts every minute (at 09:00, 09:01, ...)`}},
		{"daily", "slack: {bot_token: \"${SLACK_BOT_TOKEN}\", signing_secret: s, admin_user_ids: [U1]}\n" + strings.Replace(digests, "%s", "0 9 * * *", 1),
			0o600, nil},
		{"no slack admins", "slack:\n  signing_secret: s\n  admin_user_ids: []\n", 0o600, []string{
			":3: warning: slack.admin_user_ids is empty, so nobody may run admin commands (/digest now, pause, skip) on Slack",
		}},
		{"no slack admins key", "slack:\n  app_token: ${SLACK_BOT_TOKEN}\n", 0o600, []string{
			":2: warning: slack.admin_user_ids is empty",
		}},
		{"slack off", "slack:\n  bot_token: ${SLACK_BOT_TOKEN}\n", 0o600, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.text, tc.mode)
			c, err := config.Load(path, lookup)
			if err != nil {
				t.Fatalf("Load = %v", err)
			}
			if len(c.Warnings) != len(tc.want) {
				t.Fatalf("Warnings =\n%s\nwant %d", strings.Join(c.Warnings, "\n"), len(tc.want))
			}
			for i, w := range c.Warnings {
				if !strings.HasPrefix(w, path+tc.want[i]) {
					t.Errorf("warning %d = %q; want it to start with %q", i+1, w, path+tc.want[i])
				}
				if strings.Contains(w, "literal-discord") || strings.Contains(w, "xoxb-literal") || strings.Contains(w, ":pw@") {
					t.Errorf("warning %d shows a secret: %q", i+1, w)
				}
			}
		})
	}
}

// Parse has no file mode to go by, so it does not guess.
func TestParseDoesNotWarnAboutModes(t *testing.T) {
	c, err := config.Parse("b.yaml", []byte("discord:\n  token: literal\n"), lookup)
	if err != nil || len(c.Warnings) != 0 {
		t.Errorf("Parse = %v, %q; want no warnings", err, c.Warnings)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := config.Load(filepath.Join(t.TempDir(), "none.yaml"), lookup)
	if err == nil || !strings.Contains(err.Error(), "read config:") {
		t.Errorf("Load = %v; want a read error", err)
	}
}
