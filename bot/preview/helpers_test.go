package preview

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/schedule"
	"briefbot/bot/store"
	"briefbot/internal/cron"
)

// brokenConfig is a problem as config check reports it.
const brokenConfig = `briefbot.yaml:9: digest "morning": unknown time zone "Mexico City" (use an IANA name such as America/Mexico_City)`

// goodState is the embedded briefing with two digests, one in a zone that keeps daylight saving
// time, on bottest's fixed day. The first posts in a thread with a mention and rests on the day
// of its first run.
func goodState(tb testing.TB) State {
	tb.Helper()
	morning := digestView(tb, "morning", "slack", "America/Mexico_City", "0 9 * * 1-5", "C0123", "C0456")
	morning.Thread, morning.Mention = true, "S0123ABCD"
	morning.Closed = func(date string) (string, bool) { return "Office closed (closures.ics)", date == "2025-03-28" }
	berlin := digestView(tb, "berlin", "discord", "Europe/Berlin", "30 2 * * *", "123456789012345678")
	return State{
		Engine:   scheduled(tb, morning.Digest, berlin.Digest),
		Warnings: []string{`briefbot.yaml:4: slack.bot_token is written in the file: use ${SLACK_BOT_TOKEN}`},
		Digests: []DigestView{
			morning,
			berlin,
		},
		Loaded: bottest.Day(),
	}
}

// scheduled is the embedded briefing's engine with a scheduler of digests that posts nothing,
// over a ledger in memory, as briefbot preview makes it: /digest status and an admin's Home tab
// list them.
func scheduled(tb testing.TB, digests ...bot.Digest) *bot.Engine {
	tb.Helper()
	ledger, err := store.Open(context.Background(), "sqlite://:memory:")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ledger.Close() })
	sched, err := schedule.New(schedule.Config{Digests: digests, Ledger: ledger, Owner: "preview-test",
		Compose: func(context.Context, bot.Digest, time.Time, string) (bot.Reply, string) { return bot.Reply{}, "" }})
	if err != nil {
		tb.Fatal(err)
	}
	return bottest.Engine(tb, bot.Config{Digests: sched})
}

// digestView reads the schedule as the command line does, through the scheduler's own code.
func digestView(tb testing.TB, name, platform, zone, spec string, channels ...string) DigestView {
	tb.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		tb.Fatalf("LoadLocation(%q): %v", zone, err)
	}
	sched, err := cron.Parse(spec, loc)
	if err != nil {
		tb.Fatalf("cron.Parse(%q): %v", spec, err)
	}
	// From late March, so that the Berlin digest crosses the change of the clocks.
	return DigestView{Digest: bot.Digest{Name: name, Platform: platform, Channels: channels, Schedule: sched},
		Next: sched.Runs(time.Date(2025, 3, 28, 0, 0, 0, 0, time.UTC), 5)}
}

func brokenState() State {
	return State{Problems: []string{brokenConfig, "briefings/extra.md:12: figure \"70%\" has no source"}}
}

// newServer serves the page over a Latest the test controls.
func newServer(t *testing.T, st State) (*httptest.Server, *Latest) {
	t.Helper()
	src := NewLatest(st)
	srv := httptest.NewServer(New(src, Options{Now: bottest.Day, Hosts: []string{"127.0.0.1", "localhost", "::1"}}))
	// Open pages hold an event stream, which Close would wait for.
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return srv, src
}

// get fetches path and returns the status and body.
func get(t *testing.T, srv *httptest.Server, path string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, string(body)
}

// section is the part of a page between the heading with id and the next view's heading.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return ""
	}
	rest := body[i:]
	if j := strings.Index(rest[1:], `<section class="view"`); j >= 0 {
		return rest[:j+1]
	}
	return rest
}
