package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"briefbot/bot"
	"briefbot/bot/discord/discordtest"
	"briefbot/bot/slack/slacktest"
)

// The matrix beyond commands: "Find in briefing" run on a message (Discord's message command,
// Slack's message shortcut), the page buttons under a long answer and Share to channel under a
// private one, and Slack's Home tab, each on every surface of the running bot where its
// platform has it. The shell has none of them: it answers a line, whole, to whoever typed it.

// A findRow is message text someone runs "Find in briefing" on: the private answer's title is
// title and, where body is set, the answer holds body too; only limits it as matrixRow's does.
type findRow struct {
	text, title, body string
	only              func(s matrixSetup) bool
}

var findRows = []findRow{
	{text: "what does Mexico say about intel sharing?",
		title: "In the briefings: “what does Mexico say about intel sharing?”", body: "Intelligence Sharing"},
	{text: "Where do the tunnels run?", title: "In the briefings: “Where do the tunnels run?”", body: "Passages"},
	{text: "what about the night tolls on the bridge?", title: "In the briefings: “what about the night tolls on the bridge?”",
		body: "Night Tolls", only: threeOnly},
	{text: "lunch at noon?", title: "Nothing in the briefings matches that message"},
	{text: "?!", title: "That message has no words to find"},
}

// A matrixAnswer is one message the bot answered with, read as each platform sends it.
type matrixAnswer struct {
	title   string
	raw     []byte // as sent, to look for words in
	buttons []matrixButton
	public  bool   // everyone in the channel sees it
	updates bool   // it replaces the message whose button was pressed
	footer  string // Discord's last footer, Slack's last context: where the page is
}

// A matrixButton is a button under an answer: its label, its id (Discord's custom_id, Slack's
// action_id) and, on Slack, its value.
type matrixButton struct{ label, id, value string }

// String is what a failure shows of the answer.
func (a matrixAnswer) String() string {
	return fmt.Sprintf("%q (public %v, updates %v, footer %q)", a.title, a.public, a.updates, a.footer)
}

func (a matrixAnswer) button(label string) (matrixButton, bool) {
	for _, btn := range a.buttons {
		if btn.label == label {
			return btn, true
		}
	}
	return matrixButton{}, false
}

// An actionSurface is one way into the running bot for what is not typed: a command's whole
// answer, "Find in briefing" on a message, and a press of a button under a message, private or
// not, the message named by id (a Discord message id, a Slack ts). A press answers with every
// message it makes.
type actionSurface struct {
	name    string
	command func(t *testing.T, c matrixCase) matrixAnswer
	find    func(t *testing.T, text string) matrixAnswer
	press   func(t *testing.T, btn matrixButton, private bool, message string) []matrixAnswer
	home    func(t *testing.T, user string) // opens the Home tab; nil where the platform has none
}

func (b *matrixBot) actionSurfaces() []actionSurface {
	return []actionSurface{
		{"slack http", b.slackHTTPReply, b.slackFind(b.slackPostInteractive), b.slackPress(b.slackPostInteractive), b.slackHomeHTTP},
		{"slack socket mode", b.slackSocketReply, b.slackFind(b.slackDeliverInteractive), b.slackPress(b.slackDeliverInteractive), b.slackHomeSocket},
		{"discord http", b.discordCommand(b.discordPost), b.discordFind(b.discordPost), b.discordPress(b.discordPost), nil},
		{"discord gateway", b.discordCommand(b.discordDispatch), b.discordFind(b.discordDispatch), b.discordPress(b.discordDispatch), nil},
	}
}

// testActions runs the rows of findRows, the Next button of /search mexico, the Home tab and
// the Share button of /help on every surface with them.
func (b *matrixBot) testActions(t *testing.T, setup matrixSetup) {
	for i, s := range b.actionSurfaces() {
		t.Run(s.name, func(t *testing.T) {
			for _, r := range findRows {
				if r.only != nil && !r.only(setup) {
					continue
				}
				a := s.find(t, r.text)
				if a.title != r.title || a.public {
					t.Errorf("Find in briefing on %q on %s = %q (public %v); want a private %q", r.text, s.name, a.title, a.public, r.title)
				}
				if r.body != "" && !bytes.Contains(a.raw, []byte(r.body)) {
					t.Errorf("Find in briefing on %q on %s: %s\nwant %q in it", r.text, s.name, a.raw, r.body)
				}
			}

			search := matrixCase{command: "search", line: "mexico", options: named("words", "mexico")}
			first := s.command(t, search)
			next, ok := first.button("Next →")
			if !ok {
				t.Errorf("/search mexico on %s: buttons %+v; want Next →", s.name, first.buttons)
			} else if !strings.HasPrefix(first.footer, "Page 1 of") {
				t.Errorf("/search mexico on %s: footer %q; want Page 1 of", s.name, first.footer)
			} else {
				got := s.press(t, next, false, strconv.Itoa(1361000000000000200+i))
				if len(got) != 1 || !got[0].updates || got[0].title != "Search: mexico" || !strings.HasPrefix(got[0].footer, "Page 2 of") {
					t.Errorf("Next → under /search mexico on %s = %v; want page 2 in its place", s.name, got)
				}
			}

			if s.home != nil {
				user := "U0HOME" + strconv.Itoa(i)
				s.home(t, user)
				got, view := b.views.Next(t)
				for _, want := range []string{`"type":"home"`, "Mexico rejects U.S. troops plan"} {
					if got != user || !bytes.Contains(view, []byte(want)) {
						t.Errorf("the Home tab %s opened on %s: published %s for %q; want %s in it", user, s.name, view, got, want)
					}
				}
			}

			help := s.command(t, matrixCase{command: "help", options: [][2]string{}})
			share, ok := help.button("Share to channel")
			if help.public || !ok {
				t.Fatalf("/help on %s: public %v, buttons %+v; want a private answer with Share to channel", s.name, help.public, help.buttons)
			}
			message := strconv.Itoa(1361000000000000300 + i) // a message of its own: shared once
			answers := s.press(t, share, true, message)
			again := s.press(t, share, true, message)
			var public []string
			for _, a := range append(answers, again...) {
				if a.public {
					public = append(public, a.title)
				}
			}
			if len(public) != 1 || public[0] != "briefbot" {
				t.Errorf("Share to channel under /help on %s, pressed twice, posted %q; want briefbot once", s.name, public)
			}
			if len(again) != 1 || again[0].title != "Already shared" || again[0].public {
				t.Errorf("a second Share under /help on %s = %v; want a private Already shared", s.name, again)
			}
			select {
			case raw := <-b.responses:
				t.Errorf("on %s, a message no one waited for, at response_url: %s", s.name, raw)
			case raw := <-b.discord.Callbacks:
				t.Errorf("on %s, a message no one waited for, over Discord's REST: %s", s.name, raw)
			default:
			}
		})
	}
}

// Slack

// slackFront is the api_url the matrix bot is given: views.publish goes to views, the rest of
// the Web API and Socket Mode's apps.connections.open to web.
func slackFront(t *testing.T, web *slacktest.WebAPI, views *slacktest.Views) string {
	t.Helper()
	proxy := func(base string) *httputil.ReverseProxy {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		return httputil.NewSingleHostReverseProxy(u)
	}
	toWeb, toViews := proxy(web.Server.URL), proxy(views.Server.URL)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/views.publish" {
			toViews.ServeHTTP(w, r)
			return
		}
		toWeb.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL + "/api/"
}

// slackHomeHTTP posts app_home_opened to /slack/events, signed, as Slack does.
func (b *matrixBot) slackHomeHTTP(t *testing.T, user string) {
	t.Helper()
	body := slacktest.EventCallback("Ev-"+slacktest.TriggerID(), slacktest.AppHomeOpened(user, "home"))
	req, err := http.NewRequest(http.MethodPost, b.base+"/slack/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	slacktest.SetHeaders(req.Header, body, time.Now())
	do(t, req)
}

// slackHomeSocket hands app_home_opened over Socket Mode as an events_api envelope.
func (b *matrixBot) slackHomeSocket(t *testing.T, user string) {
	t.Helper()
	id := "env-" + slacktest.TriggerID()
	b.socket.DeliverEvent(t, id, slacktest.EventCallback("Ev-"+slacktest.TriggerID(), slacktest.AppHomeOpened(user, "home")))
	b.socket.Ack(t, id)
}

func (b *matrixBot) slackHTTPReply(t *testing.T, c matrixCase) matrixAnswer {
	t.Helper()
	body := []byte(url2form(b.slackForm(c)))
	req, err := http.NewRequest(http.MethodPost, b.base+"/slack/commands", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slacktest.SetHeaders(req.Header, body, time.Now())
	return b.slackReply(t, do(t, req))
}

func (b *matrixBot) slackSocketReply(t *testing.T, c matrixCase) matrixAnswer {
	t.Helper()
	id := "env-" + slacktest.TriggerID()
	payload := map[string]any{}
	for k, v := range b.slackForm(c) {
		payload[k] = v
	}
	b.socket.Deliver(t, map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true, "payload": payload})
	ack := b.socket.Ack(t, id)
	return b.slackReply(t, ack["payload"])
}

// slackPostInteractive posts an interactivity payload to /slack/interactivity, signed, as Slack
// does; the answer goes to its response_url.
func (b *matrixBot) slackPostInteractive(t *testing.T, payload map[string]any) {
	t.Helper()
	js, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(url.Values{"payload": {string(js)}}.Encode())
	req, err := http.NewRequest(http.MethodPost, b.base+"/slack/interactivity", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	slacktest.SetHeaders(req.Header, body, time.Now())
	do(t, req)
}

// slackDeliverInteractive hands the payload over Socket Mode; the answer goes to its
// response_url.
func (b *matrixBot) slackDeliverInteractive(t *testing.T, payload map[string]any) {
	t.Helper()
	id := "env-" + slacktest.TriggerID()
	b.socket.Deliver(t, map[string]any{"envelope_id": id, "type": "interactive", "accepts_response_payload": false, "payload": payload})
	b.socket.Ack(t, id)
}

// slackFind runs the "Find in briefing" message shortcut on a message of text.
func (b *matrixBot) slackFind(send func(*testing.T, map[string]any)) func(*testing.T, string) matrixAnswer {
	return func(t *testing.T, text string) matrixAnswer {
		t.Helper()
		send(t, map[string]any{
			"type": "message_action", "callback_id": "briefbot_find", "trigger_id": slacktest.TriggerID(),
			"action_ts": "1700000002.000300", "message_ts": "1700000000.000100",
			"team":         map[string]any{"id": "T0001", "domain": "example"},
			"user":         map[string]any{"id": matrixAdmin, "username": "ana", "team_id": "T0001"},
			"channel":      map[string]any{"id": "C0123", "name": "policy"},
			"message":      map[string]any{"type": "message", "user": "U0002", "ts": "1700000000.000100", "text": slackEscape.Replace(text)},
			"response_url": b.respURL + "/find", "token": "ignored-verification-token",
		})
		return b.slackReply(t, nil)
	}
}

// slackEscape is how Slack sends a message's text: &, < and > escaped, quotes as they are.
var slackEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// slackPress presses a button under the message sent at ts. A Share answers twice: the post in
// the channel, then the private answer again without its button.
func (b *matrixBot) slackPress(send func(*testing.T, map[string]any)) func(*testing.T, matrixButton, bool, string) []matrixAnswer {
	return func(t *testing.T, btn matrixButton, private bool, ts string) []matrixAnswer {
		t.Helper()
		send(t, map[string]any{
			"type": "block_actions", "api_app_id": "A0001", "token": "ignored-verification-token",
			"user":         map[string]any{"id": matrixAdmin, "username": "ana", "team_id": "T0001"},
			"team":         map[string]any{"id": "T0001", "domain": "example"},
			"channel":      map[string]any{"id": "C0123", "name": "policy"},
			"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": "C0123", "is_ephemeral": private},
			"trigger_id":   slacktest.TriggerID(),
			"response_url": b.respURL + "/actions",
			"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0", "action_id": btn.id,
				"value": btn.value, "text": map[string]any{"type": "plain_text", "text": btn.label}, "action_ts": "1700000001.000200"}},
		})
		out := []matrixAnswer{b.slackReply(t, nil)}
		if out[0].public && !out[0].updates { // shared: the private answer follows
			out = append(out, b.slackReply(t, nil))
		}
		return out
	}
}

// slackReply reads a Slack message: the header's text as its title, or, for an answer still
// being made (none given here, or one without blocks), the message posted to response_url
// after it.
func (b *matrixBot) slackReply(t *testing.T, raw []byte) matrixAnswer {
	t.Helper()
	type text struct {
		Text string `json:"text"`
	}
	var m struct {
		ResponseType    string `json:"response_type"`
		ReplaceOriginal bool   `json:"replace_original"`
		Blocks          []struct {
			Type     string `json:"type"`
			Text     *text  `json:"text"`
			Elements []struct {
				Type     string          `json:"type"`
				ActionID string          `json:"action_id"`
				Value    string          `json:"value"`
				Text     json.RawMessage `json:"text"` // a button's text object; a context element's text
			} `json:"elements"`
		} `json:"blocks"`
	}
	if len(bytes.TrimSpace(raw)) == 0 || json.Unmarshal(raw, &m) == nil && len(m.Blocks) == 0 {
		select {
		case raw = <-b.responses:
		case <-time.After(20 * time.Second):
			t.Fatalf("no answer, and nothing posted to response_url (%s)", raw)
		}
		return b.slackReply(t, raw)
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("Slack answer %s: %v", raw, err)
	}
	a := matrixAnswer{raw: raw, public: m.ResponseType == "in_channel", updates: m.ReplaceOriginal}
	for _, blk := range m.Blocks {
		if blk.Type == "header" && blk.Text != nil && a.title == "" { // a Share's context comes first
			a.title = html.UnescapeString(blk.Text.Text) // Slack's escaping of &, < and >
		}
		for _, e := range blk.Elements {
			var t text
			if json.Unmarshal(e.Text, &t) != nil { // a context's element is the text object itself
				_ = json.Unmarshal(e.Text, &t.Text)
			}
			switch {
			case blk.Type == "actions" && e.Type == "button":
				a.buttons = append(a.buttons, matrixButton{label: t.Text, id: e.ActionID, value: e.Value})
			case blk.Type == "context":
				a.footer = html.UnescapeString(t.Text)
			}
		}
	}
	return a
}

// Discord

// discordPost sends an interaction to the Interactions Endpoint and reads its answer.
func (b *matrixBot) discordPost(t *testing.T, in discordtest.Interaction) matrixAnswer {
	t.Helper()
	body := in.Body()
	req, err := http.NewRequest(http.MethodPost, b.base+"/discord/interactions", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	discordtest.SetHeaders(req.Header, strconv.FormatInt(time.Now().Unix(), 10), body)
	return b.discordReply(t, do(t, req))
}

// discordDispatch sends an interaction through the gateway and reads its answer over REST.
func (b *matrixBot) discordDispatch(t *testing.T, in discordtest.Interaction) matrixAnswer {
	t.Helper()
	b.discord.Dispatch(t, in.Body())
	select {
	case raw := <-b.discord.Callbacks:
		return b.discordReply(t, raw)
	case <-time.After(20 * time.Second):
		t.Fatal("no answer over REST to an interaction from the gateway")
		return matrixAnswer{}
	}
}

func (b *matrixBot) discordCommand(send func(*testing.T, discordtest.Interaction) matrixAnswer) func(*testing.T, matrixCase) matrixAnswer {
	return func(t *testing.T, c matrixCase) matrixAnswer { t.Helper(); return send(t, b.interaction(c)) }
}

// discordFind runs the "Find in briefing" message command on a message of text.
func (b *matrixBot) discordFind(send func(*testing.T, discordtest.Interaction) matrixAnswer) func(*testing.T, string) matrixAnswer {
	return func(t *testing.T, text string) matrixAnswer {
		t.Helper()
		return send(t, discordtest.MessageCommand(bot.FindLabel, text))
	}
}

// discordPress presses a button under the message of id, private or not.
func (b *matrixBot) discordPress(send func(*testing.T, discordtest.Interaction) matrixAnswer) func(*testing.T, matrixButton, bool, string) []matrixAnswer {
	return func(t *testing.T, btn matrixButton, private bool, id string) []matrixAnswer {
		t.Helper()
		in := discordtest.Button(btn.id)
		in.MessageID, in.Ephemeral, in.Perms = id, private, "32"
		return []matrixAnswer{send(t, in)}
	}
}

type discordMessage struct {
	Flags  int `json:"flags"`
	Embeds []struct {
		Title  string `json:"title"`
		Footer *struct {
			Text string `json:"text"`
		} `json:"footer"`
	} `json:"embeds"`
	Content    string `json:"content"`
	Components []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
			Label    string `json:"label"`
		} `json:"components"`
	} `json:"components"`
}

func (m discordMessage) title() string {
	title := m.Content
	if len(m.Embeds) > 0 {
		title = m.Embeds[0].Title
	}
	return markdownEscape.ReplaceAllString(title, "$1") // as Discord shows it
}

// answer is m as read, private or not as its flags or its deferral say.
func (m discordMessage) answer(raw []byte, private, updates bool) matrixAnswer {
	a := matrixAnswer{title: m.title(), raw: raw, public: !private && m.Flags&64 == 0, updates: updates}
	if n := len(m.Embeds); n > 0 && m.Embeds[n-1].Footer != nil {
		a.footer = m.Embeds[n-1].Footer.Text
	}
	for _, row := range m.Components {
		for _, c := range row.Components {
			a.buttons = append(a.buttons, matrixButton{label: c.Label, id: c.CustomID})
		}
	}
	return a
}

// discordReply reads an interaction response; for a deferred answer, the edit that follows it.
func (b *matrixBot) discordReply(t *testing.T, raw []byte) matrixAnswer {
	t.Helper()
	var r struct {
		Type int             `json:"type"`
		Data *discordMessage `json:"data"`
		discordMessage
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("Discord answer %s: %v", raw, err)
	}
	switch {
	case r.Type == 5 || r.Type == 6: // deferred: the answer comes as an edit
		private := r.Data != nil && r.Data.Flags&64 != 0
		select {
		case edit := <-b.discord.Callbacks:
			a := b.discordReply(t, edit)
			a.public = a.public && !private
			a.updates = r.Type == 6
			return a
		case <-time.After(20 * time.Second):
			t.Fatal("a deferred answer was never edited in")
		}
	case r.Data != nil:
		return r.Data.answer(raw, false, r.Type == 7)
	}
	return r.discordMessage.answer(raw, false, false) // an edit is the message itself
}
