package slack_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/slack"
)

// signingExample is Slack's documented signing example, from testdata.
type signingExample struct {
	secret, stamp, body, signature string
}

func readSigningExample(tb testing.TB) signingExample {
	tb.Helper()
	f, err := os.Open("testdata/slack-signing-example.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	kv := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			tb.Fatalf("bad line %q", line)
		}
		kv[k] = v
	}
	ex := signingExample{kv["SIGNING_SECRET"], kv["X-Slack-Request-Timestamp"], kv["BODY"], kv["X-Slack-Signature"]}
	if ex.secret == "" || ex.stamp == "" || ex.body == "" || ex.signature == "" {
		tb.Fatalf("incomplete signing example: %+v", kv)
	}
	if base := "v0:" + ex.stamp + ":" + ex.body; kv["BASESTRING"] != base {
		tb.Fatalf("BASESTRING is not v0:timestamp:body")
	}
	return ex
}

// TestSignatureSlackExample runs Slack's documented example through the handler, with the clock
// set to the example's time, and then every way the same request can be wrong.
func TestSignatureSlackExample(t *testing.T) {
	ex := readSigningExample(t)
	secs, err := strconv.ParseInt(ex.stamp, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	signedAt := time.Unix(secs, 0)
	tests := []struct {
		name      string
		now       time.Time
		body      string
		stamp     string
		signature string
		want      int
	}{
		{"documented example", signedAt, ex.body, ex.stamp, ex.signature, http.StatusOK},
		{"4m59s later", signedAt.Add(5*time.Minute - time.Second), ex.body, ex.stamp, ex.signature, http.StatusOK},
		{"exactly 5m later", signedAt.Add(5 * time.Minute), ex.body, ex.stamp, ex.signature, http.StatusOK},
		{"4m59s ahead", signedAt.Add(-5*time.Minute + time.Second), ex.body, ex.stamp, ex.signature, http.StatusOK},
		{"tampered body", signedAt, strings.Replace(ex.body, "text=", "text=x", 1), ex.stamp, ex.signature, http.StatusUnauthorized},
		{"body with a byte more", signedAt, ex.body + "&", ex.stamp, ex.signature, http.StatusUnauthorized},
		{"other timestamp, same signature", signedAt, ex.body, strconv.FormatInt(secs+1, 10), ex.signature, http.StatusUnauthorized},
		{"stale: 5m1s old", signedAt.Add(5*time.Minute + time.Second), ex.body, ex.stamp, ex.signature, http.StatusUnauthorized},
		{"stale: as published, today", time.Now(), ex.body, ex.stamp, ex.signature, http.StatusUnauthorized},
		{"future: 5m1s ahead", signedAt.Add(-5*time.Minute - time.Second), ex.body, ex.stamp, ex.signature, http.StatusUnauthorized},
		{"missing timestamp", signedAt, ex.body, "", ex.signature, http.StatusUnauthorized},
		{"missing signature", signedAt, ex.body, ex.stamp, "", http.StatusUnauthorized},
		{"timestamp not a number", signedAt, ex.body, "15314206l8", ex.signature, http.StatusUnauthorized},
		{"version v1", signedAt, ex.body, ex.stamp, "v1=" + strings.TrimPrefix(ex.signature, "v0="), http.StatusUnauthorized},
		{"no version", signedAt, ex.body, ex.stamp, strings.TrimPrefix(ex.signature, "v0="), http.StatusUnauthorized},
		{"malformed hex", signedAt, ex.body, ex.stamp, "v0=" + strings.Repeat("zz", 32), http.StatusUnauthorized},
		{"odd hex", signedAt, ex.body, ex.stamp, ex.signature[:len(ex.signature)-1], http.StatusUnauthorized},
		{"short signature", signedAt, ex.body, ex.stamp, ex.signature[:20], http.StatusUnauthorized},
		{"signature with a suffix", signedAt, ex.body, ex.stamp, ex.signature + "00", http.StatusUnauthorized},
		{"one digit off", signedAt, ex.body, ex.stamp, ex.signature[:len(ex.signature)-1] + "4", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := newBot(t, embeddedEngine(t), slack.Config{SigningSecret: ex.secret, Now: func() time.Time { return tc.now }})
			// The example is a slash command. On the interactivity URL a verified one has no
			// payload, which makes it a bad request instead of an unauthorized one.
			for _, h := range []struct {
				handler http.Handler
				ok      int
			}{{b.Commands(), http.StatusOK}, {b.Interactivity(), http.StatusBadRequest}} {
				r := httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader(tc.body))
				if tc.stamp != "" {
					r.Header.Set("X-Slack-Request-Timestamp", tc.stamp)
				}
				if tc.signature != "" {
					r.Header.Set("X-Slack-Signature", tc.signature)
				}
				want := tc.want
				if want == http.StatusOK {
					want = h.ok
				}
				if w := serve(h.handler, r); w.Code != want {
					t.Errorf("status %d, want %d (%s)", w.Code, want, strings.TrimSpace(w.Body.String()))
				}
			}
		})
	}
}

// TestSignatureWrongSecret re-signs a body with another secret.
func TestSignatureWrongSecret(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	body := commandBody("/help", "", memberUser, "")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", sign("another-secret", stamp, body))
	if w := serve(b.Commands(), r); w.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", w.Code)
	}
}

// TestSocketOnlyRefusesHTTP: without a signing secret nothing can be verified, so nothing is.
func TestSocketOnlyRefusesHTTP(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{AppToken: "xapp-1-test"})
	body := commandBody("/help", "", memberUser, "")
	stamp := strconv.FormatInt(time.Now().Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/slack/commands", bytes.NewReader(body))
	r.Header.Set("X-Slack-Request-Timestamp", stamp)
	r.Header.Set("X-Slack-Signature", sign("", stamp, body))
	if w := serve(b.Commands(), r); w.Code != http.StatusUnauthorized {
		t.Errorf("status %d, want 401", w.Code)
	}
}

func TestHTTPErrors(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	big := append([]byte("command=%2Fhelp&text="), bytes.Repeat([]byte("a"), 64<<10)...)
	tests := []struct {
		name    string
		handler http.Handler
		req     *http.Request
		want    int
	}{
		{"GET", b.Commands(), httptest.NewRequest(http.MethodGet, "/slack/commands", nil), http.StatusMethodNotAllowed},
		{"PUT", b.Commands(), httptest.NewRequest(http.MethodPut, "/slack/commands", nil), http.StatusMethodNotAllowed},
		{"GET interactivity", b.Interactivity(), httptest.NewRequest(http.MethodGet, "/slack/interactivity", nil), http.StatusMethodNotAllowed},
		{"ssl_check", b.Commands(), httptest.NewRequest(http.MethodGet, "/slack/commands?ssl_check=1&token=x", nil), http.StatusOK},
		{"ssl_check interactivity", b.Interactivity(), httptest.NewRequest(http.MethodGet, "/slack/interactivity?ssl_check=1", nil), http.StatusOK},
		{"unsigned", b.Commands(), httptest.NewRequest(http.MethodPost, "/slack/commands", strings.NewReader("command=%2Fhelp")), http.StatusUnauthorized},
		{"over 64 KiB", b.Commands(), signedRequest("/slack/commands", big), http.StatusRequestEntityTooLarge},
		{"64 KiB exactly", b.Commands(), signedRequest("/slack/commands", big[:64<<10]), http.StatusOK},
		{"bad form", b.Commands(), signedRequest("/slack/commands", []byte("command=%zz")), http.StatusBadRequest},
		{"cut escape", b.Commands(), signedRequest("/slack/commands", []byte("command=%2Fposition&text=%2")), http.StatusBadRequest},
		{"semicolon", b.Commands(), signedRequest("/slack/commands", []byte("command=%2Fposition;text=x")), http.StatusBadRequest},
		{"no command", b.Commands(), signedRequest("/slack/commands", []byte("text=sovereignty")), http.StatusBadRequest},
		{"empty body", b.Commands(), signedRequest("/slack/commands", nil), http.StatusBadRequest},
		{"no payload", b.Interactivity(), signedRequest("/slack/interactivity", []byte("x=1")), http.StatusBadRequest},
		{"payload not JSON", b.Interactivity(), signedRequest("/slack/interactivity", []byte("payload=%7Bnope")), http.StatusBadRequest},
		{"payload without type", b.Interactivity(), signedRequest("/slack/interactivity", []byte("payload=%7B%7D")), http.StatusBadRequest},
		{"payload of another kind", b.Interactivity(), signedRequest("/slack/interactivity", []byte("payload=%7B%22type%22%3A%22view_closed%22%7D")), http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(tc.handler, tc.req)
			if w.Code != tc.want {
				t.Errorf("status %d, want %d (%s)", w.Code, tc.want, strings.TrimSpace(w.Body.String()))
			}
			if w.Code == http.StatusMethodNotAllowed && w.Header().Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST", w.Header().Get("Allow"))
			}
		})
	}
}

// commandCases are the slash commands of the golden files, as Slack sends them.
var commandCases = []struct {
	name, command, text, user string
	private                   bool
	title                     string
}{
	{"position-sovereignty", "/position", "sovereignty", memberUser, false, "Sovereignty"},
	{"position-troops-mexico", "/position", "troops mexico", memberUser, false, "Military Troop Deployment"},
	{"position-named-options", "/position", "issue:border surveillance party:us", memberUser, false, "Border Surveillance"},
	{"position-typo", "/position", "sovreignty", memberUser, false, "Sovereignty"},
	{"position-unknown", "/position", "weather", memberUser, true, "No issue matches “weather”"},
	{"position-missing", "/position", "", memberUser, true, "Missing issue"},
	{"compare", "/compare", "", memberUser, false, "Positions"},
	{"briefing", "/briefing", "", memberUser, false, "Mexico rejects U.S. troops plan"},
	{"briefing-history", "/briefing", "history", memberUser, false, "History"},
	{"briefing-quote", "/briefing", "why mexico said no", memberUser, false, "Why Mexico said no"},
	{"facts", "/facts", "", memberUser, false, "Key figures"},
	{"timeline", "/timeline", "", memberUser, false, "Timeline"},
	{"search", "/brief-search", "fentanyl cartels", memberUser, false, "Search: fentanyl cartels"},
	{"search-nothing", "/brief-search", "zzzz", memberUser, true, "Nothing matches “zzzz”"},
	{"umbrella", "/briefbot", "position sovereignty", memberUser, false, "Sovereignty"},
	{"umbrella-search", "/briefbot", "search fentanyl", memberUser, false, "Search: fentanyl"},
	{"umbrella-empty", "/briefbot", "", memberUser, true, "briefbot"},
	{"search-by-its-reserved-name", "/search", "fentanyl", memberUser, true, "Unknown command"},
	{"digest-preview", "/digest", "", memberUser, true, "Daily briefing, Monday 7 April 2025"},
	{"digest-now-member", "/digest", "now", memberUser, true, "Only admins can post the digest"},
	{"digest-now-admin", "/digest", "now", adminUser, true, "No digest is configured"},
	{"digest-status", "/digest", "status", memberUser, true, "No digest is configured"},
	{"help", "/help", "", memberUser, true, "briefbot"},
	{"too-many-words", "/compare", "a b c", memberUser, true, "Too many words"},
	{"unknown-command", "/weather", "today", memberUser, true, "Unknown command"},
}

// TestCommandsGolden sends every command through the HTTP handler, signed, and compares the
// answer with its golden file; the same reply through ResponseJSON, as `briefbot ask --format
// slack` prints it, must match too.
func TestCommandsGolden(t *testing.T) {
	e := embeddedEngine(t)
	b := newBot(t, e, slack.Config{})
	for _, tc := range commandCases {
		t.Run(tc.name, func(t *testing.T) {
			w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, tc.user, "https://hooks.slack.invalid/x")))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			got := indent(t, w.Body.Bytes())
			golden(t, tc.name, got)

			m := decode(t, w.Body.Bytes())
			wantType := "in_channel"
			if tc.private {
				wantType = "ephemeral"
			}
			if m.ResponseType != wantType {
				t.Errorf("%s %q: response_type %q, want %q", tc.command, tc.text, m.ResponseType, wantType)
			}
			if m.header() != tc.title {
				t.Errorf("%s %q: header %q, want %q", tc.command, tc.text, m.header(), tc.title)
			}
			checkLimits(t, tc.name, m)

			req, _ := e.ParseOn("slack", tc.command, tc.text)
			req.Caller = bot.Caller{Platform: "slack", User: tc.user}
			cli, err := slack.ResponseJSON(bot.NewCore(e).Handle(context.Background(), req))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(cli, got) {
				t.Errorf("ResponseJSON differs from the HTTP answer:\n%s", cli)
			}
		})
	}
}

// TestRenderShapes checks what the golden files are meant to show.
func TestRenderShapes(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	ask := func(command, text string) slackMessage {
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(command, text, memberUser, "")))
		return decode(t, w.Body.Bytes())
	}

	pos := ask("/position", "sovereignty")
	wantPos := [][]string{
		{"United States", "Mexico"},
		{"Views security cooperation as joint necessity", "Prioritizes independence and historical context"},
	}
	if got := pos.table(); !slices.EqualFunc(got, wantPos, slices.Equal) {
		t.Errorf("/position sovereignty: table %q, want United States and Mexico side by side:\n%q", got, wantPos)
	}
	if !strings.Contains(pos.Text, "\nUnited States: Views security cooperation as joint necessity\nMexico: Prioritizes") {
		t.Errorf("/position sovereignty: text %q does not carry the positions", pos.Text)
	}
	single := ask("/position", "troops mexico")
	if single.table() != nil || len(single.Blocks[2].Fields) != 1 {
		t.Errorf("/position troops mexico: one party's position is a table, or not one field: %+v", single.Blocks[2])
	}
	if pos.Blocks[1].Type != "context" || pos.Blocks[len(pos.Blocks)-2].Type != "context" {
		t.Errorf("/position sovereignty: want the briefing and the source as context blocks")
	}
	btns := pos.buttons()
	if len(btns) != 1 || btns[0].Value != "/compare briefing:us-mexico-troops" || !strings.HasPrefix(btns[0].ActionID, "briefbot-") {
		t.Errorf("/position sovereignty: buttons %+v", btns)
	}

	cmp := ask("/compare", "")
	table := cmp.table()
	if len(table) != 6 || !slices.Equal(table[0], []string{"Issue", "United States", "Mexico"}) ||
		!slices.Equal(table[5], []string{"Sovereignty", "Views security cooperation as joint necessity", "Prioritizes independence and historical context"}) {
		t.Errorf("/compare: table %q, want a header row and a row per issue", table)
	}
	for _, bl := range cmp.Blocks {
		if bl.Type == "section" && len(bl.Fields) > 0 {
			t.Errorf("/compare: the table is drawn twice, also as fields: %+v", bl)
		}
		if bl.Type == "table" && (len(bl.ColumnSettings) != 3 || !bl.ColumnSettings[1].IsWrapped) {
			t.Errorf("/compare: column settings %+v, want every column wrapped", bl.ColumnSettings)
		}
	}
	if !strings.Contains(cmp.Text, "\n\nBorder Surveillance\nUnited States: Expanding high-tech border systems\nMexico: ") {
		t.Errorf("/compare: text %q does not carry the table", cmp.Text)
	}

	quote := ask("/briefing", "why mexico said no")
	found := false
	for _, s := range quote.strings() {
		if strings.HasPrefix(s, "> Sovereignty is not for sale.") {
			found = true
		}
	}
	if !found {
		t.Errorf("/briefing why mexico said no: no quote kept as \"> \" lines: %q", quote.strings())
	}

	facts := ask("/facts", "")
	if !strings.Contains(strings.Join(facts.strings(), "\n"), "*Over 70%*: share of fentanyl") {
		t.Errorf("/facts: items are not \"*Label*: text\"")
	}
}

// TestMentionInjection sends text that would ping or link if echoed as typed.
func TestMentionInjection(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	tests := []struct{ command, text string }{
		{"/position", "<!channel>"},
		{"/position", "&lt;!channel&gt;"},
		{"/position", "<!here> mexico"},
		{"/brief-search", "@here <@U123>"},
		{"/brief-search", "&lt;@U123&gt; &lt;!everyone&gt;"},
		{"/brief-search", "<!subteam^S123|@team>"},
		{"/briefing", "<https://evil.example|click here>"},
		{"/briefing", "<#C123|general>"},
		{"/timeline", "<!channel>"},
		{"/digest", "<!channel>"},
		{"/position", "issue:<@U123> party:<!here>"},
		{"/<!channel>", "<!channel>"},
	}
	for _, tc := range tests {
		name := tc.command + " " + tc.text
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(tc.command, tc.text, memberUser, "")))
		if w.Code != http.StatusOK {
			t.Errorf("%s: status %d", name, w.Code)
			continue
		}
		noLiveMentions(t, name, w.Body.Bytes())
		checkLimits(t, name, decode(t, w.Body.Bytes()))
	}
}

// TestButtonPress presses the button of a /position answer: Slack gets an empty 200 and the
// answer goes to response_url.
func TestButtonPress(t *testing.T) {
	rs := newResponseServer(t)
	b := newBot(t, embeddedEngine(t), slack.Config{})
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/digest", "preview", memberUser, rs.URL+"/commands/1")))
	btns := decode(t, w.Body.Bytes()).buttons()
	if len(btns) != 1 {
		t.Fatalf("/position sovereignty has %d buttons, want 1", len(btns))
	}

	w = serve(b.Interactivity(), signedRequest("/slack/interactivity", interactionBody(t, memberUser, rs.URL+"/actions/1", btns[0])))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("interactivity answered %d %q, want 200 and no body", w.Code, w.Body)
	}
	posted := rs.next(t)
	m := decode(t, posted)
	if m.header() != "Positions" || m.ResponseType != "in_channel" {
		t.Errorf("posted %q (%s), want the Positions table in the channel", m.header(), m.ResponseType)
	}
	if m.ReplaceOriginal == nil || *m.ReplaceOriginal {
		t.Errorf("replace_original = %v, want false: the answer is a new message", m.ReplaceOriginal)
	}
	checkLimits(t, "button answer", m)
	golden(t, "button-compare", indent(t, posted))

	// A button that is not ours, or has no value, does nothing.
	foreign := element{ActionID: "someone-else", Value: "/digest now"}
	serve(b.Interactivity(), signedRequest("/slack/interactivity", interactionBody(t, adminUser, rs.URL+"/actions/2", foreign)))
	rs.none(t, b)
}

// TestButtonPressAdmin: a button's command runs with the presser's rights, not the poster's.
func TestButtonPressAdmin(t *testing.T) {
	rs := newResponseServer(t)
	b := newBot(t, embeddedEngine(t), slack.Config{})
	press := element{ActionID: "briefbot-0", Value: "/digest now"}
	for _, tc := range []struct{ user, title string }{
		{memberUser, "Only admins can post the digest"},
		{adminUser, "No digest is configured"},
	} {
		serve(b.Interactivity(), signedRequest("/slack/interactivity", interactionBody(t, tc.user, rs.URL, press)))
		if got := decode(t, rs.next(t)).header(); got != tc.title {
			t.Errorf("%s pressing /digest now: %q, want %q", tc.user, got, tc.title)
		}
	}
}

// TestSlowAnswer: a slow command's answer not ready by the deadline is posted to response_url,
// and Slack gets an ephemeral "Working on it…" at once.
func TestSlowAnswer(t *testing.T) {
	rs := newResponseServer(t)
	e := embeddedEngine(t)
	b := newBot(t, e, slack.Config{})
	core := bot.NewCore(e)
	release := make(chan struct{})
	slack.SetAnswerDeadline(b, 10*time.Millisecond)
	slack.SetAnswer(b, func(ctx context.Context, req bot.Request) bot.Reply {
		<-release
		return core.Handle(ctx, req)
	})

	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/digest", "preview", memberUser, rs.URL+"/commands/1")))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	first := decode(t, w.Body.Bytes())
	if first.ResponseType != "ephemeral" || first.Text != "Working on it…" {
		t.Errorf("first answer %+v, want an ephemeral Working on it…", first)
	}
	select {
	case body := <-rs.posts:
		t.Fatalf("posted before the engine answered: %s", body)
	default:
	}

	close(release)
	late := decode(t, rs.next(t))
	if !strings.HasPrefix(late.header(), "Daily briefing") || late.ResponseType != "ephemeral" {
		t.Errorf("late answer %q (%s), want the digest preview, privately", late.header(), late.ResponseType)
	}
	checkLimits(t, "late answer", late)
}

// TestSlowAnswerClose: closing the bot while an answer is late neither hangs nor posts.
func TestSlowAnswerClose(t *testing.T) {
	rs := newResponseServer(t)
	e := embeddedEngine(t)
	b := newBot(t, e, slack.Config{})
	core := bot.NewCore(e)
	release := make(chan struct{})
	defer close(release)
	slack.SetAnswerDeadline(b, time.Millisecond)
	slack.SetAnswer(b, func(ctx context.Context, req bot.Request) bot.Reply {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return core.Handle(ctx, req)
	})
	serve(b.Commands(), signedRequest("/slack/commands", commandBody("/digest", "status", memberUser, rs.URL)))
	rs.none(t, b)
}

// FuzzCommandText: no text a user can type makes the handler fail, panic, ping anyone or break a
// Block Kit limit.
func FuzzCommandText(f *testing.F) {
	for _, s := range []string{"", "sovereignty", "troops mexico", "issue:", ":", "party:us issue:troops briefing:x",
		"<!channel>", "&amp;&lt;&gt;", "&", strings.Repeat("é", 4000), "\x00\xff", "history us-mexico-troops"} {
		f.Add("/position", s)
		f.Add("/brief-search", s)
		f.Add("/briefing", s)
	}
	e := embeddedEngine(f)
	b := newBot(f, e, slack.Config{})
	f.Fuzz(func(t *testing.T, command, text string) {
		w := serve(b.Commands(), signedRequest("/slack/commands", commandBody(command, text, memberUser, "")))
		if command == "" {
			if w.Code != http.StatusBadRequest {
				t.Errorf("no command: status %d", w.Code)
			}
			return
		}
		if w.Code != http.StatusOK {
			t.Fatalf("%s %q: status %d", command, text, w.Code)
		}
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: invalid JSON", command, text)
		}
		m := decode(t, w.Body.Bytes())
		checkLimits(t, command+" "+text, m)
		noLiveMentions(t, command+" "+text, w.Body.Bytes())
	})
}

// TestQuickCommandsAnswerInTheRequest: a command the engine does not mark slow is answered in the
// HTTP response itself, never through response_url, however long the deadline.
func TestQuickCommandsAnswerInTheRequest(t *testing.T) {
	rs := newResponseServer(t)
	e := embeddedEngine(t)
	b := newBot(t, e, slack.Config{})
	slack.SetAnswerDeadline(b, 0)
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/position", "sovereignty", memberUser, rs.URL)))
	if got := decode(t, w.Body.Bytes()).header(); got != "Sovereignty" {
		t.Errorf("/position answered %q in the request; want Sovereignty", got)
	}
	rs.none(t, b)
}
