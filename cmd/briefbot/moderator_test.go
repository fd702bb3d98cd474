package main

import (
	"briefbot/bot/discord/discordtest"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigCheckSaysWhatWillRun: on success config check prints the platforms and their modes,
// the briefings, the store without its password, and each digest's next 5 runs in its own zone;
// --format json gives scripts the same.
func TestConfigCheckSaysWhatWillRun(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "briefbot.yaml", `http: {listen: "127.0.0.1:0"}
slack: {signing_secret: "${SECRET}", bot_token: "${TOKEN}", app_token: "${APP}", admin_user_ids: [U1]}
digests:
  - {name: morning, platform: slack, channels: [C0123, C0456], schedule: "30 2 * * *", timezone: America/New_York}
store: {dsn: "postgres://briefbot:hunter2@db.example:5432/briefbot"}
`)
	env := map[string]string{"SECRET": "s3cr3t-value", "TOKEN": "xoxb-t0ken", "APP": "xapp-app-t0ken"}
	stdout, stderr, code := invoke(t, "", env, "config", "check", path)
	if code != 0 {
		t.Fatalf("config check = exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{path + ": ok", "slack    HTTP endpoint (/slack/commands), Socket Mode, posts digests",
		"us-mexico-troops: Mexico rejects U.S. troops plan (5 issues, version ", "built in",
		"postgres://db.example:5432/briefbot", `morning → slack C0123, C0456: "30 2 * * *" in America/New_York`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("config check does not say %q:\n%s", want, stdout)
		}
	}
	if n := strings.Count(stdout, " 02:30 E"); n != 5 {
		t.Errorf("config check lists %d runs at 02:30 New York time, want 5:\n%s", n, stdout)
	}
	for _, secret := range []string{"hunter2", "s3cr3t-value", "xoxb-t0ken", "xapp-app-t0ken"} {
		if strings.Contains(stdout+stderr, secret) {
			t.Errorf("config check printed the secret %q", secret)
		}
	}

	stdout, _, code = invoke(t, "", env, "config", "check", path, "--format", "json")
	var report checkReport
	if code != 0 || json.Unmarshal([]byte(stdout), &report) != nil {
		t.Fatalf("config check --format json = exit %d\n%s", code, stdout)
	}
	if len(report.Digests) != 1 || len(report.Digests[0].Next) != 5 || report.Digests[0].Zone != "America/New_York" ||
		len(report.Briefings) != 1 || report.Store != "postgres://db.example:5432/briefbot" {
		t.Errorf("config check --format json = %+v", report)
	}
	if off := report.Digests[0].Next[0].At.Format("-07:00"); off != "-05:00" && off != "-04:00" {
		t.Errorf("the next run %v is not in New York's offset", report.Digests[0].Next[0].At)
	}

	bad := writeFile(t, dir, "bad.yaml", "digests:\n  - {name: x, platform: slack, channel: C1, schedule: \"0 9 * * *\", timezone: Mexico City}\n")
	stdout, _, code = invoke(t, "", nil, "config", "check", bad, "--format", "json")
	var problems struct{ Problems []string }
	if code != 1 || json.Unmarshal([]byte(stdout), &problems) != nil || len(problems.Problems) == 0 ||
		!strings.Contains(strings.Join(problems.Problems, "\n"), bad+":2:") {
		t.Errorf("config check --format json of a bad file = exit %d\n%s", code, stdout)
	}
}

// TestReportFlagsClockChanges: a run in a daylight-saving gap or repeated hour is flagged.
func TestReportFlagsClockChanges(t *testing.T) {
	cfgText := `digests:
  - {name: night, platform: slack, channel: C1, schedule: "30 1,2 * * *", timezone: America/New_York}
slack: {signing_secret: s, bot_token: xoxb-1}
`
	path := writeFile(t, t.TempDir(), "briefbot.yaml", cfgText)
	b, err := (&cli{lookupEnv: func(string) (string, bool) { return "", false }}).build(&command{configFile: &path})
	if err != nil {
		t.Fatal(err)
	}
	spring := b.report(time.Date(2025, 3, 9, 0, 0, 0, 0, time.UTC)).Digests[0].Next
	if !spring[1].Gap || spring[1].At.Format("15:04 MST") != "03:00 EDT" {
		t.Errorf("spring forward: %+v; want 02:30 flagged as a gap, run at 03:00 EDT", spring[:2])
	}
	fall := b.report(time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC)).Digests[0].Next
	if !fall[0].Repeat || fall[0].At.Format("15:04 MST") != "01:30 EDT" {
		t.Errorf("fall back: %+v; want 01:30 flagged as repeated, run once at 01:30 EDT", fall[:2])
	}
}

// TestReloadOnSave: saving a briefing reloads the bot without a signal, including a folder laid
// out as Kubernetes mounts a ConfigMap (files that are symlinks into a ..data link swapped
// whole); a bad save keeps the good set; every reload is in the audit trail.
func TestReloadOnSave(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "briefings")
	mount := func(version, text string) {
		t.Helper()
		data := filepath.Join(folder, "..2025_"+version)
		writeFile(t, data, "river.md", text)
		tmp := filepath.Join(folder, "..data_tmp")
		if err := os.Symlink(filepath.Base(data), tmp); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(folder, "..data")); err != nil { // the swap, atomic
			t.Fatal(err)
		}
		if _, err := os.Lstat(filepath.Join(folder, "river.md")); os.IsNotExist(err) {
			if err := os.Symlink(filepath.Join("..data", "river.md"), filepath.Join(folder, "river.md")); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	mount("v1", riverBriefing)
	ledger := "sqlite://" + filepath.Join(dir, "ledger.db")
	path := writeFile(t, dir, "briefbot.yaml", `http: {listen: "127.0.0.1:0"}
discord: {application_id: "123", public_key: "`+discordtest.PublicKey()+`"}
briefings: {dirs: [`+folder+`]}
store: {dsn: "`+ledger+`"}
`)
	s := serveFile(t, path, nil)
	waitLog := func(want string, n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); strings.Count(s.log.String(), want) < n; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no %q (%d) in the log:\n%s", want, n, s.log.String())
			}
		}
	}
	mount("v2", strings.Replace(riverBriefing, "Wants it cut", "Wants it halved", 1))
	waitLog(`"msg":"reloaded","trigger":"file change"`, 1)
	if _, got := askServe(t, s.base, "/position quota briefing:river-treaty"); !strings.Contains(got, "Wants it halved") {
		t.Errorf("after the swap /position quota =\n%s", got)
	}
	if !strings.Contains(s.log.String(), `"briefings_changed":["river-treaty `) {
		t.Errorf("the reload does not say which briefing changed:\n%s", s.log.String())
	}
	mount("v3", "---\nid: river-treaty\n---\nno title\n")
	waitLog(`"msg":"reload refused`, 1)
	if _, got := askServe(t, s.base, "/position quota briefing:river-treaty"); !strings.Contains(got, "Wants it halved") {
		t.Errorf("a bad save replaced the good briefing:\n%s", got)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := invoke(t, "", nil, "audit", "--config", path)
	if code != 0 || strings.Count(stdout, "reload:file-change") != 2 || !strings.Contains(stdout, "ok: briefings changed: river-treaty") ||
		!strings.Contains(stdout, "refused: ") || !strings.Contains(stdout, "missing title") {
		t.Errorf("briefbot audit = exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestDigestStatusCommand reads the ledger from the command line.
func TestDigestStatusCommand(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "briefbot.yaml", `slack: {signing_secret: s, bot_token: xoxb-1}
digests:
  - {name: morning, platform: slack, channels: [C0123], schedule: "0 9 * * 1-5", timezone: Europe/London}
store: {dsn: "sqlite://`+filepath.Join(dir, "ledger.db")+`"}
`)
	stdout, stderr, code := invoke(t, "", nil, "digest", "status", "--config", path)
	if code != 0 || !strings.Contains(stdout, "morning → slack C0123: next ") || !strings.Contains(stdout, "09:00 GMT (UTC+00:00)") &&
		!strings.Contains(stdout, "09:00 BST (UTC+01:00)") || !strings.Contains(stdout, "not run yet") {
		t.Errorf("digest status = exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestEveryProblemInOnePass: problems the config finds itself and those only the build can find
// (briefing ids, channel ids, the adapters' settings) come out together, sorted by line.
func TestEveryProblemInOnePass(t *testing.T) {
	path := writeFile(t, t.TempDir(), "briefbot.yaml", `slack:
  signing_secret: s
  bot_token: xoxb-1
  app_token: xoxb-not-an-app-token
digests:
  - name: morning
    platform: slack
    channel: "#general"
    shedule: "0 9 * * 1-5"
    timezone: Mexico City
    briefing: us-mexico-troop
`)
	_, stderr, code := invoke(t, "", nil, "config", "check", path)
	want := []string{
		path + `:4: slack.app_token: must be an app-level token`,
		path + `:6: digest "morning": no schedule`,
		path + `:8: digest "morning": channel "#general" is not a Slack channel id`,
		path + `:9: unknown key "shedule" in digests[0]; did you mean "schedule"?`,
		path + `:10: digest "morning": unknown time zone "Mexico City"; did you mean "America/Mexico_City"?`,
		path + `:11: digest "morning": no briefing has id "us-mexico-troop" (did you mean "us-mexico-troops"?)`,
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	if code != 1 || len(lines) != len(want) {
		t.Fatalf("config check = exit %d, %d lines; want exit 1 and %d lines:\n%s", code, len(lines), len(want), stderr)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q\nwant it to start %q", i+1, lines[i], w)
		}
	}
}

// TestShippedConfigsPass: the commented example and the compose deployment's config pass
// config check as shipped, given their secrets.
func TestShippedConfigsPass(t *testing.T) {
	env := map[string]string{"DISCORD_BOT_TOKEN": "token.SECRET", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
		"POSTGRES_PASSWORD": "p", "DISCORD_APPLICATION_ID": "123", "DISCORD_PUBLIC_KEY": discordtest.PublicKey()}
	for _, path := range []string{"../../config/example.yaml", "../../deploy/briefbot.yaml"} {
		if stdout, stderr, code := invoke(t, "", env, "config", "check", path); code != 0 {
			t.Errorf("config check %s = exit %d\n%s%s", path, code, stdout, stderr)
		}
	}
}
