package config_test

import (
	"strings"
	"testing"

	"briefbot/config"
)

func TestRateLimitsRead(t *testing.T) {
	tests := []struct {
		name string
		text string
		env  map[string]string
		want config.RateLimits
	}{
		{"absent: every default", "http: {listen: \":8080\"}\n", nil, config.RateLimits{}},
		{"all set", `rate_limits:
  discord: {per_second: 96}
  slack: {per_channel_per_second: 0.5, workspace_per_minute: 600}
`, nil, config.RateLimits{Discord: config.DiscordRate{PerSecond: 96},
			Slack: config.SlackRate{PerChannelPerSecond: 0.5, WorkspacePerMinute: 600}}},
		{"one set, the others default", "rate_limits: {slack: {workspace_per_minute: 450}}\n", nil,
			config.RateLimits{Slack: config.SlackRate{WorkspacePerMinute: 450}}},
		{"from the environment", "rate_limits:\n  discord:\n    per_second: ${RATE}\n", map[string]string{"RATE": "40"},
			config.RateLimits{Discord: config.DiscordRate{PerSecond: 40}}},
		{"left empty: the default", "rate_limits:\n  discord:\n    per_second: ${RATE:-}\n", nil, config.RateLimits{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookupEnv := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			c, err := config.Parse("b.yaml", []byte(tc.text), lookupEnv)
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tc.text, err)
			}
			if c.RateLimits != tc.want {
				t.Errorf("Parse(%q).RateLimits = %+v; want %+v", tc.text, c.RateLimits, tc.want)
			}
		})
	}
	if got := config.Default().RateLimits; got != (config.RateLimits{}) {
		t.Errorf("Default().RateLimits = %+v; want every default (zero)", got)
	}
}

func TestRateLimitsRefused(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string // the whole error, one line each
	}{
		{"zero posts nothing", "rate_limits:\n  discord:\n    per_second: 0\n",
			[]string{"b.yaml:3: rate_limits.discord.per_second must be more than 0 (leave it out for the default)"}},
		{"negative", "rate_limits:\n  slack:\n    per_channel_per_second: 1\n    workspace_per_minute: -300\n",
			[]string{"b.yaml:4: rate_limits.slack.workspace_per_minute must be more than 0 (leave it out for the default)"}},
		{"zero per channel", "rate_limits: {slack: {per_channel_per_second: 0}}\n",
			[]string{"b.yaml:1: rate_limits.slack.per_channel_per_second must be more than 0 (leave it out for the default)"}},
		{"infinite", "rate_limits:\n  discord: {per_second: .inf}\n",
			[]string{"b.yaml:2: rate_limits.discord.per_second cannot be infinite: every platform limits a bot (leave it out for the default)"}},
		{"not a number", "rate_limits:\n  slack:\n    workspace_per_minute: 300/m\n",
			[]string{"b.yaml:3: rate_limits.slack.workspace_per_minute must be a number"}},
		{"from the environment, not a number", "rate_limits:\n  discord:\n    per_second: ${DISCORD_BOT_TOKEN}\n",
			[]string{"b.yaml:3: rate_limits.discord.per_second must be a number"}},
		{"quoted, so not a number", "rate_limits: {discord: {per_second: \"48\"}}\n",
			[]string{"b.yaml:1: rate_limits.discord.per_second must be a number"}},
		{"unknown platform", "rate_limits:\n  teams: {per_second: 5}\n",
			[]string{`b.yaml:2: unknown key "teams" in rate_limits (known: discord, slack)`}},
		{"misspelt platform", "rate_limits:\n  slak: {workspace_per_minute: 300}\n",
			[]string{`b.yaml:2: unknown key "slak" in rate_limits; did you mean "slack"?`}},
		{"another platform's key", "rate_limits:\n  discord:\n    workspace_per_minute: 300\n",
			[]string{`b.yaml:3: unknown key "workspace_per_minute" in rate_limits.discord (known: per_second)`}},
		{"misspelt key", "rate_limits:\n  slack:\n    per_channel_per_secnd: 1\n",
			[]string{`b.yaml:3: unknown key "per_channel_per_secnd" in rate_limits.slack; did you mean "per_channel_per_second"?`}},
		{"not a mapping", "rate_limits: 300\n", []string{"b.yaml:1: rate_limits must be a mapping of keys (key: value)"}},
		{"every problem at once", "rate_limits:\n  discord: {per_second: -1}\n  slack: {per_channel_per_second: 0, workspace_per_minute: 0}\n",
			[]string{
				"b.yaml:2: rate_limits.discord.per_second must be more than 0 (leave it out for the default)",
				"b.yaml:3: rate_limits.slack.per_channel_per_second must be more than 0 (leave it out for the default)",
				"b.yaml:3: rate_limits.slack.workspace_per_minute must be more than 0 (leave it out for the default)",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Parse("b.yaml", []byte(tc.text), lookup)
			want := strings.Join(tc.want, "\n")
			if err == nil || err.Error() != want {
				t.Fatalf("Parse(%q) =\n%v\nwant\n%s", tc.text, err, want)
			}
			if strings.Contains(err.Error(), env["DISCORD_BOT_TOKEN"]) {
				t.Errorf("Parse(%q) shows a value from the environment: %v", tc.text, err)
			}
		})
	}
}
