package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
)

// A calendarBot is a running serve with one digest, "morning", on Discord, posting daily in UTC
// at an hour twelve from now's, so that no run falls while a test runs.
type calendarBot struct {
	*served
	t       *testing.T
	dir     string
	config  string
	discord *discordtest.Fake
	hour    int
	seen    int // log lines already read by await
}

// startCalendarBot writes the config in dir with the digest's other keys (lines indented as
// under the digest) and serves it, reading env.
func startCalendarBot(t *testing.T, dir, keys string, env map[string]string) *calendarBot {
	t.Helper()
	b := &calendarBot{t: t, dir: dir, discord: discordtest.NewFake(t), hour: (time.Now().UTC().Hour() + 12) % 24}
	b.config = filepath.Join(b.dir, "briefbot.yaml")
	b.edit(keys)
	b.served = serveFile(t, b.config, env)
	return b
}

// edit saves the config with the digest's other keys in place of the last ones.
func (b *calendarBot) edit(keys string) {
	b.t.Helper()
	writeFile(b.t, b.dir, "briefbot.yaml", fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, public_key: %q, api_url: %q}
digests:
  - name: morning
    platform: discord
    channel: %q
    schedule: "0 %d * * *"
    timezone: UTC
%sstore: {dsn: "sqlite://%s"}
`, discordtest.Token, discordtest.AppID, discordtest.PublicKey(), b.discord.APIURL(), discordtest.ChannelID, b.hour,
		keys, filepath.Join(b.dir, "ledger.db")))
}

// lineOf is the line of the config that holds text.
func (b *calendarBot) lineOf(text string) int {
	b.t.Helper()
	data, err := os.ReadFile(b.config)
	if err != nil {
		b.t.Fatal(err)
	}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, text) {
			return i + 1
		}
	}
	b.t.Fatalf("no %q in the config:\n%s", text, data)
	return 0
}

// firstRun is the digest's first run after now, on no closed day.
func (b *calendarBot) firstRun() time.Time {
	now := time.Now().UTC()
	at := time.Date(now.Year(), now.Month(), now.Day(), b.hour, 0, 0, 0, time.UTC)
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// A reloadRecord is a reload's line in serve's log.
type reloadRecord struct {
	Msg      string   `json:"msg"`
	Trigger  string   `json:"trigger"`
	Changed  []string `json:"digests_changed"`
	Problems []string `json:"problems"`
}

// await waits for a log line after those read so far that says msg and of which ok holds, and
// reads up to it.
func (b *calendarBot) await(msg string, ok func(reloadRecord) bool) reloadRecord {
	b.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		lines := strings.Split(b.log.String(), "\n")
		for i := b.seen; i < len(lines)-1; i++ { // the last is "" or a line still being written
			var r reloadRecord
			if json.Unmarshal([]byte(lines[i]), &r) == nil && r.Msg == msg && ok(r) {
				b.seen = i + 1
				return r
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("no %q line as wanted after line %d of the log:\n%s", msg, b.seen, b.log.String())
		}
	}
}

const (
	reloadedMsg = "reloaded"
	refusedMsg  = "reload refused: the old config and briefings stay in force"
)

// awaitChange waits for a reload that says want among what changed in digests.
func (b *calendarBot) awaitChange(want string) {
	b.t.Helper()
	r := b.await(reloadedMsg, func(r reloadRecord) bool { return slices.Contains(r.Changed, want) })
	if r.Trigger != "file change" {
		b.t.Errorf("the reload saying %q was triggered by %q; want a file change", want, r.Trigger)
	}
}

// quiet waits until nothing has been logged for a while: the reloads a save causes are over.
func (b *calendarBot) quiet() {
	b.t.Helper()
	last, since := b.log.String(), time.Now()
	for deadline := time.Now().Add(10 * time.Second); time.Since(since) < 10*debounce; time.Sleep(debounce / 3) {
		if now := b.log.String(); now != last {
			last, since = now, time.Now()
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("serve never stops logging:\n%s", last)
		}
	}
}

// nextRun is when /digest status, asked on Discord in the server, says the digest runs next, as
// Discord's timestamp markup.
func (b *calendarBot) nextRun() string {
	b.t.Helper()
	in := discordtest.Command("digest", "action", "status")
	in.Perms = "32" // MANAGE_GUILD
	body := in.Body()
	req, err := http.NewRequest(http.MethodPost, b.base+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), body)
	raw := do(b.t, req)
	var r struct {
		Type int `json:"type"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		b.t.Fatalf("/digest status answered %s: %v", raw, err)
	}
	if r.Type == 5 { // deferred: the answer comes as an edit
		select {
		case raw = <-b.discord.Callbacks:
		case <-time.After(20 * time.Second):
			b.t.Fatal("/digest status was deferred and never answered")
		}
	}
	var m struct {
		Embeds []struct {
			Description string `json:"description"`
		} `json:"embeds"`
	}
	if err := json.Unmarshal(raw, &m); err != nil || len(m.Embeds) == 0 {
		b.t.Fatalf("/digest status answered %s: %v", raw, err)
	}
	_, rest, found := strings.Cut(m.Embeds[0].Description, "next <t:")
	stamp, _, _ := strings.Cut(rest, ">")
	if !found {
		b.t.Fatalf("/digest status names no next run:\n%s", raw)
	}
	return "<t:" + stamp + ">"
}

func discordStamp(at time.Time) string { return fmt.Sprintf("<t:%d:F>", at.Unix()) }

// closedOn is a calendar file that closes the office on the day of at, all day.
func closedOn(at time.Time) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//briefbot//test//EN\r\n" +
		"BEGIN:VEVENT\r\nUID:closed@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Office closed\r\n" +
		"DTSTART;VALUE=DATE:" + at.Format("20060102") + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
}

// brokenCalendar is a calendar file whose one event has no start.
const brokenCalendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//briefbot//test//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:closed@example.org\r\nSUMMARY:Office closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"

// TestReloadOnCalendarSave: saving the calendar file a digest names, wherever it is and however
// it is saved, is a reload: the running bot's next run moves past the day it closes, and the
// log and the audit trail say the calendar changed. A broken save leaves the closures in force
// and is refused at the calendar's line in the config; mending the file reloads again.
func TestReloadOnCalendarSave(t *testing.T) {
	tests := []struct {
		name string
		// place is where the calendar file is, as the config names it, and how it is saved.
		place func(t *testing.T, dir string) (named string, save func(text string))
	}{
		{"beside the config", func(t *testing.T, dir string) (string, func(string)) {
			return "closures.ics", func(text string) { writeFile(t, dir, "closures.ics", text) }
		}},
		{"in a folder of its own", func(t *testing.T, dir string) (string, func(string)) {
			folder := filepath.Join(dir, "calendars")
			return filepath.Join(folder, "closures.ics"), func(text string) { writeFile(t, folder, "closures.ics", text) }
		}},
		{"renamed into place", func(t *testing.T, dir string) (string, func(string)) {
			return "closures.ics", func(text string) {
				tmp := writeFile(t, dir, ".closures.ics.swp", text)
				if err := os.Rename(tmp, filepath.Join(dir, "closures.ics")); err != nil {
					t.Fatal(err)
				}
			}
		}},
		// A Kubernetes ConfigMap: the file is a link through ..data, which is swapped at once.
		{"mounted from a ConfigMap", func(t *testing.T, dir string) (string, func(string)) {
			folder := filepath.Join(dir, "calendar")
			versions := 0
			return filepath.Join(folder, "closures.ics"), func(text string) {
				versions++
				data := filepath.Join(folder, fmt.Sprintf("..v%d", versions))
				writeFile(t, data, "closures.ics", text)
				tmp := filepath.Join(folder, "..data_tmp")
				if err := os.Symlink(filepath.Base(data), tmp); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(tmp, filepath.Join(folder, "..data")); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Lstat(filepath.Join(folder, "closures.ics")); os.IsNotExist(err) {
					if err := os.Symlink(filepath.Join("..data", "closures.ics"), filepath.Join(folder, "closures.ics")); err != nil {
						t.Fatal(err)
					}
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			named, save := tc.place(t, dir)
			open := closedOn(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC))
			save(open)
			b := startCalendarBot(t, dir, fmt.Sprintf("    calendar: %q\n", named), nil)

			first := b.firstRun()
			if got := b.nextRun(); got != discordStamp(first) {
				t.Fatalf("/digest status before the save: next %s; want %s", got, discordStamp(first))
			}
			changed := `digest "morning": calendar ` + named + ` changed`

			save(closedOn(first))
			b.awaitChange(changed)
			if got, want := b.nextRun(), discordStamp(first.AddDate(0, 0, 1)); got != want {
				t.Errorf("/digest status after closing %s: next %s; want %s", first.Format(time.DateOnly), got, want)
			}
			if runs := checkJSON(t, b.config).Digests[0].Next; runs[0].Skipped != "Office closed (closures.ics)" || runs[1].Skipped != "" {
				t.Errorf("config check after closing %s: runs %+v; want the first skipped, Office closed (closures.ics)", first.Format(time.DateOnly), runs)
			}

			save(brokenCalendar)
			problem := fmt.Sprintf(`%s:%d: digest "morning": calendar %q: event "Office closed": no DTSTART`, b.config, b.lineOf("calendar:"), named)
			r := b.await(refusedMsg, func(reloadRecord) bool { return true })
			if !slices.Contains(r.Problems, problem) {
				t.Errorf("a broken calendar: the refusal's problems %q\nwant %q", r.Problems, problem)
			}
			if got, want := b.nextRun(), discordStamp(first.AddDate(0, 0, 1)); got != want {
				t.Errorf("/digest status after a broken save: next %s; want the closures in force, next %s", got, want)
			}

			save(open)
			b.awaitChange(changed)
			if got := b.nextRun(); got != discordStamp(first) {
				t.Errorf("/digest status after mending the calendar: next %s; want %s", got, discordStamp(first))
			}
			if err := b.stop(); err != nil {
				t.Fatal(err)
			}
			stdout, stderr, code := invoke(t, "", nil, "audit", "--config", b.config)
			if code != 0 || strings.Count(stdout, "reload:file-change  reload "+b.config+": ok: "+changed) != 2 ||
				!strings.Contains(stdout, "reload:file-change  reload "+b.config+": refused: "+problem) {
				t.Errorf("briefbot audit = exit %d; want the calendar changed twice, refused once between\n%s%s", code, stdout, stderr)
			}
		})
	}
}

// TestReloadFollowsCalendarFiles: the calendar files watched are those the config names as it
// changes, in folders not otherwise watched: one named before it exists is watched, so that
// creating it mends the config; one no longer named is no longer a reload.
func TestReloadFollowsCalendarFiles(t *testing.T) {
	b := startCalendarBot(t, t.TempDir(), "", nil)
	folder := filepath.Join(t.TempDir(), "calendars")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(folder, "closures.ics")

	b.edit(fmt.Sprintf("    calendar: %q\n", named))
	problem := fmt.Sprintf(`%s:%d: digest "morning": calendar %q: no such file or directory`, b.config, b.lineOf("calendar:"), named)
	if r := b.await(refusedMsg, func(reloadRecord) bool { return true }); !slices.Contains(r.Problems, problem) {
		t.Errorf("a calendar not there yet: the refusal's problems %q\nwant %q", r.Problems, problem)
	}
	first := b.firstRun()
	writeFile(t, folder, "closures.ics", closedOn(first))
	b.awaitChange(`digest "morning": now skips calendar ` + named)
	if got, want := b.nextRun(), discordStamp(first.AddDate(0, 0, 1)); got != want {
		t.Errorf("/digest status with the calendar created: next %s; want %s", got, want)
	}
	writeFile(t, folder, "closures.ics", closedOn(first.AddDate(0, 0, 1)))
	b.awaitChange(`digest "morning": calendar ` + named + ` changed`)

	b.edit("")
	b.awaitChange(`digest "morning": no longer skips calendar ` + named)
	b.quiet()
	before := strings.Count(b.log.String(), `"msg":"reloading"`)
	writeFile(t, folder, "closures.ics", closedOn(first))
	time.Sleep(10 * debounce)
	if after := strings.Count(b.log.String(), `"msg":"reloading"`); after != before {
		t.Errorf("a save of a calendar file no longer named reloads:\n%s", b.log.String())
	}
}

// TestReloadSaysWhatDigestChanged: each edit of a digest's days off and way of posting is said
// in the reload's log line and audit entry, in a few words; a value read from the environment
// only as where it came from.
func TestReloadSaysWhatDigestChanged(t *testing.T) {
	const role = "345678901234567890"
	soon, later := time.Now().AddDate(0, 0, 30).Format(time.DateOnly), time.Now().AddDate(0, 0, 37).Format(time.DateOnly)
	b := startCalendarBot(t, t.TempDir(), "", map[string]string{"POLICY_ROLE": role})
	writeFile(t, b.dir, "closures.ics", closedOn(time.Date(2020, 1, 2, 0, 0, 0, 0, time.UTC)))
	// Each edit starts from the one before it.
	steps := []struct {
		name, keys, want string
	}{
		{"a thread", "    thread: true\n", `posts in a thread`},
		{"a mention", "    thread: true\n    mention: \"234567890123456789\"\n", `mentions 234567890123456789`},
		{"skip dates", "    thread: true\n    mention: \"234567890123456789\"\n    skip_dates: [" + soon + ", " + later + "]\n",
			`now skips ` + soon + `, ` + later},
		{"holidays for a date", "    thread: true\n    mention: \"234567890123456789\"\n    skip_dates: [" + later + "]\n    skip_holidays: [us, mx]\n",
			`now skips holidays us, mx; no longer skips ` + soon},
		{"a calendar", "    thread: true\n    mention: \"234567890123456789\"\n    skip_dates: [" + later + "]\n    skip_holidays: [us, mx]\n    calendar: closures.ics\n",
			`now skips calendar closures.ics`},
		{"a mention from the environment", "    thread: true\n    mention: \"${POLICY_ROLE}\"\n    skip_dates: [" + later + "]\n    skip_holidays: [us, mx]\n    calendar: closures.ics\n",
			`mentions <from ${POLICY_ROLE}, 18 characters>`},
		{"only when changed", "    thread: true\n    mention: \"${POLICY_ROLE}\"\n    skip_dates: [" + later + "]\n    skip_holidays: [us, mx]\n    calendar: closures.ics\n    only_when_changed: true\n",
			`posts only when its briefing changed`},
		{"all of it off", "",
			`no longer skips ` + later + `; holidays us, mx; calendar closures.ics; no longer posts in a thread; no longer mentions anyone; posts whether or not its briefing changed`},
	}
	for _, step := range steps {
		b.edit(step.keys)
		b.awaitChange(`digest "morning": ` + step.want)
	}
	if err := b.stop(); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := invoke(t, "", nil, "audit", "--config", b.config)
	for _, step := range steps {
		if want := `ok: digest "morning": ` + step.want; code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("%s: briefbot audit = exit %d; want %q in\n%s%s", step.name, code, want, stdout, stderr)
		}
	}
	if strings.Contains(b.log.String(), role) || strings.Contains(stdout, role) {
		t.Errorf("a mention read from the environment is printed:\n%s\n%s", b.log.String(), stdout)
	}
}
