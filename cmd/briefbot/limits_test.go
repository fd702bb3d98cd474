package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigCheckShowsRateLimits: config check says the rate budgets in force, the file's where
// it sets them and the defaults elsewhere, in text and in JSON.
func TestConfigCheckShowsRateLimits(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		config  string
		text    []string // lines of the text report
		discord rateReport
		slack   rateReport
	}{
		{"the defaults", "http: {listen: \"127.0.0.1:0\"}\n",
			[]string{"  discord  48 posts a second for the whole bot\n", "  slack    1 post a second per channel, 300 a minute in the workspace\n"},
			rateReport{PerSecond: 48}, rateReport{PerChannelPerSecond: 1, WorkspacePerMinute: 300}},
		{"all set", `rate_limits:
  discord: {per_second: 96}
  slack: {per_channel_per_second: 0.5, workspace_per_minute: 250}
`, []string{"  discord  96 posts a second for the whole bot\n", "  slack    0.5 posts a second per channel, 250 a minute in the workspace\n"},
			rateReport{PerSecond: 96}, rateReport{PerChannelPerSecond: 0.5, WorkspacePerMinute: 250}},
		{"the workspace only", "rate_limits: {slack: {workspace_per_minute: 600}}\n",
			[]string{"  discord  48 posts a second for the whole bot\n", "  slack    1 post a second per channel, 600 a minute in the workspace\n"},
			rateReport{PerSecond: 48}, rateReport{PerChannelPerSecond: 1, WorkspacePerMinute: 600}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"config", "check", writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml", tc.config)}
			stdout, stderr, code := invoke(t, "", nil, args...)
			if code != 0 {
				t.Fatalf("run(%q) = exit %d\n%s%s", args, code, stdout, stderr)
			}
			want := "\nRate limits (a change needs a restart)\n" + strings.Join(tc.text, "")
			if !strings.Contains(stdout, want) {
				t.Errorf("run(%q) said:\n%s\nwant it to say:\n%s", args, stdout, want)
			}

			stdout, stderr, code = invoke(t, "", nil, append(args, "--format", "json")...)
			var report struct {
				RateLimits map[string]rateReport `json:"rate_limits"`
			}
			if code != 0 || json.Unmarshal([]byte(stdout), &report) != nil {
				t.Fatalf("run(%q, --format json) = exit %d\n%s%s", args, code, stdout, stderr)
			}
			if got := report.RateLimits; len(got) != 2 || got["discord"] != tc.discord || got["slack"] != tc.slack {
				t.Errorf("run(%q, --format json) rate_limits = %+v; want discord %+v, slack %+v", args, got, tc.discord, tc.slack)
			}
		})
	}
	defaults := filepath.Join(dir, "the-defaults.yaml")
	if stdout, _, _ := invoke(t, "", nil, "config", "check", defaults, "--format", "json"); !strings.Contains(stdout,
		`"rate_limits": {
    "discord": {
      "per_second": 48
    },
    "slack": {
      "per_channel_per_second": 1,
      "workspace_per_minute": 300
    }
  }`) {
		t.Errorf("config check --format json does not give rate_limits in the file's words:\n%s", stdout)
	}
}

// TestConfigCheckRefusesRateLimits: a bad budget is refused at its line by config check and by
// serve alike.
func TestConfigCheckRefusesRateLimits(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, config, want string
	}{
		{"zero", "rate_limits:\n  slack:\n    workspace_per_minute: 0\n",
			":4: rate_limits.slack.workspace_per_minute must be more than 0 (leave it out for the default)"},
		{"negative", "rate_limits: {discord: {per_second: -48}}\n",
			":2: rate_limits.discord.per_second must be more than 0 (leave it out for the default)"},
		{"unknown platform", "rate_limits:\n  teams: {per_second: 5}\n", `:3: unknown key "teams" in rate_limits (known: discord, slack)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, tc.name+".yaml", "http: {listen: \"127.0.0.1:0\"}\n"+tc.config)
			stdout, stderr, code := invoke(t, "", nil, "config", "check", path)
			if code != 1 || !strings.Contains(stderr, path+tc.want) {
				t.Errorf("config check = exit %d\n%s%s\nwant exit 1 and a line containing %q", code, stdout, stderr, path+tc.want)
			}
			_, stderr, code = invoke(t, "", nil, "serve", "--config", path)
			if code == 0 || !strings.Contains(stderr, path+tc.want) {
				t.Errorf("serve = exit %d\n%s\nwant a line containing %q", code, stderr, path+tc.want)
			}
		})
	}
}

// TestReloadSaysRateLimitsNeedARestart: the scheduler keeps the budgets it started with, and a
// reload that changes them says so.
func TestReloadSaysRateLimitsNeedARestart(t *testing.T) {
	dir := t.TempDir()
	base := "http: {listen: \"127.0.0.1:0\"}\nstore: {dsn: \"sqlite://" + filepath.Join(dir, "ledger.db") + "\"}\n"
	path := writeFile(t, dir, "briefbot.yaml", base)
	s := serveFile(t, path, nil)
	reloaded := func(n int) string {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if lines := reloadLines(s.log.String()); len(lines) >= n {
				return lines[n-1]
			}
			if time.Now().After(deadline) {
				t.Fatalf("no reload %d in the log:\n%s", n, s.log.String())
			}
		}
	}
	// The same budgets written out are no change.
	writeFile(t, dir, "briefbot.yaml", base+"rate_limits: {discord: {per_second: 48}}\n")
	if line := reloaded(1); strings.Contains(line, "rate_limits") {
		t.Errorf("writing out the default budget: %s\nwant no restart asked for", line)
	}
	writeFile(t, dir, "briefbot.yaml", base+"rate_limits: {slack: {workspace_per_minute: 600}}\n")
	if line := reloaded(2); !strings.Contains(line, `"restart_needed_for":["rate_limits"]`) {
		t.Errorf("a new workspace budget: %s\nwant rate_limits among what needs a restart", line)
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}

// reloadLines are the log's lines of reloads put in force.
func reloadLines(log string) []string {
	var out []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, `"msg":"reloaded"`) {
			out = append(out, line)
		}
	}
	return out
}
