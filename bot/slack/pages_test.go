package slack_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"briefbot/bot/bottest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

// contexts lists the texts of a message's context blocks.
func (m slackMessage) contexts() []string {
	var out []string
	for _, b := range m.Blocks {
		if b.Type == "context" {
			for _, e := range b.Elements {
				out = append(out, elementText(e.Text))
			}
		}
	}
	return out
}

// buttonLines lists a message's buttons as action_id and value.
func buttonLines(m slackMessage) [][2]string {
	var out [][2]string
	for _, b := range m.buttons() {
		out = append(out, [2]string{b.ActionID, b.Value})
	}
	return out
}

func sameLines(got, want [][2]string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// press sends a signed button press over HTTP, under the message sent at messageTS.
func press(t *testing.T, b *slack.Bot, user, responseURL string, pressed element, messageTS string) {
	t.Helper()
	body := []byte(url.Values{"payload": {string(pressPayload(t, user, responseURL, pressed, messageTS))}}.Encode())
	if w := serve(b.Interactivity(), signedRequest("/slack/interactivity", body)); w.Code != http.StatusOK {
		t.Fatalf("interactivity answered %d %q", w.Code, w.Body)
	}
}

// TestPages: /brief-search of many hits answers with its first page and a Next button (no
// Previous: Slack has no disabled buttons); pressing it replaces the message with page 2.
func TestPages(t *testing.T) {
	rs := newResponseServer(t)
	b := newBot(t, engineFrom(t, bottest.TunnelLog(20)), slack.Config{})
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/brief-search", "tunnels", memberUser, rs.URL+"/commands/1")))
	first := decode(t, w.Body.Bytes())
	checkLimits(t, "page 1", first)
	if got, want := buttonLines(first), [][2]string{{"briefbot-page-1", "/search words:tunnels page:2"}}; !sameLines(got, want) {
		t.Errorf("page 1 buttons %v; want %v", got, want)
	}
	if got := first.contexts(); len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "Page 1 of 3 · Source: Test desk") {
		t.Errorf("page 1 context %q; want the page, then the source", got)
	}
	golden(t, "search-page-1", indent(t, w.Body.Bytes()))

	press(t, b, memberUser, rs.URL+"/actions/1", first.buttons()[0], "1700000000.000100")
	posted := rs.next(t)
	second := decode(t, posted)
	checkLimits(t, "page 2", second)
	if second.ReplaceOriginal == nil || !*second.ReplaceOriginal {
		t.Errorf("replace_original = %v; want true: the page turns in place", second.ReplaceOriginal)
	}
	if got, want := buttonLines(second), [][2]string{{"briefbot-page-0", "/search words:tunnels page:1"}, {"briefbot-page-1", "/search words:tunnels page:3"}}; !sameLines(got, want) {
		t.Errorf("page 2 buttons %v; want %v", got, want)
	}
	golden(t, "search-page-2", indent(t, posted))

	// Forged values: refused in a message of their own; the page shown stays.
	for _, tc := range []struct{ value, title string }{
		{"/search words:tunnels page:99", "No page 99"},
		{"/search words:tunnels page:abc", "“abc” is not a page"},
		{"/search words:tunnels page:0", "“0” is not a page"},
		{"/digest now", "Cannot read that command"},
		{"/nonsense page:2", "Unknown command"},
	} {
		press(t, b, memberUser, rs.URL+"/actions/2", element{ActionID: "briefbot-page-1", Value: tc.value}, "1700000000.000100")
		m := decode(t, rs.next(t))
		if m.header() != tc.title || m.ResponseType != "ephemeral" || m.ReplaceOriginal == nil || *m.ReplaceOriginal {
			t.Errorf("page button %q: %q (%s, replace %v); want a private %q of its own", tc.value, m.header(), m.ResponseType, m.ReplaceOriginal, tc.title)
		}
	}
	rs.none(t, b)
}

// TestShare: a private answer carries Share to channel; pressing it posts the answer in the
// channel naming the sharer, then replaces the private one without the button; a second press
// is told it was shared; errors and forged lines stay private.
func TestShare(t *testing.T) {
	rs := newResponseServer(t)
	b := newBot(t, embeddedEngine(t), slack.Config{})
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/help", "", memberUser, rs.URL+"/commands/1")))
	help := decode(t, w.Body.Bytes())
	btns := help.buttons()
	if len(btns) != 1 || btns[0].ActionID != "briefbot-share" || btns[0].Value != "/help" {
		t.Fatalf("/help's buttons %+v; want Share to channel", btns)
	}

	press(t, b, memberUser, rs.URL+"/actions/1", btns[0], "1700000000.000200")
	posted := rs.next(t)
	shared := decode(t, posted)
	checkLimits(t, "shared", shared)
	if shared.ResponseType != "in_channel" || shared.ReplaceOriginal == nil || *shared.ReplaceOriginal {
		t.Errorf("shared: %s, replace %v; want a new message in the channel", shared.ResponseType, shared.ReplaceOriginal)
	}
	if got := shared.contexts(); len(got) == 0 || got[0] != "Shared by someone" {
		t.Errorf("shared contexts %q; want Shared by someone, by name: a mention would notify", got)
	}
	if len(shared.buttons()) != 0 {
		t.Errorf("the shared answer has buttons %+v", shared.buttons())
	}
	golden(t, "shared-help", indent(t, posted))
	kept := decode(t, rs.next(t))
	if kept.ResponseType != "ephemeral" || kept.ReplaceOriginal == nil || !*kept.ReplaceOriginal || len(kept.buttons()) != 0 || kept.header() != "briefbot" {
		t.Errorf("the private answer after sharing: %s, replace %v, buttons %v; want itself, private, without the button", kept.ResponseType, kept.ReplaceOriginal, kept.buttons())
	}

	for _, user := range []string{memberUser, adminUser} {
		press(t, b, user, rs.URL+"/actions/2", btns[0], "1700000000.000200")
		if m := decode(t, rs.next(t)); m.header() != "Already shared" || m.ResponseType != "ephemeral" {
			t.Errorf("a second press by %s: %q (%s); want a private Already shared", user, m.header(), m.ResponseType)
		}
	}
	for _, tc := range []struct{ value, title string }{
		{"/digest now", "This answer cannot be shared"},
		{"/position banana", "No issue matches “banana”"},
	} {
		press(t, b, memberUser, rs.URL+"/actions/3", element{ActionID: "briefbot-share", Value: tc.value}, "1700000000.000300")
		if m := decode(t, rs.next(t)); m.header() != tc.title || m.ResponseType != "ephemeral" {
			t.Errorf("share of %q: %q (%s); want a private %q", tc.value, m.header(), m.ResponseType, tc.title)
		}
	}
	rs.none(t, b)
}

// TestPagesAndShareOverSocketMode: the same buttons pressed over Socket Mode.
func TestPagesAndShareOverSocketMode(t *testing.T) {
	fake := newFakeSocketMode(t)
	rs := newResponseServer(t)
	b := newBot(t, engineFrom(t, bottest.TunnelLog(20)), slack.Config{AppToken: testAppToken, APIURL: fake.URL})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := b.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	deliver := func(envelope, actionID, value, messageTS string) {
		fake.Deliver(t, map[string]any{
			"envelope_id": envelope, "type": "interactive", "accepts_response_payload": false,
			"payload": map[string]any{
				"type": "block_actions", "user": map[string]any{"id": memberUser, "username": "someone"}, "team": map[string]any{"id": "T0001"},
				"container":    map[string]any{"type": "message", "message_ts": messageTS, "channel_id": testChannel, "is_ephemeral": true},
				"response_url": rs.URL + "/actions/" + envelope, "trigger_id": slacktest.TriggerID(), "api_app_id": "A0001",
				"actions": []map[string]any{{"type": "button", "block_id": "briefbot-actions-0",
					"action_id": actionID, "value": value, "action_ts": "1.2"}},
			},
		})
		fake.Ack(t, envelope)
	}
	deliver("env-page", "briefbot-page-1", "/search words:tunnels page:3", "1.1")
	if m := decode(t, rs.next(t)); m.ReplaceOriginal == nil || !*m.ReplaceOriginal || !sameLines(buttonLines(m), [][2]string{{"briefbot-page-0", "/search words:tunnels page:2"}}) {
		t.Errorf("page 3 over Socket Mode: replace %v, buttons %v", m.ReplaceOriginal, buttonLines(m))
	}
	deliver("env-share", "briefbot-share", "/help", "1.2")
	if m := decode(t, rs.next(t)); m.ResponseType != "in_channel" || m.contexts()[0] != "Shared by someone" {
		t.Errorf("shared over Socket Mode: %s, %q", m.ResponseType, m.contexts())
	}
	rs.next(t) // the private answer, without its button
	deliver("env-share-again", "briefbot-share", "/help", "1.2")
	if m := decode(t, rs.next(t)); m.header() != "Already shared" {
		t.Errorf("a second press over Socket Mode: %q", m.header())
	}
}

// TestPagesNeverCut: a list far longer than a message comes in pages that each keep within
// every limit whole, nothing shortened, and Next reaches every item.
func TestPagesNeverCut(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("---\nid: long\ntitle: Long\nsource: Test desk\ndate: 2025-04\nparties:\n  - {id: a, name: A}\n---\nSummary.\n\n" +
		"## Positions\n| Issue | A |\n|---|---|\n| One | Yes |\n\n## Key figures\n")
	for i := range 200 {
		fmt.Fprintf(&sb, "- %d units: %s (source: Test desk)\n", i, strings.Repeat(fmt.Sprintf("figure%d text ", i), 40))
	}
	rs := newResponseServer(t)
	b := newBot(t, engineFrom(t, sb.String()), slack.Config{})
	w := serve(b.Commands(), signedRequest("/slack/commands", commandBody("/facts", "", memberUser, rs.URL)))
	raw := w.Body.Bytes()
	seen, pages := map[string]bool{}, 0
	for {
		m := decode(t, raw)
		checkLimits(t, fmt.Sprint("page ", pages+1), m)
		if strings.Contains(string(raw), "(shortened)") {
			t.Fatalf("page %d was cut:\n%s", pages+1, raw)
		}
		for _, s := range m.strings() {
			if n, _, ok := strings.Cut(strings.TrimPrefix(s, "*"), " units*"); ok {
				seen[n] = true
			}
		}
		pages++
		var next *element
		for _, btn := range m.buttons() {
			if elementText(btn.Text) == "Next →" {
				next = &btn
			}
		}
		if next == nil {
			break
		}
		press(t, b, memberUser, rs.URL, *next, "1.1")
		raw = rs.next(t)
	}
	if len(seen) != 200 || pages < 3 {
		t.Errorf("%d pages showed %d of 200 figures; want every one, over several pages", pages, len(seen))
	}
}
