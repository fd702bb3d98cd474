package preview

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"briefbot/bot/bottest"
)

func TestAskShowsEveryPlatform(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	code, body := get(t, srv, "/?q="+url.QueryEscape("/position troops mexico"))
	if code != http.StatusOK {
		t.Fatalf("GET /?q=/position troops mexico = %d", code)
	}
	const want = "Strongly opposes any foreign military presence"
	for _, id := range []string{"dc-h", "sl-h", "tm-h"} {
		if v := section(body, id); !strings.Contains(v, want) {
			t.Errorf("view %s of /position troops mexico lacks %q:\n%s", id, want, v)
		}
	}
	// The button runs the line the adapters put in it.
	if !strings.Contains(body, `href="/?q=%2fcompare%20briefing%3aus-mexico-troops"`) {
		t.Errorf("no Full comparison button linking to its command line:\n%s", body)
	}
}

func TestAskAnswersLikeEachPlatform(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	tests := []struct {
		line, view, want string
	}{
		{"/help", "sl-h", "/brief-search"}, // Slack's own name for /search
		{"/help", "dc-h", "/search"},
		{"/brief-search tunnels", "dc-h", "Search: tunnels"}, // a Slack name is read too
		{"/position banana", "dc-h", "Only you can see this"},
		{"/position banana", "sl-h", "Only visible to you"},
		{"/digest now", "tm-h", "The preview never posts"},
		{"/facts", "dc-h", "<strong>Over 70%</strong>"},                   // Discord's **bold**, drawn
		{"/facts", "sl-h", "<strong>Over 70%</strong>"},                   // Slack's *bold*, drawn
		{"/compare", "sl-h", `<table class="sltable"><tr><th>Issue</th>`}, // Slack's table block, drawn
		{"/position sovereignty", "sl-h", "<td>Views security cooperation as joint necessity</td>"},
	}
	for _, tc := range tests {
		_, body := get(t, srv, "/?q="+url.QueryEscape(tc.line))
		if v := section(body, tc.view); !strings.Contains(v, tc.want) {
			t.Errorf("GET /?q=%s: view %s lacks %q:\n%s", tc.line, tc.view, tc.want, v)
		}
	}
}

func TestTypedTextNeverBecomesMarkup(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	line := `/search <script>alert(1)</script> @everyone <!channel> **x**`
	_, body := get(t, srv, "/?q="+url.QueryEscape(line))
	if strings.Contains(body, "<script>alert") {
		t.Fatalf("typed markup reached the page:\n%s", body)
	}
}

func TestProblemsReplaceTheContent(t *testing.T) {
	srv, _ := newServer(t, brokenState())
	for _, path := range []string{"/", "/?q=/compare", "/digests", "/briefings"} {
		code, body := get(t, srv, path)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, code)
		}
		for _, want := range []string{`<code class="where">briefbot.yaml:9</code>`, html.EscapeString(`unknown time zone "Mexico City"`),
			`<code class="where">briefings/extra.md:12</code>`, "2 problems stop the config"} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q:\n%s", path, want, body)
			}
		}
		if strings.Contains(body, `class="views"`) {
			t.Errorf("GET %s shows answers while the config is broken", path)
		}
	}
}

func TestRefreshGetsOnlyTheLiveParts(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	_, body := get(t, srv, "/?q=/compare", "X-Preview-Part", "live")
	if !strings.HasPrefix(body, `<p id="status"`) || strings.Contains(body, "<html") || !strings.Contains(body, `id="live"`) {
		t.Errorf("live part = %.300s...; want the status and the live region only", body)
	}
}

func TestEventsNameEachChange(t *testing.T) {
	srv, src := newServer(t, goodState(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/events", nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q", ct)
	}
	lines := bufio.NewScanner(resp.Body)
	next := func() string {
		for lines.Scan() {
			if data, ok := strings.CutPrefix(lines.Text(), "data: "); ok {
				return data
			}
		}
		t.Fatalf("stream ended: %v", lines.Err())
		return ""
	}
	first := next()
	_, page := get(t, srv, "/")
	if !strings.Contains(page, `data-stamp="`+first+`"`) {
		t.Errorf("page does not carry the stamp %q the stream names", first)
	}
	src.Set(brokenState())
	if second := next(); second == first {
		t.Errorf("after a change the stream named %q again", second)
	}
}

func TestComplete(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	tests := []struct {
		line, want string
	}{
		{"/po", "/position "},
		{"/position sov", "/position sovereignty"},
		{"/position sovreignty", "/position sovereignty"},
		{"/position troops mex", "/position troops mx"},
		{"/position issue:border party:m", "/position issue:border party:mx"},
		{"/briefing hist", "/briefing history"},
		{"/digest n", "/digest now"},
		{"/briefbot pos", "/briefbot position "},
		{"/compare us-mex", "/compare us-mexico-troops"},
	}
	for _, tc := range tests {
		_, body := get(t, srv, "/complete?line="+url.QueryEscape(tc.line))
		var got []string
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatalf("complete(%q): %v in %s", tc.line, err, body)
		}
		if !slices.Contains(got, tc.want) {
			t.Errorf("complete(%q) = %q; want it to hold %q", tc.line, got, tc.want)
		}
	}
	// The page offers the same before any script runs.
	_, body := get(t, srv, "/?q="+url.QueryEscape("/position sov"))
	if !strings.Contains(body, `<option value="/position sovereignty">`) {
		t.Errorf("datalist lacks /position sovereignty")
	}
}

func TestDigestsView(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	_, body := get(t, srv, "/digests")
	body = html.UnescapeString(body) // html/template writes "+" as "&#43;"
	for _, want := range []string{
		"America/Mexico_City", "C0123", "C0456", "CST, UTC-06:00", // Mexico keeps no daylight saving time
		"Europe/Berlin", "CET, UTC+01:00", "CEST, UTC+02:00", // Berlin's clocks move on 30 March 2025
		"does not exist that day", "<td>yes</td>",
		// The first run falls on a day the digest rests on: shown skipped, with why.
		`Fri 28 Mar 2025 09:00<br><span class="tag">skipped</span> <small>Office closed (closures.ics)</small>`,
		"<dt>Posts</dt><dd>in a thread, mentioning S0123ABCD</dd>",
		"Daily briefing, Monday 31 March 2025", // the post it makes next, in its zone
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /digests lacks %q", want)
		}
	}
	if strings.Count(body, `class="tag">skipped`) != 1 {
		t.Errorf("GET /digests shows %d runs skipped; want 1", strings.Count(body, `class="tag">skipped`))
	}
	_, body = get(t, srv, "/digests?digest=morning&date=2025-03-28")
	if want := "it rests that day (Office closed (closures.ics)), so nothing is posted"; !strings.Contains(html.UnescapeString(body), want) {
		t.Errorf("GET /digests?digest=morning&date=2025-03-28 does not say %q", want)
	}
	// The first digest posts on Slack: only Slack's view is shown.
	if section(body, "sl-h") == "" || section(body, "dc-h") != "" {
		t.Errorf("the Slack digest's post is not shown on Slack alone")
	}
	_, body = get(t, srv, "/digests?digest=berlin&date=2025-04-08")
	if !strings.Contains(section(body, "dc-h"), "Daily briefing, Tuesday 8 April 2025") {
		t.Errorf("GET /digests?digest=berlin&date=2025-04-08 lacks that day's post on Discord")
	}
	_, body = get(t, srv, "/digests?date=tomorrow")
	if !strings.Contains(body, html.EscapeString(`"tomorrow" is not a date`)) {
		t.Errorf("a bad date is not explained")
	}
}

func TestBriefingsView(t *testing.T) {
	st := goodState(t)
	srv, _ := newServer(t, st)
	b := st.Engine.DefaultBriefing()
	_, body := get(t, srv, "/briefings?words=fentanyl")
	for _, want := range []string{b.Version, b.Title, "military-troop-deployment", "Search results", "fentanyl"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /briefings?words=fentanyl lacks %q", want)
		}
	}
}

func TestRefusesOtherHosts(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	req, _ := http.NewRequest("GET", srv.URL+"/", nil)
	req.Host = "attacker.example:8090"
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("GET / with Host %s = %d; want %d", req.Host, resp.StatusCode, http.StatusMisdirectedRequest)
	}
}

// TestPageWeight keeps the page small: each view, with an answer where it has one, and its
// assets.
func TestPageWeight(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	assets := 0
	for _, path := range []string{"/assets/style.css", "/assets/live.js"} {
		code, body := get(t, srv, path)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, code)
		}
		assets += len(body)
	}
	for _, path := range []string{"/?q=" + url.QueryEscape("/compare"), "/?q=" + url.QueryEscape("/briefing history"),
		"/digests", "/briefings?words=fentanyl"} {
		code, body := get(t, srv, path)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d", path, code)
		}
		total := len(body) + assets
		t.Logf("GET %s: %d bytes, %d with its assets", path, len(body), total)
		if total > 100_000 {
			t.Errorf("GET %s weighs %d bytes with its assets; want under 100 KB", path, total)
		}
	}
}

func BenchmarkAsk(b *testing.B) {
	h := New(NewLatest(goodState(b)), Options{})
	req, _ := http.NewRequest("GET", "/?q="+url.QueryEscape("/position troops mexico"), nil)
	for b.Loop() {
		w := &discardWriter{header: http.Header{}}
		h.ServeHTTP(w, req)
		if w.code != 0 && w.code != http.StatusOK {
			b.Fatalf("status %d", w.code)
		}
	}
}

type discardWriter struct {
	header http.Header
	code   int
}

func (w *discardWriter) Header() http.Header         { return w.header }
func (w *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *discardWriter) WriteHeader(code int)        { w.code = code }

// TestLongAnswersShowTheirPages: the page asks each platform for the pages its messages hold,
// as the adapters do, and draws Discord's Previous greyed on the first page, Next as the line
// it runs; the terminal prints every hit.
func TestLongAnswersShowTheirPages(t *testing.T) {
	st := goodState(t)
	st.Engine = bottest.EngineFrom(t, bottest.TunnelLog(40))
	srv, _ := newServer(t, st)
	_, body := get(t, srv, "/?q="+url.QueryEscape("/search tunnels"))
	dc, sl, tm := section(body, "dc-h"), section(body, "sl-h"), section(body, "tm-h")
	if !strings.Contains(dc, `<span class="button" aria-disabled="true">`) {
		t.Errorf("Discord's first page has no greyed Previous:\n%s", dc)
	}
	next := `href="/?q=%2fsearch%20words%3atunnels%20page%3a2"`
	for name, v := range map[string]string{"Discord": dc, "Slack": sl} {
		if !strings.Contains(v, next) {
			t.Errorf("%s's first page has no Next to page 2:\n%s", name, v)
		}
		if strings.Contains(v, "Site 40:") {
			t.Errorf("%s's first page shows the last hit:\n%s", name, v)
		}
	}
	if !strings.Contains(tm, "Site 40:") {
		t.Errorf("the terminal does not print every hit:\n%s", tm)
	}
	_, body = get(t, srv, "/?q="+url.QueryEscape("/search words:tunnels page:2"))
	if v := section(body, "dc-h"); strings.Contains(v, `aria-disabled`) || !strings.Contains(v, `page%3a1"`) {
		t.Errorf("Discord's page 2 lacks an enabled Previous to page 1:\n%s", v)
	}
}

// TestHomeTabShowsMemberAndAdmin: the Home view draws Slack's Home tab from the payload
// views.publish would take, for a member and, with the digests, for an admin.
func TestHomeTabShowsMemberAndAdmin(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	code, body := get(t, srv, "/home")
	if code != http.StatusOK {
		t.Fatalf("GET /home = %d", code)
	}
	member, admin := section(body, "hm-h"), section(body, "ha-h")
	for name, v := range map[string]string{"member": member, "admin": admin} {
		for _, want := range []string{"Mexico rejects U.S. troops plan", `href="/?q=%2fposition`, `&#34;type&#34;: &#34;home&#34;`} {
			if !strings.Contains(v, want) {
				t.Errorf("the %s's Home tab lacks %q:\n%s", name, want, v)
			}
		}
	}
	if strings.Contains(member, "Digests") {
		t.Errorf("a member's Home tab shows the digests:\n%s", member)
	}
	if !strings.Contains(admin, "Digests") {
		t.Errorf("an admin's Home tab lacks the digests:\n%s", admin)
	}
}

// TestFindAndDMAsThePlatformsAsk: a message's text is answered as Find in briefing answers it,
// privately (with no Share: its question is someone else's message); Discord's answer from a DM lists no /digest, which Discord
// offers only in servers.
func TestFindAndDMAsThePlatformsAsk(t *testing.T) {
	srv, _ := newServer(t, goodState(t))
	tests := []struct {
		query, view string
		has         []string
		lacks       string
	}{
		{"find=" + url.QueryEscape("what does Mexico say about intel sharing?"), "dc-h",
			[]string{"Intelligence Sharing", "Only you can see this"}, "Share to channel"},
		{"find=" + url.QueryEscape("what does Mexico say about intel sharing?"), "sl-h",
			[]string{"Intelligence Sharing", "Only visible to you"}, "Share to channel"},
		{"q=%2Fhelp&dm=1", "dc-h", []string{"In a server where briefbot is installed: /digest"}, "/digest ["},
		{"q=%2Fhelp&dm=1", "sl-h", []string{"/digest ["}, "In a server where"},
		{"q=%2Fhelp", "dc-h", []string{"/digest ["}, "In a server where"},
	}
	for _, tc := range tests {
		_, body := get(t, srv, "/?"+tc.query)
		v := section(body, tc.view)
		for _, want := range tc.has {
			if !strings.Contains(v, want) {
				t.Errorf("GET /?%s: view %s lacks %q:\n%s", tc.query, tc.view, want, v)
			}
		}
		if tc.lacks != "" && strings.Contains(v, tc.lacks) {
			t.Errorf("GET /?%s: view %s shows %q:\n%s", tc.query, tc.view, tc.lacks, v)
		}
	}
}
