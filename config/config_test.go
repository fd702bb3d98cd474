package config_test

import (
	"log/slog"
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
	"EMPTY":                "",
}

func lookup(k string) (string, bool) {
	v, ok := env[k]
	return v, ok
}

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
  command_prefix: bb-
  admin_user_ids: [U1]
briefings: {dirs: [], default: us-mexico-troops}
digests:
  - {name: morning, platform: slack, channel: C0123, schedule: "0 9 * * 1-5",
     timezone: America/Mexico_City, briefing: us-mexico-troops, catch_up: 2h}
  - name: evening
    platform: discord
    channels: [C1, C2]
    schedule: "@daily"
store: {dsn: "sqlite://briefbot.db", retention: 30d}
log: {level: debug, format: json}
metrics: {listen: ":9090"}
`

func TestParseFull(t *testing.T) {
	c, err := config.Parse("b.yaml", []byte(full), lookup)
	if err != nil {
		t.Fatal(err)
	}
	if c.Discord.Token != "discord-secret-token" || !c.Discord.Gateway || c.Slack.AppToken != "" {
		t.Errorf("env not expanded: token %q, gateway %v, app token %q", c.Discord.Token, c.Discord.Gateway, c.Slack.AppToken)
	}
	d := c.Digests[0]
	if d.Location.String() != "America/Mexico_City" || d.CatchUpTime != 2*time.Hour || strings.Join(d.Channels, ",") != "C0123" {
		t.Errorf("digest = %+v", d)
	}
	e := c.Digests[1]
	if e.Location != time.UTC || e.CatchUpTime != config.DefaultCatchUp || strings.Join(e.Channels, ",") != "C1,C2" || e.Timezone != "UTC" {
		t.Errorf("digest = %+v; want UTC, the default catch-up and two channels", e)
	}
	if !c.Discord.Enabled() || !c.Slack.Enabled() {
		t.Errorf("platforms not enabled")
	}
	if c.Slack.CommandPrefix != "bb-" || c.Store.RetentionTime != 30*24*time.Hour || c.Log.Level != "debug" ||
		c.Log.SlogLevel() != slog.LevelDebug || c.Log.Format != "json" || c.Metrics.Listen != ":9090" {
		t.Errorf("new keys: prefix %q, retention %v, log %+v, metrics %+v", c.Slack.CommandPrefix, c.Store.RetentionTime, c.Log, c.Metrics)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("warnings: %q", c.Warnings)
	}
}

func TestDefaults(t *testing.T) {
	for _, text := range []string{"", "# nothing\n", "http: {}\n", "~\n", "http:\nstore:\nlog:\n"} {
		c, err := config.Parse("b.yaml", []byte(text), lookup)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", text, err)
		}
		if c.HTTP.Listen != config.DefaultListen || c.Store.DSN != config.DefaultDSN || c.Discord.Enabled() || c.Slack.Enabled() ||
			c.Store.RetentionTime != config.DefaultRetention || c.Log.Level != "info" || c.Log.SlogLevel() != slog.LevelInfo ||
			c.Log.Format != "auto" || c.Metrics.Listen != "" {
			t.Errorf("Parse(%q) = %+v; want the defaults", text, c)
		}
	}
	d := config.Default()
	if d.HTTP.Listen != config.DefaultListen || d.Store.RetentionTime != 90*24*time.Hour || d.Log.Level != "info" || d.Log.Format != "auto" {
		t.Errorf("Default() = %+v", d)
	}
}

func TestSlogLevel(t *testing.T) {
	for level, want := range map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError} {
		if got := (config.Log{Level: level}).SlogLevel(); got != want {
			t.Errorf("SlogLevel(%q) = %v; want %v", level, got, want)
		}
	}
}

func TestExampleConfigIsValid(t *testing.T) {
	c, err := config.Load("example.yaml", lookup)
	if err != nil {
		t.Fatalf("the example config does not pass: %v", err)
	}
	if len(c.Digests) == 0 || len(c.Digests[0].Channels) == 0 {
		t.Errorf("the example has no digest with a channel: %+v", c.Digests)
	}
	if len(c.Warnings) > 0 {
		t.Errorf("the example config has warnings: %q", c.Warnings)
	}
}

// FuzzParse: any file is either read or refused with errors naming it; nothing panics, and no
// value from the environment shows in what it reports.
func FuzzParse(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("digests:\n  - {name: a, schedule: \"CRON_TZ=UTC\"}\n"))
	f.Add([]byte("http: {listen: \"${X:-:1}\"}\n"))
	f.Add([]byte("slack: {signing_secret:${SLACK_SIGNING_SECRET}}\ndiscord:\n  gateway: ${DISCORD_BOT_TOKEN}\n"))
	f.Add([]byte("digests:\n  - {name: a, platform: slak, channels: [C1, C1], timezone: Mexico City, schedule: \"* * * * *\", catch_up: 90d}\nstore: {retention: 1d}\n"))
	f.Add([]byte("a: &x {b: 1}\nhttp: {<<: *x}\n"))
	f.Add([]byte("digests:\n  - {name: a, platform: discord, channel: C, schedule: \"@daily\", skip_dates: [2026-12-24, x], skip_holidays: [us, usa], calendar: nope.ics, mention: \"<@&1>\", thread: true}\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := config.Parse("f.yaml", text, lookup)
		var report []string
		if err != nil {
			report = strings.Split(err.Error(), "\n")
		} else {
			if c.HTTP.Listen == "" || c.Store.DSN == "" || c.Log.Level == "" || c.Store.RetentionTime <= 0 {
				t.Fatalf("defaults not applied: %+v", c)
			}
			for _, d := range c.Digests {
				if d.Location == nil || len(d.Channels) == 0 {
					t.Fatalf("digest not filled in: %+v", d)
				}
			}
			report = c.Warnings
		}
		for _, line := range report {
			if !strings.HasPrefix(line, "f.yaml") {
				t.Fatalf("a line without the file name: %q", line)
			}
			for _, v := range env {
				if len(v) >= 8 && strings.Contains(line, v) && !strings.Contains(string(text), v) {
					t.Fatalf("a value from the environment shows: %q", line)
				}
			}
		}
	})
}
