package slack_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"briefbot/bot"
	"briefbot/bot/bottest"
	"briefbot/bot/slack"
	"briefbot/bot/slack/slacktest"
)

const (
	testSecret  = slacktest.Secret
	testToken   = "xoxb-test-token"
	adminUser   = "UADMIN01"
	memberUser  = "UMEMBER1"
	testChannel = slacktest.Channel
)

// digestDay fixes the engine's clock, so that the digest preview is the same on every run.
var digestDay = time.Date(2025, 4, 7, 9, 0, 0, 0, time.UTC)

// embeddedEngine answers from the briefing built into the binary, with Slack's admin rule.
func embeddedEngine(tb testing.TB) *bot.Engine {
	return bottest.Engine(tb, bot.Config{Now: func() time.Time { return digestDay }, Access: admins})
}

// admins is the config's slack.admin_user_ids, as the engine takes it.
var admins = map[string]bot.Access{"slack": {Users: []string{adminUser}}}

// engineFrom builds an engine over one briefing written in Markdown.
func engineFrom(tb testing.TB, markdown string) *bot.Engine { return bottest.EngineFrom(tb, markdown) }

// newBot builds a Bot with test credentials; cfg's zero fields get defaults. The deadline is
// generous so that a loaded machine never sends a quick answer to response_url.
func newBot(tb testing.TB, e *bot.Engine, cfg slack.Config) *slack.Bot {
	tb.Helper()
	if cfg.BotToken == "" {
		cfg.BotToken = testToken
	}
	if cfg.SigningSecret == "" && cfg.AppToken == "" {
		cfg.SigningSecret = testSecret
	}
	if cfg.AdminUserIDs == nil {
		cfg.AdminUserIDs = []string{adminUser}
	}
	b, err := slack.New(cfg, bottest.Core(tb, e), nil)
	if err != nil {
		tb.Fatalf("slack.New: %v", err)
	}
	slack.SetAnswerDeadline(b, 30*time.Second)
	tb.Cleanup(func() { _ = b.Close() })
	return b
}

func sign(secret, stamp string, body []byte) string { return slacktest.Sign(secret, stamp, body) }

// signedRequest is a POST as Slack sends it, signed now with the test secret.
func signedRequest(path string, body []byte) *http.Request {
	return slacktest.Request(path, body, time.Now())
}

func commandBody(command, text, user, responseURL string) []byte {
	return slacktest.CommandForm(command, text, user, responseURL)
}

// serve runs one request through h in-process.
func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// indent is JSON as the golden files hold it: indented like ResponseJSON.
func indent(tb testing.TB, body []byte) []byte {
	tb.Helper()
	var out bytes.Buffer
	if err := json.Indent(&out, body, "", "  "); err != nil {
		tb.Fatalf("not JSON: %v\n%s", err, body)
	}
	return out.Bytes()
}

// golden compares got with testdata/name.golden.json, or rewrites it with -update.
func golden(tb testing.TB, name string, got []byte) {
	tb.Helper()
	bottest.Golden(tb, name+".golden.json", append(bytes.TrimSpace(got), '\n'))
}

// A slackMessage is the JSON Slack receives, decoded for checks.
type slackMessage struct {
	ResponseType    string  `json:"response_type"`
	ReplaceOriginal *bool   `json:"replace_original"`
	Text            string  `json:"text"`
	Blocks          []block `json:"blocks"`
}

type block struct {
	Type           string          `json:"type"`
	BlockID        string          `json:"block_id"`
	Text           *textObject     `json:"text"`
	Fields         []textObject    `json:"fields"`
	Elements       []element       `json:"elements"`
	Rows           [][]tableCell   `json:"rows"`
	ColumnSettings []columnSetting `json:"column_settings"`
}

// A tableCell is raw_text, with its text, or rich_text, with sections of text runs.
type tableCell struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Elements []struct {
		Type     string `json:"type"`
		Elements []struct {
			Type  string `json:"type"`
			Text  string `json:"text"`
			Style struct {
				Bold bool `json:"bold"`
			} `json:"style"`
		} `json:"elements"`
	} `json:"elements"`
}

// content is what the cell shows. ok is false for anything but literal text: a rich text element
// other than a run of text could be a mention or a link.
func (c tableCell) content() (text string, ok bool) {
	switch c.Type {
	case "raw_text":
		return c.Text, c.Elements == nil
	case "rich_text":
		var sb strings.Builder
		for _, sec := range c.Elements {
			if sec.Type != "rich_text_section" {
				return "", false
			}
			for _, run := range sec.Elements {
				if run.Type != "text" {
					return "", false
				}
				sb.WriteString(run.Text)
			}
		}
		return sb.String(), c.Text == ""
	}
	return "", false
}

type columnSetting struct {
	Align     string `json:"align"`
	IsWrapped bool   `json:"is_wrapped"`
}

// table is the message's table block, if it has one, as the text of its cells, header row first.
func (m slackMessage) table() [][]string {
	for _, b := range m.Blocks {
		if b.Type != "table" {
			continue
		}
		out := make([][]string, len(b.Rows))
		for i, row := range b.Rows {
			for _, c := range row {
				text, _ := c.content()
				out[i] = append(out[i], text)
			}
		}
		return out
	}
	return nil
}

type textObject struct {
	Type     string `json:"type"`
	Text     string `json:"text"`
	Verbatim bool   `json:"verbatim"`
}

type element struct {
	Type     string          `json:"type"`
	Text     json.RawMessage `json:"text"`
	ActionID string          `json:"action_id"`
	Value    string          `json:"value"`
	Style    string          `json:"style"`
}

func decode(tb testing.TB, body []byte) slackMessage {
	tb.Helper()
	var m slackMessage
	if err := json.Unmarshal(body, &m); err != nil {
		tb.Fatalf("decode %s: %v", body, err)
	}
	return m
}

// header is the text of the message's header block, if it has one.
func (m slackMessage) header() string {
	for _, b := range m.Blocks {
		if b.Type == "header" && b.Text != nil {
			return b.Text.Text
		}
	}
	return ""
}

// buttons lists the message's buttons.
func (m slackMessage) buttons() []element {
	var out []element
	for _, b := range m.Blocks {
		if b.Type == "actions" {
			out = append(out, b.Elements...)
		}
	}
	return out
}

// strings lists every mrkdwn and plain text of the message, decoded: everything Slack reads
// for markup, which table cells are not.
func (m slackMessage) strings() []string {
	out := []string{m.Text}
	for _, b := range m.Blocks {
		if b.Text != nil {
			out = append(out, b.Text.Text)
		}
		for _, f := range b.Fields {
			out = append(out, f.Text)
		}
		for _, e := range b.Elements {
			var t textObject
			if json.Unmarshal(e.Text, &t) == nil {
				out = append(out, t.Text)
			} else {
				var s string
				_ = json.Unmarshal(e.Text, &s)
				out = append(out, s)
			}
			out = append(out, e.Value)
		}
	}
	return out
}

// checkLimits fails for anything in m over Slack's Block Kit limits.
func checkLimits(tb testing.TB, name string, m slackMessage) {
	tb.Helper()
	length := func(s string) int { return len([]rune(s)) }
	if m.Text == "" {
		tb.Errorf("%s: no top-level text", name)
	}
	if len(m.Blocks) > 50 {
		tb.Errorf("%s: %d blocks, over 50", name, len(m.Blocks))
	}
	tables := 0
	for i, b := range m.Blocks {
		switch b.Type {
		case "header":
			if n := length(b.Text.Text); n < 1 || n > 150 {
				tb.Errorf("%s: block %d: header of %d characters", name, i, n)
			}
		case "section":
			if b.Text == nil && len(b.Fields) == 0 {
				tb.Errorf("%s: block %d: section with neither text nor fields", name, i)
			}
			if b.Text != nil {
				if n := length(b.Text.Text); n < 1 || n > 3000 {
					tb.Errorf("%s: block %d: section text of %d characters", name, i, n)
				}
			}
			if len(b.Fields) > 10 {
				tb.Errorf("%s: block %d: %d fields, over 10", name, i, len(b.Fields))
			}
			for j, f := range b.Fields {
				if n := length(f.Text); n < 1 || n > 2000 {
					tb.Errorf("%s: block %d field %d: %d characters", name, i, j, n)
				}
			}
		case "context":
			if n := len(b.Elements); n < 1 || n > 10 {
				tb.Errorf("%s: block %d: context with %d elements", name, i, n)
			}
		case "actions":
			if n := len(b.Elements); n < 1 || n > 5 {
				tb.Errorf("%s: block %d: actions with %d elements", name, i, n)
			}
			ids := map[string]bool{}
			for _, e := range b.Elements {
				var t textObject
				_ = json.Unmarshal(e.Text, &t)
				if n := length(t.Text); n < 1 || n > 75 {
					tb.Errorf("%s: block %d: button text of %d characters", name, i, n)
				}
				if n := length(e.Value); n > 2000 {
					tb.Errorf("%s: block %d: button value of %d characters", name, i, n)
				}
				if ids[e.ActionID] {
					tb.Errorf("%s: block %d: action_id %q twice", name, i, e.ActionID)
				}
				ids[e.ActionID] = true
			}
		case "table":
			tables++
			checkTable(tb, fmt.Sprintf("%s: block %d", name, i), b)
		default:
			tb.Errorf("%s: block %d: unexpected type %q", name, i, b.Type)
		}
	}
	if tables > 1 {
		tb.Errorf("%s: %d table blocks; Slack takes one a message", name, tables)
	}
}

// checkTable fails for a table block over the limits of Slack's table block reference, with an
// empty cell, which Slack refuses, or with a cell that is not literal text.
func checkTable(tb testing.TB, name string, b block) {
	tb.Helper()
	if n := len(b.Rows); n < 1 || n > 100 {
		tb.Errorf("%s: table of %d rows; Slack takes 1 to 100", name, n)
	}
	if n := len(b.ColumnSettings); n > 20 {
		tb.Errorf("%s: %d column settings, over 20", name, n)
	}
	total := 0
	for i, row := range b.Rows {
		if n := len(row); n < 1 || n > 20 {
			tb.Errorf("%s: row %d of %d cells; Slack takes 1 to 20", name, i, n)
		}
		for j, c := range row {
			text, ok := c.content()
			if !ok {
				tb.Errorf("%s: cell %d,%d is not literal text: %+v", name, i, j, c)
			}
			n := len(utf16.Encode([]rune(text)))
			if n < 1 || n > 2000 {
				tb.Errorf("%s: cell %d,%d of %d characters", name, i, j, n)
			}
			total += n
		}
	}
	if total > 10_000 {
		tb.Errorf("%s: %d characters across the table's cells, over 10,000", name, total)
	}
}

// noLiveMentions fails when any text could ping or link: Slack reads only "<...>" as such. Table
// cells are literal text, shown as written, so they may hold "<" and are checked to be literal
// instead (checkTable).
func noLiveMentions(tb testing.TB, name string, raw []byte) {
	tb.Helper()
	read := withoutTableRows(tb, raw)
	for _, bad := range []string{"<!", "<@", "<#", "<http", `\u003c`} {
		if bytes.Contains(read, []byte(bad)) {
			tb.Errorf("%s: JSON holds %q:\n%s", name, bad, raw)
		}
	}
	m := decode(tb, raw)
	for i, b := range m.Blocks {
		if b.Type == "table" {
			checkTable(tb, fmt.Sprintf("%s: block %d", name, i), b)
		}
	}
	for _, s := range m.strings() {
		if strings.Contains(s, "<") || (strings.Contains(s, ">") && !quoteOnly(s)) {
			tb.Errorf("%s: text holds an angle bracket: %q", name, s)
		}
	}
}

// withoutTableRows is the JSON of a message with its table's cells left out: what Slack reads
// for mentions and links.
func withoutTableRows(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		tb.Fatalf("decode %s: %v", raw, err)
	}
	blocks, _ := m["blocks"].([]any)
	for _, b := range blocks {
		if b, ok := b.(map[string]any); ok && b["type"] == "table" {
			delete(b, "rows")
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// quoteOnly reports whether every ">" in s is a quote marker at the start of a line.
func quoteOnly(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(strings.TrimPrefix(line, "> "), ">") {
			return false
		}
	}
	return true
}

// responseServer stands in for a response_url: it records every message posted to it.
type responseServer struct {
	*httptest.Server
	posts chan []byte
}

func newResponseServer(tb testing.TB) *responseServer {
	tb.Helper()
	rs := &responseServer{posts: make(chan []byte, 16)}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			http.Error(w, "want a JSON POST", http.StatusBadRequest)
			return
		}
		rs.posts <- body
		_, _ = io.WriteString(w, "ok")
	}))
	tb.Cleanup(rs.Close)
	return rs
}

// next waits for the next post; the bound only keeps a broken test from hanging.
func (rs *responseServer) next(tb testing.TB) []byte {
	tb.Helper()
	select {
	case body := <-rs.posts:
		return body
	case <-time.After(20 * time.Second):
		tb.Fatal("nothing was posted to response_url")
		return nil
	}
}

// none checks that nothing more was posted by the time the bot is closed.
func (rs *responseServer) none(tb testing.TB, b *slack.Bot) {
	tb.Helper()
	_ = b.Close()
	select {
	case body := <-rs.posts:
		tb.Errorf("unexpected post to response_url: %s", body)
	default:
	}
}

// interactionBody is the form Slack posts when a button is pressed.
func interactionBody(tb testing.TB, user, responseURL string, pressed element) []byte {
	tb.Helper()
	return []byte(url.Values{"payload": {string(pressPayload(tb, user, responseURL, pressed, "1700000000.000100"))}}.Encode())
}

// pressPayload is the payload of a press of a button under the message sent at messageTS.
func pressPayload(tb testing.TB, user, responseURL string, pressed element, messageTS string) []byte {
	tb.Helper()
	payload, err := json.Marshal(map[string]any{
		"type":         "block_actions",
		"user":         map[string]any{"id": user, "username": "someone", "team_id": "T0001"},
		"api_app_id":   "A0001",
		"token":        "ignored-verification-token",
		"container":    map[string]any{"type": "message", "message_ts": messageTS, "channel_id": testChannel, "is_ephemeral": false},
		"trigger_id":   slacktest.TriggerID(),
		"team":         map[string]any{"id": "T0001", "domain": "example"},
		"channel":      map[string]any{"id": testChannel, "name": "policy"},
		"response_url": responseURL,
		"actions": []map[string]any{{
			"type": "button", "block_id": "briefbot-actions-0", "action_id": pressed.ActionID,
			"value": pressed.Value, "text": map[string]any{"type": "plain_text", "text": "Full comparison"},
			"action_ts": "1700000001.000200",
		}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	return payload
}

// safeLog is a writer for slog that tests can read while the bot writes.
type safeLog = bottest.LogBuffer
