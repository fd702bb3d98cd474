package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// digestConfig is a config file with one digest per "zone|schedule" pair, named d1, d2, ...
func digestConfig(t *testing.T, digests ...string) string {
	t.Helper()
	text := "slack: {signing_secret: s, bot_token: xoxb-1}\ndigests:\n"
	for i, d := range digests {
		zone, spec, _ := strings.Cut(d, "|")
		text += fmt.Sprintf("  - {name: d%d, platform: slack, channel: C1, schedule: %q, timezone: %s}\n", i+1, spec, zone)
	}
	return writeFile(t, t.TempDir(), "briefbot.yaml", text)
}

// checkJSON runs config check --format json with args, and checkEnv's secrets, and decodes its
// report.
func checkJSON(t *testing.T, args ...string) checkReport {
	t.Helper()
	args = append([]string{"config", "check", "--format", "json"}, args...)
	stdout, stderr, code := invoke(t, "", checkEnv, args...)
	var report checkReport
	if code != 0 {
		t.Fatalf("run(%q) = exit %d\n%s%s", args, code, stdout, stderr)
	}
	if err := json.Unmarshal([]byte(stdout), &report); err != nil {
		t.Fatalf("run(%q) printed no report (%v):\n%s", args, err, stdout)
	}
	return report
}

// TestConfigCheckReadsSevenAsSunday: 7 in the weekday field is Sunday, as in crontab(5), for
// config's validation and for the scheduler whose runs config check lists.
func TestConfigCheckReadsSevenAsSunday(t *testing.T) {
	path := digestConfig(t, "America/New_York|0 9 * * 7", "UTC|0 0 * * 5-7")
	report := checkJSON(t, path, "--from", "2027-03-13")
	want := [][]string{
		{"Sun 2027-03-14 09:00 EDT", "Sun 2027-03-21 09:00 EDT", "Sun 2027-03-28 09:00 EDT", "Sun 2027-04-04 09:00 EDT", "Sun 2027-04-11 09:00 EDT"},
		{"Sat 2027-03-13 00:00 UTC", "Sun 2027-03-14 00:00 UTC", "Fri 2027-03-19 00:00 UTC", "Sat 2027-03-20 00:00 UTC", "Sun 2027-03-21 00:00 UTC"},
	}
	if len(report.Digests) != len(want) {
		t.Fatalf("config check listed %d digests; want %d", len(report.Digests), len(want))
	}
	for i, d := range report.Digests {
		var got []string
		for _, n := range d.Next {
			got = append(got, n.Local)
		}
		if strings.Join(got, ", ") != strings.Join(want[i], ", ") {
			t.Errorf("config check --from 2027-03-13, %q in %s: next runs %q; want %q", d.Schedule, d.Zone, got, want[i])
		}
	}
	sundays := digestConfig(t, "Europe/Paris|0 9 * * 7")
	if stdout, stderr, code := invoke(t, "", nil, "config", "check", sundays); code != 0 || strings.Count(stdout, "    Sun ") != 5 {
		t.Errorf("config check (from now) = exit %d; want 5 runs, all on Sundays\n%s%s", code, stdout, stderr)
	}
}

// TestConfigCheckFrom: --from DATE lists each digest's runs from that day's midnight in the
// digest's own zone, flagging the runs that a change of the clocks moves.
func TestConfigCheckFrom(t *testing.T) {
	type run struct {
		at          string // RFC 3339 in the digest's zone
		gap, repeat bool
	}
	tests := []struct {
		name, digest, from string
		want               []run // the first runs
	}{
		{"spring forward", "America/New_York|30 2 * * *", "2027-03-13",
			[]run{{"2027-03-13T02:30:00-05:00", false, false}, {"2027-03-14T03:00:00-04:00", true, false}, {"2027-03-15T02:30:00-04:00", false, false}}},
		{"fall back", "America/New_York|30 1 * * *", "2027-11-06",
			[]run{{"2027-11-06T01:30:00-04:00", false, false}, {"2027-11-07T01:30:00-04:00", false, true}, {"2027-11-08T01:30:00-05:00", false, false}}},
		{"the day starts at midnight in the digest's zone, east of UTC", "Asia/Tokyo|0 0 * * *", "2027-03-13",
			[]run{{"2027-03-13T00:00:00+09:00", false, false}, {"2027-03-14T00:00:00+09:00", false, false}}},
		{"the day starts at midnight in the digest's zone, west of UTC", "America/Los_Angeles|59 23 * * *", "2027-03-13",
			[]run{{"2027-03-13T23:59:00-08:00", false, false}, {"2027-03-14T23:59:00-07:00", false, false}}},
		{"a run at midnight is on the day", "Europe/London|@daily", "2027-03-28",
			[]run{{"2027-03-28T00:00:00Z", false, false}, {"2027-03-29T00:00:00+01:00", false, false}}},
		{"a weekly digest waits for its day", "UTC|0 9 * * 1", "2027-03-13",
			[]run{{"2027-03-15T09:00:00Z", false, false}, {"2027-03-22T09:00:00Z", false, false}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			report := checkJSON(t, digestConfig(t, tc.digest), "--from", tc.from)
			if report.From != tc.from {
				t.Errorf("config check --from %s: report's from = %q", tc.from, report.From)
			}
			next := report.Digests[0].Next
			if len(next) != 5 {
				t.Errorf("config check --from %s listed %d runs; want 5", tc.from, len(next))
			}
			for i, w := range tc.want {
				if i >= len(next) {
					break
				}
				if got := next[i]; got.At.Format(time.RFC3339) != w.at || got.Gap != w.gap || got.Repeat != w.repeat {
					t.Errorf("config check --from %s, %s: run %d = %s gap=%v repeated=%v (%s); want %s gap=%v repeated=%v",
						tc.from, tc.digest, i, got.At.Format(time.RFC3339), got.Gap, got.Repeat, got.Local, w.at, w.gap, w.repeat)
				}
			}
		})
	}
}

// TestConfigCheckFromText: the moderator reads the same runs, the clock changes spelt out.
func TestConfigCheckFromText(t *testing.T) {
	path := digestConfig(t, "America/New_York|30 2 * * *", "America/New_York|30 1 * * *")
	tests := []struct {
		from string
		want []string
	}{
		{"2027-03-13", []string{
			"Digests: the next 5 runs from 2027-03-13, in each digest's zone",
			"    Sat 2027-03-13 02:30 EST (UTC-05:00)\n    Sun 2027-03-14 03:00 EDT (02:30 does not exist that day: clocks move forward) (UTC-04:00)\n",
		}},
		{"2027-11-06", []string{
			"    Sat 2027-11-06 01:30 EDT (UTC-04:00)\n    Sun 2027-11-07 01:30 EDT (01:30 happens twice that day: runs the first time only) (UTC-04:00)\n    Mon 2027-11-08 01:30 EST (UTC-05:00)\n",
		}},
	}
	for _, tc := range tests {
		stdout, stderr, code := invoke(t, "", nil, "config", "check", path, "--from", tc.from)
		if code != 0 {
			t.Fatalf("config check --from %s = exit %d\n%s%s", tc.from, code, stdout, stderr)
		}
		for _, w := range tc.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("config check --from %s does not say\n%s\nit said:\n%s", tc.from, w, stdout)
			}
		}
	}
}

// TestConfigCheckFromRefusesBadDates: a date that is not YYYY-MM-DD is a usage error.
func TestConfigCheckFromRefusesBadDates(t *testing.T) {
	path := digestConfig(t, "UTC|0 9 * * *")
	for _, from := range []string{"tomorrow", "2027-13-01", "2027-02-30", "13/03/2027", "2027-3-13", "2027-03-13T00:00:00Z"} {
		for _, format := range []string{"text", "json"} {
			stdout, stderr, code := invoke(t, "", nil, "config", "check", path, "--from", from, "--format", format)
			if want := fmt.Sprintf("--from %q is not a date YYYY-MM-DD", from); code != 2 || stdout != "" ||
				!strings.Contains(stderr, want) || !strings.Contains(stderr, "Usage: briefbot config check FILE") {
				t.Errorf("config check --from %q --format %s = exit %d\nstdout:\n%s\nstderr:\n%s\nwant exit 2, the usage and %q",
					from, format, code, stdout, stderr, want)
			}
		}
	}
	if stdout, _, code := invoke(t, "", nil, "config", "check", "--help"); code != 0 || !strings.Contains(stdout, "[--from DATE]") {
		t.Errorf("config check --help = exit %d; want the usage with --from\n%s", code, stdout)
	}
}
