package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
)

// TestCheckAgreesWithServe: config check and serve build from one function, so a config one
// refuses the other refuses too, at the same line, with the same words.
func TestCheckAgreesWithServe(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, config, want string
	}{
		{"a REST base with a query", `discord: {application_id: "123", public_key: "` + discordtest.PublicKey() + `",
  api_url: "https://proxy.example/api?x=1"}`, ":3: discord.api_url: must not carry a query or fragment"},
		{"a public key that is not one", `discord:
  application_id: "123"
  public_key: "abcd"`, ":4: discord.public_key: must be the application's Ed25519 public key"},
		{"a guild id that is not one", `discord: {token: "t.x", application_id: "123", guild_ids: ["1", "general"]}`,
			":2: discord.guild_ids: is not a Discord id"},
		{"a gateway without a token", `discord: {application_id: "123", gateway: true}`, ":2: discord.gateway: the gateway needs discord.token"},
		{"an app token that is a bot token", `slack: {app_token: "xoxb-1"}`, ":2: slack.app_token: must be an app-level token"},
		{"an admin that is not a user id", `slack:
  signing_secret: s
  admin_user_ids: [alice]`, `:4: slack.admin_user_ids: "alice" is not a Slack user id`},
		{"a prefix that makes a name too long", `slack: {signing_secret: s, command_prefix: "abcdefghijklmnopqrst"}`,
			`:2: slack.command_prefix: command name "/abcdefghijklmnopqrstbrief-search" does not fit`},
		{"a channel name for an id", `slack: {signing_secret: s, bot_token: xoxb-1}
digests:
  - {name: morning, platform: slack, channel: "#general", schedule: "0 9 * * *", briefing: us-mexico-troops}`,
			`:4: digest "morning": channel "#general" is not a Slack channel id`},
	}
	// Every config gets a first line of its own, so its lines count from 2.
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml", "http: {listen: \"127.0.0.1:0\"}\n"+tc.config+"\n")
			_, checkErr, code := invoke(t, "", nil, "config", "check", path)
			serveErr := run(context.Background(), []string{"serve", "--config", path}, func(string) (string, bool) { return "", false },
				strings.NewReader(""), io.Discard, io.Discard)
			want := path + tc.want
			if code != 1 || !strings.Contains(checkErr, want) {
				t.Errorf("config check = exit %d\n%s\nwant a line containing %q", code, checkErr, want)
			}
			if serveErr == nil || !strings.Contains(serveErr.Error(), want) {
				t.Errorf("serve = %v\nwant an error containing %q", serveErr, want)
			}
			if serveErr != nil && strings.Contains(serveErr.Error(), "discord: discord:") {
				t.Errorf("serve repeats itself: %v", serveErr)
			}
		})
	}
}

const riverBriefing = `---
id: river-treaty
title: River water treaty
source: Example Wire
date: 2025-05
parties:
  - {id: us, name: United States}
  - {id: mx, name: Mexico}
---
A dispute over river water deliveries.

## Positions

| Issue | United States | Mexico |
|---|---|---|
| Quota | Wants the same | Wants it cut |
`

// TestReloadOnHangUp: a SIGHUP with a new briefing in the folder puts it in force while requests
// are in flight, none of which fails; a bad briefing dropped in afterwards keeps the good set and
// the log names its line.
func TestReloadOnHangUp(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "briefings")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, dir, "briefbot.yaml", `http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: "`+discordtest.PublicKey()+`"}
briefings: {dirs: [`+folder+`]}
store: {dsn: "sqlite://`+filepath.Join(dir, "ledger.db")+`"}
`)
	s := serveFile(t, path, nil)
	target := discordTarget(s.base + "/discord/interactions")

	var sent, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 10 * time.Second}
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, err := target(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				resp, err := client.Do(req)
				sent.Add(1)
				if err != nil {
					failed.Add(1)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Prioritizes independence") {
					failed.Add(1)
				}
			}
		})
	}
	hangUp := func(wantLog string) {
		t.Helper()
		before := strings.Count(s.log.String(), wantLog)
		if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(10 * time.Second); strings.Count(s.log.String(), wantLog) == before; {
			if time.Now().After(deadline) {
				t.Fatalf("no %q in the log after SIGHUP:\n%s", wantLog, s.log.String())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	ask := func(line string) string {
		_, raw := askServe(t, s.base, line)
		return raw
	}
	if got := ask("/position quota briefing:river-treaty"); !strings.Contains(got, "No briefing matches") {
		t.Fatalf("before the reload the new briefing answers already:\n%s", got)
	}
	writeFile(t, folder, "river.md", riverBriefing)
	hangUp(`"msg":"reloaded"`)
	if got := ask("/position quota briefing:river-treaty"); !strings.Contains(got, "Wants it cut") {
		t.Errorf("after the reload /position quota = \n%s", got)
	}
	writeFile(t, folder, "broken.md", "---\nid: broken\n---\nno title\n")
	hangUp(`"msg":"reload refused`)
	if !strings.Contains(s.log.String(), filepath.Join(folder, "broken.md")+":") {
		t.Errorf("the refusal does not name the bad file's line:\n%s", s.log.String())
	}
	if got := ask("/position quota briefing:river-treaty"); !strings.Contains(got, "Wants it cut") {
		t.Errorf("after a refused reload the good set is gone:\n%s", got)
	}
	close(stop)
	wg.Wait()
	if sent.Load() == 0 || failed.Load() != 0 {
		t.Errorf("%d of %d requests under reload failed", failed.Load(), sent.Load())
	}
	if err := s.stop(); err != nil {
		t.Errorf("serve after stop = %v", err)
	}
}

// askServe sends a command line to serve as Discord would, through the /briefbot umbrella, signed,
// and returns the status and raw answer.
func askServe(t *testing.T, base, line string) (int, string) {
	t.Helper()
	value, _ := json.Marshal(line)
	body := []byte(`{"id":"` + discordtest.InteractionID() + `","application_id":"123","type":2,"token":"t","data":{"id":"5","name":"briefbot","type":1,` +
		`"options":[{"name":"command","type":3,"value":` + string(value) + `}]}}`)
	req, err := http.NewRequest(http.MethodPost, base+"/discord/interactions", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}
