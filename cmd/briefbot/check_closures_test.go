package main

import (
	"encoding/json"
	"strings"
	"testing"

	"briefbot/bot/bottest"
)

// closuresICS is an organisation's closures: a winter break over three days and a yearly day.
const closuresICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//briefbot//test//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:winter@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Winter break\r\n" +
	"DTSTART;VALUE=DATE:20261228\r\nDTEND;VALUE=DATE:20261231\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:founders@example.org\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Founders' Day\r\n" +
	"DTSTART;VALUE=DATE:20200105\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

// checkEnv holds the secrets the configs below read from the environment, so that config check
// has nothing to warn about but what a test puts there, and a value that must not be shown.
var checkEnv = map[string]string{"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DISCORD_BOT_TOKEN": "token.SECRET",
	"POLICY_TEAM": "s0123abcd"}

// closuresConfig is a config file beside closures.ics, with digests (each a YAML list item,
// indented as under digests:) on Slack and Discord.
func closuresConfig(t *testing.T, digests string) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, "closures.ics", closuresICS)
	return writeFile(t, dir, "briefbot.yaml", `slack: {signing_secret: "${SLACK_SIGNING_SECRET}", bot_token: "${SLACK_BOT_TOKEN}", admin_user_ids: [U1]}
discord: {token: "${DISCORD_BOT_TOKEN}", application_id: "123456789012345678"}
digests:
`+digests)
}

const morningDigest = `  - name: morning
    platform: slack
    channel: C0123
    schedule: "0 9 * * 1-5"
    timezone: America/Mexico_City
    skip_dates: [2026-12-24, 2026-12-31]
    skip_holidays: [us, mx]
    calendar: closures.ics
    thread: true
    mention: S0123ABCD
    only_when_changed: true
`

const berlinDigest = `  - name: berlin
    platform: discord
    channel: "123456789012345678"
    schedule: "30 7 * * *"
    timezone: Europe/Berlin
    calendar: closures.ics
    mention: "234567890123456789"
`

// digestsSection is config check's text from its list of digests to the end.
func digestsSection(t *testing.T, stdout string) string {
	t.Helper()
	i := strings.Index(stdout, "\nDigests:")
	if i < 0 {
		t.Fatalf("config check lists no digests:\n%s", stdout)
	}
	return stdout[i+1:]
}

// TestConfigCheckShowsClosedDays: runs on a day a digest rests on are listed, marked skipped
// with why, and each digest says how it posts and what it rests on.
// testdata/check_closures.golden is rewritten with go test -update.
func TestConfigCheckShowsClosedDays(t *testing.T) {
	path := closuresConfig(t, morningDigest+berlinDigest)
	stdout, stderr, code := invoke(t, "", checkEnv, "config", "check", path, "--from", "2026-12-24")
	if code != 0 {
		t.Fatalf("config check = exit %d\n%s%s", code, stdout, stderr)
	}
	bottest.Golden(t, "check_closures.golden", []byte(digestsSection(t, stdout)))

	report := checkJSON(t, path, "--from", "2026-12-24")
	morning := report.Digests[0]
	if !morning.Thread || morning.Mention != "S0123ABCD" || !morning.OnlyWhenChanged || morning.Calendar != "closures.ics" ||
		strings.Join(morning.SkipDates, ",") != "2026-12-24,2026-12-31" || strings.Join(morning.SkipHolidays, ",") != "us,mx" {
		t.Errorf("config check --format json: morning = %+v", morning)
	}
	var skipped []string
	for _, n := range morning.Next {
		skipped = append(skipped, n.At.Format("01-02")+" "+n.Skipped)
	}
	want := []string{"12-24 skip_dates", "12-25 Christmas Day (us)", "12-28 Winter break (closures.ics)",
		"12-29 Winter break (closures.ics)", "12-30 Winter break (closures.ics)"}
	if strings.Join(skipped, "; ") != strings.Join(want, "; ") {
		t.Errorf("config check --format json --from 2026-12-24: morning's runs\n%q\nwant\n%q", skipped, want)
	}
	if plain := checkJSON(t, digestConfig(t, "UTC|0 9 * * *"), "--from", "2026-12-24").Digests[0]; plain.Thread || plain.Mention != "" ||
		plain.OnlyWhenChanged || plain.SkipDates != nil || plain.SkipHolidays != nil || plain.Calendar != "" || plain.Next[1].Skipped != "" {
		t.Errorf("a digest without closures or options reports some: %+v", plain)
	}
}

// TestConfigCheckFromAcrossChristmas: --from shows any stretch the same way, each day judged in
// the digest's own zone.
func TestConfigCheckFromAcrossChristmas(t *testing.T) {
	tests := []struct {
		name, digest, from string
		want               []string // "MM-DD why" for each run, "MM-DD" when it posts
	}{
		{"holidays of two countries", `  - {name: d, platform: slack, channel: C1, schedule: "0 9 * * 1-5", timezone: America/Mexico_City, skip_holidays: [mx, us]}
`, "2026-11-16", []string{"11-16 Revolution Day (mx)", "11-17", "11-18", "11-19", "11-20"}},
		{"Thanksgiving week", `  - {name: d, platform: slack, channel: C1, schedule: "0 9 * * 1-5", timezone: America/New_York, skip_holidays: [us]}
`, "2026-11-23", []string{"11-23", "11-24", "11-25", "11-26 Thanksgiving Day (us)", "11-27"}},
		{"across Christmas and the new year", `  - {name: d, platform: slack, channel: C1, schedule: "0 9 * * *", timezone: America/Mexico_City, skip_holidays: [us], skip_dates: [2026-12-31], calendar: closures.ics}
`, "2026-12-25", []string{"12-25 Christmas Day (us)", "12-26", "12-27", "12-28 Winter break (closures.ics)", "12-29 Winter break (closures.ics)"}},
		{"into the new year", `  - {name: d, platform: slack, channel: C1, schedule: "0 9 * * *", timezone: America/Mexico_City, skip_holidays: [us], skip_dates: [2026-12-31], calendar: closures.ics}
`, "2026-12-30", []string{"12-30 Winter break (closures.ics)", "12-31 skip_dates", "01-01 New Year's Day (us)", "01-02", "01-03"}},
		{"a yearly closure", `  - {name: d, platform: slack, channel: C1, schedule: "0 9 * * *", timezone: America/Mexico_City, calendar: closures.ics}
`, "2027-01-04", []string{"01-04", "01-05 Founders' Day (closures.ics)", "01-06", "01-07", "01-08"}},
		// 08:30 in Tokyo on the 25th is 23:30 UTC on the 24th: Christmas is Tokyo's day.
		{"the digest's own day", `  - {name: d, platform: slack, channel: C1, schedule: "30 8 * * *", timezone: Asia/Tokyo, skip_holidays: [us]}
`, "2026-12-24", []string{"12-24", "12-25 Christmas Day (us)", "12-26", "12-27", "12-28"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			report := checkJSON(t, closuresConfig(t, tc.digest), "--from", tc.from)
			var got []string
			for _, n := range report.Digests[0].Next {
				got = append(got, strings.TrimSpace(n.At.Format("01-02")+" "+n.Skipped))
			}
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("config check --from %s: runs\n%q\nwant\n%q", tc.from, got, tc.want)
			}
		})
	}
}

// TestConfigCheckClosureProblems: each mistake in the new keys is one FILE:LINE problem, in
// text and in JSON, and config check exits 1; a date already past is a warning only.
func TestConfigCheckClosureProblems(t *testing.T) {
	tests := []struct {
		name, digest string
		want         string // after "FILE:"
	}{
		{"malformed date", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    skip_dates:
      - 2026-12-24
      - 2026-12-1
`, `10: digest "d": skip_dates "2026-12-1" is not a date YYYY-MM-DD`},
		{"unknown holiday set", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    skip_holidays: [us, usa]
`, `8: digest "d": unknown holiday set "usa" in skip_holidays (known: mx, us); did you mean "us"?`},
		{"missing calendar", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    calendar: closed.ics
`, `8: digest "d": calendar "closed.ics": no such file or directory`},
		{"calendar that is not iCalendar", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    calendar: briefbot.yaml
`, `8: digest "d": calendar "briefbot.yaml": not an iCalendar file (it does not start with BEGIN:VCALENDAR)`},
		{"Slack mention", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    mention: "@policy"
`, `8: digest "d": mention "@policy" is not a Slack user group id (S...)`},
		{"Slack mention of a user", `  - {name: d, platform: slack, channel: C1, schedule: "@daily", mention: U0123ABCD}
`, `4: digest "d": mention "U0123ABCD" is not a Slack user group id (S...)`},
		{"Slack mention in lower case", `  - {name: d, platform: slack, channel: C1, schedule: "@daily", mention: s0123abcd}
`, `4: digest "d": mention "s0123abcd" is not a Slack user group id (S...); did you mean "S0123ABCD"?`},
		{"Slack mention as a message writes it", `  - {name: d, platform: slack, channel: C1, schedule: "@daily", mention: "<!subteam^S0123ABCD|@policy>"}
`, `4: digest "d": mention "<!subteam^S0123ABCD|@policy>" is not a Slack user group id (S...); did you mean "S0123ABCD"?`},
		{"Slack mention from the environment", `  - {name: d, platform: slack, channel: C1, schedule: "@daily", mention: "${POLICY_TEAM}"}
`, `4: digest "d": mention <from ${POLICY_TEAM}, 9 characters> is not a Slack user group id (S...)`},
		{"Discord mention", `  - name: d
    platform: discord
    channel: "123456789012345678"
    schedule: "@daily"
    mention: S0123ABCD
`, `8: digest "d": mention "S0123ABCD" is not a Discord role id (digits)`},
		{"Discord mention as a message writes it", `  - {name: d, platform: discord, channel: "123456789012345678", schedule: "@daily", mention: "<@&234567890123456789>"}
`, `4: digest "d": mention "<@&234567890123456789>" is not a Discord role id (digits); did you mean "234567890123456789"?`},
		{"thread", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    thread: sometimes
`, `8: digests[0].thread must be true or false`},
		{"misspelt key", `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    skip_date: [2026-12-24]
`, `8: unknown key "skip_date" in digests[0]; did you mean "skip_dates"?`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := closuresConfig(t, tc.digest)
			stdout, stderr, code := invoke(t, "", checkEnv, "config", "check", path)
			if want := path + ":" + tc.want + "\n"; code != 1 || stderr != want {
				t.Errorf("config check = exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit 1 and\n%s", code, stdout, stderr, want)
			}
			stdout, _, code = invoke(t, "", checkEnv, "config", "check", path, "--format", "json")
			var out struct{ Problems []string }
			if err := json.Unmarshal([]byte(stdout), &out); err != nil || code != 1 ||
				strings.Join(out.Problems, "\n") != path+":"+tc.want {
				t.Errorf("config check --format json = exit %d, %v\n%s\nwant the problem %s", code, err, stdout, tc.want)
			}
		})
	}

	path := closuresConfig(t, `  - name: d
    platform: slack
    channel: C1
    schedule: "@daily"
    skip_dates:
      - 2020-12-24
`)
	stdout, stderr, code := invoke(t, "", checkEnv, "config", "check", path)
	if want := "\nWarnings\n  " + path + `:9: warning: digest "d": skip_dates "2020-12-24" has passed; it can be removed` + "\n"; code != 0 || !strings.HasSuffix(stdout, want) {
		t.Errorf("config check with a date past = exit %d\n%s%s\nwant it to end with%s", code, stdout, stderr, want)
	}
}
