package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
	"briefbot/bot/store"
)

// scrape is one read of /metrics.
type scrape string

func scrapeMetrics(t *testing.T, base string) scrape {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return scrape(raw)
}

// value is the sample of series, written as the exposition writes it (labels sorted by name),
// and whether there is one.
func (s scrape) value(series string) (float64, bool) {
	for line := range strings.Lines(string(s)) {
		if rest, ok := strings.CutPrefix(line, series+" "); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v, err == nil
		}
	}
	return 0, false
}

// awaitMetrics scrapes until ready says the scrape shows what the test waits for, and returns
// that scrape; the deadline only bounds a test that would otherwise hang.
func awaitMetrics(t *testing.T, s *served, what string, ready func(scrape) bool) scrape {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		m := scrapeMetrics(t, s.base)
		if ready(m) {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("/metrics never showed %s:\n%s\nlog:\n%s", what, m, s.log.String())
		}
	}
}

// TestDigestMetricsAnswerDidItGoOut runs serve against a fake Discord and a fake Slack, after a
// downtime: each digest's channels were first loaded five hours ago, so catch-up posts the
// latest hourly slot late and records the older ones missed. One Discord channel answers 429
// three times (the adapter's own tries, then the scheduler's), another refuses for good. Then a
// reload is refused, and one that removes a digest goes through. /metrics answers, as the alert
// rules read it: when each digest last posted and owes next, its window, its failures by
// reason, every 429 once, platform and ledger latency, and whether the running config is stale.
func TestDigestMetricsAnswerDidItGoOut(t *testing.T) {
	dc := discordtest.NewFake(t)
	sl := slacktest.NewWebAPI(t)
	const ok, limited, refused, slackChannel = "645027906669530001", "645027906669530002", "645027906669530003", "C0000900"
	dc.Mu.Lock()
	dc.Limited[limited] = 3
	dc.Fail[refused] = discordtest.Failure{Status: http.StatusNotFound, Code: 10003, Message: "Unknown Channel"}
	dc.Mu.Unlock()

	dir := t.TempDir()
	dsn := "sqlite://" + filepath.Join(dir, "ledger.db")
	since := time.Now().Add(-5*time.Hour + time.Minute)
	ledger, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct{ name, platform, channel string }{
		{"hourly", "discord", ok}, {"hourly", "discord", limited}, {"gone", "discord", refused}, {"team", "slack", slackChannel},
	} {
		if _, err := ledger.FirstSeen(context.Background(), d.name, d.platform, []string{d.channel}, since); err != nil {
			t.Fatal(err)
		}
	}
	ledger.Close()

	head := fmt.Sprintf(`http: {listen: "127.0.0.1:0"}
discord: {token: %q, application_id: %q, api_url: %q}
slack: {bot_token: %q, signing_secret: "s", api_url: %q}
store: {dsn: %q}
digests:
  - {name: hourly, platform: discord, schedule: "0 * * * *", catch_up: 1h, channels: [%s, %s]}
  - {name: team, platform: slack, schedule: "0 * * * *", catch_up: 1h, channel: %s}
`, discordtest.Token, discordtest.AppID, dc.APIURL(), slacktest.BotToken, sl.URL(), dsn, ok, limited, slackChannel)
	gone := fmt.Sprintf("  - {name: gone, platform: discord, schedule: \"0 * * * *\", catch_up: 1h, channel: %s}\n", refused)
	path := writeFile(t, dir, "briefbot.yaml", head+gone)
	s := serveFile(t, path, nil)

	m := awaitMetrics(t, s, "every digest's catch-up settled", func(m scrape) bool {
		_, hourly := m.value(`briefbot_digest_last_posted_timestamp_seconds{digest="hourly"}`)
		_, team := m.value(`briefbot_digest_last_posted_timestamp_seconds{digest="team"}`)
		n, _ := m.value(`briefbot_digest_failures_total{digest="gone",reason="refused"}`)
		posts, _ := m.value(`briefbot_digest_posts_total{platform="discord",result="late"}`)
		return hourly && team && n == 1 && posts >= 2 // both hourly channels, the limited one included
	})
	latest := float64(time.Now().Truncate(time.Hour).Unix())
	for _, digest := range []string{"hourly", "team"} {
		last, _ := m.value(`briefbot_digest_last_posted_timestamp_seconds{digest="` + digest + `"}`)
		next, _ := m.value(`briefbot_digest_next_slot_timestamp_seconds{digest="` + digest + `"}`)
		window, _ := m.value(`briefbot_digest_catch_up_window_seconds{digest="` + digest + `"}`)
		if last < latest-3600 || last > latest || next != last+3600 || window != 3600 {
			t.Errorf("%s: last posted %v, next %v, window %v; want the latest hour (%v), the one after, 3600",
				digest, last, next, window, latest)
		}
		if n, _ := m.value(`briefbot_digest_failures_total{digest="` + digest + `",reason="missed"}`); n < 2 {
			t.Errorf("%s: %v slots missed; want the hours of the downtime but the latest", digest, n)
		}
		for _, reason := range []string{"refused", "deadline", "compose", "ledger"} {
			if n, ok := m.value(`briefbot_digest_failures_total{digest="` + digest + `",reason="` + reason + `"}`); !ok || n != 0 {
				t.Errorf("%s: failures for %s = %v (shown: %v); want 0, shown from the start", digest, reason, n, ok)
			}
		}
	}
	if at, ok := m.value(`briefbot_digest_last_failure_timestamp_seconds{digest="gone"}`); !ok || at < float64(since.Unix()) {
		t.Errorf("the refused digest's last failure at %v (%v); want a time since the test began", at, ok)
	}
	// Three 429s: two the adapter waited out itself, one handed back to the scheduler, which
	// used to count it again.
	if n, _ := m.value(`briefbot_rate_limited_total{platform="discord"}`); n != 3 {
		t.Errorf("briefbot_rate_limited_total{platform=\"discord\"} = %v; want 3, each 429 once", n)
	}
	for _, series := range []string{`briefbot_platform_request_duration_seconds_count{platform="discord"}`,
		`briefbot_platform_request_duration_seconds_count{platform="slack"}`,
		`briefbot_ledger_duration_seconds_count{op="claim"}`, `briefbot_ledger_duration_seconds_count{op="mark"}`,
		`briefbot_ledger_duration_seconds_count{op="first_seen"}`, `briefbot_ledger_duration_seconds_count{op="record"}`} {
		if n, _ := m.value(series); n == 0 {
			t.Errorf("%s = 0; want the calls made", series)
		}
	}
	loadedAt, _ := m.value("briefbot_config_last_reload_success_timestamp_seconds")
	if v, _ := m.value("briefbot_config_last_reload_successful"); v != 1 || loadedAt < float64(since.Unix()) {
		t.Errorf("at start: last reload successful %v at %v; want 1, at the start", v, loadedAt)
	}
	checkMetrics(t, m)

	// A refused reload leaves the running config stale: successful 0, its time unchanged.
	writeFile(t, dir, "briefbot.yaml", head+"  - {name: broken, platform: discord, schedule: \"every hour\", channel: 1}\n")
	m = awaitMetrics(t, s, "the refused reload", func(m scrape) bool {
		v, ok := m.value("briefbot_config_last_reload_successful")
		return ok && v == 0
	})
	if at, _ := m.value("briefbot_config_last_reload_success_timestamp_seconds"); at != loadedAt {
		t.Errorf("a refused reload moved the last success from %v to %v", loadedAt, at)
	}
	if n, _ := m.value(`briefbot_reloads_total{outcome="refused"}`); n != 1 {
		t.Errorf(`briefbot_reloads_total{outcome="refused"} = %v; want 1`, n)
	}

	// A reload without the refused digest: its series go, the others stay.
	writeFile(t, dir, "briefbot.yaml", head)
	m = awaitMetrics(t, s, "the good reload", func(m scrape) bool {
		v, _ := m.value("briefbot_config_last_reload_successful")
		return v == 1
	})
	if strings.Contains(string(m), `digest="gone"`) {
		t.Errorf("a digest the reload removed keeps series:\n%s", m)
	}
	if _, ok := m.value(`briefbot_digest_next_slot_timestamp_seconds{digest="hourly"}`); !ok {
		t.Errorf("the digests kept lost their series:\n%s", m)
	}
	if at, _ := m.value("briefbot_config_last_reload_success_timestamp_seconds"); at < loadedAt {
		t.Errorf("last success at %v after a good reload; want at least %v", at, loadedAt)
	}
}

// checkMetrics has promtool lint the scrape, when it is installed (scripts/promtool-test.sh
// installs it).
func checkMetrics(t *testing.T, m scrape) {
	t.Helper()
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Log("promtool is not installed: the scrape is not linted")
		return
	}
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = strings.NewReader(string(m))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

// BenchmarkLedgerTimed is the cost of timing every ledger call: a delivered slot's calls
// (Claim, LastPosted, Mark) on SQLite, bare and through the timed ledger serve uses.
func BenchmarkLedgerTimed(b *testing.B) {
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	out := store.Outcome{Result: store.Posted, MessageID: "1712345678.000100", Version: "v1"}
	for _, timed := range []bool{false, true} {
		b.Run(map[bool]string{false: "bare", true: "timed"}[timed], func(b *testing.B) {
			var l store.Ledger
			l, err := store.Open(context.Background(), "sqlite://"+filepath.Join(b.TempDir(), "l.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer l.Close()
			if timed {
				l = newMetrics().timed(l)
			}
			i := 0
			for b.Loop() {
				s := store.Slot{Digest: "morning", Platform: "discord", Channel: "C1", At: at.Add(time.Duration(i) * time.Minute)}
				i++
				if c, err := l.Claim(context.Background(), s, "replica-1", 20*time.Second, s.At); err != nil || !c.Taken {
					b.Fatalf("Claim = %+v, %v", c, err)
				}
				if _, err := l.LastPosted(context.Background(), s.Digest, s.Platform, s.Channel); err != nil {
					b.Fatal(err)
				}
				if err := l.Mark(context.Background(), s, "replica-1", out, s.At.Add(time.Second)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPlatformTransport is the cost of timing every call to a platform's API: a call to a
// local server, bare and through the transport serve gives the adapters.
func BenchmarkPlatformTransport(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"ok":true}`))
	}))
	defer srv.Close()
	for _, timed := range []bool{false, true} {
		b.Run(map[bool]string{false: "bare", true: "timed"}[timed], func(b *testing.B) {
			transport := http.RoundTripper(&http.Transport{MaxIdleConnsPerHost: 4})
			if timed {
				transport = newMetrics().transport("slack", transport)
			}
			client := &http.Client{Transport: transport}
			for b.Loop() {
				resp, err := client.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}
