package slack_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
	"briefbot/internal/cron"
)

// homeDigests is a scheduler with one digest, run once, with a day skipped: what an admin's
// Home tab shows, at fixed times so that the golden file holds still.
type homeDigests struct{}

func (homeDigests) Digests() []bot.Digest {
	weekdays, _ := cron.Parse("0 9 * * 1-5", time.UTC)
	return []bot.Digest{{Name: "morning", Briefing: "trade-talks", Platform: "slack", Channels: []string{testChannel}, Schedule: weekdays}}
}

func (homeDigests) Status(context.Context) ([]bot.ChannelStatus, error) {
	return []bot.ChannelStatus{{Digest: "morning", Platform: "slack", Channel: testChannel, Zone: time.UTC,
		Next: time.Date(2025, 4, 8, 9, 0, 0, 0, time.UTC), LastResult: "posted", LastAt: time.Date(2025, 4, 7, 9, 0, 0, 0, time.UTC)}}, nil
}

func (homeDigests) Holds(context.Context, string) ([]bot.Hold, error) {
	return []bot.Hold{{Digest: "morning", Skip: "2025-04-18", By: "slack:" + adminUser, At: time.Date(2025, 4, 7, 8, 0, 0, 0, time.UTC)}}, nil
}

func (homeDigests) PostNow(context.Context, string, string) (bot.NowResult, error) {
	return bot.NowResult{}, nil
}
func (homeDigests) Hold(context.Context, bot.Hold) error                         { return nil }
func (homeDigests) Unhold(context.Context, string, string, string) (bool, error) { return false, nil }
func (homeDigests) Audit(context.Context, int) ([]bot.AuditLine, error)          { return nil, nil }

// homeEngine answers from a briefing edited once since its stored earlier version, with a digest.
func homeEngine(tb testing.TB) *bot.Engine {
	return bottest.EngineWith(tb, bot.Config{Versions: bottest.History(tb, bottest.BriefingBefore, bottest.BriefingAfter),
		Digests: homeDigests{}, Access: admins}, bottest.BriefingAfter)
}

// homeBot is a Bot over HTTP whose Web API is the fake views.publish.
func homeBot(tb testing.TB, views *slacktest.Views, cfg slack.Config) *slack.Bot {
	cfg.APIURL, cfg.BotToken = views.URL(), slacktest.BotToken
	return newBot(tb, homeEngine(tb), cfg)
}

// postEvent sends an Events API body to the bot's events endpoint, signed now.
func postEvent(b *slack.Bot, body []byte) *http.Response {
	return serve(b.Events(), slacktest.EventRequest("/slack/events", body, time.Now())).Result()
}

// A homeView is a published Home tab, decoded for checks.
type homeView struct {
	Type   string  `json:"type"`
	Blocks []block `json:"blocks"`
}

// checkHome decodes a published view and checks it against Slack's limits and the engine: every
// button runs a command line that answers.
func checkHome(tb testing.TB, name string, raw json.RawMessage, e *bot.Engine, caller bot.Caller) homeView {
	tb.Helper()
	var v homeView
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("%s: decode view: %v\n%s", name, err, raw)
	}
	if v.Type != "home" || len(v.Blocks) == 0 || len(v.Blocks) > slack.MaxBlocks+5 {
		tb.Errorf("%s: view of type %q with %d blocks; want home, within Slack's 100", name, v.Type, len(v.Blocks))
	}
	checkLimits(tb, name, slackMessage{Text: "the view has no text of its own", Blocks: v.Blocks})
	m := slackMessage{Blocks: v.Blocks}
	for _, btn := range m.buttons() {
		if got := bottest.LineAs(e, btn.Value, caller); got.Status != bot.Answered {
			tb.Errorf("%s: button %q = %v %q; want an answer", name, btn.Value, got.Status, got.Title)
		}
	}
	return v
}

// TestHomeOverHTTP: opening the Home tab publishes it for that user, an admin's with the
// digests; the event is acknowledged at once, and the tab published after.
func TestHomeOverHTTP(t *testing.T) {
	tests := []struct {
		name, user string
		admin      bool
	}{
		{"home-member", memberUser, false},
		{"home-admin", adminUser, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			views := slacktest.NewViews(t)
			b := homeBot(t, views, slack.Config{})
			resp := postEvent(b, slacktest.EventCallback("Ev-"+tc.user, slacktest.AppHomeOpened(tc.user, "home")))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("app_home_opened: %s, want 200", resp.Status)
			}
			user, raw := views.Next(t)
			if user != tc.user {
				t.Errorf("published for %q, want %q", user, tc.user)
			}
			v := checkHome(t, tc.name, raw, homeEngine(t), bot.Caller{Platform: "slack", User: tc.user})
			golden(t, tc.name, indent(t, raw))
			text := string(raw)
			for _, want := range []string{"Trade talks", "Since version", "1 position changed", "/brief-search"} {
				if !strings.Contains(text, want) {
					t.Errorf("the view lacks %q", want)
				}
			}
			if got := strings.Contains(text, "Digests") && strings.Contains(text, "skips 2025-04-18"); got != tc.admin {
				t.Errorf("digests and holds shown: %v, want %v", got, tc.admin)
			}
			if !tc.admin {
				noLiveMentions(t, tc.name, raw)
			}
			t.Logf("%s: %d blocks, %d bytes of view JSON", tc.name, len(v.Blocks), len(raw))
		})
	}
}

// TestEventsURLVerification: Slack checks a new request URL with a signed challenge, answered
// with the challenge itself.
func TestEventsURLVerification(t *testing.T) {
	b := homeBot(t, slacktest.NewViews(t), slack.Config{})
	w := serve(b.Events(), slacktest.EventRequest("/slack/events", slacktest.URLVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"), time.Now()))
	var got struct {
		Challenge string `json:"challenge"`
	}
	if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &got) != nil || got.Challenge != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("url_verification = %d %s; want 200 and the challenge", w.Code, w.Body)
	}
}

// TestEventsPublishOnce: Slack delivers an event again when it thinks the answer came late; the
// Home tab is published once for each event id.
func TestEventsPublishOnce(t *testing.T) {
	views := slacktest.NewViews(t)
	b := homeBot(t, views, slack.Config{})
	body := slacktest.EventCallback("Ev-once", slacktest.AppHomeOpened(memberUser, "home"))
	for try := range 3 {
		r := slacktest.EventRequest("/slack/events", body, time.Now())
		if try > 0 {
			r.Header.Set("X-Slack-Retry-Num", "1")
			r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if w := serve(b.Events(), r); w.Code != http.StatusOK {
			t.Errorf("delivery %d: %d, want 200 so that Slack stops retrying", try+1, w.Code)
		}
	}
	views.Next(t)
	// Another opening is another event, and publishes again.
	if resp := postEvent(b, slacktest.EventCallback("Ev-again", slacktest.AppHomeOpened(memberUser, "home"))); resp.StatusCode != http.StatusOK {
		t.Fatalf("second opening: %s", resp.Status)
	}
	views.Next(t)
	_ = b.Close()
	if n := views.Count(memberUser); n != 2 {
		t.Errorf("%d views published for two events, one delivered thrice; want 2", n)
	}
}

// TestEventsRefused: an unsigned or wrongly signed event is refused before it is read; an event
// briefbot does not answer, or the opening of another tab, is acknowledged and publishes nothing.
func TestEventsRefused(t *testing.T) {
	views := slacktest.NewViews(t)
	b := homeBot(t, views, slack.Config{})
	opened := slacktest.EventCallback("Ev-forged", slacktest.AppHomeOpened(adminUser, "home"))

	forged := slacktest.EventRequest("/slack/events", opened, time.Now())
	forged.Header.Set("X-Slack-Signature", sign("another-secret", forged.Header.Get("X-Slack-Request-Timestamp"), opened))
	stale := slacktest.EventRequest("/slack/events", opened, time.Now().Add(-10*time.Minute))
	unsigned := slacktest.EventRequest("/slack/events", opened, time.Now())
	unsigned.Header.Del("X-Slack-Signature")
	for name, r := range map[string]*http.Request{"forged": forged, "stale": stale, "unsigned": unsigned} {
		if w := serve(b.Events(), r); w.Code != http.StatusUnauthorized {
			t.Errorf("%s event: %d, want 401", name, w.Code)
		}
	}

	ignored := map[string][]byte{
		"app_mention":   slacktest.EventCallback("Ev-mention", map[string]any{"type": "app_mention", "user": memberUser, "text": "hi", "ts": "1.2", "channel": testChannel, "event_ts": "1.2"}),
		"unknown event": slacktest.EventCallback("Ev-unknown", map[string]any{"type": "briefbot_never_heard_of_it"}),
		"messages tab":  slacktest.EventCallback("Ev-messages", slacktest.AppHomeOpened(memberUser, "messages")),
		"app rate limited": []byte(`{"token":"x","type":"app_rate_limited","team_id":"T0001",` +
			`"minute_rate_limited":1518467820,"api_app_id":"A0001"}`),
	}
	for name, body := range ignored {
		if resp := postEvent(b, body); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s, want 200", name, resp.Status)
		}
	}
	if resp := postEvent(b, []byte("not json")); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a signed body that is not JSON: %s, want 400", resp.Status)
	}
	if w := serve(b.Events(), httptestGet("/slack/events")); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", w.Code)
	}
	_ = b.Close()
	views.Mu.Lock()
	defer views.Mu.Unlock()
	if views.Calls != 0 {
		t.Errorf("views.publish called %d times; want none", views.Calls)
	}
}

func httptestGet(path string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, path, nil)
	return r
}

// TestHomeRateLimited: a 429 from views.publish is waited out for its Retry-After, and the tab
// published then.
func TestHomeRateLimited(t *testing.T) {
	views := slacktest.NewViews(t)
	views.Mu.Lock()
	views.RateLimited, views.RetryAfter = 1, 1
	views.Mu.Unlock()
	b := homeBot(t, views, slack.Config{})
	start := time.Now()
	postEvent(b, slacktest.EventCallback("Ev-limited", slacktest.AppHomeOpened(memberUser, "home")))
	views.Next(t)
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("published %v after a 429 with Retry-After: 1; want a second's wait", waited)
	}
	views.Mu.Lock()
	defer views.Mu.Unlock()
	if views.Calls != 2 || views.Publishes[memberUser] != 1 {
		t.Errorf("%d calls, %d published; want 2 calls, 1 published", views.Calls, views.Publishes[memberUser])
	}
}

// TestHomeOverSocketMode: the same event as a Socket Mode events_api envelope is acknowledged,
// and the same Home tab published as over HTTP; the event delivered again, in another envelope,
// is acknowledged and publishes nothing more.
func TestHomeOverSocketMode(t *testing.T) {
	views := slacktest.NewViews(t)
	b := homeBot(t, views, slack.Config{AppToken: testAppToken})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	body := slacktest.EventCallback("Ev-socket", slacktest.AppHomeOpened(adminUser, "home"))
	views.Socket.DeliverEvent(t, "env-home", body)
	if ack := views.Socket.Ack(t, "env-home"); len(ack["payload"]) != 0 {
		t.Errorf("the ack of an event carries a payload: %s", ack["payload"])
	}
	user, raw := views.Next(t)
	if user != adminUser {
		t.Errorf("published for %q, want %q", user, adminUser)
	}
	// The same view as over HTTP, byte for byte; the HTTP test owns the golden file.
	if want, err := os.ReadFile("testdata/home-admin.golden.json"); err != nil || !bytes.Equal(bytes.TrimSpace(want), indent(t, raw)) {
		t.Errorf("the view published over Socket Mode is not testdata/home-admin.golden.json (%v):\n%s", err, indent(t, raw))
	}

	views.Socket.DeliverEvent(t, "env-home-again", body)
	views.Socket.Ack(t, "env-home-again")
	views.Socket.DeliverEvent(t, "env-messages", slacktest.EventCallback("Ev-socket-messages", slacktest.AppHomeOpened(adminUser, "messages")))
	views.Socket.Ack(t, "env-messages")
	_ = b.Close()
	if n := views.Count(adminUser); n != 1 {
		t.Errorf("%d views published; want 1", n)
	}
}

// TestHomeButtonAnswersInMessages: a button in the Home tab comes without a response_url, so
// its answer goes to the presser's Messages tab with the app: a message to the user's id.
func TestHomeButtonAnswersInMessages(t *testing.T) {
	api := slacktest.NewWebAPI(t)
	b := newBot(t, homeEngine(t), slack.Config{APIURL: api.URL(), BotToken: slacktest.BotToken})
	payload, err := json.Marshal(map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": memberUser, "username": "someone", "team_id": "T0001"},
		"api_app_id": "A0001",
		"container":  map[string]any{"type": "view", "view_id": "V0123"},
		"trigger_id": slacktest.TriggerID(),
		"team":       map[string]any{"id": "T0001"},
		"view":       map[string]any{"id": "V0123", "type": "home"},
		"actions": []map[string]any{{
			"type": "button", "block_id": "briefbot-actions-0", "action_id": "briefbot-0",
			"value": "/compare", "text": map[string]any{"type": "plain_text", "text": "/compare"},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(url.Values{"payload": {string(payload)}}.Encode())
	if w := serve(b.Interactivity(), signedRequest("/slack/interactivity", body)); w.Code != http.StatusOK {
		t.Fatalf("interactivity answered %d %q", w.Code, w.Body)
	}
	deadline := time.Now().Add(5 * time.Second)
	for len(api.InChannel(memberUser)) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	got := api.InChannel(memberUser)
	if len(got) != 1 || !strings.Contains(got[0].Blocks, "Positions") {
		t.Fatalf("messages to %s = %+v; want the /compare answer once", memberUser, got)
	}
}
