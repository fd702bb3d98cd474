package main

import (
	"briefbot/bot/bottest"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// invoke calls run as main does and returns what it printed and the exit status.
func invoke(t *testing.T, stdin string, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	lookupEnv := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	err := run(context.Background(), args, lookupEnv, strings.NewReader(stdin), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestAsk(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // part of it
		stderr string
	}{
		{"answers", []string{"ask", "/position sovereignty"}, 0, "Views security cooperation as joint", ""},
		{"words unquoted", []string{"ask", "/position", "troops", "mexico"}, 0, "Strongly opposes any foreign military presence", ""},
		{"flag after words", []string{"ask", "/compare", "--format", "text"}, 0, "Counter-Narcotics", ""},
		{"flag before words", []string{"ask", "--format=text", "/facts"}, 0, "Over 70,000", ""},
		{"nothing found", []string{"ask", "/position banana"}, 1, "No issue matches “banana”", ""},
		{"unknown command", []string{"ask", "/dance"}, 2, "Unknown command", ""},
		{"missing option", []string{"ask", "/position"}, 2, "Usage: /position <issue>", ""},
		{"no command", []string{"ask"}, 2, "", "Usage: briefbot ask"},
		{"unknown format", []string{"ask", "--format", "pdf", "/compare"}, 2, "", "unknown format \"pdf\""},
		{"unknown flag", []string{"ask", "--colour", "/compare"}, 2, "", "flag provided but not defined: -colour"},
		{"help", []string{"ask", "--help"}, 0, "Usage: briefbot ask", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := invoke(t, "", nil, tc.args...)
			if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("run(%q) = exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d, stdout with %q, stderr with %q",
					tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}

func TestSubcommands(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"version"}, 0, "briefbot dev (commit none)", ""},
		{[]string{"help"}, 0, "Usage:", ""},
		{[]string{"--help"}, 0, "Usage:", ""},
		{[]string{"frobnicate"}, 2, "", "unknown command \"frobnicate\""},
		{[]string{"serve", "--help"}, 0, "Usage: briefbot serve", ""},
		{[]string{"serve", "now"}, 2, "", "serve takes no words"},
		{[]string{"config"}, 2, "", "Usage: briefbot config check FILE"},
		{[]string{"config", "check", "--help"}, 0, "Usage: briefbot config check", ""},
		{[]string{"config", "check", "no-such-file.yaml"}, 1, "", "no-such-file.yaml"},
		{[]string{"digest", "preview", "--date", "2026-11-24"}, 0, "Daily briefing, Tuesday 24 November 2026", ""},
		{[]string{"digest", "--date=2026-11-25", "preview"}, 0, "Issue of the day: Counter-Narcotics Operations", ""},
		{[]string{"digest", "preview", "--date", "tomorrow"}, 2, "", "--date \"tomorrow\" is not YYYY-MM-DD"},
		{[]string{"digest"}, 2, "", "digest takes: preview"},
		{[]string{"manifest"}, 2, "", "manifest takes: slack"},
		{[]string{"invite"}, 2, "", "invite takes: discord"},
		{[]string{"invite", "teams"}, 2, "", "invite takes: discord"},
	}
	for _, tc := range tests {
		stdout, stderr, code := invoke(t, "", nil, tc.args...)
		if code != tc.code || !strings.Contains(stdout, tc.stdout) || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("run(%q) = exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit %d, stdout with %q, stderr with %q",
				tc.args, code, stdout, stderr, tc.code, tc.stdout, tc.stderr)
		}
	}
}

func TestShellFromStdin(t *testing.T) {
	stdout, stderr, code := invoke(t, "/position sovereignty\n/position banana\n", nil)
	if code != 0 || stderr != "" {
		t.Fatalf("briefbot < lines = exit %d, stderr %q", code, stderr)
	}
	if !strings.Contains(stdout, "Prioritizes independence and") || !strings.Contains(stdout, "No issue matches “banana”") {
		t.Errorf("briefbot < lines printed:\n%s", stdout)
	}
	if strings.Contains(stdout, "briefbot>") {
		t.Errorf("piped input got a prompt")
	}
}

func writeFile(t testing.TB, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const extraBriefing = `---
id: river-treaty
title: River treaty talks
source: Test desk
parties:
  - {id: up, name: Upstream}
  - {id: down, name: Downstream}
---
Two sides talk about a river.

## Positions

| Issue | Upstream | Downstream |
|---|---|---|
| Water Quota | Wants more | Wants the same |
`

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "briefings/river.md", extraBriefing)
	good := writeFile(t, dir, "good.yaml", `http: {listen: "127.0.0.1:0"}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
briefings: {dirs: [`+filepath.Join(dir, "briefings")+`], default: river-treaty}
digests:
  - {name: morning, platform: slack, channel: C0123, schedule: "0 9 * * 1-5",
     timezone: America/Mexico_City, briefing: us-mexico-troops, catch_up: 2h}
`)
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-secret-token-value", "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}
	if stdout, stderr, code := invoke(t, "", env, "config", "check", good); code != 0 {
		t.Fatalf("config check good.yaml = exit %d\n%s%s", code, stdout, stderr)
	}
	if stdout, _, code := invoke(t, "", env, "ask", "--config", good, "/position quota"); code != 0 || !strings.Contains(stdout, "Wants the same") {
		t.Errorf("ask with briefings.dirs and default = exit %d\n%s", code, stdout)
	}

	bad := writeFile(t, dir, "bad.yaml", `http: {listen: "127.0.0.1:0"}
slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
  colour: blue
digests:
  - {name: morning, platform: slack, channel: C1, schedule: "0 9 * * 1-5", timezone: Mars/Olympus, briefing: us-mexico-troops}
  - {name: morning, platform: slack, channel: C2, schedule: "0 25 * * *", briefing: us-mexico-troops}
`)
	_, stderr, code := invoke(t, "", env, "config", "check", bad)
	if code != 1 {
		t.Errorf("config check bad.yaml = exit %d; want 1", code)
	}
	for _, want := range []string{
		bad + ":5: unknown key \"colour\" in slack",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("config check bad.yaml said:\n%s\nwant a line %q", stderr, want)
		}
	}
	if strings.Contains(stderr, "xoxb-secret-token-value") || strings.Contains(stderr, "8f742231b10e") {
		t.Errorf("config check printed a secret:\n%s", stderr)
	}

	semantic := writeFile(t, dir, "semantic.yaml", `slack:
  bot_token: ${SLACK_BOT_TOKEN}
  signing_secret: ${SLACK_SIGNING_SECRET}
digests:
  - {name: morning, platform: slack, channel: C1, schedule: "0 9 * * 1-5", timezone: Mars/Olympus, briefing: us-mexico-troops}
  - {name: morning, platform: slack, channel: C2, schedule: "0 25 * * *", briefing: nowhere}
`)
	_, stderr, code = invoke(t, "", env, "config", "check", semantic)
	if code != 1 {
		t.Errorf("config check semantic.yaml = exit %d; want 1", code)
	}
	for _, want := range []string{
		semantic + ":5: digest \"morning\": unknown time zone \"Mars/Olympus\"",
		semantic + ":6: duplicate digest name \"morning\" (first at line 5)",
		semantic + ":6: digest \"morning\": schedule \"0 25 * * *\"",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("config check semantic.yaml said:\n%s\nwant a line %q", stderr, want)
		}
	}

	unknownBriefing := writeFile(t, dir, "briefing.yaml", "briefings: {default: nowhere}\n")
	if _, stderr, code := invoke(t, "", env, "config", "check", unknownBriefing); code != 1 ||
		!strings.Contains(stderr, unknownBriefing+":1: briefings.default: no briefing has id \"nowhere\"") {
		t.Errorf("config check briefing.yaml = exit %d\n%s", code, stderr)
	}

	badBriefing := writeFile(t, dir, "broken/x.md", "no front matter\n")
	withBroken := writeFile(t, dir, "broken.yaml", "briefings: {dirs: ["+filepath.Dir(badBriefing)+"]}\n")
	if _, stderr, code := invoke(t, "", env, "config", "check", withBroken); code != 1 ||
		!strings.Contains(stderr, badBriefing+":1: no front matter") {
		t.Errorf("config check with a bad briefing = exit %d\n%s", code, stderr)
	}
}

var listenLine = regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)

// startServe runs briefbot serve with a config file and returns its base URL and a stop function
// that signals it as SIGTERM would and waits for it to return (at most once; cleanup calls it too).
func startServe(t testing.TB, configText string, env map[string]string) (string, func() error) {
	t.Helper()
	dir := t.TempDir()
	if !strings.Contains(configText, "store:") { // the ledger goes with the test, not into the package
		configText += "store: {dsn: \"sqlite://" + filepath.Join(dir, "ledger.db") + "\"}\n"
	}
	s := serveFile(t, writeFile(t, dir, "briefbot.yaml", configText), env)
	return s.base, s.stop
}

// A served is a briefbot serve running in the test, with its log.
type served struct {
	base string
	stop func() error
	log  *bottest.LogBuffer
}

// serveFile runs briefbot serve --config path until the test ends.
func serveFile(t testing.TB, path string, env map[string]string) *served {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &bottest.LogBuffer{}
	done := make(chan error, 1)
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	go func() {
		done <- run(ctx, []string{"serve", "--config", path}, lookup, strings.NewReader(""), io.Discard, stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := listenLine.FindStringSubmatch(stderr.String()); m != nil {
			var once sync.Once
			var err error
			stop := func() error {
				once.Do(func() { cancel(); err = <-done })
				return err
			}
			t.Cleanup(func() { stop() })
			return &served{base: "http://" + m[1], stop: stop, log: stderr}
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve stopped before listening: %v\n%s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not start:\n%s", stderr.String())
		}
	}
}

func TestServeHealthAndShutdown(t *testing.T) {
	base, stop := startServe(t, `http: {listen: "127.0.0.1:0"}`+"\n", nil)
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/nope": 404, "/discord/interactions": 404} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d; want %d", path, resp.StatusCode, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("serve after stop = %v; want a clean shutdown", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Errorf("serve still answers after shutdown")
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	path := writeFile(t, t.TempDir(), "briefbot.yaml", "http: {listen: nowhere}\n")
	var errOut bytes.Buffer
	err := run(context.Background(), []string{"serve", "--config", path}, func(string) (string, bool) { return "", false },
		strings.NewReader(""), io.Discard, &errOut)
	var ee *exitError
	if err == nil || errors.As(err, &ee) || !strings.Contains(err.Error(), path+":1: http.listen \"nowhere\" is not host:port") {
		t.Errorf("serve with a bad listen address = %v", err)
	}
}
