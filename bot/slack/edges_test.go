package slack_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// The tests in this file sit on the edges of the adapter's rules, where a flipped comparison
// would change what Slack receives, what a config may say, or which request is let in.

// TestFormEscapes: an escape is "%" and two hex digits of either case; anything else next to a
// "%" makes the form malformed.
func TestFormEscapes(t *testing.T) {
	b := newBot(t, embeddedEngine(t), slack.Config{})
	tests := []struct {
		text string // the form's text field, as sent
		want int
	}{
		{"%3a%3A", http.StatusOK},
		{"%af%AF%09%90", http.StatusOK},
		{"%2g", http.StatusBadRequest}, // past f
		{"%2G", http.StatusBadRequest}, // past F
		{"%2`", http.StatusBadRequest}, // before a
		{"%2@", http.StatusBadRequest}, // before A
		{"%2/", http.StatusBadRequest}, // before 0
		{"%2:", http.StatusBadRequest}, // past 9
		{"%", http.StatusBadRequest},
		{"%a", http.StatusBadRequest},
	}
	for _, tc := range tests {
		// The escape goes last, where a cut one ends the body.
		body := []byte("command=%2fhelp&trigger_id=" + slacktest.TriggerID() + "&text=" + tc.text)
		if w := serve(b.Commands(), signedRequest("/slack/commands", body)); w.Code != tc.want {
			t.Errorf("text=%s: status %d, want %d (%s)", tc.text, w.Code, tc.want, strings.TrimSpace(w.Body.String()))
		}
	}
}

// TestSignatureWindowEdges: a request signed exactly five minutes from our clock, either way, is
// still inside Slack's window; a second more is not.
func TestSignatureWindowEdges(t *testing.T) {
	now := time.Unix(1744000000, 0)
	c := &clock{now: now}
	var n atomic.Int32
	b := countingBot(t, c, &n)
	tests := []struct {
		name     string
		signedAt time.Time
		want     int
	}{
		{"5m ago", now.Add(-5 * time.Minute), http.StatusOK},
		{"5m ahead", now.Add(5 * time.Minute), http.StatusOK},
		{"5m1s ago", now.Add(-5*time.Minute - time.Second), http.StatusUnauthorized},
		{"5m1s ahead", now.Add(5*time.Minute + time.Second), http.StatusUnauthorized},
	}
	for _, tc := range tests {
		r := slacktest.Request("/slack/commands", commandBody("/help", "", memberUser, ""), tc.signedAt)
		if w := serve(b.Commands(), r); w.Code != tc.want {
			t.Errorf("signed %s: status %d, want %d", tc.name, w.Code, tc.want)
		}
	}
}

// trustTLS makes the adapter's response_url client trust srv's certificate until the test
// ends. The adapter posts with the default transport; Slack's response_urls are https.
func trustTLS(t *testing.T, srv *httptest.Server) {
	t.Helper()
	saved := http.DefaultTransport
	tr := saved.(*http.Transport).Clone()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	http.DefaultTransport = tr
	t.Cleanup(func() { http.DefaultTransport = saved })
}

// TestButtonAnswerDelivery presses a button whose answer goes to response_url. Only an http(s)
// URL with a host is posted to; an answer that is not delivered (no usable URL, or anything but
// a 200) is logged, there being nobody else to tell.
func TestButtonAnswerDelivery(t *testing.T) {
	var posts atomic.Int32
	answer := func(status int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			posts.Add(1)
			w.WriteHeader(status)
		})
	}
	plain := httptest.NewServer(answer(http.StatusOK))
	t.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(answer(http.StatusOK))
	t.Cleanup(secure.Close)
	trustTLS(t, secure)
	refusing := httptest.NewServer(answer(http.StatusNotFound))
	t.Cleanup(refusing.Close)
	accepting := httptest.NewServer(answer(http.StatusAccepted))
	t.Cleanup(accepting.Close)

	tests := []struct {
		name, url string
		posted    bool
		logged    bool
	}{
		{"https", secure.URL + "/actions/1", true, false},
		{"http", plain.URL + "/actions/1", true, false},
		{"answered 404", refusing.URL + "/actions/1", true, true},
		{"answered 202", accepting.URL + "/actions/1", true, true},
		{"another scheme", "ftp" + strings.TrimPrefix(plain.URL, "http") + "/actions/1", false, true},
		{"no host", "https:///actions/1", false, true},
		{"not a URL", "http://[::1", false, true},
		{"none", "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts.Store(0)
			logs := &safeLog{}
			b, err := slack.New(slack.Config{BotToken: testToken, SigningSecret: testSecret}, bot.NewCore(embeddedEngine(t)), logs.Logger())
			if err != nil {
				t.Fatal(err)
			}
			press := element{ActionID: "briefbot-0", Value: "/help"}
			w := serve(b.Interactivity(), signedRequest("/slack/interactivity", interactionBody(t, memberUser, tc.url, press)))
			if w.Code != http.StatusOK {
				t.Fatalf("interactivity answered %d", w.Code)
			}
			slack.WaitBackground(b) // Close would cancel the answer under way
			b.Close()
			if posted := posts.Load() == 1; posted != tc.posted {
				t.Errorf("posted to %q: %t; want %t", tc.url, posted, tc.posted)
			}
			if logged := strings.Contains(logs.String(), "button answer not delivered"); logged != tc.logged {
				t.Errorf("logged as not delivered: %t; want %t\n%s", logged, tc.logged, logs)
			}
		})
	}
}

// TestLateAnswerDelivery: a slash command's answer that misses the deadline goes to response_url;
// when it is not delivered there, that is logged, there being nobody else to tell.
func TestLateAnswerDelivery(t *testing.T) {
	var posts atomic.Int32
	server := func(status int) *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			posts.Add(1)
			w.WriteHeader(status)
		}))
		t.Cleanup(srv.Close)
		return srv
	}
	tests := []struct {
		name, url string
		posted    bool
		logged    bool
	}{
		{"delivered", server(http.StatusOK).URL, true, false},
		{"refused", server(http.StatusInternalServerError).URL, true, true},
		{"no response_url", "", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			posts.Store(0)
			logs := &safeLog{}
			core := bot.NewCore(embeddedEngine(t))
			b, err := slack.New(slack.Config{BotToken: testToken, SigningSecret: testSecret}, core, logs.Logger())
			if err != nil {
				t.Fatal(err)
			}
			// The answer waits until the request has been answered "Working on it…", so it is
			// late whatever the machine's speed.
			release := make(chan struct{})
			slack.SetAnswerDeadline(b, time.Millisecond)
			slack.SetAnswer(b, func(ctx context.Context, req bot.Request) bot.Reply {
				<-release
				return core.Handle(ctx, req)
			})
			w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/digest", "preview", memberUser, tc.url)))
			if first := decode(t, w.Body.Bytes()); first.Text != "Working on it…" {
				t.Fatalf("first answer %+v; want Working on it…", first)
			}
			close(release)
			slack.WaitBackground(b)
			b.Close()
			if posted := posts.Load() == 1; posted != tc.posted {
				t.Errorf("posted: %t; want %t", posted, tc.posted)
			}
			if logged := strings.Contains(logs.String(), "late answer not delivered"); logged != tc.logged {
				t.Errorf("logged as not delivered: %t; want %t\n%s", logged, tc.logged, logs)
			}
		})
	}
}

// renderOf is what ResponseJSON renders r as.
func renderOf(t *testing.T, r bot.Reply) slackMessage {
	t.Helper()
	raw, err := slack.ResponseJSON(r)
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, raw)
}

// paragraphs is n one-word paragraphs.
func paragraphs(n int) []bot.Block {
	out := make([]bot.Block, n)
	for i := range out {
		out[i] = bot.Block{Text: "p" + strconv.Itoa(i)}
	}
	return out
}

// fields is n fields that each take a section of their own.
func fields(n int) []bot.Field {
	out := make([]bot.Field, n)
	for i := range out {
		out[i] = bot.Field{Name: "f" + strconv.Itoa(i), Value: "v"}
	}
	return out
}

// TestSectionCountEdges: body and fields that take exactly Slack's 50 blocks stay one section a
// paragraph; one more, and the paragraphs are packed into fewer sections, the fields counted too,
// before anything is cut.
func TestSectionCountEdges(t *testing.T) {
	t.Run("exactly 50", func(t *testing.T) {
		m := renderOf(t, bot.Reply{Blocks: paragraphs(30), Fields: fields(20)})
		if len(m.Blocks) != 50 || m.Blocks[0].Text.Text != "p0" || m.Blocks[29].Text.Text != "p29" {
			t.Errorf("%d blocks, the first %q; want 50, one a paragraph", len(m.Blocks), m.Blocks[0].Text.Text)
		}
	})
	t.Run("51", func(t *testing.T) {
		m := renderOf(t, bot.Reply{Blocks: paragraphs(31), Fields: fields(20)})
		var texts []string
		for _, b := range m.Blocks {
			if b.Text != nil {
				texts = append(texts, b.Text.Text)
			}
		}
		if len(m.Blocks) != 21 || !strings.HasPrefix(texts[0], "p0\n\np1\n\n") || strings.Contains(strings.Join(texts, "\n"), "(shortened)") {
			t.Errorf("%d blocks %q; want the paragraphs packed into one section, then the 20 fields, nothing cut", len(m.Blocks), texts)
		}
	})
}

// TestPackingSeparators: packed sections keep the lines of a quotation together and set every
// other text apart by a blank line, on either side of a quotation.
func TestPackingSeparators(t *testing.T) {
	blocks := append([]bot.Block{
		{Kind: bot.Paragraph, Text: "before"},
		{Kind: bot.Quote, Text: "said"},
		{Kind: bot.Quote, Text: "and said"},
		{Kind: bot.Paragraph, Text: "after"},
	}, paragraphs(60)...)
	m := renderOf(t, bot.Reply{Blocks: blocks})
	want := "before\n\n> said\n> and said\n\nafter\n\np0\n\n"
	if got := m.Blocks[0].Text.Text; !strings.HasPrefix(got, want) {
		t.Errorf("packed section starts %q; want %q", got[:min(len(got), len(want))], want)
	}
}

// TestQuotePackingEdge: the lines of a quotation share a section while they fit its 3000
// characters, counted as if set apart by a blank line.
func TestQuotePackingEdge(t *testing.T) {
	quote := func(n int) bot.Reply {
		line := strings.Repeat("x", n)
		return bot.Reply{Blocks: []bot.Block{{Kind: bot.Quote, Text: line + "\n" + line}}}
	}
	// Each line is "> " and n: 1499 + 2 + 1499 is 3000.
	if m := renderOf(t, quote(1497)); len(m.Blocks) != 1 {
		t.Errorf("two quoted lines that fit a section: %d sections, want 1", len(m.Blocks))
	}
	if m := renderOf(t, quote(1498)); len(m.Blocks) != 2 {
		t.Errorf("two quoted lines a character too long for a section: %d sections, want 2", len(m.Blocks))
	}
}

// TestButtonsNeedLabelAndCommand: a button needs both a label to show and a command to run.
func TestButtonsNeedLabelAndCommand(t *testing.T) {
	r := bot.Reply{Title: "Answer", Actions: []bot.Action{
		{Label: "", Command: "/help"},
		{Label: "Help", Command: ""},
		{Label: "  ", Command: "/help"},
		{Label: "Compare", Command: "/compare"},
	}}
	var got []string
	for _, e := range renderOf(t, r).buttons() {
		got = append(got, elementText(e.Text)+" = "+e.Value)
	}
	if want := []string{"Compare = /compare"}; !reflect.DeepEqual(got, want) {
		t.Errorf("buttons %q; want %q", got, want)
	}
}

// TestCheck is the settings judgement itself: each problem with its key and no list index
// (-1), so that config check points at the key's line.
func TestCheck(t *testing.T) {
	problem := func(key, msg string) bot.SettingProblem {
		return bot.SettingProblem{Platform: "slack", Key: key, Index: -1, Format: msg}
	}
	tests := []struct {
		name string
		cfg  slack.Config
		want []bot.SettingProblem
	}{
		{"request URLs", slack.Config{SigningSecret: "s"}, nil},
		{"socket mode", slack.Config{AppToken: "xapp-1"}, nil},
		{"nothing to receive with", slack.Config{BotToken: "xoxb-1"}, []bot.SettingProblem{
			problem("", "needs signing_secret (Request URLs) or app_token (Socket Mode)")}},
		{"bot token as app token", slack.Config{AppToken: "xoxb-1"}, []bot.SettingProblem{problem("app_token", "must be an app-level token (xapp-...)")}},
		{"app token as bot token", slack.Config{SigningSecret: "s", BotToken: "xapp-1"}, []bot.SettingProblem{problem("bot_token", "must be a bot token (xoxb-...)")}},
		{"api url with a slash", slack.Config{SigningSecret: "s", APIURL: "https://slack.test/api/"}, nil},
		{"api url without", slack.Config{SigningSecret: "s", APIURL: "http://127.0.0.1:1/api"}, nil},
		{"api url of another scheme", slack.Config{SigningSecret: "s", APIURL: "ftp://slack.test/api/"}, []bot.SettingProblem{problem("api_url", "must be an http(s) URL")}},
		{"api url without a host", slack.Config{SigningSecret: "s", APIURL: "https:///api/"}, []bot.SettingProblem{problem("api_url", "must be an http(s) URL")}},
		{"api url with a query", slack.Config{SigningSecret: "s", APIURL: "https://slack.test/api/?a=1"}, []bot.SettingProblem{problem("api_url", "must not carry a query or fragment")}},
		{"api url with a fragment", slack.Config{SigningSecret: "s", APIURL: "https://slack.test/api/#a"}, []bot.SettingProblem{problem("api_url", "must not carry a query or fragment")}},
		{"admins", slack.Config{SigningSecret: "s", AdminUserIDs: []string{" U1 ", "W2", "U" + strings.Repeat("9", 23)}}, nil},
		{"admins that are not users", slack.Config{SigningSecret: "s", AdminUserIDs: []string{"C1", "U", "u1", "U1a", "U" + strings.Repeat("9", 24)}}, []bot.SettingProblem{
			problem("admin_user_ids", `"C1" is not a Slack user id (U... or W...)`),
			problem("admin_user_ids", `"U" is not a Slack user id (U... or W...)`),
			problem("admin_user_ids", `"u1" is not a Slack user id (U... or W...)`),
			problem("admin_user_ids", `"U1a" is not a Slack user id (U... or W...)`),
			problem("admin_user_ids", `"U`+strings.Repeat("9", 24)+`" is not a Slack user id (U... or W...)`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := bottest.ProblemLines(slack.Check(tc.cfg)), bottest.ProblemLines(tc.want); !reflect.DeepEqual(got, want) {
				t.Errorf("Check(%+v) = %q; want %q", tc.cfg, got, want)
			}
		})
	}
}

// TestValidChannel: a digest posts to a public channel (C), a private one (G) or a direct
// message (D), named in upper-case letters and digits, 2 to 24 long.
func TestValidChannel(t *testing.T) {
	for id, want := range map[string]bool{
		"C1": true, "G1": true, "D1": true, "C0123ABCZ9": true, "C" + strings.Repeat("Z", 23): true,
		"": false, "C": false, "U1": false, "c1": false, "C1a": false, "C1-": false, "C@": false, "C[": false, "C/": false, "C:": false,
		"C" + strings.Repeat("Z", 24): false,
	} {
		if got := slack.ValidChannel(id); got != want {
			t.Errorf("ValidChannel(%q) = %t; want %t", id, got, want)
		}
	}
}
